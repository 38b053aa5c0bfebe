"""The outbox's tasks kept the names they had when it lived in accounts: messages already
waiting in a broker when a deployment upgrades, and beat schedules, still find them."""

from __future__ import annotations

import pytest

from config.celery import app
from notifications import tasks

NAMES = {
    "accounts.tasks.outbox_dispatch": tasks.outbox_dispatch,
    "accounts.tasks.outbox_send": tasks.outbox_send,
    "accounts.tasks.outbox_prune": tasks.outbox_prune,
}  # name -> the task of notifications.tasks a worker must run for it


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_task_waiting_under_its_old_name_is_run_by_the_outbox(name):
    app.loader.import_default_modules()
    registered = app.tasks[name]
    assert registered.__module__ == "notifications.tasks"
    assert registered.run.__name__ == NAMES[name].__name__


def test_every_periodic_task_names_a_registered_task():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
