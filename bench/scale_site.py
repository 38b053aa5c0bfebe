"""The settings bench/scale.py serves Kinship with: the site's own, with bench/scale_urls.py
(the site's addresses and one trivial view) as the URL configuration. Nothing here is used by
the site itself."""

from __future__ import annotations

from config.settings import *  # noqa: F403 - the site's settings, unchanged

ROOT_URLCONF = "scale_urls"
