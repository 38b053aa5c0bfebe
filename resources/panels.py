"""The library's part of a group's page and a meeting's page (groups.pages)."""

from __future__ import annotations

from typing import Any

from groups.models import Meeting, SupportGroup
from groups.pages import group_page_panel, meeting_page_panel, panel_tables
from resources.models import GroupResource, Resource
from resources.selectors import resource_links_for_group, resource_links_for_meeting


@group_page_panel("shared-resources")
def shared_with_group(group: SupportGroup) -> dict[str, Any]:
    return {"shared_resources": resource_links_for_group(group=group, whole_group_only=True)}


@meeting_page_panel("meeting-resources")
def shared_with_meeting(meeting: Meeting) -> dict[str, Any]:
    return {"meeting_resources": resource_links_for_meeting(meeting=meeting)}


@panel_tables("resources")
def read_by_panels() -> tuple[Any, ...]:
    return (GroupResource, Resource)
