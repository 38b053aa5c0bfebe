"""`manage.py vapid_keys`: print a new VAPID pair for the environment, or with `--dev` make
the development pair in var/vapid.json if there is none (what `make run` does)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.vapid import vapid_pair_new


class Command(BaseCommand):
    help = "Make a VAPID key pair for web push."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dev", action="store_true", help="Write var/vapid.json if it does not exist."
        )

    def handle(self, *args: Any, dev: bool = False, **options: Any) -> None:
        pair = vapid_pair_new()
        if not dev:
            self.stdout.write(f"VAPID_PRIVATE_KEY={pair['private_key']}")
            self.stdout.write(f"VAPID_PUBLIC_KEY={pair['public_key']}")
            return
        path = Path(settings.VAPID_DEV_FILE)
        if path.exists():
            self.stdout.write(f"{path} exists: keeping it")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(pair, indent=2) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"wrote a development VAPID pair to {path}")
