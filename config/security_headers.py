from __future__ import annotations

from django.http import HttpRequest
from django.middleware.security import SecurityMiddleware


class SecurityHeadersMiddleware(SecurityMiddleware):
    """SecurityMiddleware's response headers (X-Content-Type-Options, Referrer-Policy,
    Cross-Origin-Opener-Policy, HSTS over HTTPS), without its HTTPS redirect.

    First in MIDDLEWARE, for the one answer SecurityMiddleware cannot dress: its redirect reads
    the Host header, an unknown Host raises DisallowedHost there, and Django makes the 400
    page at once, outside SecurityMiddleware. Every header it sets is left as it is when
    SecurityMiddleware has set it already."""

    def process_request(self, request: HttpRequest) -> None:
        return None
