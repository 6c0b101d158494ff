from django.core.management.base import BaseCommand

from cases.services import sla_sweep


class Command(BaseCommand):
    help = "Run one SLA sweep now (warnings, breaches) and print what it did."

    def handle(self, *args, **options):
        done = sla_sweep()
        if not any(done.values()):
            self.stdout.write("Nothing due.")
            return
        for what, count in sorted(done.items()):
            if count:
                self.stdout.write(f"{what}: {count}")
