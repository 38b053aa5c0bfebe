"""Running Kinship as a new machine's `make run` does, from a test: a process of its own on a
fresh SQLite file under `tmp_path`, with no Redis (the suite itself uses PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def zero_setup_runner(tmp_path: Path, *, timeout: float = 180) -> Callable[..., str]:
    """A function that runs `python <args>` in the project with the zero-setup settings and
    returns what it printed; it fails the test, with the process's errors, if it fails."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kinship.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
