"""The zero-setup database ranks the library's search too (resources.sqlite_search): on a new
machine, "cravings" puts the cravings log and the relapse-prevention article first.

The suite runs on PostgreSQL; this runs Kinship on a fresh SQLite file in a process of its
own, as `make run` does on a new machine: migrate, the starter library, then searches."""

from __future__ import annotations

import json

from tests.zero_setup import zero_setup_runner

SCRIPT = """
import json
import django

django.setup()
from django.core.management import call_command
from resources.models import Resource
from resources.selectors import resource_list_library
from resources.starter import starter_library_seed

def titles(q):
    return [r.title for r in resource_list_library(q=q)]

starter_library_seed()
out = {"cravings": titles("cravings"), "son": titles("help for my son")}
snippets = [r.snippet for r in resource_list_library(q="kidneys")]
out["marked"] = any("\\ue000" in s for s in snippets)
log = Resource.objects.get(title="Worksheet: cravings log")
log.title = "Worksheet: a diary of urges"
log.save()
out["after_edit"] = titles("diary")
Resource.objects.filter(title="Worksheet: a diary of urges").delete()
out["after_delete"] = titles("diary")
call_command("migrate", verbosity=0)  # again: the index is kept, not doubled
out["after_migrate"] = titles("cravings")
print(json.dumps(out))
"""


def test_sqlite_search_is_ranked_and_follows_every_change(tmp_path):
    run = zero_setup_runner(tmp_path)
    run("manage.py", "migrate", "--no-input", "-v0")
    found = json.loads(run("-c", SCRIPT).strip().splitlines()[-1])
    assert found["cravings"][:2] == [
        "Worksheet: cravings log",
        "Relapse prevention: triggers, cravings and a plan",
    ]
    assert found["son"][0] == "When your son or daughter is using: help for parents"
    assert found["marked"]  # the matched word is marked in the snippet
    assert found["after_edit"] == ["Worksheet: a diary of urges"]
    assert found["after_delete"] == []
    assert found["after_migrate"][0] == "Relapse prevention: triggers, cravings and a plan"
