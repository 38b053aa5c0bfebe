"""Reporting a concern about a group, an announcement or a person, and the admins' queue."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from groups.models import Announcement, Report, SupportGroup
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action

CONCERN = {"reason": "selling", "text": "Someone offered to sell me something after the meeting."}


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


@pytest.fixture
def announcement(group, facilitator):
    return Announcement.objects.create(group=group, author=facilitator, title="Hi", body="Hello")


def test_reporting_a_group_records_it_acknowledges_it_and_emails_the_reporter(
    client, member, group, django_capture_on_commit_callbacks
):
    client.force_login(member)
    url = reverse("groups:report-group", args=[group.slug])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, CONCERN)

    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.group, report.reason, report.status) == (
        member,
        group,
        "selling",
        Report.Status.OPEN,
    )
    assert report.text == CONCERN["text"]
    html = response.content.decode()
    assert f"We received your report (number {report.pk})" in html
    assert "we will e-mail you again when it is resolved" in html
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert f"number {report.pk}" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action=Action.REPORT_FILED, subject=member).exists()


def test_a_report_needs_a_reason_and_a_text(client, member, group):
    client.force_login(member)
    response = client.post(reverse("groups:report-group", args=[group.slug]), {"text": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Report.objects.exists()


def test_reports_are_for_people_who_are_signed_in_and_can_see_the_group(client, member, group):
    url = reverse("groups:report-group", args=[group.slug])
    response = client.post(url, CONCERN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    archived = SupportGroupFactory(state=SupportGroup.State.ARCHIVED)
    client.force_login(member)
    assert client.get(reverse("groups:report-group", args=[archived.slug])).status_code == 404
    assert not Report.objects.exists()


def test_members_report_an_announcement_of_their_group(
    client, member, group, announcement, django_capture_on_commit_callbacks
):
    MembershipFactory(user=member, group=group)
    client.force_login(member)
    url = reverse("groups:report-announcement", args=[group.slug, announcement.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, CONCERN)

    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.announcement, report.group) == (announcement, group)
    assert len(mail.outbox) == 1


def test_an_announcement_is_reported_only_by_members_and_only_under_its_group(
    client, member, outsider, group, announcement
):
    client.force_login(outsider)
    url = reverse("groups:report-announcement", args=[group.slug, announcement.pk])
    assert client.get(url).status_code == 404

    MembershipFactory(user=member, group=group)
    other = SupportGroupFactory()
    MembershipFactory(user=member, group=other)
    client.force_login(member)
    wrong = reverse("groups:report-announcement", args=[other.slug, announcement.pk])
    assert client.post(wrong, CONCERN).status_code == 404
    assert not Report.objects.exists()


def report_person_url(group, person) -> str:
    return reverse("groups:report-person", args=[group.slug, getattr(person, "pk", person)])


def test_a_person_is_reported_from_the_people_page_where_the_reporter_sees_them(
    client, member, group, django_capture_on_commit_callbacks
):
    MembershipFactory(user=member, group=group)
    person = UserFactory(display_name="Casey", name_visible_to_members=True)
    MembershipFactory(user=person, group=group)
    client.force_login(member)
    people = client.get(reverse("groups:visible-members", args=[group.slug])).content.decode()
    url = report_person_url(group, person)
    assert f'href="{url}"' in people

    page = client.get(url)
    assert page.status_code == 200
    assert "Casey" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "harassment", "text": "Messages after class."})

    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.person, report.group, report.reporter, report.reason) == (
        person,
        group,
        member,
        "harassment",
    )
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_ids_tell_a_member_nothing_about_who_belongs_where(client, member, group):
    """A hidden member of the reporter's own group, a stranger, someone who left, someone
    in another group and an id that names nobody: the same answer for each, so trying ids
    reveals neither names nor who shares a group with whom."""
    MembershipFactory(user=member, group=group)
    hidden = MembershipFactory(group=group, user=UserFactory(display_name="Secretive Sid")).user
    stranger = UserFactory()
    pending = MembershipFactory(group=group, state="pending").user
    former = MembershipFactory(group=group, state="left").user
    elsewhere = MembershipFactory(
        group=SupportGroupFactory(), user=UserFactory(name_visible_to_members=True)
    ).user
    client.force_login(member)

    answers = set()
    for person in (hidden, stranger, pending, former, elsewhere, member, 999999):
        get, post = (
            client.get(report_person_url(group, person)),
            client.post(report_person_url(group, person), CONCERN),
        )
        assert "Secretive Sid" not in get.content.decode()
        page = re.sub(rb'(nonce|value)="[^"]*"', b"", get.content)  # per response
        answers.add((get.status_code, post.status_code, page))
    assert len(answers) == 1 and next(iter(answers))[:2] == (404, 404)
    assert not Report.objects.exists()


def test_a_co_facilitator_without_a_second_factor_cannot_name_hidden_members(client, member, group):
    MembershipFactory(user=member, group=group, role="facilitator")  # promoted, no 2FA yet
    hidden = MembershipFactory(group=group, user=UserFactory(display_name="Secretive Sid")).user
    client.force_login(member)

    response = client.get(report_person_url(group, hidden))
    assert response.status_code == 404
    assert "Secretive Sid" not in response.content.decode()
    # With a second factor they see every member, in the member list and here.
    activate_totp(member)
    response = client.get(report_person_url(group, hidden))
    assert response.status_code == 200 and "Secretive Sid" in response.content.decode()


def test_the_old_report_address_that_took_any_id_is_gone(client, member, group):
    MembershipFactory(user=member, group=group)
    person = MembershipFactory(group=group, user=UserFactory(name_visible_to_members=True)).user
    client.force_login(member)
    assert client.get(f"/report/person/{person.pk}/").status_code == 404


# --- the admins' queue ------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    activate_totp(admin_user)
    client.force_login(admin_user)
    return client


def test_admins_see_the_queue_filtered_by_status(admin_client, member, group):
    spam = Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    Report.objects.create(
        reporter=member, group=group, reason="safety", text="Worried", status="resolved"
    )
    url = reverse("admin:support_groups_report_changelist")
    response = admin_client.get(url, {"status__exact": "open"})
    assert list(response.context["cl"].result_list) == [spam]
    assert "Group: Thursday Circle" in response.content.decode()


def test_an_admin_changing_a_report_goes_through_the_service_and_is_audited(
    admin_client, admin_user, member, group
):
    report = Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    url = reverse("admin:support_groups_report_change", args=[report.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        {
            "status": "resolved",
            "admin_note": "Talked to the facilitator.",
            # Read-only fields are ignored even if someone sends them.
            "text": "Changed",
            "reason": "other",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.admin_note, report.handled_by) == (
        Report.Status.RESOLVED,
        "Talked to the facilitator.",
        admin_user,
    )
    assert (report.text, report.reason, report.reporter) == ("Adverts", "spam", member)
    event = AuditEvent.objects.get(action=Action.REPORT_UPDATED)
    assert (event.actor, event.details) == (admin_user, {"report": report.pk, "status": "resolved"})


def test_a_report_whose_reporter_deleted_their_account_can_still_be_resolved(admin_client, group):
    report = Report.objects.create(reporter=None, group=group, reason="spam", text="Adverts")
    response = admin_client.post(
        reverse("admin:support_groups_report_change", args=[report.pk]),
        {"status": "resolved", "admin_note": ""},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED


def test_the_admin_archives_groups_with_an_audited_action(admin_client, admin_user, group):
    response = admin_client.post(
        reverse("admin:support_groups_supportgroup_changelist"),
        {"action": "archive_groups", "_selected_action": [group.pk]},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.state == SupportGroup.State.ARCHIVED
    event = AuditEvent.objects.get(action=Action.GROUP_ARCHIVED)
    assert (event.actor, event.details) == (admin_user, {"group": group.pk})


@pytest.mark.parametrize(
    "name",
    [
        "admin:support_groups_supportgroup_changelist",
        "admin:support_groups_membership_changelist",
        "admin:support_groups_topic_changelist",
        "admin:support_groups_announcement_changelist",
    ],
)
def test_the_groups_admin_pages_open(admin_client, group, name):
    MembershipFactory(group=group)
    assert admin_client.get(reverse(name)).status_code == 200


def test_a_group_opens_in_the_admin_with_its_members(admin_client, group):
    MembershipFactory(group=group, user=UserFactory(display_name="Avery"))
    url = reverse("admin:support_groups_supportgroup_change", args=[group.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Avery" in response.content.decode()


def test_the_report_page_makes_as_many_queries_in_a_group_of_300_as_of_3(client, member, group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MembershipFactory(user=member, group=group)
    person = MembershipFactory(group=group, user=UserFactory(name_visible_to_members=True)).user
    client.force_login(member)
    url = report_person_url(group, person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    MembershipFactory.create_batch(3, group=group)
    queries()
    few = queries()
    MembershipFactory.create_batch(297, group=group)
    assert queries() == few


# --- who is told: alerts at once, and the reporter when it is resolved ------------------------


def test_a_report_of_danger_mails_every_admin_and_the_groups_facilitators_with_the_crisis_lines(
    client, member, facilitator, group, django_capture_on_commit_callbacks
):
    admin = UserFactory(display_name="Alex", is_staff=True)
    superuser = UserFactory(display_name="Sam", is_superuser=True)
    UserFactory(display_name="Gone", is_staff=True, is_active=False)
    MembershipFactory(group=SupportGroupFactory(), role="facilitator")  # another group's
    MembershipFactory(user=member, group=group)
    person = UserFactory(
        display_name="Casey", email="casey.private@example.org", name_visible_to_members=True
    )
    MembershipFactory(user=person, group=group)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            report_person_url(group, person),
            {"reason": "safety", "text": "Casey said goodbye to everyone tonight."},
        )

    report = Report.objects.get()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {member.email, admin.email, superuser.email, facilitator.email}
    for address in (admin.email, superuser.email, facilitator.email):
        alert = by_address[address]
        # The subject says it is urgent and names no group, so discreet mode keeps it.
        assert alert.subject == f"Kinship: Urgent: someone may be in danger (report {report.pk})"
        assert "Thursday Circle" not in alert.subject
        # Discreet mode (on by default): what a lock screen shows names no group.
        assert "Thursday Circle" not in alert.body[:250]
        assert "Someone may be in danger" in alert.body
        assert "Casey said goodbye to everyone tonight." in alert.body
        assert "988" in alert.body  # the crisis lines
        # Nothing of the person's beyond their display name.
        assert "casey.private@example.org" not in alert.body
    admin_body = by_address[admin.email].body
    assert reverse("staff:report-detail", args=[report.pk]) in admin_body
    assert "Reported by: Morgan" in admin_body
    # Facilitators are not told who reported, nor sent to the admin area.
    facilitator_body = by_address[facilitator.email].body
    assert "Morgan" not in facilitator_body
    assert "/manage/" not in facilitator_body


def test_other_reports_are_mailed_to_the_admins_only(
    client, member, facilitator, group, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True)
    MembershipFactory(user=member, group=group)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("groups:report-group", args=[group.slug]), CONCERN)

    report = Report.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, admin.email])
    alert = next(m for m in mail.outbox if m.to == [admin.email])
    assert alert.subject == f"Kinship: A new report to look at (report {report.pk})"
    assert "Selling or offering substances" in alert.body


def test_a_reported_facilitator_or_admin_is_not_alerted_about_their_own_report(
    client, member, facilitator, group, django_capture_on_commit_callbacks
):
    facilitator.name_visible_to_members = True
    facilitator.save()
    MembershipFactory(user=member, group=group)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_person_url(group, facilitator), {"reason": "safety", "text": "Worried"})
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_resolving_a_report_tells_the_reporter_and_nothing_about_anyone_else(
    member, group, django_capture_on_commit_callbacks
):
    from groups.services.reports import report_resolve

    admin = UserFactory(display_name="Alex", is_staff=True)
    person = UserFactory(display_name="Casey")
    report = Report.objects.create(
        reporter=member, group=group, person=person, reason="harassment", text="Messages"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_resolve(report=report, by=admin, note="Casey was removed from the group.")

    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (Report.Status.RESOLVED, admin)
    assert report.resolved_at is not None
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == f"Kinship: Your report was resolved (report {report.pk})"
    for private in ("Casey", "removed", "Thursday Circle", "Alex"):
        assert private not in message.body
    event = AuditEvent.objects.get(action=Action.REPORT_UPDATED)
    assert (event.actor, event.details) == (admin, {"report": report.pk, "status": "resolved"})
