from __future__ import annotations

import re
from datetime import date
from typing import Any, TypedDict, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.forms import TimeZoneInput, time_zone_field
from accounts.models import User
from groups.attendance.letters import letter_code_normalise
from groups.meetings.recurrence import (
    ORDINALS,
    WEEKDAY_CODES,
    WEEKDAY_NAMES,
    Frequency,
    Recurrence,
    clock_change_notes,
    first_date,
)
from groups.meetings.times import clock_change_note
from groups.models import (
    Announcement,
    Invitation,
    Meeting,
    MeetingSeries,
    Membership,
    Report,
    SupportGroup,
    Topic,
)
from groups.selectors import TIMES_OF_DAY
from lib.fields import SingleLineFormField

# --- public side: the directory's filters and joining -----------------------------------------


class DirectoryFilters(TypedDict):
    """The keyword arguments of `group_list_directory` that the directory's filters give."""

    formats: list[str]
    languages: list[str]
    topics: list[Topic]
    audiences: list[str]
    words: list[str]
    days: list[str]
    times: list[str]


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string so a search can be shared.

    Values that are not valid (a topic since removed, a format misspelt in a shared link) are
    dropped rather than reported: the directory still shows what the rest of the link asks.
    What a person typed is the exception: a search over the length limit, or a zone that
    could be several, is refused with the reason (`refused`), never silently ignored."""

    MAX_WORDS = 8
    MAX_LENGTH = 200

    q = forms.CharField(
        label=gettext_lazy("Search by words"),
        required=False,
        max_length=MAX_LENGTH,
        error_messages={
            "max_length": gettext_lazy(
                "A search can be at most %(limit_value)d characters (this one has "
                "%(show_value)d): try a few words, such as a topic or a town."
            )
        },
        help_text=gettext_lazy("Whole words from a group's name, description, topics or town."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    # Visitors choose the zone the day and time filters (and the times shown) are read in;
    # members use their profile's (the view leaves this field out for them).
    zone = time_zone_field(
        label=gettext_lazy("Your time zone"), required=False, widget=TimeZoneInput()
    )
    format = forms.MultipleChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=SupportGroup.Format.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.MultipleChoiceField(
        label=gettext_lazy("Meetings held in"),
        required=False,
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    topic = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Topic"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label=gettext_lazy("For"),
        required=False,
        choices=[
            (SupportGroup.Audience.RECOVERY, gettext_lazy("People in recovery")),
            (SupportGroup.Audience.LOVED_ONES, gettext_lazy("Family and friends")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    day = forms.MultipleChoiceField(
        label=gettext_lazy("Day"),
        required=False,
        choices=[(code, name) for code, name in zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True)],
        widget=forms.CheckboxSelectMultiple,
    )
    time = forms.MultipleChoiceField(
        label=gettext_lazy("Time of day"),
        required=False,
        choices=[(key, label) for key, (label, _start, _end) in TIMES_OF_DAY.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, for_member: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_member:
            del self.fields["zone"]

    def refused(self) -> bool:
        """True when what the person typed cannot be searched (too long, an unknown zone):
        the page says why instead of showing every group as if nothing was asked."""
        self.is_valid()
        return self.has_error("q", "max_length") or (
            "zone" in self.fields and self.has_error("zone")
        )

    def chosen_zone(self) -> str:
        """The zone a visitor chose, or "" (the site's)."""
        self.is_valid()
        return self.cleaned_data.get("zone") or ""

    def filters(self) -> DirectoryFilters:
        """The valid filters, as keyword arguments for `group_list_directory`."""
        self.is_valid()
        data = self.cleaned_data
        words = (data.get("q") or "").split()[: self.MAX_WORDS]
        return {
            "formats": data.get("format") or [],
            "languages": data.get("language") or [],
            "topics": list(data.get("topic") or []),
            "audiences": data.get("audience") or [],
            "words": words,
            "days": data.get("day") or [],
            "times": data.get("time") or [],
        }


class JoinForm(forms.Form):
    """Accepting the code of conduct, and for approval groups a word to the facilitators."""

    accept_conduct = forms.BooleanField(
        label=gettext_lazy("I have read the code of conduct and will keep it"),
        error_messages={
            "required": gettext_lazy("Please read the code of conduct and tick the box.")
        },
    )
    message = forms.CharField(
        label=gettext_lazy("A message to the facilitators"),
        required=False,
        max_length=Membership._meta.get_field("request_message").max_length,
        help_text=gettext_lazy(
            "Why you would like to join, or anything they should know. Only the facilitators "
            "read it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, asks_message: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_message:
            del self.fields["message"]


# --- facilitator side ---------------------------------------------------------------------------


class MembershipDecisionForm(forms.Form):
    """The optional word a facilitator adds to an approval, a decline or a removal."""

    message = forms.CharField(
        label=gettext_lazy("Message to the person"),
        required=False,
        max_length=Membership._meta.get_field("decision_message").max_length,
        help_text=gettext_lazy("Optional. It goes into the e-mail we send them."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InvitationForm(forms.Form):
    """A new link's limits: how many people may join with it, and for how many days. A field
    left empty takes its default, so the button alone makes a link for one person."""

    max_uses = forms.IntegerField(
        label=gettext_lazy("How many people may join with it"),
        required=False,
        initial=1,
        min_value=1,
        max_value=Invitation.MAX_USES_LIMIT,
        error_messages={
            "invalid": gettext_lazy("Enter a whole number of people, for example 1."),
            "min_value": gettext_lazy("A link needs to let at least 1 person in."),
            # Django fills in the limit (Invitation.MAX_USES_LIMIT).
            "max_value": ngettext_lazy(
                "A link can let in at most %(limit_value)d person. For more, make the group "
                "open or ask people to request to join.",
                "A link can let in at most %(limit_value)d people. For more, make the group "
                "open or ask people to request to join.",
                "limit_value",
            ),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days it works for"),
        required=False,
        initial=Invitation.DEFAULT_LIFETIME.days,
        min_value=1,
        max_value=Invitation.MAX_LIFETIME.days,
        error_messages={
            "invalid": gettext_lazy("Enter a whole number of days, for example 14."),
            "min_value": gettext_lazy(
                "The link would expire at once or in the past: choose at least 1 day."
            ),
            # Django fills in the limit (Invitation.MAX_LIFETIME in days).
            "max_value": ngettext_lazy(
                "A link can work for at most %(limit_value)d day.",
                "A link can work for at most %(limit_value)d days.",
                "limit_value",
            ),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, with the numbers in them, in the language of the request.
        self.fields["max_uses"].help_text = _(
            "One by default: a link for one person cannot let in whoever it is forwarded to. "
            "For a few people you trust to keep it to themselves, up to %(limit)d."
        ) % {"limit": Invitation.MAX_USES_LIMIT}
        self.fields["days"].help_text = _(
            "%(default)d by default: two weeks give the person time to read it and decide, "
            "and a link left in an old message stops working soon. From 1 to %(most)d."
        ) % {"default": Invitation.DEFAULT_LIFETIME.days, "most": Invitation.MAX_LIFETIME.days}

    def clean_max_uses(self) -> int:
        max_uses = self.cleaned_data["max_uses"]
        return 1 if max_uses is None else max_uses

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        return Invitation.DEFAULT_LIFETIME.days if days is None else days


# Meeting numbers that people copy with the spaces their invitation shows ("123 456 789"):
# for these providers' links, the number without spaces is the only thing meant.
MEETING_NUMBER_LINK = re.compile(
    r"^(?P<base>https?://(?:[\w-]+\.)*(?:zoom\.us|zoom\.com|webex\.com)/(?:j|w|meet|s)/)"
    r"(?P<number>\d[\d ]*\d)(?P<rest>(?:[?#]\S*)?)$",
    re.IGNORECASE,
)


class MeetingLinkField(forms.URLField):
    """An online meeting's link. A link never contains spaces: one pasted with them gets a
    message saying what to do, never a bare "Enter a valid URL.". When the spaces are only
    inside a known provider's meeting number (https://zoom.us/j/123 456 789), the link is
    unambiguous: the message gives the link without them, to check and paste back."""

    def to_python(self, value: Any) -> str | None:
        text = (value or "").strip()
        if re.search(r"\s", text):
            match = MEETING_NUMBER_LINK.match(text)
            if match:
                fixed = match["base"] + match["number"].replace(" ", "") + match["rest"]
                raise forms.ValidationError(
                    _(
                        "A link has no spaces. If the meeting number is %(number)s, the link is "
                        "%(link)s: please check it and enter it without spaces."
                    )
                    % {"number": match["number"], "link": fixed},
                    code="spaces",
                )
            raise forms.ValidationError(
                _(
                    "A link has no spaces. Please copy the link again from the meeting "
                    "invitation (it starts with https://) and paste it here."
                ),
                code="spaces",
            )
        return super().to_python(text)


class KeepsLink(forms.BaseForm):
    """A form with a meeting link that it never shows back: a link already set is not put in
    the page (so no page served to anyone carries it, groups.meetings.joining); the field
    says on which site it is, empty keeps it, a new one replaces it, and "Remove the link"
    removes it. What the person typed is shown back on an error, as with any field."""

    link_field = "online_url"
    kept_link = ""

    def keep_link(self, current: str) -> None:
        self.kept_link = current or ""
        self.initial[self.link_field] = ""
        self.fields["remove_link"] = forms.BooleanField(label=_("Remove the link"), required=False)
        if self.kept_link:
            field = self.fields[self.link_field]
            field.initial = ""
            # Translators: where a meeting link leads when its address has no host name.
            host = urlsplit(self.kept_link).hostname or _("another site")
            field.help_text = _(
                # Translators: the placeholder is a web site's name, "zoom.us".
                "A link on %(host)s is set; members reach it through their own join "
                "addresses. Paste a new link to change it, or leave this empty to keep it."
            ) % {"host": host}

    def link_cleaned(self, data: dict[str, Any]) -> None:
        if data.get("remove_link"):
            data[self.link_field] = ""
        elif not data.get(self.link_field):
            data[self.link_field] = self.kept_link


def group_name_problem(name: str) -> str:
    """Why `name` cannot be a group's name, or "": the directory is where people look for
    help, so a name has to read as one (letters, not a key held down)."""
    letters = [char for char in name if char.isalpha()]
    if not letters:
        return _("A group's name needs letters, for example “Thursday Evening Circle”.")
    if re.search(r"(.)\1{4,}", name.casefold()) or len({char.casefold() for char in letters}) < 2:
        return _(
            "This does not read as a name: please write the name people will know the group "
            "by, for example “Thursday Evening Circle”."
        )
    return ""


class GroupForm(KeepsLink, forms.ModelForm):
    """A group's settings, for starting one and for changing it later."""

    time_zone = time_zone_field(widget=TimeZoneInput())
    online_url = MeetingLinkField(
        label=gettext_lazy("Online meeting link"),
        required=False,
        max_length=SupportGroup._meta.get_field("online_url").max_length,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Members reach it through their own join addresses: the link itself is never shown."
        ),
    )

    class Meta:
        model = SupportGroup
        fields = [
            "name",
            "description",
            "topics",
            "audience",
            "format",
            "meeting_language",
            "time_zone",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "online_url",
            "publish_online_link",
            "publish_address",
            "join_policy",
            "listed",
            "member_limit",
            "code_of_conduct_extra",
        ]
        labels = {
            "name": gettext_lazy("Name"),
            "description": gettext_lazy("What the group is about"),
            "topics": gettext_lazy("Topics"),
            "format": gettext_lazy("Format"),
            "city": gettext_lazy("City"),
            "region": gettext_lazy("Region"),
            "country": gettext_lazy("Country"),
            "latitude": gettext_lazy("Latitude"),
            "longitude": gettext_lazy("Longitude"),
            "audience": gettext_lazy("For"),
            "street": gettext_lazy("Street and room"),
            "postal_code": gettext_lazy("Postal code"),
            "join_policy": gettext_lazy("Who can join"),
            "listed": gettext_lazy("List the group in the directory"),
            "member_limit": gettext_lazy("Most members at one time"),
        }
        help_texts = {
            "name": gettext_lazy("Shown in the directory. No one's name, please."),
            "description": gettext_lazy(
                "Who it is for and what happens at a meeting. Markdown works: **bold**, "
                "*italics*, lists and links."
            ),
            "street": gettext_lazy("Only active members see the street; everyone sees the city."),
            "latitude": gettext_lazy("Optional, for maps in meeting finder apps (e.g. 41.87811)."),
            "longitude": gettext_lazy("Optional (e.g. -87.62980)."),
            "listed": gettext_lazy(
                "Unlisted groups are not in the directory; people reach them by link."
            ),
        }
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "audience": forms.RadioSelect,
            "format": forms.RadioSelect,
            "join_policy": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 8}),
            "code_of_conduct_extra": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keep_link(self.instance.online_url)
        # A form sent without it (an older page) keeps the group's language.
        self.fields["meeting_language"].required = False

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        self.link_cleaned(data)
        if not data.get("meeting_language"):
            data["meeting_language"] = self.instance.meeting_language
        return data

    def group_fields(self) -> dict[str, object]:
        """The cleaned values for `group_create` / `group_update` (topics go separately)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "topics"}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        problem = group_name_problem(name)
        if problem:
            raise forms.ValidationError(problem, code="not_a_name")
        return name

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body"]
        labels = {"title": gettext_lazy("Title"), "body": gettext_lazy("Message")}
        help_texts = {
            "body": gettext_lazy(
                "Markdown works: **bold**, *italics*, lists and links. It is shown on the group "
                "page to members and e-mailed to every active member."
            )
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is the concern?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=Report._meta.get_field("text").max_length,
        help_text=gettext_lazy(
            "What you saw or heard, and when. Only the admins read it; the person you report "
            "is not told who reported them."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


# --- meetings: schedules, one meeting's changes, RSVPs ------------------------------------------

WEEKDAY_CHOICES = [(str(day), name) for day, name in enumerate(WEEKDAY_NAMES)]
LANGUAGE_CHOICES = [
    ("en", gettext_lazy("English")),
    ("es", gettext_lazy("Spanish")),
    ("fr", gettext_lazy("French")),
    ("de", gettext_lazy("German")),
    ("it", gettext_lazy("Italian")),
    ("nl", gettext_lazy("Dutch")),
    ("pl", gettext_lazy("Polish")),
    ("pt", gettext_lazy("Portuguese")),
]


class SeriesForm(KeepsLink, forms.ModelForm):
    """A group's schedule, built from plain choices: the form writes the RRULE, never the
    facilitator."""

    class Ends:
        NEVER = "never"
        ON_DATE = "on_date"
        AFTER = "after"

    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=[
            (Frequency.WEEKLY, gettext_lazy("Every week, or every few weeks")),
            (Frequency.MONTHLY, gettext_lazy("Once a month, on a chosen weekday")),
            (Frequency.ONCE, gettext_lazy("Once only (a one-off meeting)")),
        ],
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=gettext_lazy("First meeting"),
        help_text=gettext_lazy(
            "The date of the first meeting. Later meetings follow the schedule."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    interval = forms.IntegerField(
        label=gettext_lazy("Every how many weeks"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=gettext_lazy("1 for every week, 2 for every other week."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("On"),
        required=False,
        choices=WEEKDAY_CHOICES,
        help_text=gettext_lazy("For weekly meetings: one or more days."),
        widget=forms.CheckboxSelectMultiple,
    )
    month_week = forms.TypedChoiceField(
        label=gettext_lazy("Which week of the month"),
        coerce=int,
        choices=[(str(n), ORDINALS[n]) for n in (1, 2, 3, 4, -1)],
        initial="1",
        help_text=gettext_lazy("For monthly meetings."),
    )
    month_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Which day"),
        coerce=int,
        choices=WEEKDAY_CHOICES,
        initial="0",
        help_text=gettext_lazy("For monthly meetings: e.g. the first Monday."),
    )
    ends = forms.ChoiceField(
        label=gettext_lazy("Ends"),
        choices=[
            (Ends.NEVER, gettext_lazy("No end date")),
            (Ends.ON_DATE, gettext_lazy("On a date")),
            (Ends.AFTER, gettext_lazy("After a number of meetings")),
        ],
        initial=Ends.NEVER,
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=gettext_lazy("Last date"),
        required=False,
        help_text=gettext_lazy("If it ends on a date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of meetings"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=gettext_lazy("If it ends after a number of meetings."),
    )
    time_zone = time_zone_field(widget=TimeZoneInput())
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Length in minutes"),
        min_value=1,
        max_value=12 * 60,
        initial=90,
        error_messages={
            "min_value": gettext_lazy("A meeting lasts at least a minute."),
            "max_value": gettext_lazy("A meeting can last at most 12 hours (720 minutes)."),
        },
    )
    online_url = MeetingLinkField(
        label=gettext_lazy("Online meeting link"),
        required=False,
        max_length=MeetingSeries._meta.get_field("online_url").max_length,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Empty: the group's link. Members reach it through their own join "
            "addresses: the link itself is never shown."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES, initial="en"
    )
    clock_change_ok = forms.BooleanField(
        label=gettext_lazy("Keep this start time"),
        required=False,
        help_text=gettext_lazy("Only asked when the clocks change on a day of the schedule."),
    )

    # The fields that decide on which days, at what local time, a meeting starts.
    CLOCK_FIELDS = frozenset(
        {"frequency", "start", "start_time", "time_zone", "weekdays", "interval"}
        | {"month_week", "month_weekday"}
    )

    class Meta:
        model = MeetingSeries
        fields = [
            "title",
            "start_time",
            "duration_minutes",
            "time_zone",
            "attendance_option",
            "use_group_address",
            "location",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "location_notes",
            "online_url",
            "online_notes",
            "join_opens_minutes",
            "dial_in",
            "dial_in_notes",
            "rsvp_limit",
            "notes",
            "notes_public",
            "openness",
            "newcomer_friendly",
            "dual_diagnosis",
            "gender",
            "lgbtq",
            "wheelchair_access",
            "accessible_bathroom",
            "sign_language",
            "fragrance_free",
            "proof_of_attendance",
            "language",
        ]
        labels = {
            "title": gettext_lazy("Name of the meeting"),
            "start_time": gettext_lazy("Starts at"),
            "attendance_option": gettext_lazy("Where people attend"),
            "use_group_address": gettext_lazy("At the group's usual address"),
            "street": gettext_lazy("Street"),
            "city": gettext_lazy("City"),
            "region": gettext_lazy("Region"),
            "postal_code": gettext_lazy("Postal code"),
            "country": gettext_lazy("Country"),
            "notes": gettext_lazy("Notes"),
            "wheelchair_access": gettext_lazy("Wheelchair access"),
            "fragrance_free": gettext_lazy("Fragrance free"),
            # Translators: how many people may come to a meeting (seats), not locations.
            "rsvp_limit": gettext_lazy("Places"),
            "openness": gettext_lazy("Who may come"),
            "newcomer_friendly": gettext_lazy("Newcomers welcome"),
        }
        help_texts = {
            "title": gettext_lazy("e.g. Tuesday evening sharing. No one's name, please."),
            "start_time": gettext_lazy(
                "Local time where the group meets, 24-hour clock (e.g. 19:00)."
            ),
            "use_group_address": gettext_lazy("Untick to give another address for this schedule."),
            "notes": gettext_lazy("Anything members should know: what to bring, the format."),
        }
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "attendance_option": forms.RadioSelect,
            "openness": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, group: SupportGroup, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.today = today
        self.fields["start_time"].widget.attrs["step"] = 60
        self.keep_link(self.instance.online_url)
        # Folded away with the link: a form posted without it keeps what the series has.
        self.fields["join_opens_minutes"].required = False
        series = self.instance
        if series.pk:
            recurrence = Recurrence.from_rrule(series.rrule, time_zone=series.time_zone)
            self.initial.update(_recurrence_initial(recurrence))
            self.initial["start"] = series.start_date
        else:
            self.initial.setdefault("time_zone", group.time_zone)
            self.initial.setdefault("attendance_option", group.format)
            # The language of the group's meetings, which the Meeting Guide feed says (S).
            self.initial.setdefault("language", group.meeting_language)

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean(self) -> dict[str, Any]:
        # A ModelForm's clean() returns its cleaned_data, never None.
        data = cast(dict[str, Any], super().clean())
        self.link_cleaned(data)
        if data.get("join_opens_minutes") is None and "join_opens_minutes" not in self.errors:
            data["join_opens_minutes"] = self.instance.join_opens_minutes
        frequency = data.get("frequency")
        start = data.get("start")
        if start and not self.instance.pk and start < self.today:
            self.add_error("start", _("The first meeting cannot be in the past."))
        if frequency == Frequency.WEEKLY and not data.get("weekdays"):
            self.add_error("weekdays", _("Choose at least one day of the week."))
        ends = data.get("ends")
        if frequency != Frequency.ONCE and ends == self.Ends.ON_DATE:
            until = data.get("until")
            if until is None:
                self.add_error("until", _("Give the date of the last meeting."))
            elif start and until < start:
                self.add_error("until", _("The last date is before the first meeting."))
        if frequency != Frequency.ONCE and ends == self.Ends.AFTER and not data.get("count"):
            self.add_error("count", _("Give the number of meetings."))
        if data.get("attendance_option") != MeetingSeries.AttendanceOption.ONLINE and not (
            data.get("use_group_address") or data.get("city")
        ):
            self.add_error("city", _("Give at least the city of the meeting's address."))
        self._check_clock_changes(data)
        return data

    def _check_clock_changes(self, data: dict[str, Any]) -> None:
        """A start time that does not exist, or happens twice, on a day of the schedule (the
        night the clocks change) is said, with the time the meeting will really start, and
        kept only once the facilitator ticks "Keep this start time"."""
        self.clock_notes: list[str] = []
        if self.errors or (self.instance.pk and not self.CLOCK_FIELDS & set(self.changed_data)):
            return
        recurrence = self.recurrence()
        self.clock_notes = clock_change_notes(
            rule=recurrence.to_rrule(time_zone=data["time_zone"], start_time=data["start_time"]),
            start_date=first_date(recurrence=recurrence, start=data["start"]),
            start_time=data["start_time"],
            time_zone=data["time_zone"],
            since=timezone.now(),
        )
        if self.clock_notes and not data.get("clock_change_ok"):
            for note in self.clock_notes:
                self.add_error("start_time", f"{note}.")
            self.add_error(
                "start_time",
                _("To keep this start time, tick “Keep this start time”; or choose another time."),
            )

    @property
    def disclosure(self) -> dict[str, bool]:
        """Which parts of the form apply to the choices it shows (the page opens those and
        folds the others away; static/js/disclosure.js follows a change of choice)."""
        frequency = self["frequency"].value()
        option = self["attendance_option"].value()
        options = MeetingSeries.AttendanceOption
        return {
            "weekly": frequency == Frequency.WEEKLY,
            "monthly": frequency == Frequency.MONTHLY,
            "repeats": frequency != Frequency.ONCE,
            "place": option in {options.IN_PERSON, options.HYBRID},
            "online": option in {options.ONLINE, options.HYBRID},
        }

    @property
    def asks_clock_change(self) -> bool:
        """Whether the page shows the "Keep this start time" box."""
        return bool(getattr(self, "clock_notes", None)) or bool(self["clock_change_ok"].value())

    def recurrence(self) -> Recurrence:
        data = self.cleaned_data
        frequency = data["frequency"]
        if frequency == Frequency.ONCE:
            return Recurrence(frequency=Frequency.ONCE)
        ends = data["ends"]
        until = data["until"] if ends == self.Ends.ON_DATE else None
        count = data["count"] if ends == self.Ends.AFTER else None
        if frequency == Frequency.MONTHLY:
            return Recurrence(
                frequency=frequency,
                weekdays=(data["month_weekday"],),
                month_week=data["month_week"],
                until=until,
                count=count,
            )
        return Recurrence(
            frequency=frequency,
            interval=data["interval"],
            weekdays=tuple(sorted(int(day) for day in data["weekdays"])),
            until=until,
            count=count,
        )

    def series_fields(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _recurrence_initial(recurrence: Recurrence) -> dict[str, object]:
    initial: dict[str, object] = {"frequency": recurrence.frequency}
    if recurrence.frequency == Frequency.MONTHLY:
        initial["month_weekday"] = str(recurrence.weekdays[0])
        initial["month_week"] = str(recurrence.month_week)
    elif recurrence.frequency == Frequency.WEEKLY:
        initial["weekdays"] = [str(day) for day in recurrence.weekdays]
        initial["interval"] = recurrence.interval
    if recurrence.until is not None:
        initial.update(ends=SeriesForm.Ends.ON_DATE, until=recurrence.until)
    elif recurrence.count is not None:
        initial.update(ends=SeriesForm.Ends.AFTER, count=recurrence.count)
    return initial


class SeriesLinkForm(KeepsLink, forms.Form):
    """The room page's "change the link": a series' own link, never shown back."""

    online_url = MeetingLinkField(
        label=gettext_lazy("The online meeting link"),
        required=False,
        assume_scheme="https",
        max_length=MeetingSeries._meta.get_field("online_url").max_length,
        help_text=gettext_lazy(
            "Empty: the group's link. Members reach it through their own join "
            "addresses: the link itself is never shown."
        ),
    )

    def __init__(self, *args: Any, link: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keep_link(link)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        self.link_cleaned(data)
        return data


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=Meeting._meta.get_field("cancel_reason").max_length,
        help_text=gettext_lazy(
            "Sent to everyone who said they would come, e.g. “The hall is closed for the holiday.”"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingMoveForm(KeepsLink, forms.Form):
    day = forms.DateField(
        label=gettext_lazy("New date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    at = forms.TimeField(
        label=gettext_lazy("New start time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M"),
    )
    place = SingleLineFormField(
        label=gettext_lazy("New place"),
        required=False,
        max_length=Meeting._meta.get_field("place_override").max_length,
        help_text=gettext_lazy(
            "Only if it moves elsewhere: the full address. Only members see it."
        ),
    )
    online_url = MeetingLinkField(
        label=gettext_lazy("New online link"),
        required=False,
        assume_scheme="https",
        max_length=Meeting._meta.get_field("online_url_override").max_length,
        help_text=gettext_lazy("Only if the link changes for this meeting."),
    )
    clock_change_ok = forms.BooleanField(label=gettext_lazy("Keep this start time"), required=False)

    def __init__(self, *args, zone_name: str, link: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        self.clock_note = ""
        self.keep_link(link)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        self.link_cleaned(data)
        day, at = data.get("day"), data.get("at")
        if day and at:
            self.clock_note = clock_change_note(day, at, self.zone_name)
            if self.clock_note and not data.get("clock_change_ok"):
                self.add_error(
                    "at",
                    # Translators: the placeholder is a note on the clocks changing that day.
                    _(
                        "%(note)s. To keep this time, tick “Keep this start time”; or choose "
                        "another time."
                    )
                    % {"note": self.clock_note},
                )
        return data

    @property
    def asks_clock_change(self) -> bool:
        return bool(self.clock_note) or bool(self["clock_change_ok"].value())


# --- attendance letters -----------------------------------------------------------------------


class LetterRequestForm(forms.Form):
    """The dates a letter covers. The rules on the range (order, future, two years) are the
    service's, which reports them against these fields."""

    date_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Please enter the first day the letter should cover."),
            "invalid": gettext_lazy("Please enter a date, for example 2026-03-01."),
        },
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        help_text=gettext_lazy("Today or earlier. A letter covers at most two years."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Please enter the last day the letter should cover."),
            "invalid": gettext_lazy("Please enter a date, for example 2026-05-31."),
        },
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        # A hint for date pickers only; the service decides.
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["max"] = today.isoformat()


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=64,
        help_text=gettext_lazy(
            "20 letters and digits, as printed on the letter, e.g. ABCDE-FGHJK-LMNPQ-RSTUV."
        ),
        error_messages={"required": gettext_lazy("Please type the code printed on the letter.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = letter_code_normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "A code has 20 letters and digits (dashes and spaces don't matter). "
                    "Please check it against the letter."
                )
            )
        return code


class FacilitatorNameForm(forms.ModelForm):
    """A facilitator's choice whether visitors see their name (groups.models.Membership)."""

    class Meta:
        model = Membership
        fields = ["name_public"]


class MemberChoiceField(forms.ModelChoiceField):
    """A choice among a group's memberships, each named by its member's display name."""

    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.display_name


class HandoverForm(forms.Form):
    """A facilitator's offer: to whom, the whole group or one series, whether to stay on."""

    to = MemberChoiceField(
        label=gettext_lazy("Hand over to"),
        queryset=Membership.objects.none(),
        empty_label=gettext_lazy("Choose a member"),
        help_text=gettext_lazy("An active member of the group. They must accept."),
    )
    series = forms.ModelChoiceField(
        label=gettext_lazy("What"),
        queryset=MeetingSeries.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole group"),
        help_text=gettext_lazy("Or one regular meeting, which they will lead."),
    )
    stay_on = forms.BooleanField(
        label=gettext_lazy("Stay on as co-facilitator"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "For the whole group: off, you become a member once they accept. Handing over "
            "one meeting, you stay a facilitator of the group."
        ),
    )
    message = forms.CharField(
        label=gettext_lazy("Message to them (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, group: SupportGroup, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
            .exclude(user=by)
            .select_related("user")
            .order_by("user__display_name", "pk")
        )
        to = cast(forms.ModelChoiceField, self.fields["to"])
        to.queryset = members
        series = cast(forms.ModelChoiceField, self.fields["series"])
        series.queryset = MeetingSeries.objects.filter(group=group).order_by("title", "pk")


class TermForm(forms.Form):
    ends_on = forms.DateField(
        label=gettext_lazy("My service term ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Optional. Four weeks before, we remind you to hand over or renew. Leave it "
            "empty for no term."
        ),
    )
