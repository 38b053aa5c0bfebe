"""allauth's and Django's account signals, each handed to the audit service in one line."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from accounts.middleware import session_mark_signed_in
from accounts.models import AuditEvent
from accounts.services.audit import audit_record, audit_record_failed_sign_in

Action = AuditEvent.Action


@receiver(account_signals.user_signed_up, dispatch_uid="audit-signed-up")
def on_signed_up(sender, request, user, **kwargs):
    audit_record(action=Action.SIGNED_UP, subject=user)


@receiver(account_signals.user_logged_in, dispatch_uid="audit-signed-in")
def on_signed_in(sender, request, user, **kwargs):
    audit_record(action=Action.SIGNED_IN, subject=user)


@receiver(auth_signals.user_logged_in, dispatch_uid="session-clocks")
def on_session_started(sender, request, user, **kwargs):
    session_mark_signed_in(request)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit-sign-in-failed")
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    audit_record_failed_sign_in(credentials=credentials)


@receiver(auth_signals.user_logged_out, dispatch_uid="audit-signed-out")
def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.SIGNED_OUT, subject=user)


@receiver(account_signals.password_changed, dispatch_uid="audit-password-changed")
@receiver(account_signals.password_set, dispatch_uid="audit-password-set")
def on_password_changed(sender, request, user, **kwargs):
    audit_record(action=Action.PASSWORD_CHANGED, subject=user)


@receiver(account_signals.password_reset, dispatch_uid="audit-password-reset")
def on_password_reset(sender, request, user, **kwargs):
    audit_record(action=Action.PASSWORD_RESET, subject=user)


@receiver(account_signals.email_changed, dispatch_uid="audit-email-changed")
def on_email_changed(sender, request, user, **kwargs):
    audit_record(action=Action.EMAIL_CHANGED, subject=user)


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit-mfa-added")
def on_second_factor_added(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=Action.MFA_ENABLED,
        subject=user,
        details={"type": authenticator.type},
    )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit-mfa-removed")
def on_second_factor_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=Action.MFA_DISABLED,
        subject=user,
        details={"type": authenticator.type},
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit-mfa-reset")
def on_recovery_codes_reset(sender, request, user, authenticator, **kwargs):
    audit_record(action=Action.RECOVERY_CODES_RESET, subject=user)
