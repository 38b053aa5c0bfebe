from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.emails import account_deleted_email, email_send_later
from accounts.models import FORMER_MEMBER, AuditEvent, DataExport, User
from accounts.services.audit import audit_record
from lib.registries import Registry
from notifications.services import outbox_forget_member, push_subscriptions_forget_member

if TYPE_CHECKING:
    from django.db.models import Field

PROFILE_FIELDS = (
    "display_name",
    "time_zone",
    "language",
    "reminder_lead_minutes",
    "reminder_scope",
    "group_update_emails",
    "news_delivery",
    "quiet_from",
    "quiet_until",
    "check_ins",
    "reminders_by",
    "changes_by",
    "waitlist_by",
    "cant_make_it_by",
    "discreet_mode",
    "name_visible_to_members",
)
ROLE_FIELDS = ("is_facilitator", "is_staff", "is_superuser", "is_active")


@transaction.atomic
def user_upsert_verified(
    *,
    email: str,
    display_name: str,
    time_zone: str,
    password: str,
    is_facilitator: bool = False,
    is_staff: bool = False,
    language: str | None = None,
) -> tuple[User, bool]:
    """Create or refresh an account whose e-mail is already verified (demo data, operators).

    Running it again with the same e-mail updates that account instead of adding another.
    """
    email = email.lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User(email=email)
    user.display_name = display_name
    user.time_zone = time_zone
    user.is_facilitator = is_facilitator
    user.is_staff = is_staff
    user.is_superuser = is_staff
    if language is not None:
        user.language = language
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


@transaction.atomic
def user_update_profile(*, user: User, changes: dict[str, object]) -> list[str]:
    """Apply profile and preference changes; returns the names of the fields that changed.

    Validates like the model does, so a caller that skips the form still cannot store an
    unknown zone, an e-mail address as a name, or a lead time we do not offer.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(user, name, changes[name])
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in changed])
    user.save(update_fields=changed)
    # Names of the fields only: the values (a name, a zone) stay out of the trail.
    audit_record(
        action=AuditEvent.Action.PROFILE_CHANGED,
        subject=user,
        details={"fields": changed},
    )
    return changed


def user_first_run_dismiss(*, user: User, now: datetime | None = None) -> None:
    """The member puts the first-run welcome away, for good (not only for this session)."""
    if user.first_run_dismissed_at is None:
        user.first_run_dismissed_at = now or timezone.now()
        user.save(update_fields=["first_run_dismissed_at"])


def user_record_role_changes(*, user: User, before: dict[str, bool], actor: User) -> None:
    """Audit each role flag an admin changed on `user` (called after the admin saved it)."""
    for field in ROLE_FIELDS:
        if field in before and before[field] != getattr(user, field):
            audit_record(
                action=AuditEvent.Action.ROLE_CHANGED,
                subject=user,
                actor=actor,
                details={"role": field, "granted": getattr(user, field)},
            )


# ---------------------------------------------------------------------------------------------
# Deleting an account.

DeletionCheck = Callable[[User], Iterable[str]]
# Check name -> function returning the reasons (plain sentences addressed to the member) why
# `user` cannot delete their account right now; none means they can. groups/account_data.py
# registers "last facilitator of an active group: hand over first".
DELETION_CHECKS: Registry[DeletionCheck] = Registry()
deletion_check = DELETION_CHECKS.register


DeletionStep = Callable[[User], None]
# Step name -> function that removes or anonymises what another app holds about `user`,
# run inside user_delete's transaction before the account itself is anonymised (the groups
# app ends memberships, for instance).
DELETION_STEPS: Registry[DeletionStep] = Registry()
deletion_step = DELETION_STEPS.register


def user_deletion_blockers(*, user: User) -> list[str]:
    return [reason for check in DELETION_CHECKS.values() for reason in check(user)]


def deleted_email(user: User) -> str:
    # Unique per row and never deliverable (.invalid is reserved), so the real address is free
    # to sign up again.
    return f"deleted-{user.pk}@deleted.invalid"


@transaction.atomic
def user_delete(*, user: User, request: HttpRequest | None = None) -> None:
    """Remove everything personal about `user` at once, keeping the row as an anonymous
    "Former member" so that other people's records (a group's history, attendance counts)
    stay whole. Raises ValidationError with the reasons when a deletion check holds it back.

    With `request` (the member deleting themselves) the member is signed out first, so the
    sign-out is recorded while the account still exists and its address is then erased with
    the others. Every other session ends too: their rows are deleted, and any session allauth
    did not track stops working because the password hash it was signed with is gone.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    blockers = user_deletion_blockers(user=user)
    if blockers:
        raise ValidationError(blockers, code="deletion_blocked")

    if request is not None and getattr(request, "user", None) == user:
        logout(request)

    # Built while the account still has its address and name; recorded once the outbox has
    # forgotten every other message to the member, without the account (which is no longer
    # theirs), and sent after the commit like any message.
    confirmation = account_deleted_email(user=user)
    for step in DELETION_STEPS.values():
        step(user)
    outbox_forget_member(
        user_id=user.pk,
        addresses=[
            user.email,
            *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
        ],
    )
    push_subscriptions_forget_member(user_id=user.pk)
    for session in UserSession.objects.filter(user=user):
        session.end()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    DataExport.objects.filter(user=user).delete()
    AuditEvent.objects.filter(Q(subject=user) | Q(actor=user)).exclude(
        ip_address__isnull=True
    ).update(ip_address=None)

    user.email = deleted_email(user)
    user.display_name = FORMER_MEMBER
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_facilitator = False
    user.last_login = None
    for name in PROFILE_FIELDS:
        if name != "display_name":
            # PROFILE_FIELDS are concrete columns: get_field never gives a relation here.
            setattr(user, name, cast("Field[Any, Any]", User._meta.get_field(name)).get_default())
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    email_send_later(confirmation)

    audit_record(action=AuditEvent.Action.ACCOUNT_DELETED, subject=user, with_address=False)
