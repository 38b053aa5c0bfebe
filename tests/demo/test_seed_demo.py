import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEERS, DEMO_USERS
from groups.models import (
    Announcement,
    Attendance,
    Handover,
    HostingAnswer,
    Meeting,
    MeetingSeries,
    Membership,
    SupportGroup,
)
from resources.models import Resource


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_each_demo_role_can_sign_in(client):
    call_command("seed_demo", "--allow-production", verbosity=0)
    call_command("seed_demo", "--allow-production", verbosity=0)

    assert User.objects.count() == len(DEMO_USERS) + len(DEMO_PEERS)
    groups = SupportGroup.objects.all()
    assert {g.format for g in groups} == set(SupportGroup.Format.values)
    assert {g.join_policy for g in groups} == set(SupportGroup.JoinPolicy.values)
    assert groups.filter(listed=False).exists()
    assert Membership.objects.filter(state=Membership.State.PENDING).count() == 1
    assert Announcement.objects.count() == 1
    assert all(g.memberships.filter(role="facilitator", state="active").exists() for g in groups)
    # A schedule for every group: weekly, fortnightly and monthly, online and in person.
    series = MeetingSeries.objects.all()
    assert {s.group_id for s in series} == {g.pk for g in groups}
    rules = {s.rrule for s in series}
    assert "FREQ=WEEKLY;BYDAY=TU" in rules
    assert any("INTERVAL=2" in rule for rule in rules)
    assert any(rule.startswith("FREQ=MONTHLY") for rule in rules)
    assert {s.attendance_option for s in series} >= {"online", "in_person"}
    [cancelled] = Meeting.objects.filter(status="cancelled")
    # The announcement names the meeting that really is off, in the group's zone.
    [announcement] = Announcement.objects.all()
    off = cancelled.starts_at.astimezone(cancelled.series.zone)
    assert announcement.title == f"No meeting on {off:%A} {off.day} {off:%B}"
    assert announcement.group_id == cancelled.group_id
    moved = [m for m in Meeting.objects.filter(status="scheduled") if m.is_moved]
    assert len(moved) == 1
    assert Meeting.objects.filter(starts_at__gt=timezone.now()).count() > 50
    assert Attendance.objects.exists()
    # Issue 20: a backup, a meeting nobody has said they will host, an offer waiting.
    [backup] = Membership.objects.filter(role="backup", state="active")
    tuesday = MeetingSeries.objects.get(title="Tuesday evening check-in")
    assert backup.group_id == tuesday.group_id
    first, second = tuesday.meetings.filter(
        starts_at__gt=timezone.now(), status="scheduled"
    ).order_by("starts_at")[:2]
    assert not HostingAnswer.objects.filter(meeting=first).exists()
    assert HostingAnswer.objects.get(meeting=second).answer == "will_host"
    [offer] = Handover.objects.all()
    assert (offer.state, offer.series_id) == ("offered", tuesday.pk)
    # The starter library, published (by the demo admin, who did not write it).
    published = Resource.objects.filter(state="published")
    assert 15 <= published.filter(language="en").count() <= 25
    assert published.filter(language="es").count() >= 10
    assert not published.filter(published_by=None).exists()
    member = User.objects.get(email="member@kinship.test")
    facilitator = User.objects.get(email="facilitator@kinship.test")
    admin = User.objects.get(email="admin@kinship.test")
    assert (member.is_facilitator, member.is_staff) == (False, False)
    assert (facilitator.is_facilitator, facilitator.is_staff) == (True, False)
    assert admin.is_staff and admin.is_superuser
    for user in (member, facilitator, admin):
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_seed_demo_refuses_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="public password"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
