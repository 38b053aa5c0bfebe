"""What a process knows of a part that stopped answering (Redis, the broker): it says so once
in the log, tries the part again only now and then instead of on every request, and says
once when the part is back. The state is the process's own; every process finds out alone."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger("kinship.outages")

_known: list[Outage] = []


def outages_forget() -> None:
    """Forget every outage this process knows of (each part is tried at the next call): a
    test starts from a healthy process."""
    for outage in _known:
        with outage._lock:
            outage._since, outage._retry_at = None, 0.0


class Outage:
    """`down(exc)` after a failure, `up()` after a success; `skip()` tells whether to spare
    the part a call (it failed less than `retry_after` seconds ago). Thread-safe: a web
    process's threads share one."""

    def __init__(
        self,
        part: str,
        *,
        effect: str,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.part = part
        self.effect = effect  # what users get meanwhile, for the log
        self.retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None
        self._retry_at = 0.0
        _known.append(self)

    @property
    def is_down(self) -> bool:
        return self._since is not None

    def skip(self) -> bool:
        return self._since is not None and self._clock() < self._retry_at

    def down(self, exc: BaseException) -> bool:
        """True for the failure that starts an outage."""
        with self._lock:
            now = self._clock()
            first = self._since is None
            if first:
                self._since = now
            self._retry_at = now + self.retry_after
        if first:
            # The exception's type only: its text can carry addresses or keys.
            logger.warning(
                "%s does not answer (%s): %s", self.part, type(exc).__name__, self.effect
            )
        return first

    def up(self) -> bool:
        """True for the success that ends an outage."""
        if self._since is None:
            return False
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            logger.warning("%s answers again after %.0f s", self.part, self._clock() - since)
        return since is not None
