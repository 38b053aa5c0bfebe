"""lib.fragments: a kept value comes back until one of its tables is written, whatever the
ORM write (save, queryset update, bulk insert, delete), or until its `until` passes. (Raw
SQL is not watched: CACHALOT_INVALIDATE_RAW in config/settings.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from groups.models import SupportGroup, Topic
from lib.fragments import Built, fragment, fragments_forget_local, html_fragment
from tests.factories import SupportGroupFactory

pytestmark = pytest.mark.django_db


class Builder:
    """Counts its builds and returns what the table holds now."""

    def __init__(self, until=None):
        self.builds = 0
        self.until = until

    def __call__(self) -> Built:
        self.builds += 1
        names = sorted(SupportGroup.objects.values_list("name", flat=True))
        return Built(", ".join(names), until=self.until)


def kept(builder, *, vary=()) -> str:
    return fragment("test", tables=(SupportGroup,), vary=vary, build=builder)


def test_a_fragment_is_built_once_while_its_tables_are_not_written():
    SupportGroupFactory(name="Anchor")
    builder = Builder()
    assert kept(builder) == "Anchor"
    assert kept(builder) == "Anchor"
    fragments_forget_local()  # from the shared cache too, not only this process's copy
    assert kept(builder) == "Anchor"
    assert builder.builds == 1


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda: SupportGroupFactory(name="Beacon"), id="save"),
        pytest.param(lambda: SupportGroup.objects.update(name="Beacon"), id="update"),
        pytest.param(
            lambda: SupportGroup.objects.bulk_create([SupportGroup(name="Beacon", slug="beacon")]),
            id="bulk_create",
        ),
        pytest.param(lambda: SupportGroup.objects.all().delete(), id="delete"),
    ],
)
def test_any_write_to_a_table_shows_on_the_next_call(write):
    SupportGroupFactory(name="Anchor")
    builder = Builder()
    before = kept(builder)
    write()
    after = kept(builder)
    assert after != before
    names = sorted(SupportGroup.objects.values_list("name", flat=True))
    assert after == ", ".join(names)
    assert builder.builds == 2


def test_a_write_to_another_table_keeps_the_fragment():
    SupportGroupFactory(name="Anchor")
    builder = Builder()
    kept(builder)
    Topic.objects.create(slug="new-topic", name="New topic")
    kept(builder)
    assert builder.builds == 1


def test_what_varies_makes_its_own_fragment():
    SupportGroupFactory(name="Anchor")
    builder = Builder()
    kept(builder, vary=("Europe/London",))
    kept(builder, vary=("America/Chicago",))
    kept(builder, vary=("Europe/London",))
    assert builder.builds == 2


def test_a_fragment_is_built_again_when_its_until_passes():
    SupportGroupFactory(name="Anchor")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        builder = Builder(until=start + timedelta(minutes=3))
        kept(builder)
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        kept(builder)
        assert builder.builds == 1
    with time_machine.travel(start + timedelta(minutes=3, seconds=1), tick=False):
        kept(builder)
        assert builder.builds == 2


def test_a_write_inside_a_transaction_shows_to_that_transaction_at_once():
    SupportGroupFactory(name="Anchor")
    builder = Builder()
    kept(builder)
    with transaction.atomic():
        SupportGroupFactory(name="Beacon")
        assert kept(builder) == "Anchor, Beacon"


@pytest.mark.django_db(transaction=True)  # committed writes: their stamps in the cache itself
def test_an_emptied_cache_never_brings_back_a_fragment_from_before():
    """Redis restarted: the write stamps are gone with it. This process still holds its copy
    under the old stamps, which must not be taken for current."""
    SupportGroupFactory(name="Anchor")
    builder = Builder()
    kept(builder)
    SupportGroup.objects.update(name="Beacon")  # written...
    cache.clear()  # ...and the stamp of that write lost with the rest
    assert kept(builder) == "Beacon"


def test_html_holding_a_csrf_token_is_never_kept(caplog):
    builds = []

    def form() -> Built:
        builds.append(1)
        return Built('<form><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>')

    html_fragment("form", tables=(SupportGroup,), vary=(), build=form)
    html_fragment("form", tables=(SupportGroup,), vary=(), build=form)
    assert len(builds) == 2
    assert "holds a CSRF token" in caplog.text


def test_a_builder_that_says_not_to_keep_is_asked_each_time():
    builds = []

    def missing() -> Built:
        builds.append(1)
        return Built(None, keep=False)

    fragment("missing", tables=(SupportGroup,), vary=(), build=missing)
    fragment("missing", tables=(SupportGroup,), vary=(), build=missing)
    assert len(builds) == 2
