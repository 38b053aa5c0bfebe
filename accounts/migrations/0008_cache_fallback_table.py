"""The table of the cache's fallback store (lib.cache): Django's database cache, used while
Redis does not answer, so that the sign-in rate limits (accounts' concern) still count."""

import io

from django.core.management.commands.createcachetable import Command
from django.db import migrations

from lib.cache import FALLBACK_TABLE


def create(apps, schema_editor):
    command = Command(stdout=io.StringIO())
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, FALLBACK_TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(FALLBACK_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_single_line_text")]

    operations = [migrations.RunPython(create, drop)]
