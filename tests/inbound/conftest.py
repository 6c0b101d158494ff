from pathlib import Path

import pytest

from inbound.parse import parse_message

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(autouse=True)
def _commit_callbacks_run_at_once(monkeypatch):
    """Tests run inside one transaction that never commits: run on-commit work (mail)
    at once."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


# Our outbound notifications carry Message-IDs like these (see the corpus files).
OUR_NOTIFICATION = "176438412905.48213.9301766254108827415@example.com"
OUR_OTHER_NOTIFICATION = "176438501122.48213.1175309428816360032@example.com"


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture(scope="session")
def corpus():
    """parse_message() of a corpus file by name, each parsed once per test run."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = parse_message(corpus_bytes(name))
        return cache[name]

    return get


SUPPORT = "support@example.com"


def _number_new_cases_from(start: int) -> None:
    """New cases get references EE-010000 and up, never those the corpus quotes."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
                "GREATEST(%s, (SELECT COALESCE(MAX(id), 0) FROM cases_case)))",
                [start],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = 'cases_case'", [start]
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ('cases_case', %s)", [start]
                )


@pytest.fixture
def world(db, settings):
    """The people and cases the corpus talks about: Acme (anna, jeroen) with cases
    EE-000123, EE-000124 and EE-000126; Northwind (nick) with EE-000125."""
    from types import SimpleNamespace

    from django.core import mail

    from accounts import roles
    from cases import services
    from cases.models import Category
    from tests.factories import AccountFactory, ContactFactory, StaffFactory, UserFactory

    settings.SUPPORT_EMAIL_ADDRESS = SUPPORT
    settings.INBOUND_AUTHSERV_IDS = ["mx.example.com"]
    acme = AccountFactory(name="Acme Mail BV")
    northwind = AccountFactory(name="Northwind Traders Inc.")
    people = {}
    for email, account, language in (
        ("anna@acme.example", acme, "nl"),
        ("jeroen@acme.example", acme, "en"),
        ("nick@northwind.example", northwind, "en"),
    ):
        user = UserFactory(email=email, language=language)
        ContactFactory(user=user, account=account)
        people[email.split("@")[0]] = user
    _number_new_cases_from(10_000)
    cases = {}
    for number, who in ((123, "anna"), (124, "jeroen"), (125, "nick"), (126, "anna")):
        user = people[who]
        case = services.case_open(
            account=user.contact.account,
            requester=user,
            subject=f"Case {number}",
            description="Details",
            category=Category.SOFTWARE_BUG,
        )
        case.reference = f"EE-{number:06d}"
        case.save(update_fields=["reference"])
        cases[number] = case
    agent = StaffFactory(email="sam.agent@example.com", role=roles.SUPPORT_AGENTS)
    mail.outbox.clear()
    return SimpleNamespace(acme=acme, northwind=northwind, cases=cases, agent=agent, **people)


@pytest.fixture
def notification(world):
    """Store our notifications' Message-IDs (with angle brackets, as sent)."""
    from django.utils import timezone

    from cases.models import OutboundMessage

    def store(message_id: str, case_number: int):
        case = world.cases[case_number]
        return OutboundMessage.objects.create(
            case=case,
            message_id=f"<{message_id}>",
            kind="replied",
            source_key=f"test:{message_id}",
            recipient=case.requester.email,
            subject=f"[{case.reference}] {case.subject}",
            sent_at=timezone.now(),
        )

    return store
