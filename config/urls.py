from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from config import language, views

admin.site.site_header = _("Kinship administration")
admin.site.site_title = _("Kinship admin")

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/dismiss/", views.first_run_dismiss, name="first-run-dismiss"),
    path("crisis/", views.crisis, name="crisis"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("contact/", views.contact, name="contact"),
    path("healthz", views.healthz, name="healthz"),
    # Pages that do not name an icon (the admin, plain files) make browsers ask for this one.
    path("favicon.ico", views.favicon),
    # The installable app: at the root, as browsers look for them there.
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("language/", language.language_set, name="set-language"),
    # The words of our scripts (static/js), in the page's language: gettext() and ngettext().
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("groups.urls")),
    path("", include("resources.urls")),
    path("manage/", include("staff.urls")),
    # The outbox's admin pages were under accounts before it became an app of its own.
    re_path(
        r"^admin/accounts/outboxmessage/(?P<rest>.*)$",
        RedirectView.as_view(
            url="/admin/notifications/outboxmessage/%(rest)s", permanent=True, query_string=True
        ),
    ),
    path("admin/", admin.site.urls),
]

handler500 = "config.views.server_error"
