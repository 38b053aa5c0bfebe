"""The Celery app and its beat schedule: the one place where periodic work is declared."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kinship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["config", "accounts", "groups", "resources"])

# Periodic work, run by `celery beat`. Later issues add the reminder dispatcher here.
# HEARTBEAT_SECONDS is read here rather than from settings: this module loads before them.
app.conf.beat_schedule = {
    "heartbeat": {
        "task": "config.tasks.heartbeat",
        "schedule": float(os.environ.get("HEARTBEAT_SECONDS") or 60),
    },
    "exports-purge-expired": {"task": "accounts.tasks.exports_purge_expired", "schedule": 3600.0},
    "audit-prune": {"task": "accounts.tasks.audit_prune", "schedule": 24 * 3600.0},
    # Meetings are stored 13 weeks ahead; hourly keeps that window full without any hurry.
    "meetings-extend-horizon": {
        "task": "groups.tasks.meetings_extend_horizon",
        "schedule": 3600.0,
    },
}
