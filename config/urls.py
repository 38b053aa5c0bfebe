from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Kinship administration"
admin.site.site_title = "Kinship admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis/", views.crisis, name="crisis"),
    path("healthz", views.healthz, name="healthz"),
    # Pages that do not name an icon (the admin, plain files) make browsers ask for this one.
    path("favicon.ico", views.favicon),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("groups.urls")),
    path("", include("resources.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.views.server_error"
