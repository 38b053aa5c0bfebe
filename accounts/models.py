from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import (
    validate_display_name,
    validate_reminder_lead_minutes,
    validate_time_zone,
)
from lib.fields import SingleLineCharField
from notifications.channels import About, Delivery

# What a deleted account's name is set to (accounts.services.users). It is stored in English
# and read as FORMER_MEMBER_SHOWN: "Former member" in the language being read.
FORMER_MEMBER = "Former member"
# Translators: the name shown in place of a deleted account's (in attendance lists, reports).
FORMER_MEMBER_SHOWN = _("Former member")

# The member's field that says how each kind of news reaches them.
DELIVERY_FIELDS: dict[str, str] = {
    About.REMINDERS: "reminders_by",
    About.CHANGES: "changes_by",
    About.WAITLIST: "waitlist_by",
    About.CANT_MAKE_IT: "cant_make_it_by",
}


class DisplayNameField(SingleLineCharField):
    """A member's name. A deleted account's (FORMER_MEMBER) reads as FORMER_MEMBER_SHOWN, which
    becomes its words in the language being read when shown, and is stored as FORMER_MEMBER
    again whatever language was active when its row was saved."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return FORMER_MEMBER_SHOWN if value == FORMER_MEMBER else value

    def get_prep_value(self, value: Any) -> Any:
        if value is FORMER_MEMBER_SHOWN:
            return FORMER_MEMBER
        return super().get_prep_value(value)


def reminder_lead_default() -> list[int]:
    return [1440, 60]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("display_name", "Admin")
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Signs in by e-mail; others only ever see the display name.

    Preferences live here too (one row, no join): later issues read them when they send
    reminders and messages, list members, or write calendar entries.
    """

    class Language(models.TextChoices):
        # Each in its own language: a person looking for theirs finds it.
        ENGLISH = "en", "English"
        SPANISH = "es", "Español"

    class ReminderScope(models.TextChoices):
        GOING = "going", _("Only meetings I said I would attend")
        ALL = "all", _("All meetings of my groups")

    class NewsDelivery(models.TextChoices):
        EACH = "each", _("Each announcement as it is posted")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest, on Mondays")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = DisplayNameField(
        max_length=40,
        validators=[validate_display_name],
        help_text=_(
            "The name others see. A first name, nickname or initials: never your legal name."
        ),
    )
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Meeting times are shown to you in this zone."),
    )
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    reminder_lead_minutes = models.JSONField(
        _("reminder lead times"),
        default=reminder_lead_default,
        blank=True,
        validators=[validate_reminder_lead_minutes],
        help_text=_("Minutes before a meeting, any of 15, 60, 180, 1440, 2880; empty: none."),
    )
    reminder_scope = models.CharField(
        max_length=8, choices=ReminderScope.choices, default=ReminderScope.GOING
    )
    group_update_emails = models.BooleanField(
        _("e-mails with news from my groups"),
        default=True,
        help_text=_(
            "Announcements, changes to meetings, places that open up, answers to requests."
        ),
    )
    # When group news waits (notifications.quiet): from `quiet_from` to `quiet_until` in
    # the member's zone, across midnight where the end is earlier; off while either is empty.
    # Reminders and changes to meetings never wait.
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    # A gentle word after two meetings the member said they would come to and was not
    # marked at (groups.check_ins): only if they ask for it.
    check_ins = models.BooleanField(
        _("a gentle check-in when I miss meetings"),
        default=False,
        help_text=_(
            "After two meetings in a row that you said you'd come to and weren't marked at, "
            "one short, kind e-mail with the next meeting and where to find help. At most once "
            "a month."
        ),
    )
    news_delivery = models.CharField(
        _("announcements from my groups"),
        max_length=8,
        choices=NewsDelivery.choices,
        default=NewsDelivery.EACH,
    )
    # How each kind of news reaches the member (notifications.channels): push to the devices
    # on which they turned it on (e-mail while none has), e-mail, or both.
    reminders_by = models.CharField(
        _("meeting reminders"), max_length=8, choices=Delivery.choices, default=Delivery.PUSH
    )
    changes_by = models.CharField(
        _("changes and cancellations"),
        max_length=8,
        choices=Delivery.choices,
        default=Delivery.PUSH,
    )
    waitlist_by = models.CharField(
        _("a place from the waiting list"),
        max_length=8,
        choices=Delivery.choices,
        default=Delivery.PUSH,
    )
    cant_make_it_by = models.CharField(
        _("“I can't make it” confirmations"),
        max_length=8,
        choices=Delivery.choices,
        default=Delivery.PUSH,
    )
    discreet_mode = models.BooleanField(
        default=True,
        # What discreet mode promises, word for word: tests/test_lock_screen.py checks each part.
        help_text=_(
            "What a lock screen, a notification or a shared calendar shows of what we send "
            "you names no group, topic, substance or facilitator: the sender, the subject and "
            "the opening lines of every e-mail, and the title, place and links of calendar "
            "entries. The street address stays, without the venue's name; an online link goes "
            "through an address of ours that names nothing."
        ),
    )
    # When the member put the first-run welcome away (the home page shows it until they join
    # a group or do): on the account, so signing in again does not bring it back.
    first_run_dismissed_at = models.DateTimeField(null=True, blank=True, editable=False)
    name_visible_to_members = models.BooleanField(
        _("fellow members may see my display name"),
        default=False,
        help_text=_("Facilitators of your groups always can."),
    )
    is_facilitator = models.BooleanField(
        _("approved facilitator"),
        default=False,
        help_text=_("Set by an admin: may create and run groups."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        _("admin"), default=False, help_text=_("May sign in to the admin and curate the platform.")
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return str(self.display_name)

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if isinstance(self.display_name, str):
            self.display_name = self.display_name.strip()

    def get_full_name(self) -> str:
        return str(self.display_name)

    def get_short_name(self) -> str:
        return str(self.display_name)


class AuditEvent(models.Model):
    """One security- or privacy-relevant event. Append-only: nothing updates or deletes a row
    except the retention sweep (accounts.services.audit.audit_prune), which first erases IP
    addresses and later whole events; both periods are settings, documented in the README."""

    class Action(models.TextChoices):
        SIGNED_UP = "signed_up", _("Account created")
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        SIGNED_OUT = "signed_out", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset by e-mail")
        EMAIL_CHANGED = "email_changed", _("E-mail address changed")
        MFA_ENABLED = "mfa_enabled", _("Second factor added")
        MFA_DISABLED = "mfa_disabled", _("Second factor removed")
        RECOVERY_CODES_RESET = "recovery_codes_reset", _("Recovery codes renewed")
        PROFILE_CHANGED = "profile_changed", _("Profile or preferences changed")
        EXPORT_REQUESTED = "export_requested", _("Data export requested")
        EXPORT_DOWNLOADED = "export_downloaded", _("Data export downloaded")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        # Memberships: details carry the group's id, never its name.
        MEMBERSHIP_JOINED = "membership_joined", _("Joined a group")
        MEMBERSHIP_REQUESTED = "membership_requested", _("Asked to join a group")
        MEMBERSHIP_APPROVED = "membership_approved", _("Request to join approved")
        MEMBERSHIP_DECLINED = "membership_declined", _("Request to join declined")
        MEMBERSHIP_LEFT = "membership_left", _("Left a group")
        MEMBERSHIP_REMOVED = "membership_removed", _("Removed from a group")
        MEMBERSHIP_PROMOTED = "membership_promoted", _("Made co-facilitator")
        MEMBER_LIST_VIEWED = "member_list_viewed", _("Viewed a group's member list")
        # Attendance: details carry the group's and the meeting's ids.
        ATTENDANCE_RECORDED = "attendance_recorded", _("Attendance recorded")
        LETTER_ISSUED = "letter_issued", _("Proof of attendance issued")
        LETTER_REVOKED = "letter_revoked", _("Proof of attendance revoked")
        GROUP_ARCHIVED = "group_archived", _("Group archived")
        REPORT_FILED = "report_filed", _("Concern reported")
        REPORT_UPDATED = "report_updated", _("Report worked on")
        # Online rooms: details carry the group's, the series' or the meeting's ids, never
        # a link.
        ONLINE_LINK_CHANGED = "online_link_changed", _("Online meeting link changed")
        JOIN_ACCESS_REVOKED = "join_access_revoked", _("Access to online meetings revoked")
        JOIN_ACCESS_RESTORED = "join_access_restored", _("Access to online meetings given back")
        ROOM_LOCKED = "room_locked", _("Online room locked")
        ROOM_UNLOCKED = "room_unlocked", _("Online room opened again")
        CANT_MAKE_IT = "cant_make_it", _("Said they can't make it")
        CANT_MAKE_IT_UNDONE = "cant_make_it_undone", _('Took back "I can\'t make it"')
        # Cover and handover (groups.handovers): details carry the group's (and the
        # series') ids.
        BACKUP_NAMED = "backup_named", _("Named backup facilitator")
        BACKUP_ENDED = "backup_ended", _("No longer a backup facilitator")
        HANDOVER_OFFERED = "handover_offered", _("Handover offered")
        HANDOVER_ACCEPTED = "handover_accepted", _("Handover accepted")
        HANDOVER_DECLINED = "handover_declined", _("Handover declined")
        HANDOVER_WITHDRAWN = "handover_withdrawn", _("Handover withdrawn")
        HANDOVER_EXPIRED = "handover_expired", _("Handover offer expired")
        TERM_SET = "term_set", _("Service term set")
        # Hosting (groups.hosting): details carry the group's and the meeting's ids.
        HOSTING_CONFIRMED = "hosting_confirmed", _("Said they will host a meeting")
        HOSTING_DECLINED = "hosting_declined", _("Said they can't host a meeting")
        # Listings (groups.listings): details carry the group's id.
        LISTING_CONFIRMED = "listing_confirmed", _("Confirmed the group still meets")
        LISTING_LAPSED = "listing_lapsed", _("Group unlisted for want of an answer")

    # Who the event is about, and who caused it (an admin changing a role is not the subject).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Small, non-personal facts (e.g. {"role": "facilitator", "granted": true}); never
    # e-mail addresses, names or group names.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M} UTC"


def export_token() -> str:
    return secrets.token_urlsafe(32)


class DataExport(models.Model):
    """A member's copy of everything we hold about them, built by a worker, downloadable by
    them alone until it expires, then deleted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    LIFETIME = timedelta(hours=48)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    token = models.CharField(max_length=64, unique=True, default=export_token)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    content = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.status})"

    def is_expired(self, *, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at
