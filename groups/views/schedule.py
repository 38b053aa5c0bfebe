"""Schedules: STUB, being built."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def schedule(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def series_create_view(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def series_edit(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def meeting_cancel_view(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def meeting_move_view(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")
