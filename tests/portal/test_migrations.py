"""Migrations are history: they import Django and each other, never the project's live
code, which moves and changes after them. What they once took from the apps (the roles'
permissions, beat's entries) is applied after every `migrate` from code instead."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = {p.parent.name for p in ROOT.glob("*/__init__.py")}
MIGRATIONS = sorted(ROOT.glob("*/migrations/[0-9]*.py"))
# Django writes a callable `upload_to` into a migration by its import path, and there is
# no other way to name one: the random file names of attachments and raw inbound messages
# stay importable there.
WRITTEN_BY_DJANGO = {
    ("cases/migrations/0001_initial.py", "cases.models"),
    ("inbound/migrations/0007_storage_raw_message.py", "inbound.models"),
}


def project_imports(path: Path, root: Path = ROOT) -> list[str]:
    package = path.parent  # <app>/migrations
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.parents[node.level - 2] if node.level > 1 else package
                parts = [*base.relative_to(root).parts, *filter(None, [node.module])]
                modules = [".".join(parts)]
            else:
                modules = [node.module]
        else:
            continue
        for module in modules:
            top, *rest = module.split(".")
            if top in PROJECT and rest[:1] != ["migrations"]:
                found.append(module)
    return found


def test_the_migrations_are_found():
    assert {p.parent.parent.name for p in MIGRATIONS} >= {
        "core",
        "accounts",
        "cases",
        "inbound",
        "deliverability",
    }


def test_no_migration_imports_live_project_code():
    offenders = [
        (str(path.relative_to(ROOT)), module)
        for path in MIGRATIONS
        for module in project_imports(path)
        if (str(path.relative_to(ROOT)), module) not in WRITTEN_BY_DJANGO
    ]
    assert offenders == []


def test_the_check_catches_each_way_of_importing(tmp_path):
    app = tmp_path / "cases" / "migrations"
    app.mkdir(parents=True)
    sample = app / "0099_sample.py"
    sample.write_text(
        "import cases.models\n"
        "from accounts.roles import role_sync\n"
        "from .. import services\n"
        "from . import helpers\n"
        "from cases.migrations import helpers\n"
        "import django.db\n"
        "def run(apps, schema_editor):\n"
        "    from core import outbox\n"
    )
    found = project_imports(sample, root=tmp_path)
    assert found == ["cases.models", "accounts.roles", "cases", "core"]
