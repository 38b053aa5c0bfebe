from __future__ import annotations

from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from django.http import HttpRequest, HttpResponse

from lib.offline import OFFLINE_HEADER


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


class OfflineMarksMiddleware:
    """Mark every page a signed-out person gets as a visitor's, and answer signing out with
    Clear-Site-Data, so that nothing a member kept offline outlives their session here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in_before = request.user.is_authenticated
        response = self.get_response(request)
        if not request.user.is_authenticated:
            if response.get("Content-Type", "").startswith("text/html"):
                response.headers.setdefault(OFFLINE_HEADER, "visitor")
            if signed_in_before and request.method == "POST":
                # Signed out by this request: the browser empties our caches and storage
                # (and unregisters the service worker, which the next page registers again).
                response["Clear-Site-Data"] = '"cache", "storage"'
        return response
