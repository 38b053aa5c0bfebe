"""Site-wide pages that belong to no app: home, crisis help, health, and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health
from lib.crisis import crisis_lines


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def crisis(request: HttpRequest) -> HttpResponse:
    return render(request, "crisis.html")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed name changes with each release, so not permanent.
    return redirect(static("img/favicon.svg"))


@never_cache
@require_GET
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
