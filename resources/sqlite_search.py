"""The library's search on SQLite, the zero-setup database: ranked, as on PostgreSQL.

SQLite's FTS5 keeps an index of the resources' title, summary and body (an external-content
table, `resources_resource_fts`, that triggers keep in step with every insert, update and
delete), stems words with the Porter stemmer ("cravings" finds "craving"), and ranks matches
with its built-in BM25, the title weighing most, then the summary, then the body, as the
PostgreSQL vector does (resources.services.curation); at most a thousand matches, where a
zero-setup library holds a few dozen resources. The index and its triggers are made,
if missing, after every `migrate`: rebuilding a table, as Django's SQLite migrations do,
drops its triggers."""

from __future__ import annotations

from typing import Any

from django.db import connections

# The table's name is written out: these are constant statements, never built from input.
_SCHEMA = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS resources_resource_fts USING fts5(
        title, summary, body,
        content='resources_resource', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER IF NOT EXISTS resources_resource_fts_insert
    AFTER INSERT ON resources_resource BEGIN
        INSERT INTO resources_resource_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS resources_resource_fts_delete
    AFTER DELETE ON resources_resource BEGIN
        INSERT INTO resources_resource_fts(resources_resource_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS resources_resource_fts_update
    AFTER UPDATE ON resources_resource BEGIN
        INSERT INTO resources_resource_fts(resources_resource_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO resources_resource_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    "INSERT INTO resources_resource_fts(resources_resource_fts) VALUES ('rebuild')",
]
# bm25's weights: the title 10, the summary 4, the body 1.
_RANKED = """SELECT rowid, snippet(resources_resource_fts, 2, %s, %s, '…', 24)
    FROM resources_resource_fts WHERE resources_resource_fts MATCH %s
    ORDER BY bm25(resources_resource_fts, 10.0, 4.0, 1.0) LIMIT 1000"""


def sqlite_index_ensure(*, using: str, **_: Any) -> None:
    """After `migrate` (a post_migrate receiver): the index and its triggers on SQLite, made
    if missing and filled from the table; nothing on another database."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if "resources_resource" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in _SCHEMA:
            cursor.execute(statement)


def sqlite_ranked(words: list[str], *, mark: tuple[str, str]) -> list[tuple[int, str]]:
    """The resources holding every word (or a word of the same stem), best first: each
    resource's id and a snippet of its body with the matched words between `mark`'s two
    characters. Each word is quoted, so nothing in it is FTS5 syntax."""
    query = " ".join('"' + word.replace('"', '""') + '"' for word in words)
    with connections["default"].cursor() as cursor:
        cursor.execute(_RANKED, [mark[0], mark[1], query])
        return [(row[0], row[1]) for row in cursor.fetchall()]
