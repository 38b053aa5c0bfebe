"""The language switcher on every page (templates/base.html): a form with a button per
language, which works without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.services.users import user_update_profile
from lib.i18n import language_codes


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch to the language asked for and go back to the page (Django's set_language,
    which keeps `next` to our own site and remembers the choice in a cookie). For a member
    it is also their preference, so that what we send them follows: an e-mail or a
    notification is in the language of the pages they read."""
    language = request.POST.get("language", "")
    if language not in language_codes():
        return render(request, "400.html", status=400)
    response = set_language(request)
    if request.user.is_authenticated and request.user.language != language:
        user_update_profile(user=request.user, changes={"language": language})
    with translation.override(language):
        # Translators: said in the language just chosen; name that language.
        messages.success(
            request, _("You are reading %(site)s in English.") % {"site": settings.SITE_NAME}
        )
    return response
