"""Seed the helpdesk like the portal's load benchmark: tickets in one queue (about the
portal's mix of open and closed), a few follow-ups each, one ticket with 50, and a staff
login. Prints one JSON line: the staff session's cookie and the 50-follow-up ticket's id.
Rows are kept for the next run."""

import argparse
import json
import os
import random
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hd_settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

LONG = "Bench ticket with 50 follow-ups"


def seed(n_tickets: int, n_followups: int) -> None:
    rng = random.Random(2026)  # noqa: S311 - repeatable sample data
    now = timezone.now()
    queue, _ = Queue.objects.get_or_create(
        slug="support", defaults={"title": "Support", "email_address": "support@example.com"}
    )
    staff = User.objects.get(username="bench.agent")
    have = Ticket.objects.count()
    tickets = []
    for k in range(have, n_tickets):
        opened = now - timedelta(minutes=rng.randint(1, 60 * 24 * 90))
        tickets.append(
            Ticket(
                title=f"Bench ticket {k}",
                queue=queue,
                created=opened,
                modified=opened + timedelta(hours=1),
                submitter_email=f"customer{k % 50}@customer.example",
                assigned_to=staff if rng.random() < 0.8 else None,
                # Open, reopened, resolved, closed: about the portal's open and closed mix.
                status=rng.choice([1, 1, 1, 2, 3, 4, 4]),
                description="Bounces arrive twice for **some** recipients.",
                priority=rng.choice([1, 2, 3, 3, 3, 4, 5]),
            )
        )
    if not Ticket.objects.filter(title=LONG).exists():
        tickets.append(
            Ticket(
                title=LONG,
                queue=queue,
                created=now - timedelta(days=3),
                modified=now,
                submitter_email="customer0@customer.example",
                assigned_to=staff,
                status=1,
                description="A long conversation.",
            )
        )
    created = Ticket.objects.bulk_create(tickets, batch_size=2000)
    followups = []
    for ticket in created:
        count = 50 if ticket.title == LONG else n_followups
        for m in range(count):
            followups.append(
                FollowUp(
                    ticket=ticket,
                    date=ticket.created + timedelta(minutes=10 * (m + 1)),
                    title="Comment",
                    comment=f"Message {m}: we looked at the **logs** and found request ids.",
                    public=not (m % 6 == 5),
                    user=staff if m % 2 else None,
                )
            )
    FollowUp.objects.bulk_create(followups, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--followups", type=int, default=4)
    args = parser.parse_args()
    staff = User.objects.filter(username="bench.agent").first()
    if staff is None:
        staff = User.objects.create_superuser(
            "bench.agent", "bench.agent@example.com", "bench-password-2026"
        )
    if Ticket.objects.count() < args.tickets:
        with transaction.atomic():
            seed(args.tickets, args.followups)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    store = SessionStore()
    store[SESSION_KEY] = str(staff.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    store.save()
    ticket = Ticket.objects.get(title=LONG)
    print(
        json.dumps(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
                "ticket": ticket.pk,
                "tickets": Ticket.objects.count(),
                "followups": FollowUp.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
