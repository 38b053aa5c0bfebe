from django.urls import path

from accounts.views import data, devices, profile, unsubscribe

app_name = "accounts"

urlpatterns = [
    path("profile/", profile.profile_edit, name="profile"),
    path("security/", profile.security_log, name="security"),
    path("devices/", devices.device_list, name="devices"),
    path("devices/subscribe/", devices.device_subscribe, name="device-subscribe"),
    path("devices/<int:device_id>/remove/", devices.device_remove, name="device-remove"),
    path("export/", data.export_page, name="export"),
    path("export/<str:token>/", data.export_download, name="export-download"),
    path("delete/", data.account_delete, name="delete"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
