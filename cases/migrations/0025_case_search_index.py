"""The staff's full-text search (cases.staff_search), on PostgreSQL only: each case's and
each message's words kept as a stored tsvector column, with a GIN index over it. SQLite
has neither and searches by plain comparison instead.

Stored, not an index over an expression: a search for a word most messages hold reads
the table, and would otherwise work out every message's words again (at 10,000 cases,
half a second instead of a few milliseconds); ranking reads them too. The columns are
unknown to the models: Django never reads or writes them. PostgreSQL refuses to change
the type of a column a generated column reads: a migration that changes the reference,
subject, description or body column drops the search column first and adds it again."""

from django.db import migrations

# (table, column its words are in, the words)
SEARCHED = [
    (
        "cases_case",
        "case_search",
        "coalesce(reference, '') || ' ' || coalesce(subject, '') || ' ' "
        "|| coalesce(description, '')",
    ),
    ("cases_casemessage", "case_message_search", "coalesce(body, '')"),
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, words in SEARCHED:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple'::regconfig, {words})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _index, _words in SEARCHED:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_incident_dismissed")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
