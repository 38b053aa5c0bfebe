"""What the library holds about a person, for the account's export and deletion."""

from __future__ import annotations

from accounts.models import User
from accounts.services.exports import export_section, iso_utc
from accounts.services.users import deletion_step
from resources.models import Bookmark


@export_section("bookmarks")
def bookmarks_for_export(user: User) -> list[dict]:
    return [
        {"title": bookmark.resource.title, "at": iso_utc(bookmark.created_at)}
        for bookmark in Bookmark.objects.filter(user=user).select_related("resource")
    ]


@deletion_step("bookmarks")
def delete_bookmarks(user: User) -> None:
    Bookmark.objects.filter(user=user).delete()
