"""Every page of the accessibility journeys again in Spanish, a visitor's (their browser
asks for Spanish) and a Spanish-speaking member's (their preference): `lang="es"` on the
page, `lang` on whatever is in another language inside it (a crisis line, an untranslated
resource), the crisis link in Spanish, and no axe violation, on a phone and a desktop."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.browser.test_pages_accessible import PUBLIC, SIGNED_IN, VIEWPORTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def crisis_link_name() -> str:
    with translation.override("es"):
        return translation.gettext("Crisis help")


def check_page(page, url, assert_accessible) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, url
    assert page.evaluate("document.documentElement.lang") == "es", url
    assert page.locator("h1").count() == 1
    assert page.get_by_role("link", name=crisis_link_name()).first.is_visible(), url
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_passes_axe_in_spanish(browser, live_server, assert_accessible, viewport):
    assert crisis_link_name() != "Crisis help"  # the catalogue is compiled
    visitor = browser.new_context(locale="es-US", viewport=VIEWPORTS[viewport])
    page = visitor.new_page()
    for name in PUBLIC:
        check_page(page, live_server.url + reverse(name), assert_accessible)
    visitor.close()

    # A member whose preference is Spanish, in a browser that asks for English.
    ana = UserFactory(email="ana@example.org", display_name="Ana", language="es")
    client = Client()
    client.force_login(ana)
    member = browser.new_context(locale="en-US", viewport=VIEWPORTS[viewport])
    member.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = member.new_page()
    for name in SIGNED_IN:
        check_page(page, live_server.url + reverse(name), assert_accessible)
    member.close()
