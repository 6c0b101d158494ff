import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

# One module per app, seeded in layer order.
DEMO_MODULES = [
    "demo.accounts",
    "demo.signin",
    "demo.cases",
    "demo.incidents",
    "demo.inbound",
    "demo.deliverability",
    # After the cases and incidents: its outage joins the demo's past incident.
    "demo.availability",
]


class Command(BaseCommand):
    help = "Create the demo accounts, logins and data. Idempotent: a second run changes nothing."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            for name in DEMO_MODULES:
                if importlib.util.find_spec(name) is None:
                    continue
                result = importlib.import_module(name).seed()
                logins.extend(result or [])
        self.stdout.write(
            self.style.SUCCESS("Demo data is in place. Demo logins (email / password):")
        )
        for who, email, password in logins:
            self.stdout.write(f"  {who:<40} {email} / {password}")
        self._authenticators()

    def _authenticators(self):
        from demo import signin

        self.stdout.write(
            self.style.SUCCESS(
                "Each demo staff login has an authenticator: after the password, signing in "
                "asks for its code. Add the login's secret to an authenticator app (or open "
                "its otpauth URI there), or compute the code with: "
                "python manage.py totp_code EMAIL"
            )
        )
        for email, secret, uri in signin.authenticators():
            self.stdout.write(f"  {email:<32} {secret}")
            self.stdout.write(f"  {'':<32} {uri}")
