"""The public meeting list in the Meeting Guide JSON format (code4recovery/spec), which meeting
finder apps (the Meeting Guide app, TSML UI, the 12 Step Meeting List plugin) read from
`/feeds/meetings.json`. The summary we follow is `shared/spec/meeting-guide.md`.

What is published, and what is left out on purpose:

- Only weekly series (`FREQ=WEEKLY` with no INTERVAL, i.e. every week) of active, listed
  groups whose schedule has a meeting still to come. The spec knows weekly meetings only: a
  fortnightly, monthly or one-off series written as "weekly on Tuesday" would send people to
  an empty room, so those stay on the group's own page. A series whose UNTIL has passed or whose
  COUNT is used up is over and left out too.
- A series with no place at all (an online group that names no home city) is left out: the
  Meeting Guide importer refuses a meeting without geographic information, and without a
  published link finders could only show it as inactive.
- One meeting object per weekday. The spec allows `"day": [1, 4]`, but TSML UI's loader throws
  on a feed with two such objects ("Invalid unit value 2,6") and shows no meetings at all, so
  a series on several weekdays becomes one object per day, slugged `<series slug>-<day>`: the
  very slug TSML UI and the 12 Step Meeting List plugin already derived from a day list, so
  their links and imported meetings carry over. A series on one weekday keeps its own slug.
- Online links and dial-in numbers only where the group chose to publish them
  (`SupportGroup.publish_online_link`, off by default). Otherwise `conference_url` is the
  series' join page on this site (groups:series-join), which says how to join the group and
  shows members the link; the dial-in stays private. Finders check `conference_url` against
  their list of conference providers: TSML UI (`conference_providers`) and the 12 Step Meeting
  List (`$tsml_conference_providers`) accept the join page only where the finder's operator
  added this site's domain to it; elsewhere such a meeting is listed as inactive, as before.
- Street addresses (and the venue's name) of in-person and hybrid series only where the group
  chose to publish them (`SupportGroup.publish_address`, off by default: on the site only
  members see them). Without a street, finders list a meeting in a room as closed: TSML UI
  counts a meeting as in person only when it is not `approximate` (and a city is), and the 12
  Step Meeting List geocodes the address itself and calls a city approximate, whatever the feed
  says. A meeting listed as "temporarily closed" tells someone looking for help that there is
  none, and a city centre pin sends them to the wrong door, so an in-person series whose street
  is private is not in the feed at all (the group's own page is in our directory); a hybrid
  one is, as an online meeting in its city (`approximate: "yes"`) with its join page.
  `location_notes` ("upstairs, room 4") is never published. What the feed says about a place
  is what the group's public page shows, and nothing more
  (groups.meetings.places.series_public_place).
- A series' notes only where its facilitators marked them public (`MeetingSeries.notes_public`,
  off by default: they are written for members).
- Never anything about people: no names, e-mail addresses, member counts or attendance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from html.parser import HTMLParser
from types import MappingProxyType

import markdown as markdown_lib
from dateutil.rrule import rrulestr
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy

from groups.meetings.places import Place, series_public_place
from groups.meetings.recurrence import WEEKDAY_CODES, local_instant
from groups.models import MeetingSeries, SupportGroup, in_directory
from lib.urls import SlugAddresses

# Series language (ISO 639-1, as stored in `MeetingSeries.language`) to the spec's reserved
# language codes. The spec does not follow ISO everywhere (Spanish is `S`, Italian `ITA`,
# Korean `KOR`, ...); a language without a reserved code gets no type rather than an invented
# one, because a custom code is ignored by the importer and could collide later.
LANGUAGE_TYPES = {
    "af": "AF",
    "am": "AM",
    "ar": "AR",
    "bg": "BG",
    "da": "DA",
    "de": "DE",
    "el": "EL",
    "en": "EN",
    "es": "S",
    "fa": "FA",
    "fi": "FI",
    "fil": "TL",
    "fr": "FR",
    "he": "HE",
    "hi": "HI",
    "hr": "HR",
    "hu": "HU",
    "is": "IS",
    "it": "ITA",
    "ja": "JA",
    "ka": "KA",
    "ko": "KOR",
    "lt": "LT",
    "ml": "ML",
    "mt": "MT",
    "nb": "NO",
    "ne": "NE",
    "nl": "NL",
    "nn": "NO",
    "no": "NO",
    "pa": "PUN",
    "pl": "POL",
    "pt": "POR",
    "ru": "RUS",
    "sk": "SK",
    "sl": "SL",
    "sv": "SV",
    "th": "TH",
    "tl": "TL",
    "tr": "TUR",
    "uk": "UK",
}

# Our own codes, for what the spec has no code for: the substance a group is about. Custom
# codes are allowed (the importer ignores them; TSML UI can be configured to show them), must
# not reuse a reserved or proposed code, and should not look like an ISO 639 language code,
# which is why they are longer than three letters ("KET" would be ISO 639-3 for Ket).
CUSTOM_TYPES = {
    "KETAMINE": "Ketamine",
    "STIMULANTS": "Stimulants",
    "ALCOHOL": "Alcohol",
    "FAMILY": "Family and Friends",
}
TOPIC_TYPES = {
    "ketamine": "KETAMINE",
    "stimulants": "STIMULANTS",
    "alcohol": "ALCOHOL",
    "family-and-friends": "FAMILY",
    # "general-recovery" says nothing a finder could filter on: no code.
}

ONLINE = "ONL"  # not in the spec's types.json, but what TSML and TSML UI use for "online"

JOIN_NOTES = gettext_lazy(
    # Translators: in the public meeting list that meeting finder apps read, beside the
    # address of a series' join page on this site (the meeting's link is not published).
    "The link is for members of the group. This page says how to join the group; once you are "
    "a member, it shows the link."
)

Format = SupportGroup.Format

# Ten thousand series' addresses: each reversed once, the slugs put in (lib.urls).
_group_url = SlugAddresses("groups:group-detail", "slug")
_series_join_url = SlugAddresses("groups:series-join", "slug", "series_slug")


@dataclass(frozen=True)
class Listing:
    """A series the feed publishes, with what its meeting objects say besides the series: its
    public place, its group's topics (slugs, in order) and its two addresses."""

    series: MeetingSeries
    place: Place
    topics: tuple[str, ...]
    url: str  # the group's page
    join_url: str  # the series' join page


