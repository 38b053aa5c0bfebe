"""Request types for views: behind `login_required`, `request.user` is a member, never an
AnonymousUser, and the type checker should know it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from accounts.models import User

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Any request: django-htmx's middleware (in MIDDLEWARE) sets `request.htmx` on each one
    (django-htmx's pattern)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request of a view that only signed-in members reach (django-stubs' pattern)."""

    user: User
