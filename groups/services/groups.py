"""Creating and running groups: settings, archiving, invitations, announcements. (Reports:
groups.services.reports.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import ngettext

from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups import news
from groups.models import Announcement, Invitation, Membership, SupportGroup, Topic
from groups.permissions import user_can_create_groups
from groups.services.online import online_link_changed

# Fixed paths under /groups/ (groups/urls.py): a group with one of these slugs could not be
# reached at /groups/<slug>/.
RESERVED_SLUGS = frozenset({"new", "invite"})


def group_unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:80] or "group"
    slug, n = base, 2
    taken = SupportGroup.objects.exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None is valid (IS NULL)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def group_create(
    *, creator: User, fields: dict[str, object], topics: list[Topic] | tuple[Topic, ...] = ()
) -> SupportGroup:
    """A new group, with its creator as its first facilitator."""
    if not user_can_create_groups(creator):
        raise PermissionDenied("Only approved facilitators can start a group.")
    group = SupportGroup(**fields, created_by=creator)
    group.slug = group_unique_slug(group.name)
    group.full_clean()
    group.save()
    group.topics.set(topics)
    Membership.objects.create(
        user=creator,
        group=group,
        role=Membership.Role.FACILITATOR,
        state=Membership.State.ACTIVE,
        conduct_accepted_at=timezone.now(),
        decided_by=creator,
        decided_at=timezone.now(),
    )
    return group


@transaction.atomic
def group_update(
    *,
    group: SupportGroup,
    fields: dict[str, object],
    topics: list[Topic] | None = None,
    by: User | None = None,
) -> SupportGroup:
    link_before = group.online_url
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    if group.online_url != link_before:
        online_link_changed(by=by, group_id=group.pk)
    if topics is not None:
        group.topics.set(topics)
    return group


@transaction.atomic
def group_archive(*, group: SupportGroup, by: User) -> None:
    if not by.is_staff:
        raise PermissionDenied("Only admins can archive a group.")
    group.state = SupportGroup.State.ARCHIVED
    group.save(update_fields=["state", "updated_at"])
    audit_record(
        action=AuditEvent.Action.GROUP_ARCHIVED,
        subject=None,
        actor=by,
        details={"group": group.pk},
    )


def invitation_create(
    *,
    group: SupportGroup,
    by: User,
    max_uses: int = 1,
    lifetime: timedelta = Invitation.DEFAULT_LIFETIME,
) -> Invitation:
    """A new link: for one person (one use) and two weeks unless the facilitator chose
    otherwise. Raises ValidationError for a limit or a lifetime out of bounds."""
    if not timedelta(days=1) <= lifetime <= Invitation.MAX_LIFETIME:
        most = Invitation.MAX_LIFETIME.days
        raise ValidationError(
            ngettext(
                "Choose between 1 and %(most)d day.", "Choose between 1 and %(most)d days.", most
            )
            % {"most": most},
            code="lifetime",
        )
    now = timezone.now()
    invitation = Invitation(
        group=group, created_by=by, created_at=now, expires_at=now + lifetime, max_uses=max_uses
    )
    invitation.full_clean()
    invitation.save()
    return invitation


def invitation_use(*, invitation: Invitation, now: datetime) -> bool:
    """Count one use of the link; False (and nothing counted) if it has none left, has expired
    or was withdrawn.

    One conditional UPDATE both checks and counts, so the database decides: of two people
    taking a link's last use at the same moment, the second UPDATE waits for the first's row
    lock, then finds `uses < max_uses` false and changes nothing. Call it inside the
    transaction that adds the membership, so a refusal after it gives the use back."""
    claimed = Invitation.objects.usable(now=now).filter(pk=invitation.pk).update(uses=F("uses") + 1)
    return claimed == 1


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def announcement_post(*, group: SupportGroup, author: User, title: str, body: str) -> Announcement:
    """Publish to the group page and e-mail every active member (after commit)."""
    announcement = Announcement(group=group, author=author, title=title.strip(), body=body)
    announcement.full_clean()
    announcement.save()

    news.announcement_send_later(announcement)
    return announcement
