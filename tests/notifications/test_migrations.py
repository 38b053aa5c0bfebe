"""The outbox moved from accounts to notifications: a deployment with messages waiting keeps
every one of them, reminders with their meeting and lead time, through the migration."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0005_outbox"), ("notifications", None)]
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def migrate(targets):
    """Migrate to `targets`; the models as the applied migrations define them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [key for key in executor.loader.applied_migrations if key in executor.loader.graph.nodes]
    ).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_messages_queued_before_the_move_are_all_kept_and_still_unique():
    old = migrate(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Old = old.get_model("accounts", "OutboxMessage")
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.get_or_create(app_label="accounts", model="outboxmessage")
        sam = User.objects.create(email="sam@example.org", display_name="Sam", password="!")
        reminder = Old.objects.create(
            kind="reminder",
            category="reminders",
            user=sam,
            meeting_id=41,
            lead_minutes=60,
            state="scheduled",
            due_at=NOW,
        )
        note = Old.objects.create(
            kind="email", category="account", user=sam, payload={"subject": "Hi"}, due_at=NOW
        )

        new = migrate(latest())
        Outbox = new.get_model("notifications", "OutboxMessage")
        rows = {row.pk: row for row in Outbox.objects.all()}
        assert set(rows) == {reminder.pk, note.pk}
        kept = rows[reminder.pk]
        assert (kept.kind, kept.target_id, kept.variant, kept.state, kept.channel) == (
            "reminder",
            41,
            60,
            "scheduled",
            "email",
        )
        assert rows[note.pk].payload == {"subject": "Hi"}
        assert rows[note.pk].target_id is None
        # The same reminder planned again is refused by the new unique constraint.
        assert (
            Outbox.objects.bulk_create(
                [
                    Outbox(
                        kind="reminder",
                        category="reminders",
                        user_id=sam.pk,
                        target_id=41,
                        variant=60,
                        due_at=NOW,
                    )
                ],
                ignore_conflicts=True,
            )
            and Outbox.objects.filter(target_id=41).count() == 1
        )
        # The admin's permissions follow the model.
        NewContentType = new.get_model("contenttypes", "ContentType")
        assert NewContentType.objects.filter(app_label="notifications", model="outboxmessage")
        assert not NewContentType.objects.filter(app_label="accounts", model="outboxmessage")
    finally:
        migrate(latest())
