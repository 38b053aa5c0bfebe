from django.urls import path

from groups.views import facilitate, public, reports

app_name = "groups"

urlpatterns = [
    path("groups/", public.group_list, name="group-list"),
    path("meetings/", public.my_meetings, name="my-meetings"),
    # --- public side (directory, group page, join/leave, invitations): groups/views/public.py
    path("groups/invite/<str:token>/", public.invitation_accept, name="invitation-accept"),
    path("groups/<slug:slug>/join/", public.group_join, name="group-join"),
    path("groups/<slug:slug>/leave/", public.group_leave, name="group-leave"),
    # --- facilitator side (dashboard, members, decisions, invitations, settings,
    #     announcements) and reports: groups/views/facilitate.py, groups/views/reports.py
    path("facilitate/", facilitate.dashboard, name="dashboard"),
    path("groups/new/", facilitate.group_create_view, name="group-create"),
    path("groups/<slug:slug>/members/", facilitate.member_list, name="member-list"),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/<str:action>/",
        facilitate.membership_decide,
        name="membership-decide",
    ),
    path("groups/<slug:slug>/people/", facilitate.visible_members, name="visible-members"),
    path("groups/<slug:slug>/invitations/", facilitate.invitations, name="invitations"),
    path(
        "groups/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        facilitate.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("groups/<slug:slug>/settings/", facilitate.group_settings, name="group-settings"),
    path("groups/<slug:slug>/archive/", facilitate.group_archive_view, name="group-archive"),
    path(
        "groups/<slug:slug>/announcements/new/",
        facilitate.announcement_create,
        name="announcement-create",
    ),
    path("groups/<slug:slug>/report/", reports.report_group, name="report-group"),
    path(
        "groups/<slug:slug>/announcements/<int:announcement_id>/report/",
        reports.report_announcement,
        name="report-announcement",
    ),
    path("report/person/<int:user_id>/", reports.report_person, name="report-person"),
]

# --- public side, last: the group page's `groups/<slug>/` would swallow every fixed
#     `groups/<word>/` path listed before it (`groups/new/`, …), so it stays at the very end.
urlpatterns += [
    path("groups/<slug:slug>/", public.group_detail, name="group-detail"),
]
