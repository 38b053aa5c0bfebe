from __future__ import annotations

from django.core.exceptions import ValidationError


class MeetingError(ValidationError):
    """A change to a meeting (or an answer for one) that cannot happen, with a message for
    the person."""
