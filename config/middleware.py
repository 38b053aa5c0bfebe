from __future__ import annotations

from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from django.http import HttpRequest, HttpResponse


class AdminStyleCSPMiddleware:
    """Django's admin sets a few inline styles from its scripts; allow those there, and only
    styles: scripts stay 'self' everywhere. Placed after CSPMiddleware so it runs before it on
    the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}  # type: ignore[attr-defined]  # read by django-csp
        return response
