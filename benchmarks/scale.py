"""Seeding a million cases in minutes, and reading query plans: the parts of
`manage.py bench_scale` that are not about serving pages.

The cases, their messages and events are written by one INSERT … SELECT over
generate_series each (no row passes through Python); the columns a statement does not
name get the model's own defaults, read from the model, so a new column with a default
needs no change here.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Account, Contact, User
from benchmarks.management.commands.bench_cases import _calendar, _long_case, _staff
from cases.models import Case, CaseEvent, CaseMessage

PREFIX = "Scale Account "
SUBJECT = "Scale case "
LONG_CASE = "Scale case with 50 messages"
# Cases were opened evenly over three years (about 27,800 a month at a million).
HISTORY_DAYS = 1095


def _insert_select(model: type[models.Model], exprs: dict[str, str], source: str) -> int:
    """INSERT INTO model's table (the columns of `exprs` and every other column with its
    model default) SELECT the expressions FROM `source`. Returns the rows written."""
    template = model()
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.column in exprs:
            columns.append(field.column)
            values.append(exprs[field.column])
            continue
        if field.primary_key:
            continue
        value = getattr(template, field.attname)
        if value is None:
            if field.null:
                continue
            raise RuntimeError(f"{model.__name__}.{field.name} needs a value in the seeding.")
        columns.append(field.column)
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    table = model._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608 - our own expressions
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def seeded(n_cases: int) -> bool:
    return Case.objects.filter(subject__startswith=SUBJECT).count() >= n_cases


@transaction.atomic
def seed(n_cases: int, per_account: int, n_messages: int, out=None) -> None:
    """`n_cases` cases, `per_account` on each account, `n_messages` messages each; one case
    on the first account with 50. Adds what an earlier, smaller run left out."""
    say = out or (lambda _line: None)
    now = timezone.now()
    n_accounts = max(1, n_cases // per_account)
    calendar = _calendar("Scale calendar")
    agent = _staff("scale.agent@example.com", "Scale Agent", roles.SUPPORT_AGENTS)
    _staff("scale.manager@example.com", "Scale Manager", roles.SUPPORT_MANAGERS)
    tams = [
        _staff(f"scale.tam{i}@example.com", f"Scale TAM {i}", roles.TECHNICAL_ACCOUNT_MANAGERS)
        for i in range(10)
    ]
    have = Account.objects.filter(name__startswith=PREFIX).count()
    if have < n_accounts:
        unusable = make_password(None)
        Account.objects.bulk_create(
            [
                Account(name=f"{PREFIX}{i:05d}", tam=tams[i % 10], office_hours=calendar)
                for i in range(have, n_accounts)
            ],
            batch_size=5000,
        )
        users = User.objects.bulk_create(
            [
                User(
                    email=f"scale.customer{i:05d}@customer.example",
                    full_name=f"Scale Customer {i:05d}",
                    password=unusable,
                )
                for i in range(have, n_accounts)
            ],
            batch_size=5000,
        )
        accounts = Account.objects.filter(name__startswith=PREFIX).order_by("name")[have:]
        Contact.objects.bulk_create(
            [Contact(user=u, account=a) for u, a in zip(users, accounts, strict=True)],
            batch_size=5000,
        )
        say(f"  {n_accounts - have:,} accounts with a contact each")
    with connection.cursor() as cursor:
        # Account i (0-based, by name) and its contact: case k belongs to account k % A.
        cursor.execute("DROP TABLE IF EXISTS scale_accounts")
        cursor.execute(
            "CREATE TEMP TABLE scale_accounts AS "
            "SELECT (row_number() OVER (ORDER BY a.name) - 1)::int AS i, a.id AS account_id, "
            "c.user_id AS requester_id FROM accounts_account a "
            "JOIN accounts_contact c ON c.account_id = a.id "
            "WHERE a.name LIKE %s AND a.name < %s",
            [PREFIX + "%", f"{PREFIX}{n_accounts:05d}"],
        )
        cursor.execute("CREATE UNIQUE INDEX ON scale_accounts (i)")
        cursor.execute("SELECT count(*) FROM cases_case WHERE subject LIKE %s", [SUBJECT + "%"])
        done = cursor.fetchone()[0]
        if done >= n_cases:
            return
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        first_id = cursor.fetchone()[0] + 1
    _seed_cases(done, n_cases, n_accounts, first_id, agent.pk, now, say)
    _seed_messages(first_id, n_messages, agent.pk, say)
    _seed_events(first_id, say)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )
    if done == 0:
        _seed_long_case(agent, now)


def _seed_cases(done, n_cases, n_accounts, first_id, agent_id, now, say) -> None:
    # Case k: account k % A, the j-th of its account (j = k / A), opened at a minute
    # spread over three years. One in five is open (new, in progress, workaround,
    # resolution proposed; a backlog larger than most desks carry) with its next update
    # due in a year; the rest were resolved or closed. Unanswered cases have their first
    # response due tomorrow: nothing is due now.
    # Integers of ours only: nothing here comes from outside.
    base = (
        f"(SELECT k, k / {n_accounts} AS j, a.account_id, a.requester_id, "  # noqa: S608
        f"mod(k::bigint * 7919, {HISTORY_DAYS * 1440}) AS age "
        f"FROM generate_series({done}, {n_cases - 1}) AS k "
        f"JOIN scale_accounts a ON a.i = mod(k, {n_accounts})) s"
    )
    status = (
        "(CASE WHEN mod(j, 5) = 0 THEN (ARRAY['new', 'in_progress', 'in_progress', "
        "'workaround_provided', 'resolution_proposed'])[1 + mod(j / 5, 5)] "
        "WHEN mod(k, 3) = 0 THEN 'resolved' ELSE 'closed' END)"
    )
    is_open = "mod(j, 5) = 0"
    is_new = f"({is_open} AND mod(j / 5, 5) = 0)"
    opened = "(%(now)s - make_interval(mins => age::int + 1))"
    critical = "mod(k, 10) = 0"
    answered = f"(NOT {is_new})"
    ts = "%(now)s"
    exprs = {
        "id": f"{first_id} + k - {done}",
        "reference": f"'EE-' || lpad(({first_id} + k - {done})::text, "
        f"greatest(6, length(({first_id} + k - {done})::text)), '0')",
        "account_id": "account_id",
        "requester_id": "requester_id",
        "subject": f"'{SUBJECT}' || k",
        "description": "'Bounces arrive twice for **some** recipients.'",
        "category": "'software_bug'",
        "severity": f"CASE WHEN {critical} THEN 'critical' ELSE 'non_critical' END",
        "status": status,
        "assigned_agent_id": f"CASE WHEN {answered} THEN {agent_id} END",
        "opened_at": opened,
        "updated_at": f"{opened} + interval '1 hour'",
        "first_response_at": f"CASE WHEN {answered} THEN {opened} + interval '30 minutes' END",
        "first_response_due_at": f"CASE WHEN {is_new} THEN {ts} + interval '1 day' "
        f"WHEN {critical} THEN {opened} + interval '15 minutes' "
        f"ELSE {opened} + interval '4 hours' END",
        "last_public_update_at": f"CASE WHEN {answered} THEN {opened} + interval '30 minutes' END",
        "next_update_due_at": f"CASE WHEN {is_open} AND {answered} THEN {ts} + interval '1 year' "
        "END",
        "next_due_at": f"CASE WHEN {is_new} THEN {ts} + interval '1 day' "
        f"WHEN {is_open} THEN {ts} + interval '1 year' END",
        "next_due_kind": f"CASE WHEN {is_new} THEN 'first_response' "
        f"WHEN {is_open} THEN 'next_update' ELSE '' END",
        "resolved_at": f"CASE WHEN NOT {is_open} THEN {opened} + interval '1 day' END",
        "closed_at": f"CASE WHEN NOT {is_open} AND mod(k, 3) <> 0 "
        f"THEN {opened} + interval '2 days' END",
    }
    exprs = {k: v.replace("%(now)s", f"'{now.isoformat()}'::timestamptz") for k, v in exprs.items()}
    written = _insert_select(Case, exprs, base)
    say(f"  {written:,} cases")


def _seed_messages(first_id: int, n_messages: int, agent_id: int, say) -> None:
    source = (
        f"cases_case c CROSS JOIN generate_series(0, {n_messages - 1}) AS m "
        f"WHERE c.id >= {first_id}"
    )
    written = _insert_select(
        CaseMessage,
        {
            "case_id": "c.id",
            "author_id": f"CASE WHEN mod(m, 2) = 1 THEN {agent_id} ELSE c.requester_id END",
            "body": "'Message ' || m || ': we looked at the **logs** and found request ids.'",
            "visibility": "'public'",
            "created_at": "c.opened_at + make_interval(mins => 10 * (m + 1))",
        },
        source,
    )
    say(f"  {written:,} messages")


def _seed_events(first_id: int, say) -> None:
    written = _insert_select(
        CaseEvent,
        {
            "case_id": "c.id",
            "kind": "'opened'",
            "at": "c.opened_at",
            "actor_id": "c.requester_id",
        },
        f"cases_case c WHERE c.id >= {first_id}",
    )
    # The first response of every answered case, as the SLA report reads it.
    iso = "to_json({})#>>'{{}}'"
    written += _insert_select(
        CaseEvent,
        {
            "case_id": "c.id",
            "kind": "'sla_fulfilled'",
            "at": "c.first_response_at",
            "public": "false",
            "actor_id": "c.assigned_agent_id",
            "detail": "'First response'",
            "data": "jsonb_build_object('deadline_kind', 'first_response', 'subject_id', c.id, "
            f"'start', {iso.format('c.opened_at')}, "
            f"'due', {iso.format('c.first_response_due_at')}, "
            f"'at', {iso.format('c.first_response_at')}, "
            "'minutes', 30, 'met', c.first_response_at <= c.first_response_due_at)",
        },
        f"cases_case c WHERE c.id >= {first_id} AND c.first_response_at IS NOT NULL",
    )
    say(f"  {written:,} events")


def _seed_long_case(agent: User, now) -> None:
    contact = Contact.objects.select_related("user", "account").get(account__name=f"{PREFIX}00000")
    case = _long_case(contact.account, contact.user, agent, LONG_CASE, now)
    case.save()
    Case.objects.filter(pk=case.pk).update(reference=f"EE-{case.pk:06d}")
    CaseEvent.objects.create(case=case, kind="opened", at=case.opened_at, actor=contact.user)
    CaseMessage.objects.bulk_create(
        CaseMessage(
            case=case,
            author=agent if m % 2 else contact.user,
            body=f"Message {m}: we looked at the **logs** and found request ids.",
            visibility="internal" if m % 6 == 5 else "public",
            created_at=case.opened_at + timedelta(minutes=10 * (m + 1)),
        )
        for m in range(50)
    )


def fixture() -> dict:
    contact = Contact.objects.select_related("user").get(account__name=f"{PREFIX}00000")
    detail = Case.objects.get(subject=LONG_CASE)
    return {
        "customer": contact.user,
        "agent": User.objects.get(email="scale.agent@example.com"),
        "manager": User.objects.get(email="scale.manager@example.com"),
        "tam": User.objects.get(email="scale.tam0@example.com"),
        "detail_url": reverse("cases:detail", args=[detail.reference]),
    }


# --- query plans ---------------------------------------------------------------------------

_SHAPE = re.compile(r"'(?:[^']|'')*'|\b\d+\b")


def table_sizes() -> dict[str, int]:
    """The rows the planner believes each table holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, greatest(reltuples, 0)::bigint FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace"
        )
        return dict(cursor.fetchall())


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def plans(queries: list[dict], sizes: dict[str, int], big: int) -> dict:
    """EXPLAIN each distinct statement (SELECTs with ANALYZE; writes without running them).

    Returns the main statement (the one reading the largest table, of those the costliest
    by the planner's estimate) with its plan, and every sequential scan on a table of at
    least `big` rows with the statement it is in."""
    seen, scans, main = set(), [], None
    for query in queries:
        sql = query["sql"]
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head not in ("SELECT", "WITH", "UPDATE", "DELETE"):
            continue
        shape = _SHAPE.sub("?", sql)
        if shape in seen:
            continue
        seen.add(shape)
        analyze = head in ("SELECT", "WITH") and "FOR UPDATE" not in sql.upper()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON{', ANALYZE' if analyze else ''}) {sql}")
            raw = cursor.fetchone()[0]
        root = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        largest = 0
        for node in _nodes(root):
            rows = sizes.get(node.get("Relation Name"), 0)
            largest = max(largest, rows)
            if node["Node Type"] == "Seq Scan" and rows >= big:
                scans.append((node["Relation Name"], rows, sql))
        key = (largest, root.get("Total Cost", 0.0))
        if main is None or key > main[0]:
            main = (key, sql, analyze)
    if main is None:
        return {"main": None, "plan": "", "scans": scans, "statements": len(seen)}
    _key, sql, analyze = main
    options = "ANALYZE, COSTS OFF" if analyze else "COSTS OFF"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())
    return {"main": sql, "plan": text, "scans": scans, "statements": len(seen)}
