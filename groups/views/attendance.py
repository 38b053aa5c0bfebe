"""Attendance and proof of attendance: STUB, being built."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def meeting_attendance(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def group_attendance(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def my_attendance(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def letter_list(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def letter_detail(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def letter_pdf(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def letter_revoke(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def letter_verify_form(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")


def letter_verify(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("Not built yet.")
