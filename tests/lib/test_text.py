"""Names and titles stay on one line, however they arrive: a line break in a group's name
would break every mail header and calendar that carries it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import Announcement, MeetingSeries, SupportGroup
from lib.fields import SingleLineFormField
from lib.text import single_line
from tests.factories import (
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    activate_totp,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("Tuesday\r\nEvenings", "Tuesday Evenings"),
        ("  Tuesday \t\n  Evenings  ", "Tuesday Evenings"),
        ("Line\u2028separator", "Line separator"),
        ("Bell\x07 and NUL\x00", "Bell and NUL"),
        ("Right-to-left \u202eoverride", "Right-to-left override"),
        ("Family 👨\u200d👩\u200d👧 group", "Family 👨\u200d👩\u200d👧 group"),  # joiners stay
        ("Café Ñandú", "Café Ñandú"),
    ],
)
def test_single_line_keeps_every_visible_character_and_only_those(entered, stored):
    assert single_line(entered) == stored


def test_a_form_checks_the_length_of_what_it_will_store():
    field = SingleLineFormField(max_length=10)
    # Eleven characters as typed, ten once the line break is a space and the ends trimmed.
    assert field.clean(" Ten\r\nchars ") == "Ten chars"


def test_a_saved_title_is_single_line_whichever_way_it_was_written():
    group = SupportGroupFactory(name="Ketamine Recovery:\nTuesdays")
    series = MeetingSeriesFactory(group=group, title="Evening\r\ncheck-in")
    group.refresh_from_db()
    series.refresh_from_db()
    assert group.name == "Ketamine Recovery: Tuesdays"
    assert series.title == "Evening check-in"


def test_an_announcement_posted_with_a_line_break_in_its_title_is_mailed_with_one_line(
    client, facilitator, django_capture_on_commit_callbacks, mailoutbox
):
    group = SupportGroupFactory()
    MembershipFactory(group=group, user=facilitator, role="facilitator")
    MembershipFactory(group=group, user=UserFactory())
    activate_totp(facilitator)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("groups:announcement-create", args=[group.slug]),
            {"title": "Hall closed\r\nBcc: everyone@example.org", "body": "See you online."},
        )
    assert response.status_code == 302
    assert Announcement.objects.get().title == "Hall closed Bcc: everyone@example.org"
    [message] = mailoutbox
    headers = message.message()
    assert headers["Bcc"] is None  # nothing injected
    assert "\n" not in message.subject


def test_the_rows_stored_before_are_put_on_one_line_by_the_migration():
    # The migration's step, run on rows written as they could be before (bypassing save()).
    from django.apps import apps

    from lib.fields import single_line_existing

    group = SupportGroupFactory()
    series = MeetingSeriesFactory(group=group)
    SupportGroup.objects.filter(pk=group.pk).update(name="Old\nname")
    MeetingSeries.objects.filter(pk=series.pk).update(title="Old\r\ntitle", location="Hall\n")
    step = single_line_existing(
        "support_groups", {"supportgroup": ["name"], "meetingseries": ["title", "location"]}
    )
    step.code(apps, None)
    group.refresh_from_db()
    series.refresh_from_db()
    assert (group.name, series.title, series.location) == ("Old name", "Old title", "Hall")


def test_the_html_part_links_web_and_mail_addresses_and_escapes_the_rest():
    from lib.markdown import links_filter

    html = links_filter("See https://example.org/x?a=1&b=2. Write to help@kinship.example <now>")
    assert html == (
        'See <a href="https://example.org/x?a=1&amp;b=2">https://example.org/x?a=1&amp;b=2</a>.'
        ' Write to <a href="mailto:help@kinship.example">help@kinship.example</a> &lt;now&gt;'
    )
