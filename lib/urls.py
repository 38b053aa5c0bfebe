"""Absolute addresses, for what leaves the site: e-mails, calendar entries, feeds, PDFs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` (beginning with a slash) on the public address, SITE_URL."""
    return settings.SITE_URL + path


def absolute_reverse(
    viewname: str,
    *,
    args: list[Any] | tuple[Any, ...] | None = None,
    kwargs: dict[str, Any] | None = None,
) -> str:
    """`reverse()` on the public address: the same link whichever machine builds it."""
    return absolute_url(reverse(viewname, args=args, kwargs=kwargs))


def site_host() -> str:
    """The public host name (for Message-IDs and calendar UIDs)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
