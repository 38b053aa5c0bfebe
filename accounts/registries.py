from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


class Registry(dict[str, F]):
    """Named functions other apps contribute (export sections, deletion checks and steps),
    kept in the order they were first registered. Registering a name again replaces it."""

    def register(self, name: str) -> Callable[[F], F]:
        def add(function: F) -> F:
            self[name] = function
            return function

        return add
