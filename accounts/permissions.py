"""Named access rules for accounts: who must have a second factor, and the checks for it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeGuard

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.http import AuthenticatedHttpRequest

SECOND_FACTOR_MESSAGE = _(
    "Facilitators and admins protect their accounts with a second factor. "
    "Set up an authenticator app to continue."
)


def user_must_have_second_factor(user: User | AnonymousUser) -> TypeGuard[User]:
    """Facilitators and admins can see who belongs to which group: their accounts need 2FA.
    That includes a member made co-facilitator of a group, who is not an approved facilitator
    of the whole site."""
    if not user.is_authenticated:
        return False
    if user.is_facilitator or user.is_staff or user.is_superuser:
        return True
    return user.memberships.filter(role="facilitator", state="active").exists()


def user_lacks_required_second_factor(user: User | AnonymousUser) -> bool:
    return user_must_have_second_factor(user) and not is_mfa_enabled(user)


# Where someone sent to set up a second factor was going: the page after the recovery codes
# offers the way back (templates/mfa/recovery_codes/index.html).
SECOND_FACTOR_NEXT_SESSION_KEY = "second_factor_next"


def redirect_to_second_factor_setup(request: HttpRequest) -> HttpResponse:
    messages.warning(request, SECOND_FACTOR_MESSAGE)
    if request.method in ("GET", "HEAD"):
        request.session[SECOND_FACTOR_NEXT_SESSION_KEY] = request.get_full_path()
    return redirect("mfa_activate_totp")


def second_factor_next_take(request: HttpRequest) -> str:
    """The page this person was going to when they were sent to set up a second factor
    (once: it is forgotten as it is read), or "" if none, or if it is not one of ours."""
    path = request.session.pop(SECOND_FACTOR_NEXT_SESSION_KEY, "")
    if not isinstance(path, str) or not url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return path


def facilitator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For every facilitator action: an approved facilitator (or admin) with a second factor."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_facilitator or request.user.is_staff):
            raise PermissionDenied
        if user_lacks_required_second_factor(request.user):
            return redirect_to_second_factor_setup(request)
        return view(request, *args, **kwargs)

    return wrapped
