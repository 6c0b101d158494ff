"""The blocklist catalogue: the major lists, their answer codes, and retired lists."""

from django.db import migrations

SPAMHAUS_ERRORS = {
    "127.255.255.252": "refused",
    "127.255.255.254": "refused",
    "127.255.255.255": "rate_limited",
}

CATALOGUE = [
    {
        "name": "Spamhaus ZEN",
        "zone": "zen.spamhaus.org",
        "dqs_zone": "zen.dq.spamhaus.net",
        "kind": "ip",
        "codes": {
            "127.0.0.2": "SBL: Spamhaus Block List (spam source)",
            "127.0.0.3": "CSS: snowshoe spam",
            "127.0.0.4": "XBL: exploited or infected host",
            "127.0.0.9": "DROP: hijacked network",
            "127.0.0.10": "PBL: end-user range (ISP maintained)",
            "127.0.0.11": "PBL: end-user range (Spamhaus maintained)",
            "127.0.0.30": "BCL: botnet controller",
        },
        "error_codes": SPAMHAUS_ERRORS,
        "supports_ipv6": True,
        "major": True,
        "providers": "Yahoo, AOL, Apple iCloud, Comcast, Orange, Microsoft 365",
        "delisting_url": "https://check.spamhaus.org/",
    },
    {
        "name": "Barracuda",
        "zone": "b.barracudacentral.org",
        "kind": "ip",
        "codes": {"127.0.0.2": "Listed on the Barracuda Reputation Block List"},
        "major": True,
        "providers": "Barracuda appliances at many companies",
        "delisting_url": "https://www.barracudacentral.org/rbl/removal-request",
    },
    {
        "name": "SpamCop",
        "zone": "bl.spamcop.net",
        "kind": "ip",
        "codes": {"127.0.0.2": "Reported as a spam source (expires about 24 h after the last report)"},
        "major": True,
        "providers": "Many corporate filters",
        "delisting_url": "https://www.spamcop.net/bl.shtml",
    },
    {
        "name": "UCEPROTECT level 1",
        "zone": "dnsbl-1.uceprotect.net",
        "kind": "ip",
        "codes": {"127.0.0.2": "Single IP listed (expires after 7 days without spam)"},
        "major": False,
        "providers": "Smaller providers in Europe",
        "delisting_url": "https://www.uceprotect.net/en/rblcheck.php",
    },
    {
        "name": "Mailspike",
        "zone": "bl.mailspike.net",
        "kind": "ip",
        "codes": {
            "127.0.0.2": "Zombie (infected host)",
            "127.0.0.10": "Worst reputation",
            "127.0.0.11": "Very bad reputation",
            "127.0.0.12": "Bad reputation",
        },
        "major": False,
        "providers": "Filters using rspamd and SpamAssassin",
        "delisting_url": "https://mailspike.org/iplookup.html",
    },
    {
        "name": "PSBL",
        "zone": "psbl.surriel.com",
        "kind": "ip",
        "codes": {"127.0.0.2": "Passive spam trap hit (self-service removal)"},
        "major": False,
        "providers": "Filters using SpamAssassin",
        "delisting_url": "https://psbl.org/",
    },
    {
        "name": "Spamhaus DBL",
        "zone": "dbl.spamhaus.org",
        "dqs_zone": "dbl.dq.spamhaus.net",
        "kind": "domain",
        "codes": {
            "127.0.1.2": "Spam domain",
            "127.0.1.4": "Phishing domain",
            "127.0.1.5": "Malware domain",
            "127.0.1.6": "Botnet command and control domain",
            "127.0.1.102": "Abused legitimate spam domain",
            "127.0.1.103": "Abused legitimate spammed redirector",
            "127.0.1.104": "Abused legitimate phishing domain",
            "127.0.1.105": "Abused legitimate malware domain",
            "127.0.1.106": "Abused legitimate botnet C&C domain",
        },
        "error_codes": {**SPAMHAUS_ERRORS, "127.0.1.255": "refused"},
        "test_domain": "dbltest.com",
        "major": True,
        "providers": "Apple iCloud, Yahoo, AOL, Comcast",
        "delisting_url": "https://check.spamhaus.org/",
    },
    {
        "name": "SURBL multi",
        "zone": "multi.surbl.org",
        "kind": "domain",
        "bitmask": {
            "2": "SC (older sub-list)",
            "4": "WS (older sub-list)",
            "8": "PH: phishing",
            "16": "MW: malware",
            "32": "AB (older sub-list)",
            "64": "ABUSE: spam and abuse",
            "128": "CR: cracked sites",
        },
        "test_domain": "test.surbl.org",
        "major": False,
        "providers": "Filters using SpamAssassin and rspamd",
        "delisting_url": "https://surbl.org/surbl-analysis",
    },
    {
        "name": "URIBL multi",
        "zone": "multi.uribl.com",
        "kind": "domain",
        "bitmask": {"2": "black", "4": "grey", "8": "red"},
        "error_codes": {"127.0.0.1": "refused"},
        "test_domain": "test.uribl.com",
        "major": False,
        "providers": "Filters using SpamAssassin",
        "delisting_url": "https://admin.uribl.com/",
    },
    # Dead lists stay in the catalogue so nobody adds them again; they are never queried.
    {
        "name": "SORBS",
        "zone": "dnsbl.sorbs.net",
        "kind": "ip",
        "retired": True,
        "retired_note": "Decommissioned by Proofpoint on 5 June 2024.",
    },
    {
        "name": "SORBS RHSBL",
        "zone": "rhsbl.sorbs.net",
        "kind": "domain",
        "retired": True,
        "retired_note": "Decommissioned by Proofpoint on 5 June 2024.",
    },
    {
        "name": "NiX Spam",
        "zone": "ix.dnsbl.manitu.net",
        "kind": "ip",
        "retired": True,
        "retired_note": "No longer operated.",
    },
    {
        "name": "Invaluement ivmSIP",
        "zone": "ivmsip.invaluement.com",
        "kind": "ip",
        "retired": True,
        "retired_note": "Paid rsync feed only, no public DNS; use the Invaluement lookup page.",
        "delisting_url": "https://www.invaluement.com/lookup/",
        "providers": "Cox",
    },
]


def load(apps, schema_editor):
    Blocklist = apps.get_model("deliverability", "Blocklist")
    for entry in CATALOGUE:
        fields = dict(entry)
        zone = fields.pop("zone")
        Blocklist.objects.update_or_create(zone=zone, defaults=fields)


def unload(apps, schema_editor):
    Blocklist = apps.get_model("deliverability", "Blocklist")
    Blocklist.objects.filter(zone__in=[e["zone"] for e in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("deliverability", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
