"""A member downloads everything we hold about them: asked for on the site, built by a worker,
theirs alone to download, gone after its lifetime."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, DataExport
from accounts.services.export_requests import export_request
from accounts.services.exports import EXPORT_SECTIONS, export_build, export_purge_expired
from accounts.tasks import exports_purge_expired
from tests.conftest import sign_in_recently

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("accounts:export")


def download_url(export: DataExport) -> str:
    return reverse("accounts:export-download", args=[export.token])


def ready_export(user) -> DataExport:
    export = export_request(user=user)
    built = export_build(export_id=export.pk)
    assert built is not None
    return built


def test_requesting_an_export_builds_a_file_with_everything_we_hold_and_no_secrets(
    client, member, django_capture_on_commit_callbacks
):
    member.reminder_lead_minutes = [60]
    member.discreet_mode = False
    member.changes_by = "both"
    member.save()
    sign_in_recently(client, member)
    secret = generate_totp_secret()
    totp = TOTP.activate(member, secret).instance
    recovery = RecoveryCodes.activate(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT_URL)

    assert response.status_code == 302
    assert response["Location"] == EXPORT_URL
    export = DataExport.objects.get(user=member)
    assert export.status == DataExport.Status.READY
    assert export.ready_at is not None
    data = json.loads(export.content)
    assert data["format"] == "kinship-export/1"
    assert data["generated_at"].endswith("+00:00")
    assert data["profile"]["email"] == member.email
    assert data["profile"]["display_name"] == "Morgan"
    assert data["profile"]["time_zone"] == member.time_zone
    assert data["profile"]["last_login"].endswith("+00:00")
    assert data["preferences"] == {
        "reminder_lead_minutes": [60],
        "reminder_scope": "going",
        "group_update_emails": True,
        "delivery": {
            "reminders": "push",
            "changes": "both",
            "waitlist": "push",
            "cant_make_it": "push",
        },
        "discreet_mode": False,
        "name_visible_to_members": False,
    }
    assert data["roles"] == {"is_facilitator": False, "is_staff": False}
    assert data["email_addresses"] == [{"email": member.email, "verified": True, "primary": True}]
    assert {f["type"] for f in data["second_factors"]} == {"totp", "recovery_codes"}
    actions = [event["action"] for event in data["sign_in_history"]]
    assert "signed_in" in actions
    assert "export_requested" in actions
    assert all(event["ip_address"] == "127.0.0.1" for event in data["sign_in_history"])
    assert len(data["sessions"]) == 1
    assert data["sessions"][0]["ip"] == "127.0.0.1"
    for section in ("memberships", "rsvps", "attendance", "bookmarks", "reports"):
        assert data[section] == []

    member.refresh_from_db()
    assert member.password not in export.content
    assert "md5$" not in export.content
    assert secret not in export.content
    assert totp.data["secret"] not in export.content
    assert recovery.instance.data["seed"] not in export.content
    for code in recovery.generate_codes():
        assert code not in export.content


def test_requesting_an_export_is_audited_and_answers_at_once(client, member):
    sign_in_recently(client, member)

    response = client.post(EXPORT_URL, follow=True)

    # Without the worker having run yet, the file is being prepared.
    assert DataExport.objects.get(user=member).status == DataExport.Status.PENDING
    html = response.content.decode()
    assert "We&#x27;re preparing your file…" in html
    assert "Your file is being prepared" in html
    assert f'href="{EXPORT_URL}"' in html  # a plain reload link, for pages without JavaScript
    assert AuditEvent.objects.filter(
        subject=member, action=AuditEvent.Action.EXPORT_REQUESTED, ip_address="127.0.0.1"
    ).exists()


def test_a_second_request_returns_the_export_being_prepared_or_ready(member):
    first = export_request(user=member)
    assert export_request(user=member).pk == first.pk

    export_build(export_id=first.pk)
    assert export_request(user=member).pk == first.pk

    assert DataExport.objects.filter(user=member).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_REQUESTED).count() == 1


def test_a_new_export_is_made_once_the_last_one_failed_or_expired(member):
    failed = export_request(user=member)
    DataExport.objects.filter(pk=failed.pk).update(status=DataExport.Status.FAILED)
    second = export_request(user=member)
    assert second.pk != failed.pk

    with time_machine.travel(timezone.now() + DataExport.LIFETIME + timedelta(minutes=1)):
        third = export_request(user=member)
    assert third.pk not in {failed.pk, second.pk}


def test_building_twice_writes_the_file_once(member):
    export = export_request(user=member)
    built = export_build(export_id=export.pk)
    content, ready_at = built.content, built.ready_at

    again = export_build(export_id=export.pk, now=timezone.now() + timedelta(minutes=5))

    assert again.content == content
    assert again.ready_at == ready_at


def test_a_failing_build_marks_the_export_failed_and_the_page_offers_another_try(
    client, member, monkeypatch
):
    def broken(user):
        raise RuntimeError("database went away")

    monkeypatch.setitem(EXPORT_SECTIONS, "bookmarks", broken)
    export = export_request(user=member)

    with pytest.raises(RuntimeError):
        export_build(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED
    assert export.content == ""
    client.force_login(member)
    html = client.get(EXPORT_URL).content.decode()
    assert "Something went wrong" in html
    assert "Prepare my data" in html


def test_other_issues_add_their_section_by_registering_it(member, monkeypatch):
    paris = ZoneInfo("Europe/Paris")
    monkeypatch.setitem(
        EXPORT_SECTIONS,
        "bookmarks",
        lambda user: [{"title": "Cravings", "at": datetime(2026, 1, 1, 12, tzinfo=paris)}],
    )

    export = export_build(export_id=export_request(user=member).pk)

    data = json.loads(export.content)
    assert data["bookmarks"] == [{"title": "Cravings", "at": "2026-01-01T11:00:00+00:00"}]
    assert list(data)[:3] == ["format", "generated_at", "profile"]
    assert list(data)[-9:] == [
        "memberships",
        "rsvps",
        "attendance",
        "attendance_letters",
        "bookmarks",
        "reports",
        "online_rooms",
        "hosting",
        "handovers",
    ]


def test_the_owner_downloads_the_file_as_an_attachment(client, member):
    export = ready_export(member)
    sign_in_recently(client, member)

    response = client.get(download_url(export))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    day = timezone.localdate(export.ready_at, ZoneInfo(member.time_zone))
    assert response["Content-Disposition"] == f'attachment; filename="kinship-data-{day}.json"'
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["profile"]["display_name"] == "Morgan"
    assert AuditEvent.objects.filter(
        subject=member, action=AuditEvent.Action.EXPORT_DOWNLOADED, ip_address="127.0.0.1"
    ).exists()


def test_the_file_name_carries_the_date_in_the_members_own_zone(client, member):
    member.time_zone = "Pacific/Auckland"
    member.save()
    # 20:00 UTC on 24 November is already 25 November in Auckland.
    with time_machine.travel(datetime(2026, 11, 24, 20, 0, tzinfo=UTC), tick=False):
        export = ready_export(member)
        sign_in_recently(client, member)
        response = client.get(download_url(export))

    assert response["Content-Disposition"] == 'attachment; filename="kinship-data-2026-11-25.json"'


def test_another_member_gets_not_found_and_nothing_is_downloaded(client, member, outsider):
    export = ready_export(member)
    sign_in_recently(client, outsider)

    response = client.get(download_url(export))

    assert response.status_code == 404
    assert b"Morgan" not in response.content
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()


def test_a_visitor_is_sent_to_sign_in(client, member):
    export = ready_export(member)

    for url in (download_url(export), EXPORT_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert client.post(EXPORT_URL)["Location"].startswith(reverse("account_login"))
    assert DataExport.objects.count() == 1


def test_an_expired_export_is_gone_with_a_way_to_ask_again(client, member):
    export = ready_export(member)

    with time_machine.travel(export.expires_at + timedelta(minutes=1)):
        sign_in_recently(client, member)
        response = client.get(download_url(export))

    assert response.status_code == 410
    html = response.content.decode()
    assert "expired" in html
    assert f'href="{EXPORT_URL}"' in html
    assert member.email not in html
    assert '"profile"' not in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()


def test_purging_deletes_expired_exports_only(member, outsider):
    old = ready_export(member)
    with time_machine.travel(timezone.now() + timedelta(hours=47)):
        recent = ready_export(outsider)

    later = old.expires_at + timedelta(seconds=1)
    assert export_purge_expired(now=later) == 1
    assert list(DataExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert export_purge_expired(now=later) == 0

    with time_machine.travel(recent.expires_at):
        assert exports_purge_expired.delay().get() == 1
    assert not DataExport.objects.exists()


def test_the_page_shows_a_ready_file_with_its_expiry_in_the_members_zone(client, member):
    member.time_zone = "Europe/London"
    member.save()
    with time_machine.travel(datetime(2026, 11, 24, 16, 40, tzinfo=UTC), tick=False):
        export = ready_export(member)
        client.force_login(member)
        html = client.get(EXPORT_URL).content.decode()

    assert "until" in html
    assert "26 Nov 2026, 16:40 United Kingdom Time (London, GMT)" in html
    assert f'href="{download_url(export)}"' in html
    assert "Prepare my data" not in html


def test_the_htmx_refresh_gets_the_state_alone_and_stops_once_ready(client, member):
    export = export_request(user=member)
    client.force_login(member)

    pending = client.get(EXPORT_URL, headers={"HX-Request": "true"})
    assert pending.status_code == 200
    assert "HX-Request" in pending["Vary"]
    html = pending.content.decode()
    assert "<h1" not in html
    assert 'data-hx-trigger="every 3s"' in html

    export_build(export_id=export.pk)
    html = client.get(EXPORT_URL, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html
    assert download_url(export) in html


def test_asking_for_an_export_or_downloading_needs_a_recent_password(client, member, settings):
    export = ready_export(member)
    sign_in_recently(client, member)

    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 60)
    with time_machine.travel(later):
        assert client.get(EXPORT_URL).status_code == 200  # seeing the state is fine
        for response in (client.post(EXPORT_URL), client.get(download_url(export))):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()


def test_the_export_page_query_count_does_not_grow_with_the_security_log(client, member):
    ready_export(member)
    client.force_login(member)
    client.get(EXPORT_URL)  # the session's first request writes it; measure later ones

    counts = []
    for total in (10, 200):
        AuditEvent.objects.bulk_create(
            AuditEvent(subject=member, action=AuditEvent.Action.SIGNED_IN)
            for _ in range(total - AuditEvent.objects.filter(subject=member).count())
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(EXPORT_URL)
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 4, [q["sql"] for q in queries]


def test_the_export_file_is_not_loaded_to_show_the_page(client, member):
    ready_export(member)
    client.force_login(member)
    client.get(EXPORT_URL)

    with CaptureQueriesContext(connection) as queries:
        client.get(EXPORT_URL)

    export_queries = [q["sql"] for q in queries if "accounts_dataexport" in q["sql"]]
    assert len(export_queries) == 1
    assert '"content"' not in export_queries[0]
