"""What other apps show on a group's page and a meeting's page, to members only: they register
a panel here (the library registers what facilitators shared), so that groups never imports
the apps above it. A panel returns template variables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from groups.models import Meeting, SupportGroup
from lib.registries import Registry

GROUP_PAGE_PANELS: Registry[Callable[[SupportGroup], dict[str, Any]]] = Registry()
MEETING_PAGE_PANELS: Registry[Callable[[Meeting], dict[str, Any]]] = Registry()
group_page_panel = GROUP_PAGE_PANELS.register
meeting_page_panel = MEETING_PAGE_PANELS.register
# The tables the panels read, for pages kept rendered (lib.fragments): a panel's app adds its
# own, so that a change to what a panel shows renders the page afresh.
PANEL_TABLES: Registry[Callable[[], tuple[Any, ...]]] = Registry()
panel_tables = PANEL_TABLES.register


def panel_tables_all() -> tuple[Any, ...]:
    return tuple(table for tables in PANEL_TABLES.values() for table in tables())


def group_page_panels(*, group: SupportGroup, for_members: bool) -> dict[str, Any]:
    """The variables every panel adds for `group`; none for a visitor or a non-member."""
    if not for_members:
        return {}
    return {
        name: value for panel in GROUP_PAGE_PANELS.values() for name, value in panel(group).items()
    }


def meeting_page_panels(*, meeting: Meeting, for_members: bool) -> dict[str, Any]:
    if not for_members:
        return {}
    return {
        name: value
        for panel in MEETING_PAGE_PANELS.values()
        for name, value in panel(meeting).items()
    }
