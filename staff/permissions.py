"""Who may enter the admin area: the site's admins, with their second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import redirect_to_second_factor_setup, user_lacks_required_second_factor


def user_is_admin(user: User) -> bool:
    return user.is_active and (user.is_staff or user.is_superuser)


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed out: to the sign-in. Signed in but no admin: a 404, as if the area did not
    exist. An admin without a second factor: to set one up first."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_is_admin(request.user):
            raise Http404("No such page.")
        if user_lacks_required_second_factor(request.user):
            return redirect_to_second_factor_setup(request)
        return view(request, *args, **kwargs)

    return wrapped
