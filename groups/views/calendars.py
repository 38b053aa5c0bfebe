"""Calendars (RFC 5545): STUB, being built."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def meeting_ics(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def group_calendar(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def personal_calendar(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def personal_calendar_reset(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")
