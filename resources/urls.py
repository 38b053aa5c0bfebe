from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="resource-list"),
    path("saved/", views.saved_list, name="saved"),
    path("suggest/", views.resource_suggest_view, name="suggest"),
    path("<slug:slug>/", views.resource_detail, name="resource-detail"),
    path("<slug:slug>/save/", views.resource_save_toggle, name="resource-save"),
    path("<slug:slug>/file/", views.resource_file, name="resource-file"),
]
