"""GIN indexes for the staff's full-text search (cases.staff_search), on PostgreSQL only:
SQLite has no such index and searches by plain comparison instead."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The very expressions cases.staff_search searches by, so that the planner uses them.
INDEXES = {
    "case": GinIndex(
        SearchVector("reference", "subject", "description", config="simple"),
        name="case_search",
    ),
    "casemessage": GinIndex(SearchVector("body", config="simple"), name="case_message_search"),
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in INDEXES.items():
            schema_editor.add_index(apps.get_model("cases", model), index)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in INDEXES.items():
            schema_editor.remove_index(apps.get_model("cases", model), index)


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_incident_dismissed")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
