"""Proof of attendance: issuing a letter from what facilitators recorded, the member's letter
page and PDF, revoking, and the public check of a code (identical answers for unknown and
revoked codes, a throttle, private headers)."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from groups.attendance.letters import letter_code_normalise, letter_pdf
from groups.attendance.services import AttendanceError, letter_issue, letter_revoke
from groups.models import Attendance, AttendanceLetter, letter_code
from groups.views.attendance import VERIFY_ATTEMPTS
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    RsvpFactory,
    SupportGroupFactory,
    UserFactory,
)

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
pytestmark = pytest.mark.django_db

# 23:30 in New York on Tuesday 14 January 2025 (EST, UTC-5): 04:30 on the 15th in London.
LATE_EVENING_NY = datetime(2025, 1, 15, 4, 30, tzinfo=UTC)


@pytest.fixture
def group():
    return SupportGroupFactory(name="Ketamine Recovery Circle", time_zone="America/New_York")


@pytest.fixture
def series(group):
    return MeetingSeriesFactory(group=group, title="Tuesday evening", time_zone="America/New_York")


@pytest.fixture
def me(group):
    user = UserFactory(
        display_name="Morgan", email="morgan@example.org", time_zone="America/New_York"
    )
    MembershipFactory(user=user, group=group)
    return user


def meeting_at(series, start: datetime, **kwargs):
    return MeetingFactory(series=series, occurrence_start=start, **kwargs)


def attended(user, meeting) -> Attendance:
    return Attendance.objects.create(meeting=meeting, user=user)


@pytest.fixture
def letter(me, series):
    attended(me, meeting_at(series, LATE_EVENING_NY))
    attended(me, meeting_at(series, LATE_EVENING_NY + timedelta(days=7)))
    return letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))


def pdf_text(body: bytes) -> str:
    """The text of an uncompressed reportlab PDF: reportlab writes a line as several
    `(…) Tj` strings and starts each new line with `T*`."""
    text = []
    for match in re.finditer(rb"\(((?:[^()\\]|\\.)*)\) Tj|T\*|ET", body):
        text.append(" " if match.group(1) is None else match.group(1).decode("latin-1"))
    return re.sub(r"\s+", " ", "".join(text))


@pytest.fixture
def me_client(client, me):
    client.force_login(me)
    return client


# --- issuing (the service) ----------------------------------------------------------------------


def test_a_letter_states_the_recorded_meetings_in_the_members_zone(me, series):
    attended(me, meeting_at(series, LATE_EVENING_NY))
    attended(me, meeting_at(series, datetime(2025, 7, 1, 23, 0, tzinfo=UTC)))  # 19:00 EDT

    letter = letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))

    assert letter.display_name == "Morgan"
    assert letter.time_zone == "America/New_York"
    assert (letter.date_from, letter.date_to) == (date(2025, 1, 1), date(2025, 12, 31))
    assert letter.entries == [
        {
            "group": "Ketamine Recovery Circle",
            "title": "Tuesday evening",
            "date": "2025-01-14",
            "time": "23:30",
            "zone": "EST",
            "recorded_by": "",
        },
        {
            "group": "Ketamine Recovery Circle",
            "title": "Tuesday evening",
            "date": "2025-07-01",
            "time": "19:00",
            "zone": "EDT",
            "recorded_by": "",
        },
    ]
    assert re.fullmatch(r"([A-HJ-NP-Z2-9]{5}-){3}[A-HJ-NP-Z2-9]{5}", letter.code)


def test_a_letter_lists_only_meetings_a_facilitator_recorded_not_rsvps(me, series):
    came = meeting_at(series, LATE_EVENING_NY)
    only_said_so = meeting_at(series, LATE_EVENING_NY + timedelta(days=7))
    RsvpFactory(meeting=came, user=me)
    RsvpFactory(meeting=only_said_so, user=me)
    attended(me, came)
    attended(UserFactory(), only_said_so)  # someone else's record is not mine

    letter = letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))

    assert [entry["date"] for entry in letter.entries] == ["2025-01-14"]


def test_a_letter_leaves_out_cancelled_meetings(me, series):
    attended(me, meeting_at(series, LATE_EVENING_NY, status="cancelled", cancel_reason="Ice"))
    attended(me, meeting_at(series, LATE_EVENING_NY + timedelta(days=7)))

    letter = letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))

    assert [entry["date"] for entry in letter.entries] == ["2025-01-21"]


def test_days_are_the_members_own_at_a_day_boundary(me, series):
    london = UserFactory(time_zone="Europe/London")
    meeting = meeting_at(series, LATE_EVENING_NY)
    attended(me, meeting)
    attended(london, meeting)
    the_14th, the_15th = date(2025, 1, 14), date(2025, 1, 15)

    new_york_letter = letter_issue(user=me, date_from=the_14th, date_to=the_14th)
    assert new_york_letter.entries[0]["date"] == "2025-01-14"
    with pytest.raises(AttendanceError):
        letter_issue(user=me, date_from=the_15th, date_to=the_15th)

    with pytest.raises(AttendanceError):
        letter_issue(user=london, date_from=the_14th, date_to=the_14th)
    london_letter = letter_issue(user=london, date_from=the_15th, date_to=the_15th)
    assert london_letter.entries[0] == {
        "group": "Ketamine Recovery Circle",
        "title": "Tuesday evening",
        "date": "2025-01-15",
        "time": "04:30",
        "zone": "GMT",
        "recorded_by": "",
    }


def test_no_letter_without_a_recorded_meeting_in_the_range(me, series):
    RsvpFactory(meeting=meeting_at(series, LATE_EVENING_NY), user=me)

    with pytest.raises(AttendanceError) as error:
        letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))

    assert error.value.code == "empty"
    assert not AttendanceLetter.objects.exists()


def test_a_letter_may_cover_exactly_two_years_and_no_more(me, series):
    attended(me, meeting_at(series, LATE_EVENING_NY))

    letter_issue(user=me, date_from=date(2024, 1, 31), date_to=date(2026, 1, 31))
    with pytest.raises(AttendanceError):
        letter_issue(user=me, date_from=date(2024, 1, 30), date_to=date(2026, 1, 31))


# --- issuing (the page) ---------------------------------------------------------------------------


def test_the_letters_page_warns_that_group_names_are_shared(me_client):
    response = me_client.get(reverse("groups:letter-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A group's name can say something about your recovery" in html
    assert 'type="date"' in html
    assert "You haven't asked for a letter yet." in html


def test_asking_for_a_letter_issues_it_and_shows_it(me_client, me, series):
    attended(me, meeting_at(series, LATE_EVENING_NY))

    response = me_client.post(
        reverse("groups:letter-list"), {"date_from": "2025-01-01", "date_to": "2025-01-31"}
    )

    letter = AttendanceLetter.objects.get(user=me)
    assert response.status_code == 302
    assert response.url == reverse("groups:letter-detail", args=[letter.pk])
    listing = me_client.get(reverse("groups:letter-list")).content.decode()
    assert letter.code in listing
    assert "Valid" in listing


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2025-02-01", "2025-01-01", "The start date must be on or before the end date."),
        ("2025-01-01", "2099-01-01", "The end date can&#x27;t be in the future."),
        ("2020-01-01", "2025-01-31", "A letter can cover at most two years."),
        ("2025-01-01", "not a date", "Please enter a date"),
        ("", "2025-01-31", "Please enter the first day"),
        ("2025-03-01", "2025-03-31", "No meeting in these dates has your attendance recorded"),
    ],
)
def test_a_bad_range_is_refused_with_the_input_kept(
    me_client, me, series, date_from, date_to, message
):
    attended(me, meeting_at(series, LATE_EVENING_NY))

    response = me_client.post(
        reverse("groups:letter-list"), {"date_from": date_from, "date_to": date_to}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if date_from:
        assert f'value="{date_from}"' in html
    assert not AttendanceLetter.objects.exists()


def test_the_letters_page_needs_sign_in(client):
    response = client.get(reverse("groups:letter-list"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


# --- the letter, its PDF, revoking ----------------------------------------------------------------


def test_the_letter_page_states_who_when_and_how_to_check(me_client, letter, settings):
    response = me_client.get(reverse("groups:letter-detail", args=[letter.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="letter-title">Proof of attendance</h1>' in html
    assert "This letter confirms that Morgan took part in the meetings" in html
    assert "Ketamine Recovery Circle" in html
    assert "Tue 14 Jan 2025" in html and "23:30 EST" in html
    assert f'<p class="letter__code">{letter.code}</p>' in html
    check_url = f"{settings.SITE_URL}/verify/{letter.code}"
    assert f'Anyone can check this letter at <a class="letter__url" href="{check_url}">' in html
    assert reverse("groups:letter-pdf", args=[letter.pk]) in html
    assert "Print command" in html
    assert "morgan@example.org" not in html.split('<article class="letter"')[1]
    assert "no-store" in response["Cache-Control"]


def test_someone_elses_letter_is_not_found(client, letter):
    client.force_login(UserFactory())
    urls = [
        reverse("groups:letter-detail", args=[letter.pk]),
        reverse("groups:letter-pdf", args=[letter.pk]),
        reverse("groups:letter-revoke", args=[letter.pk]),
    ]

    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("groups:letter-revoke", args=[letter.pk])).status_code == 404
    letter.refresh_from_db()
    assert not letter.is_revoked


def test_the_pdf_is_a_download_with_the_code(me_client, letter, settings):
    response = me_client.get(reverse("groups:letter-pdf", args=[letter.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    issued = letter.created_at.astimezone(ZoneInfo(letter.time_zone))
    assert response["Content-Disposition"] == (
        f'attachment; filename="proof-of-attendance-{issued.date().isoformat()}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert letter.code in text
    assert "This letter confirms that Morgan took part" in text
    assert "Ketamine Recovery Circle" in text
    assert f"Anyone can check this letter at {settings.SITE_URL}/verify/{letter.code}" in text


def test_the_pdf_escapes_markup_in_names(me, series):
    me.display_name = "Sam <b>& co"
    me.save()
    attended(me, meeting_at(series, LATE_EVENING_NY))
    letter = letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))

    body = letter_pdf(letter)

    assert body.startswith(b"%PDF")
    assert "Sam <b>& co" in pdf_text(body)  # written as text, neither markup nor escaped


def test_revoking_asks_first_then_revokes_once(me_client, letter):
    url = reverse("groups:letter-revoke", args=[letter.pk])

    confirm = me_client.get(url)
    assert confirm.status_code == 200
    assert "Revoke this letter?" in confirm.content.decode()
    letter.refresh_from_db()
    assert not letter.is_revoked

    done = me_client.post(url, follow=True)
    assert "The letter is revoked" in done.content.decode()
    letter.refresh_from_db()
    first = letter.revoked_at
    assert first is not None
    assert "Revoked on" in done.content.decode()

    again = me_client.post(url, follow=True)
    assert "already revoked" in again.content.decode()
    letter.refresh_from_db()
    assert letter.revoked_at == first


def test_revoking_in_the_service_keeps_the_first_date(letter):
    first = letter_revoke(letter=letter, now=timezone.now() - timedelta(days=1)).revoked_at
    assert letter_revoke(letter=letter).revoked_at == first


# --- checking a code -----------------------------------------------------------------------------


def verify_url(code: str) -> str:
    return reverse("groups:letter-verify", args=[code])


def test_anyone_can_check_a_letter_and_sees_exactly_what_it_states(client, letter, me, series):
    other = letter_issue(user=me, date_from=date(2025, 1, 21), date_to=date(2025, 1, 21))

    response = client.get(verify_url(letter.code))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Proof of attendance: confirmed" in html
    assert "Morgan" in html
    assert "1 January 2025" in html and "31 January 2025" in html
    assert "Ketamine Recovery Circle" in html
    assert "Tue 14 Jan 2025" in html and "23:30 EST" in html
    assert "Tue 21 Jan 2025" in html
    issued = letter.created_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{issued.day} {issued:%B %Y}" in html
    assert "morgan@example.org" not in html
    assert other.code not in html
    assert f"/meetings/letters/{letter.pk}/" not in html


def test_a_code_is_read_in_any_case_with_or_without_dashes(client, letter):
    plain = letter.code.replace("-", "")

    for typed in (letter.code.lower(), plain, plain.lower(), " ".join(letter.code.split("-"))):
        assert client.get(verify_url(typed)).status_code == 200


def test_unknown_revoked_and_malformed_codes_get_the_same_page(client, letter):
    unknown = letter_code()
    while unknown == letter.code:
        unknown = letter_code()
    letter_revoke(letter=letter)

    responses = [
        client.get(verify_url(code))
        for code in (unknown, letter.code, "not-a-code", letter.code.lower(), "0" * 20)
    ]

    assert {r.status_code for r in responses} == {404}
    # The same page, but for the language switcher's CSRF token, which is new on every page.
    assert len({CSRF_TOKEN.sub("", r.content.decode()) for r in responses}) == 1
    html = responses[0].content.decode()
    assert "We could not confirm a letter with this code" in html
    assert "revoked" not in html.lower()
    assert letter.code not in html


def test_revoking_then_checking_answers_not_found(client, me_client, letter):
    assert client.get(verify_url(letter.code)).status_code == 200

    me_client.post(reverse("groups:letter-revoke", args=[letter.pk]))

    assert client.get(verify_url(letter.code)).status_code == 404


@pytest.mark.parametrize("which", ["found", "missing"])
def test_check_answers_are_private(client, letter, which):
    code = letter.code if which == "found" else letter_code()

    response = client.get(verify_url(code))

    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "no-store"


def test_the_check_form_sends_to_the_code_page(client, letter):
    form = client.get(reverse("groups:letter-verify-form"))
    assert form.status_code == 200
    assert 'name="code"' in form.content.decode()

    typed = letter.code.lower().replace("-", " ")
    response = client.get(reverse("groups:letter-verify-form"), {"code": typed})

    assert response.status_code == 302
    assert response.url == verify_url(letter.code)


@pytest.mark.parametrize("typed", ["", "ABC", "!!!!!-?????-#####-$$$$$"])
def test_the_check_form_explains_what_a_code_looks_like(client, typed):
    response = client.get(reverse("groups:letter-verify-form"), {"code": typed})

    assert response.status_code == 400
    assert "20 letters and digits" in response.content.decode()


def test_code_checks_are_throttled_per_address(client, letter):
    unknown = letter_code()
    for _ in range(VERIFY_ATTEMPTS):
        assert client.get(verify_url(unknown), REMOTE_ADDR="203.0.113.7").status_code == 404

    blocked = client.get(verify_url(letter.code), REMOTE_ADDR="203.0.113.7")

    assert blocked.status_code == 429
    assert "Too many checks" in blocked.content.decode()
    assert blocked["Retry-After"] == "600"
    assert blocked["Cache-Control"] == "no-store"
    assert client.get(verify_url(letter.code), REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_throttle_lets_an_address_check_again_after_ten_minutes(client, letter):
    unknown = letter_code()
    for _ in range(VERIFY_ATTEMPTS + 1):
        client.get(verify_url(unknown), REMOTE_ADDR="203.0.113.8")
    assert client.get(verify_url(letter.code), REMOTE_ADDR="203.0.113.8").status_code == 429

    with time_machine.travel(time.time() + 10 * 60 + 1):
        assert client.get(verify_url(letter.code), REMOTE_ADDR="203.0.113.8").status_code == 200


def test_normalising_codes():
    assert letter_code_normalise("abcde fghjk-lmnpq—rstuv") == "ABCDE-FGHJK-LMNPQ-RSTUV"
    assert letter_code_normalise("ABCDE-FGHJK-LMNPQ-RSTU") is None
    assert letter_code_normalise("ABCDE-FGHJK-LMNPQ-RSTUO") is None  # O is not in the alphabet
    assert letter_code_normalise("") is None


def test_issuing_and_revoking_a_letter_are_in_the_members_security_log(me, letter):
    letter_revoke(letter=letter)
    letter_revoke(letter=letter)
    actions = list(
        AuditEvent.objects.filter(subject=me).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [AuditEvent.Action.LETTER_ISSUED, AuditEvent.Action.LETTER_REVOKED]


# --- who stands behind a letter (issue 15, item 17) ---------------------------------------------


@pytest.fixture
def attested_letter(me, series, group, settings):
    """Two meetings, recorded by two different facilitators, on a site run by Hope Network."""
    settings.ORGANISATION_NAME = "Hope Network"
    robin = UserFactory(display_name="Robin")
    sam = UserFactory(display_name="Sam")
    for person in (robin, sam):
        MembershipFactory(user=person, group=group, role="facilitator")
    first = meeting_at(series, LATE_EVENING_NY)
    second = meeting_at(series, LATE_EVENING_NY + timedelta(days=7))
    Attendance.objects.create(meeting=first, user=me, recorded_by=robin)
    Attendance.objects.create(meeting=second, user=me, recorded_by=sam)
    return letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))


def test_a_letter_names_who_recorded_each_meeting_and_who_issued_it(me_client, attested_letter):
    assert [entry["recorded_by"] for entry in attested_letter.entries] == ["Robin", "Sam"]
    assert attested_letter.organisation_name == "Hope Network"

    html = " ".join(
        me_client.get(reverse("groups:letter-detail", args=[attested_letter.pk]))
        .content.decode()
        .split()
    )

    assert "as recorded by facilitators Robin and Sam on Kinship" in html
    assert '<th scope="col">Recorded by</th>' in html
    assert "<td>Robin</td>" in html and "<td>Sam</td>" in html
    assert "Issued by Hope Network on" in html
    assert "Kinship, run by Hope Network, is a platform for peer support groups" in html


def test_the_pdf_carries_the_attestation_and_the_organisation(me_client, attested_letter):
    response = me_client.get(reverse("groups:letter-pdf", args=[attested_letter.pk]))

    text = pdf_text(response.content)
    assert "as recorded by facilitators Robin and Sam" in text
    assert "Recorded by" in text and "Robin" in text and "Sam" in text
    assert "Issued by Hope Network on" in text


def test_the_public_check_shows_the_issuer_and_the_attesters(client, attested_letter):
    html = " ".join(
        client.get(reverse("groups:letter-verify", args=[attested_letter.code]))
        .content.decode()
        .split()
    )

    assert "<dt>Issued by</dt> <dd> Hope Network </dd>" in html
    assert "as recorded by facilitators Robin and Sam" in html
    assert "<td>Robin</td>" in html


def test_the_issuer_is_fixed_when_the_letter_is_issued(client, attested_letter, settings):
    settings.ORGANISATION_NAME = "A Later Name"

    html = client.get(reverse("groups:letter-verify", args=[attested_letter.code])).content
    assert b"Hope Network" in html
    assert b"A Later Name" not in html


def test_an_older_letter_without_attestation_still_reads_well(me_client, letter):
    AttendanceLetter.objects.filter(pk=letter.pk).update(organisation_name="")

    html = " ".join(
        me_client.get(reverse("groups:letter-detail", args=[letter.pk])).content.decode().split()
    )

    assert "as recorded by each group&#x27;s facilitators on Kinship" in html
    assert "<td>A facilitator</td>" in html
    assert "Issued on" in html and "Issued by" not in html


def test_the_list_of_letters_has_a_revoke_button_that_asks_first(me_client, me, letter, series):
    revoked = letter_issue(user=me, date_from=date(2025, 1, 21), date_to=date(2025, 1, 21))
    letter_revoke(letter=revoked)

    html = me_client.get(reverse("groups:letter-list")).content.decode()

    revoke_url = reverse("groups:letter-revoke", args=[letter.pk])
    assert f'href="{revoke_url}">Revoke…' in html
    assert reverse("groups:letter-revoke", args=[revoked.pk]) not in html
    # The button leads to the confirmation page; nothing is revoked by following it.
    confirm = me_client.get(revoke_url)
    assert "Revoke this letter?" in confirm.content.decode()
    letter.refresh_from_db()
    assert not letter.is_revoked


def test_the_list_of_letters_makes_as_many_queries_with_20_letters_as_with_2(me_client, letter, me):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("groups:letter-list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert me_client.get(url).status_code == 200
        return len(queries)

    letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    count()
    few = count()
    for _ in range(18):
        letter_issue(user=me, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    assert count() == few
    assert me_client.get(url).content.decode().count("Revoke") >= 20
