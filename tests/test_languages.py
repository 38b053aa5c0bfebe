"""Which language a person reads Kinship in: a visitor's browser (Accept-Language) or the
switcher on every page (a cookie, no JavaScript), a member's preference above both."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SWITCH = reverse("set-language")


def lang_of(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_gets_the_language_their_browser_asks_for(client):
    spanish = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    unknown = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="tlh")

    assert (lang_of(spanish), spanish["Content-Language"]) == ("es", "es")
    assert (lang_of(english), english["Content-Language"]) == ("en", "en")
    assert lang_of(unknown) == settings.LANGUAGE_CODE
    assert "Accept-Language" in spanish["Vary"]


def test_every_page_offers_the_other_language_by_its_own_name(client):
    page = client.get(reverse("crisis")).content.decode()
    assert page.count('class="language-switch ') == 2  # in the header, and in the footer
    switch = page.split('class="language-switch ', 1)[1].split("</form>", 1)[0]
    assert 'name="language"' in switch and 'value="es"' in switch and 'lang="es"' in switch
    assert "Español" in switch
    assert 'value="en"' not in switch  # the language you read is not offered again


def test_the_switcher_remembers_a_visitors_choice_and_returns_to_the_page(client):
    response = client.post(SWITCH, {"language": "es", "next": "/groups/?q=kent"})

    assert response.status_code == 302 and response["Location"] == "/groups/?q=kent"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert lang_of(page) == "es"  # the choice beats the browser's


def test_the_switcher_goes_back_to_the_page_it_was_on_without_naming_it(client):
    page = client.get("/groups/?q=kent").content.decode()
    switch = page.split('class="language-switch ', 1)[1].split("</form>", 1)[0]
    assert "/groups/" not in switch  # no address in the form: some pages' hold a secret

    response = client.post(
        SWITCH, {"language": "es"}, HTTP_REFERER="http://testserver/groups/?q=kent"
    )
    assert (
        response.status_code == 302 and response["Location"] == "http://testserver/groups/?q=kent"
    )


def test_the_switcher_never_sends_anyone_to_another_site(client):
    response = client.post(SWITCH, {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("language", ["fr", "", "es'><script>"])
def test_a_language_we_do_not_have_is_refused_and_changes_nothing(client, language):
    response = client.post(SWITCH, {"language": language, "next": "/"})

    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert lang_of(client.get(reverse("home"))) == "en"


def test_the_switcher_only_takes_a_post(client):
    assert client.get(SWITCH + "?language=es").status_code == 405


def test_a_members_preference_decides_whatever_the_browser_asks(client):
    member = UserFactory(language="es")
    client.force_login(member)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert lang_of(page) == "es"


def test_a_member_who_switches_keeps_it_as_their_preference(client):
    member = UserFactory(language="en")
    client.force_login(member)

    client.post(SWITCH, {"language": "es", "next": "/"})

    member.refresh_from_db()
    assert member.language == "es"
    assert lang_of(client.get(reverse("home"))) == "es"
    event = AuditEvent.objects.get(subject=member, action=AuditEvent.Action.PROFILE_CHANGED)
    assert event.details == {"fields": ["language"]}
