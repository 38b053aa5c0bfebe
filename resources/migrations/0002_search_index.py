"""The full-text search index, on PostgreSQL only (SQLite, for trying the project out, has no
tsvector and searches with a plain LIKE instead: resources.selectors)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS resources_resource_search_gin "
    "ON resources_resource USING gin (search_vector)"
)
DROP = "DROP INDEX IF EXISTS resources_resource_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_library")]

    operations = [migrations.RunPython(create, drop)]
