"""Demo data: sending IPs (IPv4 and IPv6) and sending domains on each demo account."""

from accounts.models import Account

from .models import SendingDomain, SendingIP

F, DKIM, RP, TRACK = (
    SendingDomain.Purpose.FROM,
    SendingDomain.Purpose.DKIM,
    SendingDomain.Purpose.RETURN_PATH,
    SendingDomain.Purpose.TRACKING,
)

ASSETS = {
    "Acme Mail BV": {
        "ips": [
            ("192.0.2.10", "transactional"),
            ("192.0.2.11", "marketing"),
            ("2001:db8:ac::10", "transactional"),
        ],
        "domains": [
            ("acme.example", F),
            ("mail.acme.example", DKIM),
            ("bounces.acme.example", RP),
            ("click.acme.example", TRACK),
        ],
    },
    "Northwind Traders Inc.": {
        "ips": [
            ("198.51.100.20", "bulk pool"),
            ("198.51.100.21", "bulk pool"),
            ("2001:db8:4e::20", "bulk pool"),
        ],
        "domains": [
            ("northwind.example", F),
            ("northwind.example", DKIM),
            ("em.northwind.example", RP),
            ("links.northwind.example", TRACK),
        ],
    },
}


def seed():
    for name, assets in ASSETS.items():
        account = Account.objects.filter(name=name).first()
        if account is None:
            continue
        for address, stream in assets["ips"]:
            SendingIP.objects.get_or_create(
                address=address, defaults={"account": account, "stream": stream}
            )
        for domain, purpose in assets["domains"]:
            SendingDomain.objects.get_or_create(account=account, name=domain, purpose=purpose)
    return []
