from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_time_zone
from lib.fields import SingleLineCharField


class Topic(models.Model):
    """What a group is about (ketamine, stimulants, alcohol, general recovery, family and
    friends). A table rather than choices so the directory filter is a plain join everywhere."""

    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SupportGroup(models.Model):
    class Audience(models.TextChoices):
        RECOVERY = "recovery", _("People in recovery")
        LOVED_ONES = "loved_ones", _("Family and friends")
        BOTH = "both", _("Both")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: join at once")
        APPROVAL = "approval", _("Approval: a facilitator accepts each request")
        INVITATION = "invitation", _("Invitation only")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    name = SingleLineCharField(max_length=80)
    slug = models.SlugField(max_length=90, unique=True)
    description = models.TextField(
        max_length=5000,
        blank=True,
        help_text=_("Markdown. Links and emphasis are kept; scripts never."),
    )
    topics = models.ManyToManyField(Topic, related_name="groups", blank=True)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.RECOVERY)
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.ONLINE)
    # The language the group's meetings are held in (a directory filter; the Meeting Guide
    # feed's type for a language other than the site's, such as S for Spanish).
    meeting_language = models.CharField(
        _("meetings held in"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    # Where it meets: only active members see the street and the link; everyone sees the city.
    street = SingleLineCharField(max_length=200, blank=True)
    city = SingleLineCharField(max_length=100, blank=True)
    region = SingleLineCharField(max_length=100, blank=True)
    postal_code = SingleLineCharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("Two-letter code, e.g. US."))
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    online_url = models.URLField(
        _("online meeting link"), blank=True, help_text=_("Shown to active members only.")
    )
    publish_online_link = models.BooleanField(
        _("publish the online link in the public meeting feed"),
        default=False,
        help_text=_(
            "Meeting finder apps then show the link to anyone. Off: they point people "
            "to the group's page, where members see it."
        ),
    )
    publish_address = models.BooleanField(
        _("publish the street address in the public meeting feed"),
        default=False,
        help_text=_(
            "Meeting finder apps list an in-person meeting only with its street (without "
            "it they would show it as closed). Off: in-person meetings stay out of the public "
            "meeting feed, people find the group in our directory, and members see the street "
            "here."
        ),
    )
    join_policy = models.CharField(
        max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.APPROVAL
    )
    listed = models.BooleanField(
        _("listed in the directory"),
        default=True,
        help_text=_("Unlisted groups are reached by link."),
    )
    member_limit = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2)], help_text=_("Empty: no limit.")
    )
    code_of_conduct_extra = models.TextField(
        _("additions to the code of conduct"),
        max_length=3000,
        blank=True,
        help_text=_("Markdown. Shown after the site-wide code of conduct, which always applies."),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    # Listings that stay true (groups.listings): when the facilitators were last asked to
    # confirm that the group still meets, when one last did, and when it was taken out of
    # the directory and the feeds for want of an answer (it stays, unlisted, until one
    # confirms). Apart from `listed`, which is the facilitators' own choice.
    listing_asked_at = models.DateTimeField(null=True, blank=True)
    listing_confirmed_at = models.DateTimeField(null=True, blank=True)
    listing_lapsed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "listed", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def meets_in_person(self) -> bool:
        return self.format in {self.Format.IN_PERSON, self.Format.HYBRID}


def in_directory(prefix: str = "") -> models.Q:
    """Groups the directory and the public feeds show: active, listed by their facilitators,
    and not taken out for want of an answer (groups.listings). `prefix` reaches them through
    a relation ("group__")."""
    return models.Q(
        **{
            f"{prefix}state": SupportGroup.State.ACTIVE,
            f"{prefix}listed": True,
            f"{prefix}listing_lapsed_at__isnull": True,
        }
    )


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")
        # A member named to cover: asked when no one has said they will host a meeting, and
        # able to host one (take attendance, open the room) without running the group.
        BACKUP = "backup", _("Backup facilitator")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Request declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    conduct_accepted_at = models.DateTimeField(null=True, blank=True)
    request_message = models.TextField(
        _("message to the facilitators"), max_length=1000, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(max_length=1000, blank=True)
    # A facilitator's service term, if they set one: reminded four weeks before to hand over
    # or renew (groups.handovers).
    term_ends_on = models.DateField(_("service term ends on"), null=True, blank=True)
    # A facilitator's name on the group's public page, only by their own choice (asked when
    # they are promoted or start the group): visitors otherwise read "a facilitator".
    name_public = models.BooleanField(
        _("show my name to visitors as a facilitator"),
        default=False,
        help_text=_(
            'Off: people who are not members see "a facilitator". Members always see '
            "the facilitators' names."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One row per person and group: joining again reuses it, so a race cannot add two.
            models.UniqueConstraint(fields=["user", "group"], name="membership_one_per_group"),
        ]
        indexes = [models.Index(fields=["group", "state", "role"])]

    def __str__(self) -> str:
        # Translators: a membership as the admin names it; the role and state are codes
        # ("facilitator", "active").
        return gettext("%(user)s in %(group)s (%(role)s, %(state)s)") % {
            "user": self.user,
            "group": self.group,
            "role": self.role,
            "state": self.state,
        }

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR

    @property
    def is_backup(self) -> bool:
        return self.is_active and self.role == self.Role.BACKUP

    @property
    def can_host(self) -> bool:
        """A facilitator or a backup: may say they will host a meeting, and host it."""
        return self.is_facilitator or self.is_backup


def invitation_token() -> str:
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self, *, now: datetime) -> InvitationQuerySet:
        """The rule of `Invitation.is_usable`, as a filter: the conditional UPDATE that counts
        a use (groups.services.groups.invitation_use) is decided by it."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=now, uses__lt=models.F("max_uses")
        )


class Invitation(models.Model):
    """A link that lets people join a group at once, skipping approval: by default one person
    (one use), for two weeks. The facilitator may let a few more people use it, or give it
    more or fewer days; it stops working when it is used up, expires or is withdrawn."""

    # Two weeks: long enough for the person to read it and decide before the next meeting or
    # two, short enough that a link forwarded or left in an old chat stops working soon.
    DEFAULT_LIFETIME = timedelta(days=14)
    MAX_LIFETIME = timedelta(days=90)
    # One link for a few people (a family, a small cohort) is the facilitator's choice; more
    # than this is no longer an invitation but a public door.
    MAX_USES_LIMIT = 50

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        USED_UP = "used_up", _("Used up")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    max_uses = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_USES_LIMIT)],
        help_text=_("How many people may join with the link."),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Whatever path counts a use, the database refuses one past the limit.
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")),
                name="invitation_uses_within_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(max_uses__gte=1), name="invitation_max_uses_positive"
            ),
        ]

    def __str__(self) -> str:
        # Translators: an invitation link as the admin names it; %(group)s is the group's name.
        return gettext("Invitation to %(group)s") % {"group": self.group}

    @property
    def uses_left(self) -> int:
        return max(self.max_uses - self.uses, 0)

    def status(self, *, now: datetime | None = None) -> Invitation.Status:
        """Why a link works or not, for the facilitator's list; the person holding it is only
        told that it no longer works."""
        if self.revoked_at is not None:
            return self.Status.WITHDRAWN
        if self.uses >= self.max_uses:
            return self.Status.USED_UP
        if (now or timezone.now()) >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.OPEN

    def is_usable(self, *, now: datetime | None = None) -> bool:
        return self.status(now=now) == self.Status.OPEN


class Announcement(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = SingleLineCharField(max_length=120)
    body = models.TextField(max_length=5000, help_text=_("Markdown."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """A concern about a group, a message or a person, worked by admins in /manage/ (staff)."""

    class Reason(models.TextChoices):
        SAFETY = "safety", _("Someone may be in danger")
        HARASSMENT = "harassment", _("Harassment or bullying")
        PRIVACY = "privacy", _("Someone's privacy was broken")
        SELLING = "selling", _("Selling or offering substances")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    text = models.TextField(max_length=5000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    admin_note = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when an admin resolves the report (groups.services.reports.report_resolve), which
    # tells the reporter; cleared if it is opened again.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        # Translators: a report as the admin names it: its number, reason and status.
        return gettext("Report %(number)s: %(reason)s (%(status)s)") % {
            "number": self.pk,
            "reason": self.get_reason_display(),
            "status": self.get_status_display(),
        }


class MeetingSeries(models.Model):
    """A group's schedule: an RFC 5545 recurrence rule in the series' zone, and what every
    meeting of it shares. The rule is built by the series form (groups.meetings.recurrence)."""

    class Openness(models.TextChoices):
        OPEN = "open", _("Open: anyone affected may come")
        CLOSED = "closed", _("Closed: for the group's members")

    class Gender(models.TextChoices):
        ANY = "", _("Everyone")
        WOMEN = "women", _("Women")
        MEN = "men", _("Men")

    AttendanceOption = SupportGroup.Format

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="series")
    # The facilitator who runs this series, where one does (a series handed over to them:
    # groups.handovers); empty: the group's facilitators together.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Meeting finder apps keep favourites by this: it never changes once the series exists.
    slug = models.SlugField(max_length=64, unique=True)
    title = SingleLineCharField(max_length=80)
    rrule = models.CharField(
        _("recurrence rule"),
        max_length=200,
        blank=True,
        help_text=_("RFC 5545; empty for a one-off."),
    )
    start_date = models.DateField(help_text=_("The first meeting's date, in the series' zone."))
    # The weekdays it meets on ("MO,TH"), from the rule: what the directory's day filter reads.
    weekdays = models.CharField(max_length=20, blank=True, editable=False)
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12 * 60)]
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    attendance_option = models.CharField(
        _("attendance"),
        max_length=12,
        choices=AttendanceOption.choices,
        default=AttendanceOption.ONLINE,
    )
    # Where: the group's address unless `use_group_address` is off.
    use_group_address = models.BooleanField(default=True)
    location = SingleLineCharField(
        _("building or landmark"), max_length=120, blank=True, help_text=_("e.g. St Anne's Hall.")
    )
    street = SingleLineCharField(max_length=200, blank=True)
    city = SingleLineCharField(max_length=100, blank=True)
    region = SingleLineCharField(max_length=100, blank=True)
    postal_code = SingleLineCharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    location_notes = SingleLineCharField(
        _("how to find it"), max_length=300, blank=True, help_text=_("e.g. Upstairs, room 4.")
    )
    online_url = models.URLField(
        _("online meeting link"), blank=True, help_text=_("Empty: the group's link.")
    )
    online_notes = SingleLineCharField(
        _("notes for the link"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown to members beside their join address, e.g. “cameras optional”. "
            "Keep a passcode in the link itself: then it is as private as the link."
        ),
    )
    dial_in = models.CharField(
        _("dial-in number"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9+,*# ]*$", _("Only digits, spaces and + , * # are allowed."))
        ],
    )
    dial_in_notes = SingleLineCharField(_("dial-in notes"), max_length=200, blank=True)
    rsvp_limit = models.PositiveIntegerField(
        # Translators: how many people may come to a meeting (seats), not locations.
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit. When it is reached, people join a waiting list."),
    )
    notes = models.TextField(max_length=2000, blank=True)
    notes_public = models.BooleanField(
        _("show the notes to visitors too"),
        default=False,
        help_text=_(
            "Off: only the group's members see them. On: anyone on the meeting's page, "
            "and meeting finder apps."
        ),
    )
    # Attributes that meeting finder apps filter on (mapped to Meeting Guide type codes).
    openness = models.CharField(max_length=8, choices=Openness.choices, default=Openness.CLOSED)
    newcomer_friendly = models.BooleanField(default=True)
    dual_diagnosis = models.BooleanField(_("dual diagnosis"), default=False)
    gender = models.CharField(
        # Translators: a meeting series' field: whom its meetings are for (Everyone, Women, Men).
        _("for"),
        max_length=8,
        choices=Gender.choices,
        blank=True,
        default=Gender.ANY,
    )
    lgbtq = models.BooleanField(_("LGBTQ+"), default=False)
    wheelchair_access = models.BooleanField(default=False)
    accessible_bathroom = models.BooleanField(_("wheelchair-accessible bathroom"), default=False)
    sign_language = models.BooleanField(_("sign language (ASL)"), default=False)
    fragrance_free = models.BooleanField(default=False)
    proof_of_attendance = models.BooleanField(_("proof of attendance offered"), default=False)
    language = models.CharField(max_length=8, default="en")
    # How long before the start a member's join address leads into the online room
    # (groups.meetings.joining): long enough to test a microphone, short enough that a link
    # opened early by someone who should not have it finds a waiting page.
    join_opens_minutes = models.PositiveSmallIntegerField(
        # Translators: label of a number of minutes before a meeting's start.
        _("the room opens"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
        help_text=_(
            "Minutes before the start, 5 to 60, when members' join addresses lead to "
            "the online link. Before that they see a waiting page with a countdown."
        ),
    )
    # Raised on every change that calendars must pick up (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("meeting series")
        ordering = ["start_time", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def is_weekly(self) -> bool:
        return self.rrule.startswith("FREQ=WEEKLY")

    @property
    def meets_in_person(self) -> bool:
        return self.attendance_option in {
            self.AttendanceOption.IN_PERSON,
            self.AttendanceOption.HYBRID,
        }

    @property
    def meets_online(self) -> bool:
        return self.attendance_option in {
            self.AttendanceOption.ONLINE,
            self.AttendanceOption.HYBRID,
        }


# Stored meetings reach this far ahead (groups.services.meetings keeps the window filled;
# calendars describe what lies beyond it by the series' rule).
HORIZON = timedelta(weeks=13)


class Meeting(models.Model):
    """One occurrence of a series, stored for a rolling horizon (`HORIZON`).

    `occurrence_start` is where the rule puts it (its RECURRENCE-ID in calendars) and never
    changes; `starts_at` and `ends_at` are where it really is, which differ once it is moved.
    All three are UTC instants."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="meetings")
    occurrence_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # A move may change the place too; empty means the series' place.
    place_override = SingleLineCharField(
        _("new place"), max_length=300, blank=True, help_text=_("Empty: the usual place.")
    )
    online_url_override = models.URLField(
        _("new online link"), blank=True, help_text=_("Empty: the usual link.")
    )
    # Raised on every change to this one meeting (its override's SEQUENCE in calendars).
    sequence = models.PositiveIntegerField(default=0)
    # A facilitator closed the online room for the rest of this meeting: join addresses
    # then lead late joiners to a gentle note instead of the link (facilitators still in).
    room_locked_at = models.DateTimeField(null=True, blank=True)
    room_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            # Extending the horizon twice (two beat instances) cannot store a meeting twice.
            models.UniqueConstraint(
                fields=["series", "occurrence_start"], name="meeting_one_per_occurrence"
            ),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"]),
            models.Index(fields=["starts_at", "status"]),
        ]

    def __str__(self) -> str:
        # Translators: a meeting as the admin names it: its series, then when it starts.
        return gettext("%(series)s at %(start)s UTC") % {
            "series": self.series,
            "start": f"{self.starts_at:%Y-%m-%d %H:%M}",
        }

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return (
            self.starts_at != self.occurrence_start
            or bool(self.place_override)
            or bool(self.online_url_override)
        )

    def has_started(self, *, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())


class Rsvp(models.Model):
    """A member's answer for one meeting. Waitlisted answers are served in the order they
    came (`waitlisted_at`)."""

    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        NOT_GOING = "not_going", _("Not going")
        WAITLISTED = "waitlisted", _("On the waiting list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_one_per_meeting"),
        ]
        indexes = [models.Index(fields=["meeting", "answer", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user} for {self.meeting}: {self.answer}"


class Attendance(models.Model):
    """Someone was at a meeting, as a facilitator recorded it. No row: not recorded there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_one_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


def calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's personal calendar address. The token is the only key: resetting it makes the
    old address answer 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


def join_token() -> str:
    return secrets.token_urlsafe(24)


class JoinAddress(models.Model):
    """A member's own way into a series' online meetings (`/join/<token>/`): what reminders,
    calendars and pages carry instead of the real link, which never leaves the server but
    as the redirect inside the meeting's window (groups.meetings.joining). The token names
    nothing and is the only key. A facilitator may revoke it; giving access back makes a
    new token, so a forwarded copy of the old one stays dead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_addresses"
    )
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="join_addresses"
    )
    token = models.CharField(max_length=64, unique=True, default=join_token)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = _("join addresses")
        constraints = [
            models.UniqueConstraint(fields=["user", "series"], name="join_address_one_per_series"),
        ]

    def __str__(self) -> str:
        return f"Join address {self.pk}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class JoinOpening(models.Model):
    """Someone opened a join address, and what they were shown: the audit of a room's door.
    Never the link itself, never the network address (only a keyed digest of it, which
    tells a facilitator that one address was opened from many places at once)."""

    class Outcome(models.TextChoices):
        LET_IN = "let_in", _("Let into the room")
        WAITING = "waiting", _("Shown the waiting page")
        LOCKED = "locked", _("Room locked")
        ENDED = "ended", _("Meeting over")
        CANCELLED = "cancelled", _("Meeting cancelled")
        NO_LINK = "no_link", _("No link yet")
        NO_MEETING = "no_meeting", _("No meeting to come")
        REVOKED = "revoked", _("Access revoked")
        NOT_MEMBER = "not_member", _("No longer a member")
        OTHER_PERSON = "other_person", _("Opened while signed in as someone else")

    address = models.ForeignKey(JoinAddress, on_delete=models.CASCADE, related_name="openings")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="join_openings"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    place = models.CharField(max_length=16, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opened_at", "pk"]
        indexes = [
            models.Index(fields=["meeting", "outcome"]),
            models.Index(fields=["opened_at"]),
        ]

    def __str__(self) -> str:
        return f"Join opening {self.pk}: {self.outcome}"


def letter_code() -> str:
    """20 characters from a 32-letter alphabet without look-alikes (100 bits), in groups of
    five so it can be read out or typed from paper: unguessable, so codes cannot be walked."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


class AttendanceLetter(models.Model):
    """A proof of attendance: what it states is fixed when it is issued (`entries`), so the
    verification page always shows exactly what the paper says, until the member revokes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_letters"
    )
    code = models.CharField(max_length=32, unique=True, default=letter_code)
    display_name = SingleLineCharField(max_length=80)
    date_from = models.DateField()
    date_to = models.DateField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    # [{"group": name, "date": "YYYY-MM-DD", "time": "HH:MM", "title": series title,
    #   "recorded_by": the display names of who recorded it}, ...]
    entries = models.JSONField(default=list)
    # Who stands behind the letter (ORGANISATION_NAME when it was issued); blank on older ones.
    organisation_name = SingleLineCharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Attendance letter {self.pk}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Handover(models.Model):
    """A facilitator offering the group, or one series of it, to another member, who must
    accept it before anything changes (groups.handovers). An offer is open until it is
    answered, withdrawn or `expires_at`; the one who offers says whether they stay on as a
    co-facilitator once it is accepted."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="handovers")
    # Empty: the whole group.
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="handovers"
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handovers_offered"
    )
    stay_on = models.BooleanField(
        _("stay on as co-facilitator"),
        default=True,
        help_text=_("Keep facilitating beside them once they accept."),
    )
    message = models.TextField(max_length=1000, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open offer at a time for a group (or for one of its series).
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(state="offered", series__isnull=True),
                name="handover_one_open_per_group",
            ),
            models.UniqueConstraint(
                fields=["series"],
                condition=models.Q(state="offered", series__isnull=False),
                name="handover_one_open_per_series",
            ),
        ]

    def __str__(self) -> str:
        return f"Handover {self.pk} ({self.state})"

    def is_open(self, *, now: datetime | None = None) -> bool:
        return self.state == self.State.OFFERED and self.expires_at > (now or timezone.now())


class HostingAnswer(models.Model):
    """A facilitator's or a backup's word about hosting one meeting: that they will, or that
    they cannot (which asks the backups). A meeting is covered once someone said they will
    (groups.hosting)."""

    class Answer(models.TextChoices):
        WILL_HOST = "will_host", _("Will host")
        CANT_HOST = "cant_host", _("Can't host")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="hosting_answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosting_answers"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="hosting_one_answer_each"),
        ]
        indexes = [models.Index(fields=["meeting", "answer"])]

    def __str__(self) -> str:
        return f"Hosting answer {self.pk} ({self.answer})"
