import importlib
import logging
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.servers.basehttp import WSGIRequestHandler
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.test import Client
from django.utils import timezone
from django.utils.log import log_response

from accounts.models import DataExport
from accounts.services.unsubscribe import unsubscribe_token
from config.logs import UNRESOLVED_PATH, RedactRequestPaths, RedactSecretPaths, UTCFormatter
from groups.calendars.feeds import calendar_feed_get_or_create, calendar_feed_reset
from groups.models import AttendanceLetter, Invitation, letter_code
from groups.services.groups import invitation_revoke
from tests.conftest import sign_in_recently
from tests.factories import MeetingFactory, MembershipFactory, SupportGroupFactory, UserFactory


def test_tokens_in_logged_paths_are_redacted():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/accounts/export/abcDEF123-secret/",),
        None,
    )
    assert RedactSecretPaths().filter(record)
    assert record.getMessage() == "Not Found: /accounts/export/…/"


def test_other_messages_are_left_alone():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/groups/x/",), None
    )
    RedactSecretPaths().filter(record)
    assert record.getMessage() == "Not Found: /groups/x/"


# --- Django's request logs (config.logs.RedactRequestPaths) ----------------------------------

GROUP_NAME = "Ketamine Recovery Circle"
GROUP_SLUG = "ketamine-recovery-circle"


def record_texts(record: logging.LogRecord) -> list[str]:
    """Everything of a record a handler could write: the line, its parts, the traceback."""
    texts = [record.getMessage(), str(record.msg), *map(str, record.args or ())]
    if record.exc_info:
        texts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        texts.append(record.exc_text)
    return texts


def assert_nothing_secret(records: list[logging.LogRecord], secrets: list[str]) -> None:
    for record in records:
        for text in record_texts(record):
            for secret in secrets:
                assert secret.casefold() not in text.casefold(), (record.name, text)


@pytest.fixture
def every_record(caplog):
    """Every record that reaches the root logger with LOG_LEVEL=DEBUG (Django's loggers
    keep their configured levels)."""
    caplog.set_level(logging.DEBUG)
    return caplog


