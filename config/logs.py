from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable


class UTCFormatter(logging.Formatter):
    """Timestamps in UTC with a Z, whatever the process's local zone: operators compare logs."""

    converter: Callable[[float | None], time.struct_time] = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


# Secret-bearing paths: a request log line must not hand a working link to whoever reads it.
SECRET_PATHS = re.compile(
    r"(/accounts/export/|/accounts/password/reset/key/|/accounts/confirm-email/|/calendar/)"
    r"[^/\s\"']+"
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
