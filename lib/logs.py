"""Saying what went wrong without saying what it was about: log lines and stored reasons
name the kind of error and where it arose, never the exception's text, which may quote a
subject, a name or an address."""

from __future__ import annotations

import traceback
from pathlib import Path


def describe_exception(exc: BaseException) -> str:
    """E.g. "BadHeaderError at django/core/mail/message.py:62": the exception's type and the
    innermost line of code it came from (the file's last three path parts)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    where = frames[-1]
    path = "/".join(Path(where.filename).parts[-3:])
    return f"{type(exc).__name__} at {path}:{where.lineno}"
