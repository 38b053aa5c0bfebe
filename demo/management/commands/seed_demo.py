from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services.users import user_upsert_verified
from demo.groups import demo_cover_seed, demo_groups_seed, demo_meetings_seed
from groups.calendars.feeds import calendar_feed_get_or_create
from resources.starter import starter_library_seed

DEMO_PASSWORD = "kinship-demo-2026"  # noqa: S105 - documented in the README, demo only

DEMO_USERS: list[dict[str, Any]] = [
    {"email": "member@kinship.test", "display_name": "Sam (demo member)"},
    # Reads Kinship in Spanish: pages, e-mails and notifications.
    {"email": "miembro@kinship.test", "display_name": "Ana (miembro de prueba)", "language": "es"},
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

# Fellow members, so groups have people in them (they can sign in too).
DEMO_PEERS: list[dict[str, Any]] = [
    {"email": f"peer{n}@kinship.test", "display_name": name}
    for n, name in enumerate(["Jo", "Kit", "Lee", "Max"], start=1)
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
        users = {}
        for spec in DEMO_USERS + DEMO_PEERS:
            user, created = user_upsert_verified(
                time_zone=settings.TIME_ZONE, password=DEMO_PASSWORD, **spec
            )
            users[user.email] = user
            verb = "created" if created else "refreshed"
            self.stdout.write(f"{verb} demo account {user.email}")
        people: dict[str, Any] = {
            "facilitator": users["facilitator@kinship.test"],
            "member": users["member@kinship.test"],
            "others": [users[spec["email"]] for spec in DEMO_PEERS],
        }
        groups = demo_groups_seed(**people, spanish_speakers=(users["miembro@kinship.test"],))
        self.stdout.write(f"{groups} demo groups with members, a request and an announcement")
        series = demo_meetings_seed(**people)
        self.stdout.write(f"{series} new meeting series, with a cancelled and a moved meeting")
        offer = demo_cover_seed(facilitator=people["facilitator"], others=people["others"])
        self.stdout.write(
            f"a backup facilitator, a meeting nobody hosts yet, and an offer to "
            f"{offer.offered_to.display_name} to lead {offer.series}"
        )
        for user in users.values():
            calendar_feed_get_or_create(user=user)  # so "My meetings" shows an address at once
        # Written by the starter library's own hand, published by the demo admin: four eyes.
        resources = starter_library_seed(admin_publisher=users["admin@kinship.test"])
        self.stdout.write(f"{resources} starter resources added or refreshed in the library")
        self.stdout.write(self.style.SUCCESS(f"Demo password for all accounts: {DEMO_PASSWORD}"))
