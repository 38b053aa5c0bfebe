from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("groups/", views.group_list, name="group-list"),
    path("meetings/", views.my_meetings, name="my-meetings"),
    # --- public side (directory, group page, join/leave, invitations): groups/views/public.py
    # --- facilitator side (dashboard, members, decisions, invitations, settings,
    #     announcements) and reports: groups/views/facilitate.py, groups/views/reports.py
]