def meeting_guide_series(*, now: datetime | None = None) -> list[Listing]:
    """The series the feed publishes, ordered by group name and then start time: three
    queries, however many series there are. Each group is read once, not once per series,
    and its topics as slugs (ten thousand series are a second's work: every copy counts).

    Weekly is filtered in SQL; "every week" and "not over yet" are read from the rule here,
    because only the rule knows (stored meetings reach a few weeks ahead, not to the end)."""
    now = now or timezone.now()
    groups = {group.pk: group for group in SupportGroup.objects.filter(in_directory())}
    topics: dict[int, list[str]] = {}
    links = SupportGroup.topics.through.objects.filter(in_directory("supportgroup__")).order_by(
        "topic__position", "topic__name"
    )
    for group_id, slug in links.values_list("supportgroup_id", "topic__slug"):
        topics.setdefault(group_id, []).append(slug)
    series = MeetingSeries.objects.filter(
        in_directory("group__"),
        rrule__startswith="FREQ=WEEKLY",
    ).order_by("group__name", "group_id", "start_time", "pk")
    group_url, join_url = _group_url.bind(), _series_join_url.bind()
    published = []
    for one in series:
        group = groups.get(one.group_id)
        if group is None:  # listed after the groups were read: in the next build
            continue
        one.group = group
        if not (_is_every_week(one.rrule) and _has_meeting_ahead(one, now=now)):
            continue
        place = series_public_place(one)
        if _listed_active(one, place):
            published.append(
                Listing(
                    series=one,
                    place=place,
                    topics=tuple(topics.get(group.pk, ())),
                    url=group_url(group.slug),
                    join_url=join_url(group.slug, one.slug),
                )
            )
    return published


def series_join_page_url(series: MeetingSeries) -> str:
    """The public page that tells a visitor how to join the group to get the series' link."""
    return _series_join_url.bind()(series.group.slug, series.slug)


def series_public_conference_url(series: MeetingSeries) -> str:
    """The `conference_url` the feed gives, which the group's public page shows too: the
    published link, else (for a series that meets online) its join page, else nothing."""
    return _conference_url(series_public_place(series), lambda: series_join_page_url(series))


def _conference_url(place: Place, join_url: Callable[[], str]) -> str:
    if place.online_url:
        return place.online_url
    return join_url() if place.online else ""


def meeting_guide_meetings(listing: Listing) -> list[dict[str, object]]:
    """The Meeting Guide meeting objects of a weekly series: one per weekday (see the module
    docstring). A series on one weekday keeps its slug; on several, each day's object is
    `<slug>-<day>`. That cannot collide with another series' slug: ours end in a random
    six-character part (series_unique_slug), a day's in one digit."""
    series = listing.series
    first, *others = _days(series)
    meeting = _meeting_object(listing, day=first)
    if not others:
        return [meeting]
    return [meeting | {"slug": f"{series.slug}-{day}", "day": day} for day in (first, *others)]


