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
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from groups.models import Attendance, AttendanceLetter, Meeting
from lib.i18n import format_day
from lib.urls import absolute_reverse

CODE_ALPHABET = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
CODE_LENGTH = 20
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces, hyphens and dashes people type

# Translators: the title of a letter that lists the meetings a member was recorded at.
LETTER_TITLE = gettext_lazy("Proof of attendance")


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
    return formats.date_format(day, "DATE_FORMAT")


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

    title = str(LETTER_TITLE)
    story = [
        para(title, styles["Title"]),
        para(statement(letter)),
        Spacer(1, 4 * mm),
    ]
    headings = [
        # Translators: a column heading in a proof of attendance letter: the group's name.
        _("Group"),
        # Translators: a column heading in a proof of attendance letter: the meeting's title.
        _("Meeting"),
        # Translators: a column heading in a proof of attendance letter.
        _("Date"),
        # Translators: a column heading in a proof of attendance letter.
        _("Time"),
        # Translators: a column heading in a proof of attendance letter: the facilitator's name.
        _("Recorded by"),
    ]
    table_data = [[para(heading) for heading in headings]]
    table_data += [
        [
            para(row.group),
            para(row.title),
            para(format_day(row.day, "short_weekday_date")),
            para(f"{row.time} {row.zone}".strip()),
            # Translators: in a proof of attendance letter, for a facilitator whose account
            # is gone.
            para(row.recorded_by or _("A facilitator")),
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
        para(
            # Translators: under the table of meetings in a proof of attendance letter.
            ngettext("%(count)d meeting in all.", "%(count)d meetings in all.", len(rows))
            % {"count": len(rows)}
        ),
        para(issued_line(letter)),
        Spacer(1, 4 * mm),
        # Translators: in a proof of attendance letter, above the code that checks it.
        para(_("Verification code")),
        para(letter.code, code_style),
        para(
            # Translators: %(url)s is the address of the page that checks a letter's code.
            _("Anyone can check this letter at %(url)s") % {"url": letter_verify_url(letter)}
        ),
        Spacer(1, 6 * mm),
        para(footnote(letter), small),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=title,
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
    words = {
        "name": letter.display_name,
        "date_from": long_date(letter.date_from),
        "date_to": long_date(letter.date_to),
        "facilitators": _and_list(attesters),
        "site": settings.SITE_NAME,
        "zone": letter.time_zone,
    }
    if attesters:
        text = ngettext(
            # Translators: the opening of a proof of attendance letter. %(name)s is the
            # member's display name, %(date_from)s and %(date_to)s are dates ("3 March 2026"),
            # %(facilitators)s the facilitators' names ("Ana, Ben and Chloé"), %(site)s the
            # site's name and %(zone)s a time zone ("America/New_York").
            "This letter confirms that %(name)s took part in the meetings of peer support "
            "groups listed below, between %(date_from)s and %(date_to)s, as recorded by "
            "facilitator %(facilitators)s on %(site)s. Times are in %(zone)s.",
            "This letter confirms that %(name)s took part in the meetings of peer support "
            "groups listed below, between %(date_from)s and %(date_to)s, as recorded by "
            "facilitators %(facilitators)s on %(site)s. Times are in %(zone)s.",
            len(attesters),
        )
    else:
        text = _(
            # Translators: the opening of a proof of attendance letter. %(name)s is the
            # member's display name, %(date_from)s and %(date_to)s are dates ("3 March 2026"),
            # %(site)s the site's name and %(zone)s a time zone ("America/New_York").
            "This letter confirms that %(name)s took part in the meetings of peer support "
            "groups listed below, between %(date_from)s and %(date_to)s, as recorded by each "
            "group's facilitators on %(site)s. Times are in %(zone)s."
        )
    return text % words


def issued_line(letter: AttendanceLetter) -> str:
    """ "Issued by Hope Recovery Network on 3 March 2026." (older letters: no issuer)."""
    issued_on = long_date(letter_issued_on(letter))
    if letter.organisation_name:
        # Translators: at the end of a proof of attendance letter: the organisation that runs
        # the site, and a date ("3 March 2026").
        return _("Issued by %(organisation)s on %(date)s.") % {
            "organisation": letter.organisation_name,
            "date": issued_on,
        }
    # Translators: at the end of a proof of attendance letter; %(date)s is "3 March 2026".
    return _("Issued on %(date)s.") % {"date": issued_on}


def footnote(letter: AttendanceLetter) -> str:
    """What stands under the letter: who runs the site, and who recorded the attendance."""
    words = {"site": settings.SITE_NAME, "organisation": letter.organisation_name}
    if letter.organisation_name:
        return (
            _(
                # Translators: under a proof of attendance letter; %(site)s is the site's name,
                # %(organisation)s the organisation that runs it.
                "%(site)s, run by %(organisation)s, is a platform for peer support groups. "
                "Attendance is recorded by each group's facilitators at the meeting, never from an "
                "answer given beforehand; each line names who recorded it. The person named above "
                "chose to share this letter."
            )
            % words
        )
    return (
        _(
            # Translators: under a proof of attendance letter; %(site)s is the site's name.
            "%(site)s is a platform for peer support groups. Attendance is recorded by each "
            "group's facilitators at the meeting, never from an answer given beforehand; each "
            "line names who recorded it. The person named above chose to share this letter."
        )
        % words
    )


def _and_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    # Translators: a list of names: "Ana, Ben" (%(names)s), then the last one ("Chloé").
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
