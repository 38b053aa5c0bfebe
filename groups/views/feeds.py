"""The Meeting Guide feed: STUB, being built."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def meeting_guide_feed(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")
