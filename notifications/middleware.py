from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from notifications.services import one_dispatch_per_request


class OutboxScopeMiddleware:
    """However many messages a request records, it queues one dispatch task (after commit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with one_dispatch_per_request():
            return self.get_response(request)
