"""The admin area (/manage/): reports, the resource review queue and join requests, worked in
our own pages through the services, each action audited, with a message and, before what
cannot be taken back, a confirmation page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from groups.models import Membership, Report
from resources.models import Resource, StateChange
from resources.services.curation import resource_submit
from tests.factories import MembershipFactory, SupportGroupFactory, UserFactory, activate_totp
from tests.resources.conftest import ResourceFactory

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
State = Resource.State


@pytest.fixture
def admin_client(client, admin_user):
    activate_totp(admin_user)
    client.force_login(admin_user)
    return client


@pytest.fixture
def group(facilitator):
    group = SupportGroupFactory(name="Thursday Circle", join_policy="approval")
    MembershipFactory(user=facilitator, group=group, role="facilitator")
    return group


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- who may enter ---------------------------------------------------------------------------

PAGES = ["staff:index", "staff:report-list", "staff:review-list", "staff:request-list"]


@pytest.mark.parametrize("name", PAGES)
def test_only_admins_reach_the_admin_area(client, member, facilitator, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for person in (member, facilitator):
        activate_totp(person)
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_an_admin_without_a_second_factor_is_asked_to_add_one(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("staff:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_overview_counts_what_waits(admin_client, member, group):
    Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    MembershipFactory(group=group, state="pending")
    ResourceFactory(state=State.IN_REVIEW)
    html = admin_client.get(reverse("staff:index")).content.decode()
    assert "<h1>Admin area</h1>" in html
    assert 'href="/manage/reports/"' in html
    assert "To read" in html


# --- reports ---------------------------------------------------------------------------------


def test_the_reports_list_shows_open_ones_first(admin_client, member, group):
    resolved = Report.objects.create(
        reporter=member, group=group, reason="spam", text="a", status="resolved"
    )
    in_progress = Report.objects.create(
        reporter=member, group=group, reason="spam", text="b", status="in_progress"
    )
    first_open = Report.objects.create(reporter=member, group=group, reason="safety", text="c")
    response = admin_client.get(reverse("staff:report-list"))
    assert list(response.context["page"].object_list) == [first_open, in_progress, resolved]
    html = response.content.decode()
    assert html.index(f"Report {first_open.pk}") < html.index(f"Report {resolved.pk}")
    assert "Urgent" in html and "The group Thursday Circle" in html

    response = admin_client.get(reverse("staff:report-list"), {"status": "resolved"})
    assert list(response.context["page"].object_list) == [resolved]


def test_an_empty_reports_list_says_so(admin_client):
    assert "No reports yet." in admin_client.get(reverse("staff:report-list")).content.decode()


def test_an_admin_sets_a_status_and_a_note_and_it_is_audited(
    admin_client, admin_user, member, group
):
    report = Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    url = reverse("staff:report-detail", args=[report.pk])
    assert "Adverts" in admin_client.get(url).content.decode()

    response = admin_client.post(
        url, {"status": "in_progress", "note": "Asked the facilitator."}, follow=True
    )

    report.refresh_from_db()
    assert (report.status, report.admin_note, report.handled_by) == (
        "in_progress",
        "Asked the facilitator.",
        admin_user,
    )
    assert messages_of(response) == [f"Report {report.pk} saved: In progress."]
    event = AuditEvent.objects.get(action=Action.REPORT_UPDATED)
    assert (event.actor, event.details) == (
        admin_user,
        {"report": report.pk, "status": "in_progress"},
    )
    assert not mail.outbox


def test_a_bad_status_changes_nothing_and_keeps_the_note(admin_client, member, group):
    report = Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    response = admin_client.post(
        reverse("staff:report-detail", args=[report.pk]), {"status": "gone", "note": "My note"}
    )
    assert response.status_code == 400
    assert "My note" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.admin_note) == ("open", "")


def test_resolving_asks_first_then_tells_the_reporter(
    admin_client, admin_user, member, group, django_capture_on_commit_callbacks
):
    report = Report.objects.create(reporter=member, group=group, reason="spam", text="Adverts")
    url = reverse("staff:report-resolve", args=[report.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert f"Resolve report {report.pk}?" in page.content.decode()
    report.refresh_from_db()
    assert report.status == "open" and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"note": "Spoke to them."}, follow=True)

    report.refresh_from_db()
    assert (report.status, report.resolved_by, report.admin_note) == (
        "resolved",
        admin_user,
        "Spoke to them.",
    )
    assert messages_of(response) == [
        f"Report {report.pk} is resolved. We have e-mailed the reporter."
    ]
    (message,) = mail.outbox
    assert message.to == [member.email] and "resolved" in message.subject
    assert "Spoke to them." not in message.body


def test_an_unknown_report_is_a_404(admin_client):
    assert admin_client.get(reverse("staff:report-detail", args=[999])).status_code == 404


# --- the review queue ------------------------------------------------------------------------


def test_curators_are_told_when_a_resource_starts_waiting_for_review(
    admin_user, django_capture_on_commit_callbacks
):
    other = UserFactory(display_name="Jordan", is_staff=True, discreet_mode=True)
    UserFactory(display_name="Member")
    resource = ResourceFactory(
        title="Ketamine and the bladder", state=State.DRAFT, author=admin_user
    )
    with django_capture_on_commit_callbacks(execute=True):
        resource_submit(resource=resource, by=admin_user)

    (message,) = mail.outbox  # not the author who sent it, not a member
    assert message.to == [other.email]
    assert message.subject == "Kinship: A resource is waiting for your review"
    assert "Ketamine" not in message.subject
    assert "Ketamine and the bladder" in message.body
    assert reverse("staff:review-detail", args=[resource.pk]) in message.body


def test_the_review_queue_lists_resources_in_review_only(admin_client):
    waiting = ResourceFactory(title="Waiting one", state=State.IN_REVIEW)
    ResourceFactory(title="A draft", state=State.DRAFT)
    html = admin_client.get(reverse("staff:review-list")).content.decode()
    assert "Waiting one" in html and "A draft" not in html
    assert admin_client.get(reverse("staff:review-detail", args=[waiting.pk])).status_code == 200


def test_an_empty_review_queue_says_so(admin_client):
    html = admin_client.get(reverse("staff:review-list")).content.decode()
    assert "Nothing is waiting for review." in html


def test_another_admin_publishes_a_resource_in_review(admin_client, admin_user):
    author = UserFactory(is_staff=True)
    resource = ResourceFactory(title="Cravings", state=State.IN_REVIEW, author=author)
    response = admin_client.post(reverse("staff:review-publish", args=[resource.pk]), follow=True)
    resource.refresh_from_db()
    assert (resource.state, resource.published_by) == (State.PUBLISHED, admin_user)
    assert messages_of(response) == ["“Cravings” is published in the library."]
    assert StateChange.objects.filter(resource=resource, to_state=State.PUBLISHED, by=admin_user)


def test_an_admin_cannot_publish_what_they_wrote(admin_client, admin_user):
    resource = ResourceFactory(title="Mine", state=State.IN_REVIEW, author=admin_user)
    detail = admin_client.get(reverse("staff:review-detail", args=[resource.pk])).content.decode()
    assert "another admin must review and publish it" in detail
    assert ">Publish<" not in detail

    response = admin_client.post(reverse("staff:review-publish", args=[resource.pk]), follow=True)
    resource.refresh_from_db()
    assert resource.state == State.IN_REVIEW
    assert messages_of(response) == [
        "You wrote this resource, so another admin must review and publish it."
    ]


def test_sending_a_resource_back_asks_first_and_needs_a_note(admin_client, admin_user):
    resource = ResourceFactory(title="Cravings", state=State.IN_REVIEW, author=UserFactory())
    url = reverse("staff:review-return", args=[resource.pk])
    assert "Send “Cravings” back to its author?" in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"note": ""}).status_code == 400
    resource.refresh_from_db()
    assert resource.state == State.IN_REVIEW

    response = admin_client.post(url, {"note": "Add sources."}, follow=True)
    resource.refresh_from_db()
    assert resource.state == State.DRAFT
    assert messages_of(response) == ["“Cravings” is back with its author as a draft."]
    change = StateChange.objects.get(resource=resource, to_state=State.DRAFT)
    assert (change.by, change.note) == (admin_user, "Add sources.")


# --- join requests ---------------------------------------------------------------------------


def test_admins_see_join_requests_across_groups_and_approve_one(
    admin_client, admin_user, group, django_capture_on_commit_callbacks
):
    asking = MembershipFactory(group=group, state="pending", user=UserFactory(display_name="Casey"))
    elsewhere = MembershipFactory(
        group=SupportGroupFactory(name="Sunday Family Circle"),
        state="pending",
        user=UserFactory(display_name="Drew"),
    )
    html = admin_client.get(reverse("staff:request-list")).content.decode()
    assert "Casey, to join Thursday Circle" in html and "Drew, to join Sunday Family Circle" in html
    looked = AuditEvent.objects.get(action=Action.MEMBER_LIST_VIEWED)
    assert (looked.actor, looked.details) == (
        admin_user,
        {"join_requests": sorted([group.pk, elsewhere.group_id])},
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("staff:request-approve", args=[asking.pk]), {"message": "Welcome"}, follow=True
        )

    asking.refresh_from_db()
    assert (asking.state, asking.decided_by) == (Membership.State.ACTIVE, admin_user)
    assert messages_of(response) == [
        "Casey is now a member of Thursday Circle. We have e-mailed them."
    ]
    assert [m.to for m in mail.outbox] == [[asking.user.email]]
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_APPROVED, actor=admin_user).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.state == Membership.State.PENDING


def test_declining_a_request_asks_first_and_keeps_the_message(
    admin_client, admin_user, group, django_capture_on_commit_callbacks
):
    asking = MembershipFactory(group=group, state="pending", user=UserFactory(display_name="Casey"))
    url = reverse("staff:request-decline", args=[asking.pk])
    # The list's "Decline…" button posts the message here: a confirmation, nothing decided.
    page = admin_client.post(url, {"message": "The group is full."})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Decline Casey's request to join Thursday Circle?" in html
    assert "The group is full." in html
    asking.refresh_from_db()
    assert asking.state == Membership.State.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"message": "The group is full.", "confirm": "yes"}, follow=True
        )
    asking.refresh_from_db()
    assert (asking.state, asking.decision_message) == ("declined", "The group is full.")
    assert messages_of(response) == [
        "You declined Casey's request to join Thursday Circle. We have e-mailed them."
    ]
    assert [m.to for m in mail.outbox] == [[asking.user.email]]
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_DECLINED, actor=admin_user).exists()


def test_an_empty_list_of_requests_says_so(admin_client):
    html = admin_client.get(reverse("staff:request-list")).content.decode()
    assert "No requests are waiting." in html


def test_the_lists_make_as_many_queries_for_30_rows_as_for_3(
    admin_client, member, group, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse(name)).status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            person = UserFactory()
            MembershipFactory(group=group, user=person, state="pending")
            Report.objects.create(
                reporter=member, group=group, person=person, reason="spam", text="x"
            )
            ResourceFactory(state=State.IN_REVIEW, author=UserFactory())

    names = ["staff:report-list", "staff:request-list", "staff:review-list", "staff:index"]
    add(3)
    few = {name: queries(name) for name in names}
    add(27)
    assert {name: queries(name) for name in names} == few
