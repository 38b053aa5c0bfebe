"""The journeys again, done by someone who reads Kinship in Spanish: signing up, finding and
joining a group and answering for a meeting, running a schedule and taking attendance, and
switching language without JavaScript. Every element is found by its Spanish name as the
catalogue gives it (`es("Join this group")`), so the tests follow the translators' wording;
every page reached says `lang="es"` and is scanned with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from accounts.models import User
from groups.meetings.times import format_meeting_time
from groups.models import Attendance, Meeting, MeetingSeries, Membership, Rsvp
from groups.services.rsvps import rsvp_answer
from tests.browser.test_account_journeys import CODE, PASSWORD
from tests.browser.test_group_journeys import CONDUCT, results, settled
from tests.browser.test_meeting_journeys import (
    PHONE,
    ZONE,
    at_seven_pm,
    check_in_url,
    message,
    today,
)
from tests.conftest import message_text
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# English msgids of the catalogue, as the views and templates write them.
CANCEL_LINK = 'Cancel<span class="visually-hidden"> the meeting of %(day)s</span>'
CANCELLED_MESSAGE = (
    "The meeting is cancelled. We're telling the %(count)d person who said they'd come or "
    "were waiting.",
    "The meeting is cancelled. We're telling the %(count)d people who said they'd come or "
    "were waiting.",
)
ATTENDANCE_SAVED = ("Attendance saved: %(count)d person.", "Attendance saved: %(count)d people.")


def es(msgid: str) -> str:
    with translation.override("es"):
        return translation.gettext(msgid)


def es_n(singular: str, plural: str, count: int) -> str:
    with translation.override("es"):
        return translation.ngettext(singular, plural, count) % {"count": count}


def before_tag(translated: str) -> str:
    """The visible start of a label whose rest is for screen readers only ("Cancelar")."""
    return translated.split("<", 1)[0]


def when_es(starts_at) -> str:
    """A meeting's time as the Spanish pages write it ("martes 10 de marzo de 2026, …")."""
    with translation.override("es"):
        return format_meeting_time(starts_at, viewer_zone=ZONE, meeting_zone=ZONE)


def language_name(code: str) -> str:
    """A language as the switcher names it: in that language, from Django, not our catalogue."""
    return capfirst(translation.get_language_info(code)["name_local"])


