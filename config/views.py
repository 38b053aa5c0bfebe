"""Site-wide pages that belong to no app: home, crisis help, the organisation's privacy,
terms and contact pages, health, and the error pages."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import DataExport
from accounts.services.users import user_first_run_dismiss
from config import health
from groups.home import home_has_groups, home_next_meeting
from groups.meetings.joining import join_urls_for, meeting_place_for
from lib.crisis import crisis_lines
from lib.i18n import current_language
from lib.markdown import render_markdown


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        now = timezone.now()
        next_meeting = home_next_meeting(user=request.user, now=now)
        context = {
            "next_meeting": next_meeting,
            # The member's join address, never the link itself (groups.meetings.joining).
            "next_meeting_place": (
                meeting_place_for(
                    next_meeting,
                    join_urls=join_urls_for(user=request.user, series=[next_meeting.series]),
                )
                if next_meeting
                else None
            ),
            "next_meeting_open": bool(next_meeting and not next_meeting.has_started(now=now)),
            "first_run": request.user.first_run_dismissed_at is None
            and not home_has_groups(user=request.user),
        }
    return render(request, "home.html", context)


@login_required
@require_POST
def first_run_dismiss(request: AuthenticatedHttpRequest) -> HttpResponse:
    user_first_run_dismiss(user=request.user)
    messages.success(
        request, _("The welcome is put away. Groups, in the menu, is where you find one any time.")
    )
    return redirect("home")


@require_safe
def crisis(request: HttpRequest) -> HttpResponse:
    return render(request, "crisis.html")


def _organisation_text(path: str) -> str:
    """The organisation's own text for a page (a Markdown file named in the settings), or ""
    for our default. A file that is named but missing fails loudly: a policy that silently
    falls back to ours would tell people something the organisation did not say."""
    if not path:
        return ""
    return render_markdown(Path(path).read_text(encoding="utf-8"))


def _organisation_page(request: HttpRequest, template: str, path: str) -> HttpResponse:
    return render(
        request,
        template,
        {
            "organisation_name": settings.ORGANISATION_NAME,
            "contact_email": settings.CONTACT_EMAIL,
            "organisation_text": _organisation_text(path),
            "audit_ip_days": settings.AUDIT_IP_RETENTION_DAYS,
            "audit_days": settings.AUDIT_RETENTION_DAYS,
            "outbox_days": settings.OUTBOX_RETENTION_DAYS,
            "export_hours": int(DataExport.LIFETIME.total_seconds() // 3600),
            "session_days": settings.SESSION_ABSOLUTE_LIFETIME // (24 * 3600),
        },
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return _organisation_page(request, "pages/privacy.html", settings.PRIVACY_POLICY_FILE)


@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return _organisation_page(request, "pages/terms.html", settings.TERMS_FILE)


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return _organisation_page(request, "pages/contact.html", settings.CONTACT_PAGE_FILE)


# --- the installable app: its manifest, service worker and offline page ----------------------

# Theme colours of the app's frame (the page's --bg in light and dark, static/css/site.css):
# the manifest takes the light one, base.html gives both to browsers by colour scheme.
THEME_LIGHT = "#fbf8f3"
# What the service worker keeps for everyone (templates/sw.js): none of it is private.
APP_SHELL_STATIC = (
    "css/site.css",
    "js/site.js",
    "js/disclosure.js",
    "vendor/htmx/htmx.min.js",
    "img/favicon.svg",
    "img/icons/icon-192.png",
)


@require_safe
def web_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: what a phone needs to install Kinship from the browser."""
    icons = [
        {"src": static("img/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    manifest = {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        # Translators: the installed app's description, shown when a phone offers to install it.
        "description": _("Your recovery groups' meetings, reminders and reading."),
        "lang": current_language(),
        "dir": "ltr",
        "start_url": reverse("groups:my-meetings"),
        "scope": "/",
        "display": "standalone",
        "background_color": THEME_LIGHT,
        "theme_color": THEME_LIGHT,
        "icons": icons,
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that it may control every page; never cached by the browser's
    HTTP cache, so a release's new worker is found on the next visit."""
    shell = [static(name) for name in APP_SHELL_STATIC] + [
        reverse("javascript-catalog"),
        reverse("crisis"),
        reverse("offline"),
    ]
    version = hashlib.sha256(json.dumps(shell).encode()).hexdigest()[:12]
    response = render(
        request,
        "sw.js",
        {
            "shell_json": json.dumps(shell),
            "version": version,
            "offline_url": reverse("offline"),
            "catalog_url": reverse("javascript-catalog"),
            "icon_url": static("img/icons/icon-192.png"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows for a page it has not kept when there is no network."""
    return render(request, "offline.html")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed name changes with each release, so not permanent.
    return redirect(static("img/favicon.svg"))


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, payload = health.health_report()
    return JsonResponse(payload, status=200 if healthy else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Our own page for a rejected form (expired or foreign token), instead of Django's."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without context processors: the database may be what failed."""
    template = loader.get_template("500.html")
    context = {"site_name": settings.SITE_NAME, "crisis_lines": crisis_lines()}
    return HttpResponseServerError(template.render(context))