def test_error_logs_of_group_and_token_pages_name_no_group_and_carry_no_token(db, every_record):
    group = SupportGroupFactory(name=GROUP_NAME, slug=GROUP_SLUG)
    meeting = MeetingFactory(series__group=group)
    member = MembershipFactory(group=group).user
    outsider = UserFactory()
    invitation = Invitation.objects.create(
        group=group, expires_at=timezone.now() + Invitation.DEFAULT_LIFETIME
    )
    invitation_revoke(invitation=invitation)
    old_calendar_token = calendar_feed_get_or_create(user=member).token
    calendar_token = calendar_feed_reset(user=member).token
    unsubscribe = unsubscribe_token(user_id=member.pk, category="reminders")
    letter = AttendanceLetter.objects.create(
        user=member,
        display_name="Morgan",
        date_from=date(2026, 1, 1),
        date_to=date(2026, 2, 1),
        time_zone="America/Chicago",
        revoked_at=timezone.now(),
    )
    export = DataExport.objects.create(user=member, expires_at=timezone.now() + DataExport.LIFETIME)
    secrets = [
        GROUP_NAME,
        GROUP_SLUG,
        "ketamine",
        invitation.token,
        old_calendar_token,
        calendar_token,
        unsubscribe,
        letter.code,
        export.token,
    ]
    query = f"?invite={invitation.token}&code={letter.code}"
    group_page = f"/groups/{GROUP_SLUG}/"

    visitor, signed_in, member_client, strict = Client(), Client(), Client(), Client(True)
    sign_in_recently(signed_in, outsider)  # the export page asks for the password again
    member_client.force_login(member)
    strict.force_login(outsider)
    every_record.clear()  # factory_boy's own lines, which name the group it made
    asked = [
        # 404s: a meeting that is not there, a path no pattern matches, old or revoked keys.
        (404, visitor.get(f"{group_page}meetings/{meeting.pk + 1000}/{query}")),
        (404, visitor.get(f"{group_page}no-such-page/{query}")),
        (404, visitor.get(f"/calendar/{old_calendar_token}.ics")),
        (404, visitor.get(f"/verify/{letter.code}")),
        (404, signed_in.get(f"/accounts/export/{export.token}/")),
        (410, visitor.get(f"/groups/invite/{invitation.token}/")),
        (405, visitor.post(f"/calendar/{calendar_token}.ics")),
        (405, visitor.put(f"/accounts/unsubscribe/{unsubscribe}/")),
        (405, visitor.post(f"{group_page}{query}")),
        # 403s: pages of the group its visitor may not use (logged with the exception).
        (403, member_client.get(f"{group_page}members/{query}")),
        (403, signed_in.post(f"{group_page}meetings/{meeting.pk}/rsvp/", {"answer": "going"})),
        (403, signed_in.get(f"{group_page}meetings/{meeting.pk}/meeting.ics")),
        # CSRF failures, one quoting a Referer that names the group.
        (403, strict.post(f"{group_page}join/")),
        (
            403,
            strict.post(
                f"{group_page}join/",
                secure=True,
                HTTP_REFERER=f"https://evil.example{group_page}{query}",
            ),
        ),
        # 400s: an unknown Host, a body that cannot be parsed, too many fields.
        (400, visitor.get(f"{group_page}{query}", HTTP_HOST="evil.example")),
        (
            400,
            signed_in.generic(
                "POST", f"{group_page}join/", b"x", content_type="multipart/form-data; boundary="
            ),
        ),
        (400, signed_in.post(f"{group_page}join/", {f"field{i}": i for i in range(1001)})),
    ]

    assert [status for status, _ in asked] == [response.status_code for _, response in asked]
    assert_nothing_secret(every_record.records, secrets)
    lines = [record.getMessage() for record in every_record.records]
    for expected in [
        "Not Found: /groups/<slug>/meetings/<meeting_id>/",
        "Not Found: <unresolved path>",
        "Not Found: /calendar/<token>.ics",
        "Not Found: /verify/<code>",
        "Not Found: /accounts/export/<token>/",
        "Gone: /groups/invite/<token>/",
        "Method Not Allowed (PUT): /accounts/unsubscribe/<token>/",
        "Forbidden (Permission denied): /groups/<slug>/members/",
        "Forbidden (CSRF cookie not set.): /groups/<slug>/join/",
        "Forbidden (Referer checking failed - https://evil.example/groups/<slug>/ does not "
        "match any trusted origins.): /groups/<slug>/join/",
        "Bad request (Unable to parse request body): /groups/<slug>/join/",
    ]:
        assert expected in lines
    forbidden = [r for r in every_record.records if r.getMessage().startswith("Forbidden (Perm")]
    assert forbidden and all(r.exc_info is None and r.status_code == 403 for r in forbidden)


def test_a_forbidden_page_is_logged_without_its_exception_and_a_server_error_with_it(rf, caplog):
    path = f"/groups/{GROUP_SLUG}/members/"
    request = rf.get(path)
    for message, response, error in [
        ("Forbidden (Permission denied): %s", HttpResponseForbidden(), PermissionDenied),
        ("Internal Server Error: %s", HttpResponseServerError(), RuntimeError),
    ]:
        try:
            raise error(f"Not one of the facilitators of {GROUP_NAME}")
        except error as exc:
            log_response(message, path, response=response, request=request, exception=exc)

    forbidden, server_error = caplog.records
    assert forbidden.getMessage() == "Forbidden (Permission denied): /groups/<slug>/members/"
    assert forbidden.exc_info is None
    # A 500 keeps its traceback: it is what an operator needs to fix the fault.
    assert server_error.getMessage() == "Internal Server Error: /groups/<slug>/members/"
    assert server_error.exc_info is not None


