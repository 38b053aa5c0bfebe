"""The public Meeting Guide feed (`/feeds/meetings.json`): what to publish and how is decided
in groups.meeting_guide; this only serves it."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from groups.meeting_guide import (
    meeting_guide_meetings,
    meeting_guide_series,
    meeting_guide_version,
)

# The body stays in our cache this long at most (a series that ends changes no version).
FEED_MAX_AGE = 300


@require_safe
def meeting_guide_feed(request: HttpRequest) -> HttpResponse:
    """A plain JSON array, one object per weekday of each published series. Public data,
    fetched by finder apps from other origins (TSML UI runs in the browser on an area's own
    site), hence the open CORS header and the shared cache.

    Building it for a thousand series takes a worker about half a second, so the body is kept
    in the cache under the feed's version (one cheap query): any change to a published
    series or its group makes a new version, and the time limit covers series that end.

    Browsers and finders may keep a copy but must ask again every time (`no-cache`), and are
    answered 304 while the version, the ETag, is unchanged: a five-minute `max-age` kept a
    facilitator's new series out of the feed they had just opened, for five minutes."""
    version = meeting_guide_version()
    etag = f'"{version}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        key = f"meeting-guide-feed:{version}"
        body = cache.get(key)
        if body is None:
            meetings = [
                meeting
                for series in meeting_guide_series()
                for meeting in meeting_guide_meetings(series)
            ]
            body = json.dumps(meetings, ensure_ascii=False, separators=(",", ":"))
            cache.set(key, body, FEED_MAX_AGE)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, no_cache=True)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response
