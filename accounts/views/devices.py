"""Push notifications on a member's devices: the list of devices with push on, turning it on
for this browser (the page's script subscribes through the browser's push service and posts
the subscription here), and removing any device."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from notifications.models import PushSubscription
from notifications.services import push_subscription_remove, push_subscription_save

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest

# What a browser's PushSubscription.toJSON() gives us, at most (the push services' endpoints
# are a few hundred characters; the keys 87 and 22 in base64url).
MAX_BODY = 4096


@login_required
@require_safe
def device_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/devices.html",
        {
            "devices": PushSubscription.objects.filter(user=request.user),
            "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        },
    )


def _subscription_from(body: bytes) -> dict[str, str] | None:
    """The endpoint and keys of a posted subscription, or None when it is not one."""
    if len(body) > MAX_BODY:
        return None
    try:
        data = json.loads(body)
        endpoint, keys = data["endpoint"], data["keys"]
        found = {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}
    except (ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(value, str) and value for value in found.values()):
        return None
    # A known push service's https address (we post to it: not to any address a member
    # gives), or a loopback one in development and tests.
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    known = parts.scheme == "https" and any(
        host == suffix or host.endswith("." + suffix) for suffix in settings.PUSH_SERVICE_HOSTS
    )
    loopback = parts.scheme == "http" and host in {"127.0.0.1", "localhost"}
    if not (known or ((settings.DEBUG or settings.PUSH_ALLOW_LOOPBACK) and loopback)):
        return None
    if len(endpoint) > 2000 or len(found["p256dh"]) > 100 or len(found["auth"]) > 40:
        return None
    return found


@login_required
@require_POST
def device_subscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = _subscription_from(request.body)
    if found is None:
        return JsonResponse({"error": "That is not a push subscription."}, status=400)
    name = str(request.headers.get("X-Device-Name", ""))[:80]
    push_subscription_save(
        user=request.user,
        device_name=name,
        session_key=request.session.session_key or "",
        **found,
    )
    messages.success(request, _("Push notifications are on for this device."))
    return JsonResponse({"ok": True}, status=201)


@login_required
@require_POST
def device_remove(request: AuthenticatedHttpRequest, device_id: int) -> HttpResponse:
    if push_subscription_remove(user=request.user, subscription_id=device_id):
        messages.success(request, _("That device will no longer get push notifications."))
    else:
        messages.info(request, _("That device was already removed."))
    return redirect("accounts:devices")
