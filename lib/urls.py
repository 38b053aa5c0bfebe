"""Absolute addresses, for what leaves the site: e-mails, calendar entries, feeds, PDFs."""

from __future__ import annotations

import re
from collections.abc import Callable
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


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_MARKER = "kinship-slug-{}-here"


class SlugAddresses:
    """`absolute_reverse` for many addresses of one view whose arguments (`names`, in order)
    are slugs, as a feed of ten thousand series builds: `bind()` reverses the view once, with
    markers, for the URL configuration and script prefix in force, and the function it
    returns puts the slugs in (a slug needs no quoting). A value that is not a plain slug goes
    through `absolute_reverse` itself."""

    def __init__(self, viewname: str, *names: str):
        self.viewname = viewname
        self.names = names
        self.markers = [_MARKER.format(n) for n in range(len(names))]

    def bind(self) -> Callable[..., str]:
        template = absolute_reverse(
            self.viewname, kwargs=dict(zip(self.names, self.markers, strict=True))
        )

        def address(*values: str) -> str:
            if not all(_SLUG.fullmatch(v) and "kinship-slug-" not in v for v in values):
                kwargs = dict(zip(self.names, values, strict=True))
                return absolute_reverse(self.viewname, kwargs=kwargs)
            url = template
            for marker, value in zip(self.markers, values, strict=True):
                url = url.replace(marker, value)
            return url

        return address


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
