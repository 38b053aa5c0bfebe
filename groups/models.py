from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.validators import validate_time_zone


class Topic(models.Model):
    """What a group is about (ketamine, stimulants, alcohol, general recovery, family and
    friends). A table rather than choices so the directory filter is a plain join everywhere."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SupportGroup(models.Model):
    class Audience(models.TextChoices):
        RECOVERY = "recovery", "People in recovery"
        LOVED_ONES = "loved_ones", "Family and friends"
        BOTH = "both", "Both"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Open: join at once"
        APPROVAL = "approval", "Approval: a facilitator accepts each request"
        INVITATION = "invitation", "Invitation only"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=90, unique=True)
    description = models.TextField(
        max_length=5000,
        blank=True,
        help_text="Markdown. Links and emphasis are kept; scripts never.",
    )
    topics = models.ManyToManyField(Topic, related_name="groups", blank=True)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.RECOVERY)
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.ONLINE)
    time_zone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    # Where it meets: only active members see the street and the link; everyone sees the city.
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="Two-letter code, e.g. US.")
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
        "online meeting link", blank=True, help_text="Shown to active members only."
    )
    join_policy = models.CharField(
        max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.APPROVAL
    )
    listed = models.BooleanField(
        "listed in the directory", default=True, help_text="Unlisted groups are reached by link."
    )
    member_limit = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2)], help_text="Empty: no limit."
    )
    code_of_conduct_extra = models.TextField(
        "additions to the code of conduct",
        max_length=3000,
        blank=True,
        help_text="Markdown. Shown after the site-wide code of conduct, which always applies.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
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


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Request declined"
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    conduct_accepted_at = models.DateTimeField(null=True, blank=True)
    request_message = models.TextField("message to the facilitators", max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One row per person and group: joining again reuses it, so a race cannot add two.
            models.UniqueConstraint(fields=["user", "group"], name="membership_one_per_group"),
        ]
        indexes = [models.Index(fields=["group", "state", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR


def invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A link that lets people join an invitation-only group until it expires or is revoked."""

    DEFAULT_LIFETIME = timedelta(days=14)

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.group}"

    def is_usable(self, *, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class Announcement(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=5000, help_text="Markdown.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """A concern about a group, a message or a person, worked by admins in the admin."""

    class Reason(models.TextChoices):
        SAFETY = "safety", "Someone may be in danger"
        HARASSMENT = "harassment", "Harassment or bullying"
        PRIVACY = "privacy", "Someone's privacy was broken"
        SELLING = "selling", "Selling or offering substances"
        SPAM = "spam", "Spam or advertising"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"

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
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.get_reason_display()} ({self.get_status_display()})"
