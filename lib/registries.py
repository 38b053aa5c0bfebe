from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Registry(dict[str, F]):
    """Named functions other apps contribute (export sections, deletion checks and steps,
    the outbox's planners and builders, panels of a page), kept in the order they were first
    registered. Registering a name again replaces it, so importing a module twice is harmless.

    An app registers at import time, from its AppConfig.ready(): the lower app names what it
    needs, the higher one provides it, and the lower one never imports the higher."""

    def register(self, name: str) -> Callable[[F], F]:
        def add(function: F) -> F:
            self[name] = function
            return function

        return add
