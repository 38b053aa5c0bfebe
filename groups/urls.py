from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("groups/", views.group_list, name="group-list"),
    path("meetings/", views.my_meetings, name="my-meetings"),
]
