"""What a meeting is made of, below every service: recurrence rules (recurrence), local times
across daylight-saving changes (times), and where a meeting is (places). Scheduling writes
are groups.services.meetings; the answers members give, groups.services.rsvps."""
