"""The hooks into allauth: how a signed-up user is saved, how its mail is sent, and when a
sensitive step asks for the password again; and that ending sessions also ends push on
their devices."""

from __future__ import annotations

import contextlib
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from accounts.emails import email_send_later
from accounts.selectors import member_by_address
from lib.i18n import current_language, in_language_of
from notifications.services import push_subscriptions_forget_sessions


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        user.time_zone = form.cleaned_data["time_zone"]
        # The language they signed up reading: their pages and their sign-up code in it.
        user.language = current_language()
        return super().save_user(request, user, form, commit=commit)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """As allauth decides, except right after signing in: allauth (65.x) counts only an
        explicit re-authentication, so a facilitator sent to set up an authenticator a second
        after signing in was asked for the password again. A sign-in within the
        re-authentication timeout proves as much as typing the password again would."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        latest = max((record.get("at", 0) for record in records), default=0)
        return time.time() - latest >= account_settings.REAUTHENTICATION_TIMEOUT

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        ctx = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
            "login_url": self.request.build_absolute_uri(reverse("account_login")),
        }
        ctx.update(context)
        user = context.get("user")
        member = user if getattr(user, "pk", None) else None
        # A member's mail is in their language, whoever asked for it (a password reset asked
        # for from another browser), and so is mail to a member's address that allauth sends
        # without naming them ("About your sign-up", "Your password was reset"); mail to an
        # address nobody holds, in the language of the request.
        reader = member or member_by_address(email)
        with in_language_of(reader) if reader is not None else contextlib.nullcontext():
            message = self.render_mail(template_prefix, email, ctx)
        email_send_later(message, user=member)


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Signing out other sessions also turns push off on the devices they were on."""

    def end_sessions(self, sessions) -> None:
        sessions = list(sessions)
        push_subscriptions_forget_sessions(session_keys=[s.session_key for s in sessions])
        super().end_sessions(sessions)
