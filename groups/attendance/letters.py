"""Proof of attendance letters: what goes into one (the entries, as days and times in the
member's zone), reading a code back as a third party types it, and the letter as a PDF.

A letter states only what the member chose to share: their display name, the dates, and for
each meeting the group's name, the meeting's title, the day and the time, and the display name
of the facilitator who recorded them there (their attestation: a third party sees who vouches
for each line), under the name of the organisation that runs the site. Never an e-mail
address, an account id, or anything about their health beyond the group names themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from groups.models import Attendance, AttendanceLetter, Meeting
from lib.urls import absolute_reverse

CODE_ALPHABET = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
CODE_LENGTH = 20
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces, hyphens and dashes people type

LETTER_TITLE = "Proof of attendance"


# --- dates in the member's zone --------------------------------------------------------------


def local_today(zone_name: str, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(zone_name)).date()


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _day_bounds(date_from: date, date_to: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants where `date_from` begins and the day after `date_to` begins, in `zone`."""
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def letter_entries(*, user: User, date_from: date, date_to: date) -> list[dict[str, str]]:
    """The meetings `user` was recorded at (by a facilitator, never from an RSVP) that were
    not cancelled and fall on the given days in the member's own zone, oldest first, as the
    letter will state them."""
    zone = ZoneInfo(user.time_zone)
    start, end = _day_bounds(date_from, date_to, zone)
    attended = (
        Attendance.objects.filter(
            user=user,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .select_related("meeting__series", "meeting__group", "recorded_by")
        .order_by("meeting__starts_at", "meeting_id")
    )
    entries = []
    for attendance in attended:
        meeting = attendance.meeting
        local = meeting.starts_at.astimezone(zone)
        entries.append(
            {
                "group": meeting.group.name,
                "title": meeting.series.title,
                "date": local.date().isoformat(),
                "time": f"{local:%H:%M}",
                "zone": local.tzname() or "",
                "recorded_by": attendance.recorded_by.display_name
                if attendance.recorded_by
                else "",
            }
        )
    return entries


# --- showing a letter ------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterRow:
    group: str
    title: str
    day: date
    time: str
    zone: str
    recorded_by: str


def letter_rows(letter: AttendanceLetter) -> list[LetterRow]:
    """The stored entries with their dates as dates, for templates and the PDF."""
    return [
        LetterRow(
            group=entry.get("group", ""),
            title=entry.get("title", ""),
            day=date.fromisoformat(entry["date"]),
            time=entry.get("time", ""),
            zone=entry.get("zone", ""),
            recorded_by=entry.get("recorded_by", ""),
        )
        for entry in letter.entries
    ]


def letter_issued_on(letter: AttendanceLetter) -> date:
    """The day the letter was issued, in the zone it was issued for."""
    return letter.created_at.astimezone(ZoneInfo(letter.time_zone)).date()


def letter_attesters(letter: AttendanceLetter) -> list[str]:
    """The facilitators who recorded the meetings a letter lists, each once, in order."""
    names = [row.recorded_by for row in letter_rows(letter) if row.recorded_by]
    return list(dict.fromkeys(names))


def letter_verify_url(letter: AttendanceLetter) -> str:
    return absolute_reverse("groups:letter-verify", args=[letter.code])


def long_date(day: date) -> str:
    """ "3 March 2026": unambiguous on both sides of the Atlantic."""
    return f"{day.day} {day:%B %Y}"


# --- reading a code back ---------------------------------------------------------------------


def letter_code_normalise(raw: str) -> str | None:
    """The stored form (ABCDE-FGHJK-LMNPQ-RSTUV) of a code as typed: any case, with or without
    dashes or spaces. None when it cannot be a code at all."""
    letters = _CODE_SEPARATORS.sub("", raw or "").upper()
    if len(letters) != CODE_LENGTH or not set(letters) <= CODE_ALPHABET:
        return None
    return "-".join(letters[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def letter_get_verifiable(*, code: str) -> AttendanceLetter | None:
    """The letter a third party may see for `code`: None for a malformed, unknown or revoked
    code alike, so the answer never tells which."""
    normalised = letter_code_normalise(code)
    if normalised is None:
        return None
    return AttendanceLetter.objects.filter(code=normalised, revoked_at__isnull=True).first()


# --- the PDF ---------------------------------------------------------------------------------


def letter_pdf(letter: AttendanceLetter) -> bytes:
    """The letter as a PDF with the same statements as its page.

    Built with reportlab's standard Helvetica: nothing is fetched or embedded. `invariant`
    makes the same letter give the same bytes, and page streams are left uncompressed (a
    letter is a page or two) so the text can be searched and checked."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    code_style = ParagraphStyle(
        "Code", parent=body, fontName="Courier-Bold", fontSize=18, leading=24, spaceBefore=6
    )
    small = ParagraphStyle("Small", parent=body, fontSize=9, leading=12)
    rows = letter_rows(letter)

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    story = [
        para(LETTER_TITLE, styles["Title"]),
        para(statement(letter)),
        Spacer(1, 4 * mm),
    ]
    table_data = [[para("Group"), para("Meeting"), para("Date"), para("Time"), para("Recorded by")]]
    table_data += [
        [
            para(row.group),
            para(row.title),
            para(f"{row.day:%a} {long_date(row.day)}"),
            para(f"{row.time} {row.zone}".strip()),
            para(row.recorded_by or "A facilitator"),
        ]
        for row in rows
    ]
    table = Table(table_data, colWidths=[42 * mm, 38 * mm, 38 * mm, 25 * mm, 32 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 6 * mm),
        para(f"{len(rows)} {'meeting' if len(rows) == 1 else 'meetings'} in all."),
        para(issued_line(letter)),
        Spacer(1, 4 * mm),
        para("Verification code"),
        para(letter.code, code_style),
        para(f"Anyone can check this letter at {letter_verify_url(letter)}"),
        Spacer(1, 6 * mm),
        para(footnote(letter), small),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=LETTER_TITLE,
        author=letter.organisation_name,
        creator=settings.SITE_NAME,
        invariant=1,
        pageCompression=0,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def statement(letter: AttendanceLetter) -> str:
    """The letter's opening sentence, the same on the page, the PDF and the check."""
    attesters = letter_attesters(letter)
    if attesters:
        plural = "s" if len(attesters) > 1 else ""
        recorded = f"as recorded by facilitator{plural} {_and_list(attesters)}"
    else:
        recorded = "as recorded by each group's facilitators"
    return (
        f"This letter confirms that {letter.display_name} took part in the meetings of peer "
        f"support groups listed below, between {long_date(letter.date_from)} and "
        f"{long_date(letter.date_to)}, {recorded} on {settings.SITE_NAME}. "
        f"Times are in {letter.time_zone}."
    )


def issued_line(letter: AttendanceLetter) -> str:
    """ "Issued by Hope Recovery Network on 3 March 2026." (older letters: no issuer)."""
    issuer = f" by {letter.organisation_name}" if letter.organisation_name else ""
    return f"Issued{issuer} on {long_date(letter_issued_on(letter))}."


def footnote(letter: AttendanceLetter) -> str:
    """What stands under the letter: who runs the site, and who recorded the attendance."""
    runner = f", run by {letter.organisation_name}," if letter.organisation_name else ""
    return (
        f"{settings.SITE_NAME}{runner} is a platform for peer support groups. Attendance is "
        "recorded by each group's facilitators at the meeting, never from an answer given "
        "beforehand; each line names who recorded it. The person named above chose to share "
        "this letter."
    )


def _and_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
