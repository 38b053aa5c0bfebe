"""The page behind every message's List-Unsubscribe link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.services.unsubscribe import TURN_OFF, unsubscribe_apply, unsubscribe_read
from notifications.models import OutboxMessage


# Mail clients post the one-click unsubscribe (RFC 8058) without a session or a CSRF token;
# the signed token in the address is what proves the request comes from the member's mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user, category = unsubscribe_read(token=token)
    done = False
    if request.method == "POST":
        done = unsubscribe_apply(user=user, category=category)
    response = render(
        request,
        "accounts/unsubscribe.html",
        {
            "token": token,
            "category": category,
            "category_label": OutboxMessage.Category(category).label,
            "can_turn_off": category in TURN_OFF,
            "done": done,
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
