"""Check sending IPs and domains at once and print a summary per asset.

Exits non-zero only when the check is misconfigured (bad settings, unknown account) or
could not run (the resolver did not answer): listings and unanswered queries are results,
not failures of the command.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from deliverability.blocklists import services, streaks
from deliverability.models import CheckRun, ListingState, SendingDomain, SendingIP


class Command(BaseCommand):
    help = "Check every sending IP and domain (or one account's) on the blocklists now."

    def add_arguments(self, parser):
        parser.add_argument("--account", help="Account name or id (default: every account).")

    def handle(self, *args, account=None, **options):
        target = self._account(account) if account else None
        try:
            services.checker_options()
            run = services.run_start(
                trigger=CheckRun.Trigger.COMMAND, account=target, enqueue=False, reuse=False
            )
            services.run_execute(run_id=run.pk, enqueue_chunks=False)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        run.refresh_from_db()
        if run.resolver_failed:
            raise CommandError(
                "The check could not run: every list failed its test points, so the DNS "
                "resolver did not answer. Point the BLOCKLIST_NAMESERVERS setting (now: "
                f"{streaks.nameservers_in_use()}) at a resolver that answers from this machine."
            )
        for zone in run.unhealthy_zones:
            self.stdout.write(
                self.style.WARNING(f"{zone}: failed its test points; its answers were not used")
            )
        self._summary(target)
        self.stdout.write(f"{run.queries} queries, run {run.pk} {run.status}.")

    def _account(self, value: str) -> Account:
        qs = Account.objects.filter(pk=int(value)) if value.isdigit() else None
        account = (qs.first() if qs is not None else None) or Account.objects.filter(
            name__iexact=value
        ).first()
        if account is None:
            raise CommandError(f"--account: no account named or numbered {value!r}.")
        return account

    def _summary(self, account) -> None:
        states = ListingState.objects.select_related(
            "blocklist", "sending_ip__account", "sending_domain__account"
        ).filter(blocklist__retired=False)
        ips = SendingIP.objects.select_related("account").order_by("account__name", "address")
        domains = SendingDomain.objects.select_related("account").order_by("account__name", "name")
        if account is not None:
            states = states.filter(sending_ip__account=account) | states.filter(
                sending_domain__account=account
            )
            ips, domains = ips.filter(account=account), domains.filter(account=account)
        by_asset: dict[tuple, list[ListingState]] = {}
        for st in states:
            key = ("ip", st.sending_ip_id) if st.sending_ip_id else ("domain", st.sending_domain_id)
            by_asset.setdefault(key, []).append(st)
        for kind, assets in (("ip", ips), ("domain", domains)):
            for asset in assets:
                rows = by_asset.get((kind, asset.pk), [])
                listed = [s for s in rows if s.state == ListingState.State.LISTED]
                errors = [s for s in rows if s.error_kind]
                clean = [
                    s for s in rows if s.state == ListingState.State.CLEAN and not s.error_kind
                ]
                parts = [f"{len(clean)} clean"]
                if listed:
                    parts.append(
                        "LISTED on "
                        + ", ".join(
                            f"{s.blocklist.name} ({'; '.join(s.reasons) or 'no reason given'})"
                            for s in listed
                        )
                    )
                if errors:
                    parts.append(
                        "not checked: "
                        + ", ".join(f"{s.blocklist.name} ({s.error_kind})" for s in errors)
                    )
                label = f"{asset} ({asset.purpose})" if kind == "domain" else str(asset)
                line = f"{label} [{asset.account.name}]: " + "; ".join(parts)
                style = (
                    self.style.ERROR
                    if listed
                    else (self.style.WARNING if errors else self.style.SUCCESS)
                )
                self.stdout.write(style(line))
