"""Absolute addresses, for what leaves the site: e-mails, calendar entries, feeds, PDFs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


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
    path = _reversed(
        viewname,
        tuple(args or ()),
        tuple(sorted((kwargs or {}).items())),
        get_urlconf(),
        get_script_prefix(),
    )
    return absolute_url(path)


@lru_cache(maxsize=2048)
def _reversed(
    viewname: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    urlconf: str | None,
    prefix: str,
) -> str:
    # A message builds the same few links over and over (a member's settings, a meeting's
    # page): reversed once per URL configuration and script prefix, which are in the key.
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


@receiver(setting_changed)
def _forget_reversed(*, setting: str, **_: Any) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


def site_host() -> str:
    """The public host name (for Message-IDs and calendar UIDs)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
