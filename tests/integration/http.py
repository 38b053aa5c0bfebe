"""A small HTTP client for a site running in another process: cookies kept, redirects not
followed (a test reads the 302), the CSRF token sent with every POST, as a browser's form."""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    status: int
    text: str
    location: str
    seconds: float


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises HTTPError with the 3xx, which `_send` returns


class Browser:
    def __init__(self, base: str):
        if not base.startswith("http://127.0.0.1:"):
            raise ValueError("tests talk to a server on loopback only")
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects()
        )

    def _send(self, request: urllib.request.Request) -> Response:
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=30) as answer:
                status, body, location = answer.status, answer.read(), ""
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
            location = error.headers.get("Location", "")
        return Response(status, body.decode(errors="replace"), location, time.monotonic() - started)

    def get(self, path: str) -> Response:
        return self._send(urllib.request.Request(self.base + path))  # noqa: S310 - loopback http

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def post(self, path: str, data: dict[str, str], *, form: str | None = None) -> Response:
        """POST `data` to `path`, after a GET of `form` (default: `path`) for the CSRF cookie."""
        if not self.cookie("csrftoken"):
            self.get(form or path)
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}
        request = urllib.request.Request(  # noqa: S310 - http on loopback, checked in __init__
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + (form or path)},
        )
        return self._send(request)
