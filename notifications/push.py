"""Sending one Web Push message (RFC 8030), its payload encrypted for the subscription
(RFC 8291, aes128gcm) and the request signed with our VAPID key (RFC 8292), through
pywebpush. What the push service answered decides what becomes of the subscription and the
message: 201 delivered; 404 or 410 the subscription is gone (the browser dropped it); 429 and
5xx try again later, after `Retry-After` when the service gives one; any other 4xx is our
fault and not worth repeating."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, cast

import requests
from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]  # no types of its own

# How long a push service may wait for the phone to come online before giving up: a
# reminder is worth nothing once its meeting has started (the caller gives its TTL); this is
# the ceiling for everything else.
MAX_TTL = 24 * 3600
TIMEOUT_SECONDS = 10


class Urgency:
    """RFC 8030 section 5.3: how hard the phone should try (its battery)."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


def urgency_for(starts_at: datetime, *, now: datetime) -> str:
    """How hard the phone should try for news of a meeting starting at `starts_at`: at once
    within the hour, as usual within the day, when convenient before that."""
    left = starts_at - now
    if left <= timedelta(hours=1):
        return Urgency.HIGH
    if left <= timedelta(hours=24):
        return Urgency.NORMAL
    return Urgency.LOW


@dataclass(frozen=True)
class PushMessage:
    """What a notification shows and where a tap leads: `title` and `body` (neutral in
    discreet mode: groups.pushes), `url` a path of ours, and for an online meeting the
    member's join address with the window in which a tap goes straight to it (the service
    worker decides at the tap, since a notification may be read late). `tag` lets a newer
    notification about the same thing replace an older one on the phone. `useful_until` is
    when the message is worth nothing (a reminder: its meeting's start): the push
    service's TTL is counted to it."""

    title: str
    body: str
    url: str
    useful_until: datetime
    urgency: str = Urgency.NORMAL
    tag: str = ""
    join_url: str = ""
    join_from: datetime | None = None
    join_until: datetime | None = None

    def ttl(self, *, now: datetime) -> int:
        return max(0, min(int((self.useful_until - now).total_seconds()), MAX_TTL))

    def notification(self, *, message_id: int) -> dict[str, Any]:
        """The JSON the service worker reads (templates/sw.js); `id` names the outbox row,
        so a duplicate is recognisable."""
        shown: dict[str, Any] = {
            "id": message_id,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "tag": self.tag,
        }
        if self.join_url and self.join_from and self.join_until:
            shown["join"] = {
                "url": self.join_url,
                "from": self.join_from.isoformat(),
                "until": self.join_until.isoformat(),
            }
        return shown

    def to_payload(self) -> dict[str, Any]:
        """Kept in an outbox row (JSON) for a message built when it was queued."""
        kept: dict[str, Any] = {
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "useful_until": self.useful_until.isoformat(),
            "urgency": self.urgency,
            "tag": self.tag,
        }
        if self.join_url and self.join_from and self.join_until:
            kept |= {
                "join_url": self.join_url,
                "join_from": self.join_from.isoformat(),
                "join_until": self.join_until.isoformat(),
            }
        return kept

    @classmethod
    def from_payload(cls, kept: dict[str, Any]) -> PushMessage:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(kept[key]) if kept.get(key) else None

        return cls(
            title=kept["title"],
            body=kept["body"],
            url=kept["url"],
            useful_until=datetime.fromisoformat(kept["useful_until"]),
            urgency=kept.get("urgency", Urgency.NORMAL),
            tag=kept.get("tag", ""),
            join_url=kept.get("join_url", ""),
            join_from=when("join_from"),
            join_until=when("join_until"),
        )


@dataclass(frozen=True)
class PushOutcome:
    status: int  # the push service's HTTP status, 0 when it could not be reached
    retry_after: datetime | None = None

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300

    @property
    def subscription_gone(self) -> bool:
        return self.status in (404, 410)

    @property
    def worth_retrying(self) -> bool:
        return self.status == 0 or self.status == 429 or self.status >= 500


def _retry_after(value: str | None, *, now: datetime) -> datetime | None:
    """`Retry-After` as seconds or as an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def push_send(
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    payload: dict[str, Any],
    ttl: int,
    urgency: str = Urgency.NORMAL,
    now: datetime | None = None,
) -> PushOutcome:
    """Send `payload` (as JSON) to one subscription; never raises for what the push service
    or the network does."""
    now = now or timezone.now()
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload, separators=(",", ":")),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=max(0, min(ttl, MAX_TTL)),
            headers={"Urgency": urgency},
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as refused:
        answer = refused.response
        if answer is None:
            return PushOutcome(status=0)
        return PushOutcome(
            status=answer.status_code,
            retry_after=_retry_after(answer.headers.get("Retry-After"), now=now),
        )
    except requests.RequestException:
        return PushOutcome(status=0)
    return PushOutcome(status=cast(requests.Response, response).status_code)  # not curl=True
