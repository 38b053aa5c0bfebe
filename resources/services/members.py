"""What members and facilitators do with the library: saving resources, and attaching
published ones to a group or one of its meetings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from groups.models import Meeting, SupportGroup
from resources.models import Bookmark, GroupResource, Resource


def bookmark_add(*, user: User, resource: Resource) -> Bookmark:
    """Saving twice keeps one bookmark."""
    if not resource.is_published:
        raise ValidationError(_("Only published resources can be saved."), code="not_published")
    bookmark, _created = Bookmark.objects.get_or_create(user=user, resource=resource)
    return bookmark


def bookmark_remove(*, user: User, resource: Resource) -> None:
    Bookmark.objects.filter(user=user, resource=resource).delete()


@transaction.atomic
def group_resource_attach(
    *, group: SupportGroup, resource: Resource, by: User, meeting: Meeting | None = None
) -> GroupResource:
    """The caller has checked that `by` facilitates `group` (groups.permissions)."""
    if not resource.is_published:
        raise ValidationError(_("Only published resources can be shared."), code="not_published")
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError(_("That meeting belongs to another group."), code="other_group")
    link, _created = GroupResource.objects.get_or_create(
        group=group, meeting=meeting, resource=resource, defaults={"added_by": by}
    )
    return link


def group_resource_detach(*, group: SupportGroup, link_id: int) -> None:
    GroupResource.objects.filter(group=group, pk=link_id).delete()
