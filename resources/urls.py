from django.urls import path

from resources import views

app_name = "resources"

# Mounted at the site's root: the library lives under /resources/, and what a facilitator
# shares with a group on the group's own pages.
urlpatterns = [
    path("resources/", views.resource_list, name="resource-list"),
    path("resources/saved/", views.saved_list, name="saved"),
    path("resources/suggest/", views.resource_suggest_view, name="suggest"),
    path("resources/<slug:slug>/", views.resource_detail, name="resource-detail"),
    path("resources/<slug:slug>/save/", views.resource_save_toggle, name="resource-save"),
    path("resources/<slug:slug>/file/", views.resource_file, name="resource-file"),
    path("groups/<slug:slug>/resources/", views.group_resources, name="group-resources"),
]