def _meeting_object(listing: Listing, *, day: int) -> dict[str, object]:
    """A series as the meeting object of one of its weekdays. What it says about the place
    is what the group's public page shows (series_public_place, series_public_conference_url)."""
    series, place = listing.series, listing.place
    group = series.group
    conference_url = _conference_url(place, lambda: listing.join_url)
    conference_phone = _dialable(place.dial_in)

    meeting: dict[str, object] = {
        "name": plain_line(series.title),
        "slug": series.slug,
        "day": day,
        "time": f"{series.start_time:%H:%M}",
        "end_time": _end_time(series),
        "timezone": series.time_zone,
        "types": _types(
            series, online=bool(conference_url or conference_phone), topics=listing.topics
        ),
        "group": plain_line(group.name),
        "url": listing.url,
        "updated": f"{max(series.updated_at, group.updated_at).astimezone(UTC):%Y-%m-%d %H:%M:%S}",
    }
    if series.notes_public and (notes := plain_text(series.notes)):
        meeting["notes"] = notes
    if group_notes := plain_text(group.description):
        meeting["group_notes"] = group_notes
    if place.location:
        meeting["location"] = plain_line(place.location)
    street = plain_line(place.street)
    meeting.update(
        {
            key: value
            for key, value in (
                ("address", street),
                ("city", plain_line(place.city)),
                ("state", plain_line(place.region)),
                ("postal_code", plain_line(place.postal_code)),
                ("country", plain_line(place.country)),
            )
            if value
        }
    )
    # Without a street, the city is all finders get: say so rather than pin the town hall.
    meeting["approximate"] = "no" if street else "yes"
    if (
        street
        and series.use_group_address
        and group.latitude is not None
        and group.longitude is not None
    ):
        meeting["latitude"] = round(float(group.latitude), 5)
        meeting["longitude"] = round(float(group.longitude), 5)

    if conference_url:
        meeting["conference_url"] = conference_url
        if not place.online_url:
            meeting["conference_url_notes"] = str(JOIN_NOTES)
        elif place.online_notes:
            meeting["conference_url_notes"] = plain_line(place.online_notes)
    if conference_phone:
        meeting["conference_phone"] = conference_phone
        if place.dial_in_notes:
            meeting["conference_phone_notes"] = plain_line(place.dial_in_notes)
    return meeting


# --- the schedule ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _rule_values(rule: str) -> Mapping[str, str]:
    """The rule's parts by name (read-only: one copy serves every series with that rule, and
    ten thousand series share a few dozen rules)."""
    return MappingProxyType(dict(part.split("=", 1) for part in rule.split(";") if "=" in part))


def _is_every_week(rule: str) -> bool:
    values = _rule_values(rule)
    return values.get("FREQ") == "WEEKLY" and values.get("INTERVAL", "1") == "1"


def _has_meeting_ahead(series: MeetingSeries, *, now: datetime) -> bool:
    """A meeting that has not ended yet is still to come. A rule with neither UNTIL nor COUNT
    never ends; otherwise dateutil says, walking at most to the rule's end."""
    values = _rule_values(series.rrule)
    if "UNTIL" not in values and "COUNT" not in values:
        return True
    first = local_instant(series.start_date, series.start_time, series.zone)
    rule = rrulestr(series.rrule, dtstart=first)
    since = now - timedelta(minutes=series.duration_minutes)
    return rule.after(since, inc=True) is not None


def _listed_active(series: MeetingSeries, place: Place | None = None) -> bool:
    """Whether finders can list the series as a meeting that takes place: somewhere to place
    it on a map (a city at least), and a way in that we publish (a street, or for an online
    or hybrid series its link or join page). See the module's docstring."""
    place = place or series_public_place(series)
    return bool(place.street or place.city) and bool(place.street or place.online)


def _days(series: MeetingSeries) -> list[int]:
    """Meeting Guide counts from Sunday (0) to Saturday (6); Python from Monday (0)."""
    byday = _rule_values(series.rrule).get("BYDAY", "")
    weekdays = sorted({WEEKDAY_CODES.index(code[-2:]) for code in byday.split(",") if code})
    if not weekdays:
        weekdays = [series.start_date.weekday()]  # RFC 5545: BYDAY defaults to DTSTART's day
    return sorted((weekday + 1) % 7 for weekday in weekdays)


