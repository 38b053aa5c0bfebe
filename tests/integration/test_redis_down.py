"""Redis stopped under a running site (gunicorn, two processes, with a worker and beat):
every page still answers, members sign in, sign up, reset a password and answer for a
meeting; the sixth wrong password is still refused, whichever process takes it; /healthz
names the broker; the log says once what is degraded; and the mail recorded meanwhile goes
out, once each, when Redis is back."""

from __future__ import annotations

import statistics

import pytest

from notifications.models import OutboxMessage
from tests.factories import (
    DEFAULT_PASSWORD,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.integration.conftest import wait_until
from tests.integration.http import Browser

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SIGN_IN = "/accounts/login/"


def sign_in(site: str, email: str, password: str = DEFAULT_PASSWORD):
    browser = Browser(site)
    return browser, browser.post(SIGN_IN, {"login": email, "password": password})


def test_the_site_keeps_working_with_redis_stopped_and_catches_up_when_it_is_back(
    celery_processes, private_redis, smtp_inbox, settings
):
    # Passwords as production hashes them: the web processes do not know the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    group = SupportGroupFactory(name="Tuesday Evenings", slug="tuesday-evenings")
    meeting = MeetingFactory(series=MeetingSeriesFactory(group=group))
    guessed = UserFactory(email="guessed@example.org")
    member = UserFactory(email="member@example.org")
    forgetful = UserFactory(email="forgetful@example.org")
    for user in (guessed, member, forgetful):
        MembershipFactory(group=group, user=user)

    celery_processes.env["REDIS_URL"] = private_redis.url
    site = celery_processes.start_web(workers=2)
    celery_processes.start_worker()
    celery_processes.start_beat()
    assert Browser(site).get("/healthz").status == 200
    up = [sign_in(site, member.email)[1].seconds for _ in range(5)]

    private_redis.stop()

    # Every page answers.
    visitor = Browser(site)
    for path in ("/", "/groups/", f"/groups/{group.slug}/", "/resources/", SIGN_IN):
        assert visitor.get(path).status == 200, path
    health = visitor.get("/healthz")
    assert health.status == 503
    assert '"down": ["broker"]' in health.text

    # Sign-in works (and how long it takes is printed for the record).
    timings = []
    for _ in range(5):
        browser, response = sign_in(site, member.email)
        assert response.status == 302, response.text[:500]
        timings.append(response.seconds)
    print(
        f"sign-in, median of 5: {statistics.median(up) * 1000:.0f} ms with Redis,"
        f" {statistics.median(timings) * 1000:.0f} ms with Redis stopped"
    )

    # Answering for a meeting works, signed in.
    rsvp = browser.post(
        f"/groups/{group.slug}/meetings/{meeting.pk}/rsvp/",
        {"answer": "going"},
        form=f"/groups/{group.slug}/meetings/{meeting.pk}/",
    )
    assert rsvp.status == 302
    assert meeting.rsvps.get(user=member).answer == "going"

    # The brute-force limit holds: five wrong passwords, then even the right one is refused,
    # whichever of the two web processes takes each attempt (the count is in the database).
    for _ in range(5):
        _, response = sign_in(site, guessed.email, "not-the-password")
        assert response.status == 200
        assert "Too many failed login attempts" not in response.text
    _, response = sign_in(site, guessed.email)
    assert response.status != 302
    assert "Too many failed login attempts" in response.text

    # Sign-up and password reset record their mail.
    newcomer = Browser(site).post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.org",
            "display_name": "Newcomer",
            "time_zone": "America/Chicago",
            "password1": "long-quiet-evening-8",
            "password2": "long-quiet-evening-8",
        },
    )
    assert newcomer.status == 302, newcomer.text[:500]
    reset = Browser(site).post("/accounts/password/reset/", {"email": forgetful.email})
    assert reset.status == 302
    waiting = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT)
    assert waiting.filter(user__email="forgetful@example.org").exists()
    assert smtp_inbox.messages == []  # nothing can go out: the broker is down

    # The log says once per process what is degraded, with no traceback per request.
    web_log = celery_processes.log("web")
    assert "Traceback" not in web_log
    assert 1 <= web_log.count("Redis (cache) does not answer") <= 2  # one per web process
    assert web_log.count("the broker does not answer") <= 2

    private_redis.start()

    def delivered(address: str) -> int:
        return sum(address in m["X-Envelope-To"] for m in smtp_inbox.messages)

    assert wait_until(
        lambda: delivered("newcomer@example.org") and delivered("forgetful@example.org"),
        timeout=90,
    ), (OutboxMessage.objects.values_list("state", flat=True), celery_processes.log("worker"))
    assert delivered("newcomer@example.org") == 1
    assert delivered("forgetful@example.org") == 1

    # Health follows, and the process that logged the outage logs its end (probes reach
    # either web process, so a few may be needed).
    def recovered() -> bool:
        return Browser(site).get("/healthz").status == 200 and "answers again" in (
            celery_processes.log("web")
        )

    assert wait_until(recovered, timeout=30), celery_processes.log("web")[-2000:]
    assert "Service Unavailable: /healthz" not in celery_processes.log("web")
