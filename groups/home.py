"""What the home page shows a signed-in member about their groups: their next meeting, and
whether they belong to any group yet (a brand-new member gets the first-run welcome)."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from groups.models import Meeting, Membership
from groups.selectors import meeting_list_upcoming_for_user


def home_next_meeting(*, user: User, now: datetime) -> Meeting | None:
    """The first coming meeting of the member's groups that is not cancelled (with `my_answer`,
    its series and group), or None."""
    return next(
        (
            meeting
            for meeting in meeting_list_upcoming_for_user(user=user, now=now)
            if not meeting.is_cancelled
        ),
        None,
    )


def home_has_groups(*, user: User) -> bool:
    """Whether the person is in a group or has asked to join one: then they are no longer new."""
    return Membership.objects.filter(
        user=user, state__in=[Membership.State.ACTIVE, Membership.State.PENDING]
    ).exists()