def _end_time(series: MeetingSeries) -> str:
    """Wall-clock end: 23:30 for an hour ends at 00:30 (the next day, which the format
    cannot say and finders understand)."""
    start = datetime.combine(date(2000, 1, 3), series.start_time)  # any date: wall time only
    return f"{start + timedelta(minutes=series.duration_minutes):%H:%M}"


# --- types ----------------------------------------------------------------------------------


def _types(series: MeetingSeries, *, online: bool, topics: tuple[str, ...]) -> list[str]:
    """The series' attributes as type codes (reserved ones, then our custom topic codes).

    Room attributes (wheelchair access, bathroom, fragrance free) are only said of a series
    that meets in a room. `ONL` only with a `conference_url` (the link or the join page) or a
    phone, as TSML requires (it drops `ONL` from an import that has neither).

    Our custom topic codes are allowed by the spec and dropped on purpose by both finders
    (TSML UI keeps only codes it has a label for, the 12 Step Meeting List only its program's
    codes): they serve apps and finder operators that add them, and cost the others nothing."""
    types = ["O" if series.openness == MeetingSeries.Openness.OPEN else "C"]
    flags = (
        (series.newcomer_friendly, "BE"),
        (series.dual_diagnosis, "DD"),
        (series.gender == MeetingSeries.Gender.WOMEN, "W"),
        (series.gender == MeetingSeries.Gender.MEN, "M"),
        (series.lgbtq, "LGBTQ"),
        (series.meets_in_person and series.wheelchair_access, "X"),
        (series.meets_in_person and series.accessible_bathroom, "XB"),
        (series.sign_language, "ASL"),
        (series.meets_in_person and series.fragrance_free, "FF"),
        (series.proof_of_attendance, "POA"),
        (online, ONLINE),
    )
    types += [code for wanted, code in flags if wanted]
    language = series.language.strip().lower().replace("_", "-")
    code = LANGUAGE_TYPES.get(language) or LANGUAGE_TYPES.get(language.split("-")[0])
    if code:
        types.append(code)
    for slug in topics:
        if custom := TOPIC_TYPES.get(slug):
            types.append(custom)
    return types


def _dialable(number: str) -> str:
    """The spec allows digits and + , * # for one-tap dialing; we allow spaces for reading."""
    return "".join(char for char in number if char.isdigit() or char in "+,*#")


# --- plain text -----------------------------------------------------------------------------

_BLOCKS = {"p", "div", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_SKIPPED = {"script", "style", "template", "iframe", "object"}


class _PlainText(HTMLParser):
    """HTML to readable text: paragraphs on their own lines, list items as "- item", a link as
    "text (address)" so the address is not lost, scripts and styles dropped entirely."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.preformatted = 0
        self.links: list[tuple[str, int]] = []  # (href, where its text starts in `parts`)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self.preformatted += 1
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.preformatted = max(0, self.preformatted - 1)
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            shown = {text, f"mailto:{text}", f"tel:{text}"}
            if href.startswith(("http://", "https://", "mailto:", "tel:")) and href not in shown:
                self.parts.append(f" ({href})" if text else href)

    def handle_data(self, data: str) -> None:
        # Line breaks in the HTML source are just spaces; only <br> and blocks break lines
        # (and a <pre> keeps its own).
        if not self.skipping:
            self.parts.append(data if self.preformatted else data.replace("\n", " "))

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        kept: list[str] = []  # at most one empty line between paragraphs
        for line in lines:
            if line or (kept and kept[-1]):
                kept.append(line)
        return "\n".join(kept).strip()


@lru_cache(maxsize=32768)
def plain_text(text: str) -> str:
    """Markdown (or HTML) written by a facilitator, as the plain text the spec asks for: the
    markup is rendered first, so `**bold**` becomes "bold" rather than keeping its stars.
    Single line breaks are kept (`nl2br`), as series notes are written as plain lines.

    Cached by text: a group's description is repeated for each of its series, and rendering
    Markdown is most of the feed's cost (bench/meetings.py)."""
    if not text or not text.strip():
        return ""
    html = markdown_lib.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.text()


def plain_line(text: str) -> str:
    """A one-line field (a title, a name, a passcode note) without tags. No Markdown here:
    "12*34*5" is a passcode, not emphasis. Text with no "<" has no tag to strip (and
    strip_tags keeps character references as they are): the parser is spared."""
    text = text or ""
    return " ".join((strip_tags(text) if "<" in text else text).split())