def in_spanish(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "es", page.url


@pytest.fixture
def new_page(browser, browser_context_args):
    """Opens pages in fresh browsers (each its own cookies; `locale` and the rest may be
    given), failing on any CSP block, as the `page` fixture does."""
    contexts, blocked = [], []

    def open_page(**options):
        context = browser.new_context(**{**browser_context_args, **options})
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not blocked, f"CSP blocked something: {blocked}"


def signed_in_by_cookie(page, base_url: str, user: User) -> None:
    """Sign `user` in through the session cookie, as test_pages_in_spanish.py does."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def sign_in_es(page, base_url: str, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(base_url + reverse("account_login"))
    in_spanish(page)
    page.get_by_label(es("Email")).fill(email)
    page.get_by_label(es("Password")).fill(password)
    page.get_by_role("button", name=es("Sign in"), exact=True).click()
    expect(page.locator("summary.account-menu__toggle")).to_be_visible()


def test_a_spanish_speaking_visitor_signs_up_confirms_signs_out_and_back_in(
    new_page, site, smtp_inbox, assert_accessible
):
    page = new_page(locale="es-US", timezone_id="America/Mexico_City")
    page.goto(site.url)
    in_spanish(page)
    assert_accessible(page)
    page.get_by_role("link", name=es("Sign up"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(es("Sign Up"))
    expect(page.get_by_label(es("Time zone"))).to_have_value("America/Mexico_City")
    in_spanish(page)
    assert_accessible(page)

    page.get_by_label(es("Email")).fill("wren@example.org")
    page.get_by_label(es("Display name")).fill("Wren")
    page.get_by_label(es("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(es("Password (again)")).fill(PASSWORD)
    page.get_by_role("button", name=es("Sign Up"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Enter Email Verification Code"))
    in_spanish(page)
    assert_accessible(page)

    # The code comes in Spanish: the subject and the words around the code.
    mail = smtp_inbox.wait_for(lambda m: "wren@example.org" in m["X-Envelope-To"])
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + es("Your sign-up code")
    assert es("Your sign-up code") != "Your sign-up code"  # the catalogue is compiled
    text = message_text(mail)
    assert es("Thank you for signing up. Here is the code that confirms this e-mail address:") in (
        " ".join(text.split())
    )

    page.get_by_label(es("Code")).fill(CODE.search(text).group(1))
    page.get_by_role("button", name=es("Confirm"), exact=True).click()
    expect(page.locator("summary.account-menu__toggle")).to_contain_text("Wren")
    in_spanish(page)
    assert_accessible(page)
    wren = User.objects.get(email="wren@example.org")
    assert wren.emailaddress_set.get().verified
    # Signed up from a Spanish page: Spanish is their preference, for pages and mail.
    assert wren.language == "es"

    page.locator("summary.account-menu__toggle").click()
    page.get_by_role("button", name=es("Sign out"), exact=True).click()
    expect(page.get_by_role("link", name=es("Sign in"), exact=True).first).to_be_visible()
    in_spanish(page)
    assert_accessible(page)

    page.get_by_role("link", name=es("Sign in"), exact=True).first.click()
    in_spanish(page)
    assert_accessible(page)
    sign_in_es(page, site.url, "wren@example.org", password=PASSWORD)
    expect(page.locator("summary.account-menu__toggle")).to_contain_text("Wren")
    in_spanish(page)
    assert_accessible(page)


def test_a_spanish_speaking_member_finds_a_spanish_group_joins_and_answers(
    new_page, live_server, assert_accessible
):
    spanish = SupportGroupFactory(name="Círculo de la tarde", meeting_language="es", time_zone=ZONE)
    SupportGroupFactory(name="Evening circle", meeting_language="en")
    MembershipFactory(group=spanish, role="facilitator")
    series = MeetingSeriesFactory(group=spanish, title="Compartir", time_zone=ZONE)
    starts_at = at_seven_pm(today() + timedelta(days=3))
    meeting = MeetingFactory(series=series, occurrence_start=starts_at)
    ana = UserFactory(email="ana@example.org", display_name="Ana", language="es", time_zone=ZONE)

    page = new_page(locale="es-US")
    sign_in_es(page, live_server.url, ana.email)
    page.get_by_role("navigation").get_by_role("link", name=es("Groups"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Find a group"))
    expect(results(page).get_by_role("link", name="Círculo de la tarde")).to_be_visible()
    expect(results(page).get_by_role("link", name="Evening circle")).to_be_visible()
    in_spanish(page)
    assert_accessible(page)

    page.locator("summary", has_text=es("Filter by format, topic, day and time")).click()
    held_in = page.get_by_role("group", name=es("Meetings held in"))
    held_in.get_by_label(dict(settings.LANGUAGES)["es"]).check()
    expect(page).to_have_url(re.compile(r"language=es"))
    expect(results(page).get_by_role("link", name="Evening circle")).to_have_count(0)
    expect(results(page).get_by_role("link", name="Círculo de la tarde")).to_be_visible()
    assert_accessible(settled(page))

    results(page).get_by_role("link", name="Círculo de la tarde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Círculo de la tarde")
    in_spanish(page)
    assert_accessible(page)
    page.get_by_role("link", name=es("Join this group")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        es("Join %(name)s") % {"name": "Círculo de la tarde"}
    )
    in_spanish(page)
    assert_accessible(page)
    page.get_by_label(es(CONDUCT)).check()
    page.get_by_role("button", name=es("Join the group")).click()
    welcome = es("Welcome to %(name)s. You can now see where and when the group meets.")
    expect(message(page)).to_contain_text(welcome % {"name": "Círculo de la tarde"})
    in_spanish(page)
    assert_accessible(page)
    assert Membership.objects.get(user=ana, group=spanish).state == "active"

    page.get_by_role("region", name=es("Next meeting")).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compartir")
    expect(page.get_by_text(when_es(starts_at))).to_be_visible()
    in_spanish(page)
    assert_accessible(page)
    page.get_by_role("button", name=es("I'm going")).click()
    expect(message(page)).to_contain_text(es("You're going. We'll see you there."))
    expect(page.get_by_text(es("You're going"), exact=True)).to_be_visible()
    in_spanish(page)
    assert_accessible(page)
    assert Rsvp.objects.get(meeting=meeting, user=ana).answer == "going"

    page.get_by_role("button", name=es("I can't make it")).click()
    expect(message(page)).to_contain_text(es("Thanks for letting the group know you can't come."))
    expect(page.get_by_text(es("You said you can't come"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=es("I'm going"))).to_be_visible()
    in_spanish(page)
    assert_accessible(page)
    assert Rsvp.objects.get(meeting=meeting, user=ana).answer == "not_going"


def test_a_spanish_speaking_facilitator_builds_a_schedule_cancels_and_takes_attendance(
    page, live_server, assert_accessible
):
    group = SupportGroupFactory(name="Círculo de la tarde", time_zone=ZONE)
    lucia = UserFactory(display_name="Lucía", is_facilitator=True, language="es", time_zone=ZONE)
    MembershipFactory(user=lucia, group=group, role="facilitator")
    activate_totp(lucia)
    sky = UserFactory(display_name="Sky", language="es", time_zone=ZONE)
    jo = UserFactory(display_name="Jo", time_zone=ZONE)
    for person in (sky, jo):
        MembershipFactory(user=person, group=group)
    next_tuesday = today() + timedelta(days=(1 - today().weekday()) % 7 or 7)
    first = at_seven_pm(next_tuesday)

    # Spanish by her preference, in a browser that asks for English.
    signed_in_by_cookie(page, live_server.url, lucia)
    page.goto(live_server.url + reverse("groups:schedule", args=[group.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Schedule"))
    in_spanish(page)
    assert_accessible(page)
    page.get_by_role("link", name=es("Add a regular meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Add a meeting"))
    in_spanish(page)
    assert_accessible(page)
    page.get_by_label(es("Name of the meeting")).fill("Compartir de la tarde")
    page.get_by_label(re.compile("^" + re.escape(es("Places")))).fill("12")
    page.get_by_label(es("Every week, or every few weeks")).check()
    page.get_by_label(es("First meeting")).fill(next_tuesday.isoformat())
    page.get_by_label(es("Starts at")).fill("19:00")
    page.get_by_label(es("Length in minutes")).fill("90")
    weekdays = page.get_by_role("group", name=re.compile("^" + re.escape(es("On"))))
    weekdays.get_by_label(es("Tuesday")).check()
    page.get_by_role("button", name=es("Add to the schedule")).click()
    expect(message(page)).to_contain_text("“Compartir de la tarde”")
    expect(page.get_by_role("region", name=es("Regular meetings"))).to_contain_text(
        "Compartir de la tarde"
    )
    in_spanish(page)
    assert_accessible(page)
    meeting = MeetingSeries.objects.get(group=group).meetings.order_by("starts_at").first()
    assert meeting.starts_at == first

    rsvp_answer(user=sky, meeting=meeting, going=True)
    row = page.get_by_role("table").get_by_role("row").filter(has_text=when_es(first))
    page.reload()
    row.get_by_role("link", name=re.compile("^" + before_tag(es(CANCEL_LINK)))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Cancel a meeting"))
    in_spanish(page)
    assert_accessible(page)
    page.get_by_label(es("Reason")).fill("El salón está cerrado por el feriado.")
    page.get_by_role("button", name=es("Cancel this meeting")).click()
    expect(message(page)).to_contain_text(es_n(*CANCELLED_MESSAGE, 1))
    expect(row.get_by_text(es("Cancelled"), exact=True)).to_be_visible()
    in_spanish(page)
    assert_accessible(page)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED

    # Attendance on a phone, for a meeting that began half an hour ago.
    started = MeetingFactory(
        series=MeetingSeriesFactory(group=group, title="Jueves", time_zone=ZONE),
        occurrence_start=timezone.now().replace(microsecond=0) - timedelta(minutes=30),
    )
    RsvpFactory(meeting=started, user=sky, answer="going")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + check_in_url(started))
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Who was there?"))
    coming = page.get_by_role("group", name=es("Said they're coming") + " (1)")
    expect(coming.get_by_role("checkbox", name=f"Sky {es('was there')}")).to_be_visible()
    in_spanish(page)
    assert_accessible(page)
    page.get_by_role("checkbox", name=f"Sky {es('was there')}").check()
    page.get_by_role("checkbox", name=f"Jo {es('was there')}").check()
    page.get_by_role("button", name=es("Save attendance")).click()
    expect(message(page)).to_contain_text(es_n(*ATTENDANCE_SAVED, 2))
    expect(page.get_by_role("checkbox", name=f"Jo {es('was there')}")).to_be_checked()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    in_spanish(page)
    assert_accessible(page)
    assert set(Attendance.objects.filter(meeting=started).values_list("user", flat=True)) == {
        sky.pk,
        jo.pk,
    }


def scanned_with_javascript(new_page, visitor, assert_accessible) -> None:
    """axe-core runs in the page, so a page seen without JavaScript is scanned again, as the
    visitor has it (their cookies, their address), in a browser that runs scripts."""
    scanner = new_page()
    scanner.context.add_cookies(visitor.context.cookies())
    scanner.goto(visitor.url)
    assert scanner.evaluate("document.documentElement.lang") == visitor.evaluate(
        "document.documentElement.lang"
    )
    assert_accessible(scanner)


def test_the_footer_switches_language_without_javascript_and_stays_on_the_page(
    new_page, live_server, assert_accessible
):
    SupportGroupFactory(name="Evening circle")
    url = live_server.url + reverse("groups:group-list") + "?format=online"
    visitor = new_page(java_script_enabled=False)  # an English browser
    visitor.goto(url)
    assert visitor.evaluate("document.documentElement.lang") == "en"

    visitor.locator("footer").get_by_role("button", name=language_name("es")).click()
    expect(visitor).to_have_url(url)
    in_spanish(visitor)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(es("Find a group"))
    reading = es("You are reading %(site)s in English.") % {"site": settings.SITE_NAME}
    expect(message(visitor)).to_contain_text(reading)
    scanned_with_javascript(new_page, visitor, assert_accessible)

    visitor.locator("footer").get_by_role("button", name=language_name("en")).click()
    expect(visitor).to_have_url(url)
    assert visitor.evaluate("document.documentElement.lang") == "en"
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Find a group")
    expect(message(visitor)).to_contain_text(f"You are reading {settings.SITE_NAME} in English.")
    scanned_with_javascript(new_page, visitor, assert_accessible)
