from django.urls import path

from accounts.views import data, profile, unsubscribe

app_name = "accounts"

urlpatterns = [
    path("profile/", profile.profile_edit, name="profile"),
    path("security/", profile.security_log, name="security"),
    path("export/", data.export_page, name="export"),
    path("export/<str:token>/", data.export_download, name="export-download"),
    path("delete/", data.account_delete, name="delete"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
