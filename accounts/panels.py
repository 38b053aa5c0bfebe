"""What other apps show on a member's profile page: they register a panel here (groups adds
the personal calendar address), so that accounts never imports the apps above it. A panel
returns template variables for accounts/profile.html."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.models import User
from lib.registries import Registry

PROFILE_PANELS: Registry[Callable[[User], dict[str, Any]]] = Registry()
profile_panel = PROFILE_PANELS.register


def profile_panels(*, user: User) -> dict[str, Any]:
    return {name: value for panel in PROFILE_PANELS.values() for name, value in panel(user).items()}
