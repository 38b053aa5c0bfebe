"""A member's devices with push on: turning it on for a browser (the subscription its push
service gave), the list, removing one, and the account's export and deletion."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services.exports import export_payload
from accounts.services.users import user_delete
from notifications.models import PushSubscription
from tests.accounts.test_sessions import sign_in
from tests.factories import UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SUBSCRIPTION = {
    "endpoint": "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk-abc",
    "keys": {"p256dh": "B" + "x" * 86, "auth": "y" * 22},
}


def _subscribe(client, body, **headers):
    return client.post(
        reverse("accounts:device-subscribe"),
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        **headers,
    )


def test_a_browser_s_subscription_is_kept_with_its_device_name(client, member):
    client.force_login(member)
    response = _subscribe(client, SUBSCRIPTION, HTTP_X_DEVICE_NAME="Chrome on Android")
    assert response.status_code == 201
    [device] = PushSubscription.objects.filter(user=member)
    assert (device.endpoint, device.auth, device.device_name) == (
        SUBSCRIPTION["endpoint"],
        "y" * 22,
        "Chrome on Android",
    )
    page = client.get(reverse("accounts:devices")).content.decode()
    assert "Chrome on Android" in page
    assert SUBSCRIPTION["endpoint"] not in page  # the push address is a key: never shown


def test_subscribing_again_keeps_one_device_for_whoever_turned_it_on_last(client, member):
    client.force_login(member)
    _subscribe(client, SUBSCRIPTION)
    other = UserFactory()
    client.force_login(other)
    _subscribe(client, SUBSCRIPTION)
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [other.pk]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        {"endpoint": SUBSCRIPTION["endpoint"]},
        {**SUBSCRIPTION, "endpoint": "http://updates.push.services.mozilla.com/plain-http"},
        {**SUBSCRIPTION, "endpoint": "https://attacker.example/any-address"},
        {**SUBSCRIPTION, "endpoint": "https://fcm.googleapis.com.attacker.example/x"},
        {**SUBSCRIPTION, "endpoint": "http://127.0.0.1:8000/admin/"},
        {**SUBSCRIPTION, "keys": {"p256dh": "", "auth": "y"}},
        {**SUBSCRIPTION, "endpoint": "https://fcm.googleapis.com/" + "z" * 5000},
    ],
)
def test_anything_but_a_push_subscription_is_refused_and_nothing_kept(client, member, body):
    client.force_login(member)
    response = _subscribe(client, body)
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_signed_out_nobody_can_subscribe(client):
    response = _subscribe(client, SUBSCRIPTION)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not PushSubscription.objects.exists()


def test_a_member_removes_their_device_but_not_someone_else_s(client, member):
    mine = PushSubscription.objects.create(
        user=member, endpoint="https://p.example/1", p256dh="k", auth="a"
    )
    theirs = PushSubscription.objects.create(
        user=UserFactory(), endpoint="https://p.example/2", p256dh="k", auth="a"
    )
    client.force_login(member)
    client.post(reverse("accounts:device-remove", args=[theirs.pk]))
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()
    response = client.post(reverse("accounts:device-remove", args=[mine.pk]), follow=True)
    assert "will no longer get push notifications" in response.content.decode()
    assert not PushSubscription.objects.filter(pk=mine.pk).exists()


def test_the_export_lists_devices_without_their_keys_and_deletion_removes_them(member):
    PushSubscription.objects.create(
        user=member,
        endpoint="https://p.example/secret",
        p256dh="k",
        auth="a",
        device_name="Firefox on Linux",
    )
    payload = json.dumps(export_payload(user=member), default=str)
    assert json.loads(payload)["push_devices"][0]["device"] == "Firefox on Linux"
    assert "p.example/secret" not in payload
    user_delete(user=member)
    assert not PushSubscription.objects.exists()


def test_signing_out_everywhere_else_turns_push_off_on_those_devices_only(member):
    laptop, phone = Client(), Client()
    sign_in(laptop, member)
    sign_in(phone, member)
    _subscribe(phone, SUBSCRIPTION, HTTP_X_DEVICE_NAME="Firefox on Android")
    laptop_subscription = {**SUBSCRIPTION, "endpoint": SUBSCRIPTION["endpoint"] + "-laptop"}
    _subscribe(laptop, laptop_subscription, HTTP_X_DEVICE_NAME="Firefox on Linux")
    assert PushSubscription.objects.count() == 2

    laptop.post(reverse("usersessions_list"))  # "sign out other sessions"

    [kept] = PushSubscription.objects.all()
    assert kept.device_name == "Firefox on Linux"


def test_the_devices_page_makes_as_many_queries_with_ten_devices_as_with_one(client, member):
    client.force_login(member)
    url = reverse("accounts:devices")

    def add(n: int) -> None:
        PushSubscription.objects.create(
            user=member, endpoint=f"https://fcm.googleapis.com/fcm/send/{n}", p256dh="k", auth="a"
        )

    add(0)
    count_queries(client, url)
    few = count_queries(client, url)
    for n in range(1, 10):
        add(n)
    assert count_queries(client, url) == few
