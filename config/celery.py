"""The Celery app and its beat schedule: the one place where periodic work is declared."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kinship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["config", "notifications", "accounts", "groups", "resources"])

# Periodic work, run by `celery beat`. Only short, idempotent runs: nothing here waits in the
# broker with a countdown (reminders wait as rows in the outbox, see notifications.outbox).
# HEARTBEAT_SECONDS and OUTBOX_DISPATCH_SECONDS (60 by default; the integration tests run
# beat with 1 so that they need not wait a minute) are read here rather than from settings:
# this module loads before them.
app.conf.beat_schedule = {
    # Plans due reminders, sends what is due, puts back what a lost task or worker left.
    "outbox-dispatch": {
        "task": "accounts.tasks.outbox_dispatch",
        "schedule": float(os.environ.get("OUTBOX_DISPATCH_SECONDS") or 60),
    },
    "outbox-prune": {"task": "accounts.tasks.outbox_prune", "schedule": 24 * 3600.0},
    "heartbeat": {
        "task": "config.tasks.heartbeat",
        "schedule": float(os.environ.get("HEARTBEAT_SECONDS") or 60),
    },
    "exports-build-stalled": {"task": "accounts.tasks.exports_build_stalled", "schedule": 300.0},
    "exports-purge-expired": {"task": "accounts.tasks.exports_purge_expired", "schedule": 3600.0},
    "audit-prune": {"task": "accounts.tasks.audit_prune", "schedule": 24 * 3600.0},
    "join-openings-prune": {"task": "groups.tasks.join_openings_prune", "schedule": 24 * 3600.0},
    # Meetings are stored 13 weeks ahead; hourly keeps that window full without any hurry.
    "meetings-extend-horizon": {
        "task": "groups.tasks.meetings_extend_horizon",
        "schedule": 3600.0,
    },
    # Listings that stay true (groups.listings): weeks-long rules, so hourly is plenty.
    "listings-review": {"task": "groups.tasks.listings_review", "schedule": 3600.0},
    "handovers-expire": {"task": "groups.tasks.handovers_expire", "schedule": 3600.0},
    "check-ins-plan": {"task": "groups.tasks.check_ins_plan", "schedule": 3600.0},
}
