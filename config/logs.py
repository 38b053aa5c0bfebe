from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import unquote

from django.urls import get_script_prefix, resolve
from django.utils.regex_helper import normalize


class UTCFormatter(logging.Formatter):
    """Timestamps in UTC with a Z, whatever the process's local zone: operators compare logs."""

    converter: Callable[[float | None], time.struct_time] = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


# Secret-bearing paths: a request log line must not hand a working link to whoever reads it.
SECRET_PATHS = re.compile(
    r"(/accounts/export/|/accounts/password/reset/key/|/accounts/confirm-email/|/calendar/"
    r"|/join/|/go/|/meetings/cant-make-it/)"
    r"(?!<)[^/\s\"']+"  # not a route's <token> (RedactRequestPaths)
)


class RedactSecretPaths(logging.Filter):
    """Replace the token part of secret-bearing URLs in log messages with "…"."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PATHS.sub(r"\1…", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class QuietHealthProbes(logging.Filter):
    """Drop django.request's line for each 503 of /healthz: a load balancer asks every few
    seconds, and the outage is logged once (lib.outages) instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return getattr(request, "path", None) != "/healthz"


# --- Paths in Django's request logs ---------------------------------------------------------
# Django logs the path of every 4xx and 5xx ("Forbidden (Permission denied): /groups/<the
# group's slug>/members/"), the development server every request line, and a CSRF reason can
# quote the Referer: a group's slug says what someone is recovering from, and a token or a
# letter code is a working key. Such a path is logged as the URL pattern it matches instead,
# each parameter by name (/groups/<slug>/members/), never with its query string; a path that
# matches no pattern as UNRESOLVED_PATH.

UNRESOLVED_PATH = "<unresolved path>"

# "GET /calendar/…?x=1 HTTP/1.1", the development server's request line.
REQUEST_LINE = re.compile(r"(?P<method>[A-Z]+) (?P<target>\S+) (?P<version>HTTP/[0-9.]+)")
# A path in free text: at the start or after a space, a quote or a bracket, alone or after
# scheme://host, up to the next space or quote (a trailing ")", ".", "," or ";" is prose).
PATH_IN_TEXT = re.compile(
    r"(?<![^\s'\"(\[])(?P<origin>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s'\"]*)?"
    r"(?P<path>/[^\s'\"]*?)(?=[).,;]*(?:[\s'\"]|$))"
)
# <slug:slug> or <slug>, a parameter of a path() route.
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def path_as_route(path: str) -> str:
    """The URL pattern `path` resolves to, written with nothing taken from `path` itself:
    /groups/<slug>/members/ for /groups/ketamine-recovery-circle/members/?page=2."""
    path = unquote(path.split("?", 1)[0].split("#", 1)[0])
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = "/" + path.removeprefix(prefix)
    try:
        route = resolve(path).route
        # re_path() parts ("(?P<key>.+)/$") as reverse() writes them, with the most parameters.
        template, names = max(normalize(route), key=lambda form: len(form[1]))
        route = template % {n: "<value>" if n.startswith("_") else f"<{n}>" for n in names}
    except Exception:  # Resolver404, and anything else: the placeholder, never the path
        return UNRESOLVED_PATH
    return "/" + ROUTE_PARAMETER.sub(r"<\1>", route)


def _redact_text(text: str) -> str:
    return PATH_IN_TEXT.sub(
        lambda found: (found["origin"] or "") + path_as_route(found["path"]), text
    )


def _redact_arg(arg: object) -> object:
    if arg is None or isinstance(arg, int | float):  # "%d" and "%s" alike
        return arg
    text = str(arg)
    if text.startswith("/"):  # the whole argument is a request's path
        return path_as_route(text)
    line = REQUEST_LINE.fullmatch(text)
    if line:
        # The target is a path, or an absolute URL (a proxy's); anything else is withheld.
        target = PATH_IN_TEXT.fullmatch(line["target"])
        route = (target["origin"] or "") + path_as_route(target["path"]) if target else None
        return f"{line['method']} {route or UNRESOLVED_PATH} {line['version']}"
    return _redact_text(text)


class RedactRequestPaths(logging.Filter):
    """Every path in a record of django.request, django.security.* and django.server (its
    message, its arguments, the request line) as its route; no traceback for a 4xx, whose
    exception says nothing an operator needs and may quote a name. Attached to each of those
    loggers: a logger's filters do not see the records of its children."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Once per record: a process that calls django.setup() twice (runserver does, through
        # config.wsgi) configures logging twice, and dictConfig adds a logger's filters again,
        # so each record meets this filter twice; a route would not resolve a second time.
        if getattr(record, "request_paths_redacted", False):
            return True
        record.request_paths_redacted = True
        try:
            if isinstance(record.args, Mapping):
                record.args = {key: _redact_arg(arg) for key, arg in record.args.items()}
            elif record.args:
                record.args = tuple(_redact_arg(arg) for arg in record.args)
            record.msg = _redact_text(str(record.msg))
            record.getMessage()  # the line must still format, or logging prints it raw
            status_code = getattr(record, "status_code", None)
            if isinstance(status_code, int) and 400 <= status_code < 500:
                record.exc_info, record.exc_text = None, None
        except Exception:
            # A filter that raises loses the line; one that gives up must not keep the path.
            record.msg, record.args = UNRESOLVED_PATH, ()
            record.exc_info, record.exc_text = None, None
        return True
