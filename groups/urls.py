from django.urls import path

from groups.views import (
    attendance,
    calendars,
    facilitate,
    feeds,
    handovers,
    hosting,
    joining,
    meetings,
    public,
    reports,
    rooms,
    schedule,
)

app_name = "groups"

urlpatterns = [
    path("groups/", public.group_list, name="group-list"),
    path("meetings/", meetings.my_meetings, name="my-meetings"),
    # --- public side (directory, group page, join/leave, invitations): groups/views/public.py
    path("groups/invite/<str:token>/", public.invitation_accept, name="invitation-accept"),
    path("groups/<slug:slug>/join/", public.group_join, name="group-join"),
    path("groups/<slug:slug>/leave/", public.group_leave, name="group-leave"),
    path("groups/<slug:slug>/facilitator-name/", public.facilitator_name, name="facilitator-name"),
    # Where meeting finders send people for a series' private link (the feed's conference_url).
    path(
        "groups/<slug:slug>/meetings/<slug:series_slug>/join/",
        public.series_join,
        name="series-join",
    ),
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
    path(
        "groups/<slug:slug>/people/<int:user_id>/report/",
        reports.report_person,
        name="report-person",
    ),
    path("groups/<slug:slug>/invitations/", facilitate.invitations, name="invitations"),
    path(
        "groups/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        facilitate.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("groups/<slug:slug>/settings/", facilitate.group_settings, name="group-settings"),
    path("groups/<slug:slug>/archive/", facilitate.group_archive_view, name="group-archive"),
    path(
        "groups/<slug:slug>/still-meeting/",
        facilitate.listing_confirm_view,
        name="listing-confirm",
    ),
    # --- cover and handover: groups/views/handovers.py
    path("groups/<slug:slug>/handover/", handovers.handover, name="handover"),
    path(
        "groups/<slug:slug>/handover/<int:handover_id>/withdraw/",
        handovers.handover_withdraw_view,
        name="handover-withdraw",
    ),
    path(
        "groups/<slug:slug>/handover/<int:handover_id>/",
        handovers.handover_answer,
        name="handover-answer",
    ),
    path("groups/<slug:slug>/term/", handovers.term_set_view, name="term-set"),
    path(
        "groups/<slug:slug>/backup/step-down/",
        handovers.backup_step_down,
        name="backup-step-down",
    ),
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
    # --- meetings, RSVPs and "My meetings": groups/views/meetings.py
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/",
        meetings.meeting_detail,
        name="meeting-detail",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/rsvp/",
        meetings.meeting_rsvp,
        name="meeting-rsvp",
    ),
    # --- who is hosting a meeting (its facilitators and backups): groups/views/hosting.py
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/hosting/",
        hosting.meeting_hosting,
        name="meeting-hosting",
    ),
    # --- schedules, cancelling and moving (facilitators): groups/views/schedule.py
    path("groups/<slug:slug>/schedule/", schedule.schedule, name="schedule"),
    path("groups/<slug:slug>/schedule/new/", schedule.series_create_view, name="series-create"),
    path(
        "groups/<slug:slug>/schedule/<int:series_id>/",
        schedule.series_edit,
        name="series-edit",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/cancel/",
        schedule.meeting_cancel_view,
        name="meeting-cancel",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/move/",
        schedule.meeting_move_view,
        name="meeting-move",
    ),
    # --- online rooms: members' join addresses and "I can't make it" (groups/views/joining.py),
    #     the facilitators' room page (groups/views/rooms.py)
    path("join/<str:token>/", joining.join_address_open, name="join-address"),
    path("meetings/cant-make-it/<str:token>/", joining.cant_make_it, name="cant-make-it"),
    path(
        "meetings/cant-make-it/<str:token>/undo/",
        joining.cant_make_it_undo,
        name="cant-make-it-undo",
    ),
    path(
        "groups/<slug:slug>/schedule/<int:series_id>/room/",
        rooms.series_room,
        name="series-room",
    ),
    path(
        "groups/<slug:slug>/schedule/<int:series_id>/room/link/",
        rooms.series_room_link,
        name="series-room-link",
    ),
    path(
        "groups/<slug:slug>/schedule/<int:series_id>/room/<int:user_id>/<str:action>/",
        rooms.series_room_access,
        name="series-room-access",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/room/<str:action>/",
        rooms.meeting_room_lock,
        name="meeting-room-lock",
    ),
    # --- calendars (.ics): groups/views/calendars.py
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/meeting.ics",
        calendars.meeting_ics,
        name="meeting-ics",
    ),
    path("groups/<slug:slug>/calendar.ics", calendars.group_calendar, name="group-calendar"),
    path("calendar/<str:token>.ics", calendars.personal_calendar, name="personal-calendar"),
    # Older discreet calendar entries' way in: now to the member's join address.
    path("go/<str:token>/", calendars.online_link, name="online-link"),
    path("calendar/reset/", calendars.personal_calendar_reset, name="personal-calendar-reset"),
    # --- the Meeting Guide feed: groups/views/feeds.py
    path("feeds/meetings.json", feeds.meeting_guide_feed, name="meeting-guide-feed"),
    # --- attendance and proof of attendance: groups/views/attendance.py
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/attendance/",
        attendance.meeting_attendance,
        name="meeting-attendance",
    ),
    path("groups/<slug:slug>/attendance/", attendance.group_attendance, name="group-attendance"),
    path("meetings/attendance/", attendance.my_attendance, name="my-attendance"),
    path("meetings/letters/", attendance.letter_list, name="letter-list"),
    path("meetings/letters/<int:letter_id>/", attendance.letter_detail, name="letter-detail"),
    path("meetings/letters/<int:letter_id>/letter.pdf", attendance.letter_pdf, name="letter-pdf"),
    path(
        "meetings/letters/<int:letter_id>/revoke/",
        attendance.letter_revoke,
        name="letter-revoke",
    ),
    path("verify/", attendance.letter_verify_form, name="letter-verify-form"),
    path("verify/<str:code>", attendance.letter_verify, name="letter-verify"),
]

# --- public side, last: the group page's `groups/<slug>/` would swallow every fixed
#     `groups/<word>/` path listed before it (`groups/new/`, …), so it stays at the very end.
urlpatterns += [
    path("groups/<slug:slug>/", public.group_detail, name="group-detail"),
]
