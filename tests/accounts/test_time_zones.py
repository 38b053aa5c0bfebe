"""Time zones in people's words (accounts.zones): what the zone field accepts and stores, the
messages when it cannot tell which zone is meant, and the names zones are shown with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.forms import ProfileForm, SignupForm
from accounts.zones import zone_choices, zone_label, zone_resolve
from groups.forms import GroupForm, SeriesForm

WINTER = datetime(2026, 12, 1, 12, tzinfo=UTC)
SUMMER = datetime(2027, 7, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("asia/kolkata", "Asia/Kolkata"),
        ("ASIA/KOLKATA", "Asia/Kolkata"),
        ("Kolkata", "Asia/Kolkata"),
        ("kolkata", "Asia/Kolkata"),
        ("  Kolkata ", "Asia/Kolkata"),
        ("Calcutta", "Asia/Kolkata"),  # the zone's old name
        ("Asia/Calcutta", "Asia/Kolkata"),  # stored by its canonical name
        ("Mumbai", "Asia/Kolkata"),  # a large city without a zone of its own
        ("India", "Asia/Kolkata"),  # a country with one zone
        ("New York", "America/New_York"),
        ("new york", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("US/Eastern", "America/New_York"),
        ("EST", "America/New_York"),  # the US abbreviations: the product's audience
        ("edt", "America/New_York"),
        ("CST", "America/Chicago"),
        ("PT", "America/Los_Angeles"),
        ("JST", "Asia/Tokyo"),  # one zone uses it
        ("UTC+5:45", "Asia/Kathmandu"),  # one zone keeps that offset
        ("+05:45", "Asia/Kathmandu"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("UTC+0", "UTC"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Europe/Kiev", "Europe/Kyiv"),
    ],
)
def test_a_zone_is_read_however_it_is_typed_and_stored_by_its_iana_name(typed, zone):
    assert zone_resolve(typed, now=WINTER) == zone


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        # India, Israel and Ireland all say IST.
        (
            "IST",
            [
                "India Standard Time (Kolkata)",
                "Israel Time (Jerusalem)",
                "Ireland Time (Dublin)",
            ],
        ),
        ("UTC+5:30", ["India Standard Time (Kolkata)", "India Standard Time (Colombo)"]),
        ("United States", ["Eastern Time (New York)", "Pacific Time (Los Angeles)"]),
    ],
)
def test_what_could_be_several_zones_is_refused_naming_them(typed, named):
    with pytest.raises(ValidationError) as refused:
        zone_resolve(typed, now=WINTER)
    message = refused.value.messages[0]
    assert "could be more than one time zone" in message
    for label in named:
        assert label in message
    assert "Type the city you are in" in message


def test_an_offset_is_read_on_the_day_it_is_typed():
    # UTC-4 is New York's clock in summer only (with others); in winter no US zone keeps it.
    with pytest.raises(ValidationError) as summer:
        zone_resolve("UTC-4", now=SUMMER)
    assert "Eastern Time (New York)" in summer.value.messages[0]
    with pytest.raises(ValidationError) as winter:
        zone_resolve("UTC-4", now=WINTER)
    assert "Eastern Time (New York)" not in winter.value.messages[0]


@pytest.mark.parametrize("typed", ["Mars/Olympus_Mons", "Atlantis", "UTC+15"])
def test_an_unknown_zone_is_refused_with_a_hint(typed):
    with pytest.raises(ValidationError) as refused:
        zone_resolve(typed, now=WINTER)
    assert "city" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("zone", "at", "label"),
    [
        ("Asia/Kolkata", None, "India Standard Time (Kolkata)"),
        ("Asia/Kolkata", WINTER, "India Standard Time (Kolkata, IST)"),
        ("America/New_York", None, "Eastern Time (New York)"),
        ("America/New_York", WINTER, "Eastern Time (New York, EST)"),
        ("America/New_York", SUMMER, "Eastern Time (New York, EDT)"),
        ("Europe/London", SUMMER, "United Kingdom Time (London, BST)"),
        ("Pacific/Noumea", WINTER, "New Caledonia Time (Noumea, UTC+11)"),  # not "+11"
        ("UTC", None, "Coordinated Universal Time (UTC)"),
        ("Not/A_Zone", None, "Not/A_Zone"),
    ],
)
def test_zones_are_named_as_people_say_them(zone, at, label):
    assert zone_label(zone, at) == label


def test_the_template_filter_names_a_zone():
    html = Template(
        "{% load zone_labels %}{{ zone|zone_label }} / {{ zone|zone_label:at }}"
    ).render(Context({"zone": "America/Chicago", "at": WINTER}))
    assert html == "Central Time (Chicago) / Central Time (Chicago, CST)"


@pytest.mark.parametrize("form", [ProfileForm, SignupForm, GroupForm, SeriesForm])
def test_every_form_with_a_zone_reads_a_city(form):
    field = form.base_fields["time_zone"]
    assert field.clean("kolkata") == "Asia/Kolkata"
    with pytest.raises(ValidationError, match="could be more than one"):
        field.clean("IST")


@pytest.mark.django_db
def test_a_member_types_a_city_in_lower_case_and_the_profile_keeps_the_zone(client, member):
    client.force_login(member)
    data = {
        "display_name": "Morgan",
        "time_zone": "kolkata",
        "language": "en",
        "reminder_lead_minutes": ["60"],
        "reminder_scope": "going",
        "discreet_mode": "on",
    }
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.time_zone == "Asia/Kolkata"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'value="Asia/Kolkata"' in page
    # The suggestions carry the friendly names, so typing "Kolkata" or "India" finds it.
    assert '<option value="Asia/Kolkata">India Standard Time (Kolkata)</option>' in page


@pytest.mark.django_db
def test_an_ambiguous_zone_changes_nothing_and_keeps_what_was_typed(client, member):
    client.force_login(member)
    data = {
        "display_name": "Morgan",
        "time_zone": "IST",
        "language": "en",
        "reminder_lead_minutes": ["60"],
        "reminder_scope": "going",
    }
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "India Standard Time (Kolkata)" in html and "Israel Time (Jerusalem)" in html
    assert 'value="IST"' in html
    member.refresh_from_db()
    assert member.time_zone == "America/Chicago"


# --- in Spanish ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Nueva York", "America/New_York"),
        ("nueva york", "America/New_York"),
        ("Ciudad de México", "America/Mexico_City"),
        ("ciudad de mexico", "America/Mexico_City"),
        ("Los Ángeles", "America/Los_Angeles"),
        ("Londres", "Europe/London"),
        ("Calcuta", "Asia/Kolkata"),
    ],
)
def test_spanish_place_names_are_read_whatever_language_the_page_is_in(typed, zone):
    for language in ("en", "es"):
        with translation.override(language):
            assert zone_resolve(typed, now=WINTER) == zone


def test_a_country_with_several_zones_named_in_spanish_is_a_question_in_spanish():
    with translation.override("es"), pytest.raises(ValidationError) as raised:
        zone_resolve("Estados Unidos", now=WINTER)
    message = raised.value.messages[0]
    assert "hora oriental (Nueva York)" in message
    assert "Eastern Time" not in message


def test_zones_are_named_in_the_language_being_read():
    with translation.override("es"):
        assert zone_label("America/New_York", WINTER) == "hora oriental (Nueva York, EST)"
        assert zone_label("Europe/London") == "hora de Reino Unido (Londres)"
        assert zone_label("UTC") == "tiempo universal coordinado (UTC)"
        spanish = dict(zone_choices())
    assert zone_label("America/New_York", WINTER) == "Eastern Time (New York, EST)"
    assert dict(zone_choices())["America/New_York"] == "Eastern Time (New York)"
    assert spanish["America/New_York"] == "hora oriental (Nueva York)"
