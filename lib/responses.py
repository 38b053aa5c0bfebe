"""Responses whose address or content is a key (a member's calendar, a join address, a
signed link): kept out of shared caches, search engines and other sites' referrers."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control


def private_response(response: HttpResponse, *, referrer: str = "no-referrer") -> HttpResponse:
    """Never cached, never indexed, never sent on as a Referer. A page with a form gives
    `referrer="same-origin"`: with "no-referrer" a browser posts it with `Origin: null`,
    which the CSRF check rightly refuses."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = referrer
    return response
