from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import redirect_to_second_factor_setup, user_lacks_required_second_factor
from accounts.services.audit import audit_request_context
from lib.i18n import language_of

SESSION_SIGNED_IN_AT = "kinship_signed_in_at"
SESSION_LAST_SEEN = "kinship_last_seen"
# Refresh the "last seen" mark at most this often, so reading pages does not write the
# session on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60


def session_mark_signed_in(request: HttpRequest) -> None:
    """Start both session clocks at the moment of sign-in (called on user_logged_in)."""
    now = int(time.time())
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_LAST_SEEN] = now


class MemberTimeZoneMiddleware:
    """Render every time in the signed-in member's own zone; visitors get the site default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            timezone.activate(zoneinfo.ZoneInfo(request.user.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class MemberLanguageMiddleware:
    """Show every page in the signed-in member's language (their preference), whatever the
    browser asks for; a visitor keeps what LocaleMiddleware chose (the switcher's cookie,
    else Accept-Language). Content-Language follows (LocaleMiddleware sets it from the
    active language on the way out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            language = language_of(request.user)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Sign a member out after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
    SESSION_ABSOLUTE_LIFETIME seconds after they signed in, whatever their activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SESSION_SIGNED_IN_AT, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self._sign_out(
                    request, _("You were signed out after a while without activity.")
                )
            if now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                return self._sign_out(request, _("For your safety, please sign in again."))
            if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or SESSION_LAST_SEEN not in session:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        if request.path.startswith(tuple(settings.SESSION_EXPIRY_SIGNED_OUT_PATHS)):
            # A page whose address is its key (a join address from a reminder): served
            # signed out, not sent to sign in, which would make a member late.
            return self.get_response(request)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class SecondFactorRequiredMiddleware:
    """Facilitators and admins without a second factor are sent to set one up before they
    reach any path in SECOND_FACTOR_REQUIRED_PATHS (the admin; facilitator views use the
    `facilitator_required` decorator as well)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(tuple(settings.SECOND_FACTOR_REQUIRED_PATHS)) and (
            user_lacks_required_second_factor(request.user)
        ):
            return redirect_to_second_factor_setup(request)
        return self.get_response(request)


class AuditContextMiddleware:
    """The audit trail's events recorded while serving a request carry its client's address
    (accounts.services.audit), so services need not take the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_request_context(request):
            return self.get_response(request)
