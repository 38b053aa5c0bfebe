"""Who came: the facilitator's check-in (services) and proofs of attendance that a third
party can verify (letters)."""
