"""A group's schedule: recurrence rules (recurrence), local times across daylight-saving
changes (times), where a meeting is (places), planning, cancelling and moving meetings
(services), and the answers members give (rsvps)."""