def test_the_development_servers_request_lines_name_no_group_and_carry_no_token(db, caplog):
    token = calendar_feed_get_or_create(user=UserFactory()).token
    code = letter_code()
    caplog.set_level(logging.INFO)  # pytest attaches caplog to django.server too
    for requestline, status in [
        (f"GET /calendar/{token}.ics?since={code} HTTP/1.1", 200),
        (f"GET /groups/{GROUP_SLUG}/meetings/12/ HTTP/1.1", 404),
        (f"POST /groups/invite/{token}/ HTTP/1.1", 302),
        (f"GET /accounts/unsubscribe/{token}/ HTTP/1.1", 200),
        (f"GET /verify/{code} HTTP/1.1", 404),
        (f"GET http://127.0.0.1:8000/groups/{GROUP_SLUG}/ HTTP/1.1", 200),
        (f"GET /{GROUP_SLUG}/ HTTP/1.1", 404),
        (f"GET {GROUP_SLUG} HTTP/1.1", 400),
    ]:
        # What runserver does after each request (django.core.servers.basehttp).
        handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
        handler.request, handler.client_address = None, ("127.0.0.1", 50000)
        handler.requestline = requestline
        handler.log_request(status, 123)
    # http.server's answer to a request line it cannot read, which it quotes.
    handler.log_error("code %d, message %s", 400, f"Bad request syntax ('GET /{code} x')")

    assert [record.getMessage() for record in caplog.records] == [
        '"GET /calendar/<token>.ics HTTP/1.1" 200 123',
        '"GET /groups/<slug>/meetings/<meeting_id>/ HTTP/1.1" 404 123',
        '"POST /groups/invite/<token>/ HTTP/1.1" 302 123',
        '"GET /accounts/unsubscribe/<token>/ HTTP/1.1" 200 123',
        '"GET /verify/<code> HTTP/1.1" 404 123',
        '"GET http://127.0.0.1:8000/groups/<slug>/ HTTP/1.1" 200 123',
        '"GET <unresolved path> HTTP/1.1" 404 123',
        '"GET <unresolved path> HTTP/1.1" 400 123',
        "code 400, message Bad request syntax ('GET <unresolved path> x')",
    ]
    assert_nothing_secret(caplog.records, [GROUP_SLUG, token, code])
    # The lines go to our handler (UTC, the secret-path filter), not Django's own.
    server = logging.getLogger("django.server")
    assert not server.propagate
    (console,) = [h for h in server.handlers if isinstance(h.formatter, UTCFormatter)]
    assert any(isinstance(f, RedactSecretPaths) for f in console.filters)


def test_a_line_that_cannot_be_redacted_keeps_no_path():
    class Unprintable:
        def __str__(self) -> str:
            raise ValueError(GROUP_NAME)

    for msg, args in [
        ("Not Found: %s and %s", (f"/groups/{GROUP_SLUG}/",)),  # too few arguments
        ("Not Found: %s", (Unprintable(),)),
    ]:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, None)
        assert RedactRequestPaths().filter(record)
        assert record.getMessage() == UNRESOLVED_PATH


def test_a_record_met_by_the_filter_twice_keeps_its_route():
    # runserver configures logging twice, and each logger then has its filters twice.
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/verify/ABCDE",), None
    )
    for filter_ in (RedactRequestPaths(), RedactRequestPaths()):
        assert filter_.filter(record)
    assert record.getMessage() == "Not Found: /verify/<code>"


def test_every_logger_django_writes_request_paths_to_redacts_them():
    # The contrib apps' SuspiciousOperation subclasses, whatever the tests before imported.
    for module in ("django.contrib.admin.exceptions", "django.contrib.sessions.exceptions"):
        importlib.import_module(module)

    def subclasses(cls: type) -> list[type]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in subclasses(direct))]

    names = {"django.request", "django.server", "django.security", "django.security.csrf"}
    names |= {f"django.security.{cls.__name__}" for cls in subclasses(SuspiciousOperation)}
    for name in names:
        filters = logging.getLogger(name).filters
        assert any(isinstance(f, RedactRequestPaths) for f in filters), name
