"""The outbox: one ledger row per message to deliver, a dispatcher that claims due rows, and
senders that re-check, deliver and record. Channel-agnostic (e-mail today); it knows nothing
of accounts, groups or resources: those apps register planners and builders with it."""
