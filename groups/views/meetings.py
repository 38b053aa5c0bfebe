"""Meetings: STUB, being built."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def meeting_detail(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def meeting_rsvp(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def my_meetings(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")
