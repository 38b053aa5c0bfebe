from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from lib.crisis import crisis_lines


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": settings.SITE_NAME, "crisis_lines": crisis_lines()}
