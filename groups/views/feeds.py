"""The public Meeting Guide feed (`/feeds/meetings.json`): what to publish and how is decided
in groups.meeting_guide; this only serves it."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from groups.meeting_guide import meeting_guide_meetings, meeting_guide_series
from groups.models import MeetingSeries, SupportGroup, Topic
from lib.fragments import Built, fragment

# What the feed reads: a write to any of these shows on the next request.
FEED_TABLES = (MeetingSeries, SupportGroup, SupportGroup.topics.through, Topic)
# A series whose last meeting has passed leaves the feed without any write: the body is
# built again at least this often.
FEED_MAX_AGE = timedelta(minutes=5)


def _feed() -> Built:
    meetings = [
        meeting for listing in meeting_guide_series() for meeting in meeting_guide_meetings(listing)
    ]
    body = json.dumps(meetings, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    return Built((etag, body), until=timezone.now() + FEED_MAX_AGE)


@require_safe
def meeting_guide_feed(request: HttpRequest) -> HttpResponse:
    """A plain JSON array, one object per weekday of each published series. Public data,
    fetched by finders from other origins (TSML UI runs in the browser on an area's own
    site), hence the open CORS header and the shared cache.

    Building it for ten thousand series takes a worker about a second, so the body is kept
    (lib.fragments) until a series, group or topic is written, or five minutes pass (for
    series that end). Its ETag is a digest of the body itself: a copy is answered 304 exactly
    while it is still what we would send.

    Browsers and finders may keep a copy but must ask again every time (`no-cache`): a
    five-minute `max-age` kept a facilitator's new series out of the feed they had just
    opened, for five minutes.

    In the site's own language, whoever asks: the finders show it to everyone of an area,
    and one body serves them all (its notes on joining are the only words in it)."""
    with translation.override(settings.LANGUAGE_CODE):
        etag, body = fragment("meeting-guide-feed", tables=FEED_TABLES, vary=(), build=_feed)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, no_cache=True)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response
