"""Lighthouse's PWA checks on the main pages, run by Lighthouse itself (its Node package,
version 11: the last with the "pwa" category, whose checks later versions fold into
Chromium's own installability report, tested in test_web_app_journeys.py) in Debian's
Chromium against the live server: the manifest installable, a service worker, the theme
colour in the address bar, a splash screen, a maskable icon, the viewport and the content
width, for a visitor and, on My meetings, for a member signed in."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.test_web_app_journeys import _sign_in
from tests.conftest import skip_or_fail
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).with_name("lighthouse_pwa.mjs")
LIGHTHOUSE = Path(settings.BASE_DIR) / "node_modules" / "lighthouse"
# Lighthouse 11's automatic PWA audits (the manual ones, which it cannot judge, are left out).
PWA_AUDITS = {
    "installable-manifest",
    "splash-screen",
    "themed-omnibox",
    "content-width",
    "viewport",
    "maskable-icon",
}


def test_lighthouse_pwa_checks_pass_on_the_main_pages(site, page):
    chromium = shutil.which("chromium")
    node = shutil.which("node")
    if not chromium or not node or not LIGHTHOUSE.exists():
        skip_or_fail("Lighthouse needs node, npm ci (lighthouse) and Debian's full chromium")
    member = UserFactory()
    MembershipFactory(user=member)
    _sign_in(page, site.url, member)
    [session] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    visitor_pages = [reverse("home"), reverse("groups:group-list"), reverse("crisis")]
    visitor_pages += [reverse("resources:resource-list"), reverse("account_login")]

    reports = {}
    for urls, cookie in (
        (visitor_pages, ""),
        ([reverse("groups:my-meetings")], f"{session['name']}={session['value']}"),
    ):
        options = {"chromePath": chromium, "cookie": cookie, "urls": [site.url + u for u in urls]}
        run = subprocess.run(
            [node, str(SCRIPT), json.dumps(options)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        reports |= json.loads(run.stdout)

    assert len(reports) == 6
    my_meetings = reports[site.url + reverse("groups:my-meetings")]
    assert my_meetings["finalUrl"] == site.url + reverse("groups:my-meetings")  # signed in
    for url, report in reports.items():
        assert set(report["audits"]) == PWA_AUDITS, url
        failing = {
            audit: result["explanation"]
            for audit, result in report["audits"].items()
            if result["score"] != 1
        }
        assert not failing, f"{url}: {failing}"
