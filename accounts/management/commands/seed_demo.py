from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services.users import user_upsert_verified

DEMO_PASSWORD = "kinship-demo-2026"  # noqa: S105 - documented in the README, demo only

DEMO_USERS = [
    {"email": "member@kinship.test", "display_name": "Sam (demo member)"},
    {
        "email": "facilitator@kinship.test",
        "display_name": "Robin (demo facilitator)",
        "is_facilitator": True,
    },
    {
        "email": "admin@kinship.test",
        "display_name": "Alex (demo admin)",
        "is_facilitator": True,
        "is_staff": True,
    },
]


class Command(BaseCommand):
    help = "Create or refresh the demo accounts (and, as they arrive, demo groups and resources)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off. The demo password is public: never on a live site.",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with a public password. "
                "Pass --allow-production on a staging copy if you really mean it."
            )
        for spec in DEMO_USERS:
            user, created = user_upsert_verified(
                time_zone=settings.TIME_ZONE, password=DEMO_PASSWORD, **spec
            )
            verb = "created" if created else "refreshed"
            self.stdout.write(f"{verb} demo account {user.email}")
        self.stdout.write(self.style.SUCCESS(f"Demo password for all accounts: {DEMO_PASSWORD}"))
