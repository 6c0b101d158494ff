"""Every staff persona against every page and action of the admin.

Personas: a superuser, a Support Manager, a Support Agent, a Customer Service (hotline)
representative, the TAM of account A ("tam_a") and the TAM of account B ("tam_b", the TAM
of another account as seen from account A). Each admin page is visited on an object of
account A (where the model belongs to an account), and each expectation asserts the one
status expected: for allowed pages that the object is there, for refused writes that
nothing changed.

The pages are read from `admin.site._registry` and each admin's `get_urls()`, the actions
from each admin's own list: a new admin, page or action without an expectation below
fails `test_every_admin_page_and_action_has_an_expectation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from core.admin_records import RecordAdmin
from tests import html as parsed
from tests.factories import AccountFactory, ContactFactory, StaffFactory

PERSONAS = ("superuser", "manager", "agent", "representative", "tam_a", "tam_b")
STANDARD_PAGES = ("changelist", "add", "change", "delete", "history")


def each(default, **personas):
    """One outcome per persona: `default`, except where named."""
    unknown = set(personas) - set(PERSONAS)
    assert not unknown, unknown
    return {p: personas.get(p, default) for p in PERSONAS}


# --- outcomes ---------------------------------------------------------------------------
# changelist: LIST (200, the object listed), LIST_WITHOUT (200, the object not listed),
#   MINE (302 to the TAM's own accounts), 403
# add: FORM (200 with the save button), TO_INTAKE (302 to the hotline intake), 403
# change: EDIT (200, the object, the save button), READ (200, the object, no save button;
#   a POST is 403 and changes nothing), HIDDEN (302 to the admin index; a POST changes
#   nothing), 403 (a POST too)
# delete: CONFIRM (200, the object and the confirmation), PROTECTED (200, "cannot delete":
#   records that refer to it are kept; a POST deletes nothing), RELATED_DENIED (200,
#   "cannot delete": it would delete related rows the persona may not delete; a POST is
#   403), HIDDEN, 403 (a POST too)
# history: READ, HIDDEN, 403
# custom pages: WORKS (the page does its work), 403, 404, and per page as noted
# actions: RUN (offered, and run on the object), CONFIRM/PROTECTED/RELATED_DENIED (the
#   delete action's confirmation page, as for the delete page), OFFERED (offered; not run
#   here: its work leaves the process), ABSENT (not offered; a POST changes nothing), 403
#   (offered, but refused for this object: nothing changes), HIDDEN (the persona's list
#   holds no such object, so no action is shown; a POST changes nothing)
LIST, LIST_WITHOUT, MINE = "list", "list-without", "mine"
FORM, TO_INTAKE = "form", "to-intake"
EDIT, READ, HIDDEN, CONFIRM = "edit", "read", "hidden", "confirm"
PROTECTED, RELATED_DENIED = "protected", "related-denied"
WORKS = "works"
RUN, OFFERED, ABSENT = "run", "offered", "absent"


def pages(changelist, add, change, delete, history) -> dict:
    return {
        "changelist": changelist,
        "add": add,
        "change": change,
        "delete": delete,
        "history": history,
    }


MANAGERS = {"superuser", "manager"}
# Read by every persona, written by nobody (records kept as they are).
RECORD = pages(
    changelist=each(LIST),
    add=each(403),
    change=each(READ),
    delete=each(403, superuser=CONFIRM),
    history=each(READ),
)
SUPERUSER_ONLY = pages(
    changelist=each(403, superuser=LIST),
    add=each(403, superuser=FORM),
    change=each(403, superuser=EDIT),
    delete=each(403, superuser=CONFIRM),
    history=each(403, superuser=READ),
)
DELETE_SELECTED_SUPERUSER = {"delete_selected": each(ABSENT, superuser=CONFIRM)}

EXPECTED: dict[str, dict] = {
    # --- accounts ------------------------------------------------------------------------
    "auth.group": {**SUPERUSER_ONLY, "actions": DELETE_SELECTED_SUPERUSER},
    "accounts.user": {
        **pages(
            changelist=each(LIST),
            add=each(FORM, agent=403, representative=403),
            change=each(READ, superuser=EDIT, manager=EDIT, tam_a=EDIT),
            # The customer's cases keep them: a login with cases is deactivated instead.
            delete=each(403, superuser=PROTECTED),
            history=each(READ),
        ),
        # Nobody sets a customer's password; staff mail a link instead.
        "auth_user_password_change": each(403),
        "accounts_user_password_link": each(403, superuser=WORKS, manager=WORKS, tam_a=WORKS),
        "actions": {
            "delete_selected": each(ABSENT, superuser=PROTECTED),
            "send_password_links": each(ABSENT, superuser=RUN, manager=RUN, tam_a=RUN, tam_b=403),
        },
    },
    "accounts.account": {
        **pages(
            changelist=each(LIST, tam_a=MINE, tam_b=MINE),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(READ, superuser=EDIT, manager=EDIT, tam_a=EDIT),
            # An account with cases is kept (its cases refer to it).
            delete=each(403, superuser=PROTECTED, manager=PROTECTED),
            history=each(READ),
        ),
        "actions": {"delete_selected": each(ABSENT, superuser=PROTECTED, manager=PROTECTED)},
    },
    "accounts.contact": {
        **pages(
            changelist=each(LIST),
            add=each(FORM, agent=403, representative=403),
            change=each(READ, superuser=EDIT, manager=EDIT, tam_a=EDIT),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM),
            history=each(READ),
        ),
        "actions": {
            "delete_selected": each(
                ABSENT, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=403
            )
        },
    },
    # Single sign-on: Support Managers configure every account's, TAMs read it; never
    # deleted (switched off), and the secret is shown to nobody.
    "sso.accountsignon": {
        **pages(
            changelist=each(LIST, agent=403, representative=403),
            add=each(FORM, agent=403, representative=403, tam_a=403, tam_b=403),
            change=each(READ, superuser=EDIT, manager=EDIT, agent=403, representative=403),
            delete=each(403),
            history=each(READ, agent=403, representative=403),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    # The account's audit record: read by TAMs (their own accounts') and managers, never
    # written here.
    "accounts.accountevent": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST, tam_a=LIST, tam_b=LIST_WITHOUT),
            add=each(403),
            change=each(403, superuser=READ, manager=READ, tam_a=READ, tam_b=HIDDEN),
            delete=each(403),
            history=each(403, superuser=READ, manager=READ, tam_a=READ, tam_b=HIDDEN),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "accounts.invitation": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST, tam_a=LIST, tam_b=LIST_WITHOUT),
            add=each(403),
            change=each(403, superuser=READ, manager=READ, tam_a=READ, tam_b=HIDDEN),
            delete=each(403),
            history=each(403, superuser=READ, manager=READ, tam_a=READ, tam_b=HIDDEN),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "accounts.officehourscalendar": {
        **pages(
            changelist=each(LIST, representative=403),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(READ, superuser=EDIT, manager=EDIT, representative=403),
            # Account A keeps these office hours.
            delete=each(403, superuser=PROTECTED, manager=PROTECTED),
            history=each(READ, representative=403),
        ),
        "actions": {"delete_selected": each(ABSENT, superuser=PROTECTED, manager=PROTECTED)},
    },
    "accounts.oncallshift": {
        **pages(
            changelist=each(LIST),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(READ, superuser=EDIT, manager=EDIT),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM),
            history=each(READ),
        ),
        "actions": {"delete_selected": each(ABSENT, superuser=CONFIRM, manager=CONFIRM)},
    },
    # --- inbound mail ----------------------------------------------------------------------
    "inbound.inboundmessage": {
        **pages(
            changelist=each(LIST, representative=403),
            add=each(403),
            change=each(READ, superuser=EDIT, manager=EDIT, agent=EDIT, representative=403),
            delete=each(403, superuser=CONFIRM),
            history=each(READ, representative=403),
        ),
        "inbound_inboundmessage_settle": each(403, superuser=WORKS, manager=WORKS, agent=WORKS),
        "actions": {
            "delete_selected": each(ABSENT, superuser=CONFIRM),
            "discard_selected": each(ABSENT, superuser=RUN, manager=RUN, agent=RUN),
        },
    },
    "inbound.accessreply": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST),
            add=each(403),
            change=each(403, superuser=READ, manager=READ),
            delete=each(403, superuser=CONFIRM),
            history=each(403, superuser=READ, manager=READ),
        ),
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "inbound.mailboxstatus": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST),
            add=each(403),
            change=each(403, superuser=READ, manager=READ),
            delete=each(403, superuser=CONFIRM),
            history=each(403, superuser=READ, manager=READ),
        ),
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    # --- support cases ---------------------------------------------------------------------
    "cases.case": {
        **pages(
            changelist=each(LIST),
            add=each(403),
            # The case page: its fields are read-only, its actions are the writes.
            change=each(EDIT, representative=READ, tam_b=READ),
            delete=each(403),
            history=each(READ),
        ),
        "cases_case_act": each(WORKS, representative=403, tam_b=403),
        "cases_sla_report": each(403, superuser=WORKS, manager=WORKS, tam_a=WORKS, tam_b=WORKS),
        # The hotline role reads the case, not its attachments.
        "cases_case_attachment": each(WORKS, representative=403),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "cases.slapolicy": {
        **pages(
            changelist=each(LIST),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(READ, superuser=EDIT, manager=EDIT),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM),
            history=each(READ),
        ),
        "actions": {"delete_selected": each(ABSENT, superuser=CONFIRM, manager=CONFIRM)},
    },
    "cases.resolutionagreement": {
        **pages(
            changelist=each(LIST, representative=403),
            add=each(403),
            change=each(READ, representative=403),
            delete=each(403),
            history=each(READ, representative=403),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "cases.outboundmessage": {
        **pages(
            changelist=each(LIST, representative=403),
            add=each(403),
            change=each(READ, representative=403),
            delete=each(403),
            history=each(READ, representative=403),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "cases.caseevent": {
        **pages(
            changelist=each(LIST),
            add=each(403),
            change=each(READ),
            delete=each(403),
            history=each(READ),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "cases.hotlinecall": {
        **pages(
            changelist=each(LIST),
            add=each(403, superuser=TO_INTAKE, manager=TO_INTAKE, representative=TO_INTAKE),
            change=each(READ),
            delete=each(403),
            history=each(READ),
        ),
        "cases_hotlinecall_intake": each(403, superuser=WORKS, manager=WORKS, representative=WORKS),
        "actions": {"delete_selected": each(ABSENT)},
    },
    # Declared, updated and resolved by agents and managers on the incident's page; read by
    # every staff role (a TAM sees only their accounts' linked cases there).
    "cases.incident": {
        **pages(
            changelist=each(LIST),
            add=each(403, superuser=FORM, manager=FORM, agent=FORM),
            change=each(READ, superuser=EDIT, manager=EDIT, agent=EDIT),
            delete=each(403),
            history=each(READ),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    # --- availability ----------------------------------------------------------------------
    # Probes: configured by managers, read by agents; their results and outages are the
    # record, read by both and changed by nobody.
    "availability.probe": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST, agent=LIST),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(403, superuser=EDIT, manager=EDIT, agent=READ),
            delete=each(403, superuser=CONFIRM),
            history=each(403, superuser=READ, manager=READ, agent=READ),
        ),
        "actions": {"delete_selected": each(ABSENT, superuser=CONFIRM)},
    },
    **{
        label: {
            **pages(
                changelist=each(403, superuser=LIST, manager=LIST, agent=LIST),
                add=each(403),
                change=each(403, superuser=READ, manager=READ, agent=READ),
                delete=each(403),
                history=each(403, superuser=READ, manager=READ, agent=READ),
            ),
            "actions": {"delete_selected": each(ABSENT)},
        }
        for label in ("availability.proberesult", "availability.outage")
    },
    # --- webhooks --------------------------------------------------------------------------
    # Customers' endpoints and deliveries: read by TAMs (their own accounts) and managers,
    # changed by nobody in the admin.
    **{
        label: {
            **pages(
                changelist=each(403, superuser=LIST, manager=LIST, tam_a=LIST, tam_b=LIST_WITHOUT),
                add=each(403),
                change=each(403, superuser=READ, manager=READ, tam_a=READ),
                delete=each(403),
                history=each(403, superuser=READ, manager=READ, tam_a=READ),
            ),
            "actions": {"delete_selected": each(ABSENT)},
        }
        for label in ("webhooks.endpoint", "webhooks.delivery")
    },
    # --- deliverability --------------------------------------------------------------------
    "deliverability.sendingip": {
        **pages(
            changelist=each(LIST),
            add=each(FORM, representative=403),
            change=each(EDIT, representative=READ, tam_b=READ),
            # Its listing history would go too, which only superusers may delete.
            delete=each(403, superuser=CONFIRM, manager=RELATED_DENIED, tam_a=RELATED_DENIED),
            history=each(READ),
        ),
        "actions": {
            "delete_selected": each(
                ABSENT,
                superuser=CONFIRM,
                manager=RELATED_DENIED,
                tam_a=RELATED_DENIED,
                tam_b=403,
            ),
            "check_now": each(RUN, representative=ABSENT, tam_b=403),
        },
    },
    "deliverability.sendingdomain": {
        **pages(
            changelist=each(LIST),
            add=each(FORM, representative=403),
            change=each(EDIT, representative=READ, tam_b=READ),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM),
            history=each(READ),
        ),
        "actions": {
            "delete_selected": each(
                ABSENT, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=403
            ),
            "check_now": each(RUN, representative=ABSENT, tam_b=403),
        },
    },
    "deliverability.blocklist": {
        **pages(
            changelist=each(LIST),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(READ, superuser=EDIT, manager=EDIT),
            delete=each(403, superuser=CONFIRM),
            history=each(READ),
        ),
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "deliverability.listingstate": {
        **pages(
            changelist=each(LIST),
            add=each(403),
            change=each(READ),
            delete=each(403, superuser=CONFIRM),
            history=each(READ),
        ),
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "deliverability.listingevent": {
        **pages(
            changelist=each(LIST, representative=403),
            add=each(403),
            change=each(READ, representative=403),
            delete=each(403, superuser=CONFIRM),
            history=each(READ, representative=403),
        ),
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "deliverability.checkrun": {
        **pages(
            changelist=each(LIST, representative=403),
            add=each(403),
            change=each(READ, representative=403),
            delete=each(403, superuser=CONFIRM),
            history=each(READ, representative=403),
        ),
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    # The TAM's programme: a TAM sees their own accounts' plans and sessions only.
    "deliverability.warmupplan": {
        **pages(
            changelist=each(LIST, representative=403, tam_b=LIST_WITHOUT),
            add=each(403, superuser=FORM, manager=FORM, tam_a=FORM, tam_b=FORM),
            change=each(
                READ, superuser=EDIT, manager=EDIT, tam_a=EDIT, representative=403, tam_b=HIDDEN
            ),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=HIDDEN),
            history=each(READ, representative=403, tam_b=HIDDEN),
        ),
        "deliverability_warmupplan_upload": each(
            403, superuser=WORKS, manager=WORKS, tam_a=WORKS, tam_b=404
        ),
        "actions": {
            "delete_selected": each(
                ABSENT, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=HIDDEN
            )
        },
    },
    # Remediation requests are read by everyone who may (oversight) and worked by agents,
    # managers and the account's TAM; customers file them, nobody deletes them.
    "deliverability.remediationrequest": {
        **pages(
            changelist=each(LIST),
            add=each(403),
            change=each(EDIT, representative=READ, tam_b=READ),
            delete=each(403),
            history=each(READ),
        ),
        "actions": {"delete_selected": each(ABSENT)},
    },
    "deliverability.planningsession": {
        **pages(
            changelist=each(LIST, representative=403, tam_b=LIST_WITHOUT),
            add=each(403, superuser=FORM, manager=FORM, tam_a=FORM, tam_b=FORM),
            change=each(
                READ, superuser=EDIT, manager=EDIT, tam_a=EDIT, representative=403, tam_b=HIDDEN
            ),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=HIDDEN),
            history=each(READ, representative=403, tam_b=HIDDEN),
        ),
        "actions": {
            "delete_selected": each(
                ABSENT, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=HIDDEN
            )
        },
    },
    # A TAM sees the trend notes they wrote (tam_a wrote this one).
    "deliverability.trendnote": {
        **pages(
            changelist=each(LIST, representative=403, tam_b=LIST_WITHOUT),
            add=each(403, superuser=FORM, manager=FORM, tam_a=FORM, tam_b=FORM),
            change=each(
                READ, superuser=EDIT, manager=EDIT, tam_a=EDIT, representative=403, tam_b=HIDDEN
            ),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=HIDDEN),
            history=each(READ, representative=403, tam_b=HIDDEN),
        ),
        "actions": {
            "delete_selected": each(
                ABSENT, superuser=CONFIRM, manager=CONFIRM, tam_a=CONFIRM, tam_b=HIDDEN
            )
        },
    },
    # --- sign-in: lockouts and authenticators, Support Managers -------------------------
    "axes.accessattempt": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST),
            add=each(403),
            change=each(403, superuser=EDIT, manager=READ),
            # Deleting the attempts lifts a lockout.
            delete=each(403, superuser=CONFIRM, manager=CONFIRM),
            history=each(403, superuser=READ, manager=READ),
        ),
        "actions": {
            "delete_selected": each(ABSENT, superuser=CONFIRM, manager=CONFIRM),
        },
    },
    **{
        label: {
            **pages(
                changelist=each(403, superuser=LIST, manager=LIST),
                add=each(403),
                change=each(403, superuser=EDIT, manager=READ),
                delete=each(403, superuser=CONFIRM),
                history=each(403, superuser=READ, manager=READ),
            ),
            "actions": DELETE_SELECTED_SUPERUSER,
        }
        for label in ("axes.accesslog", "axes.accessfailurelog")
    },
    "signin.authenticator": {
        **pages(
            changelist=each(403, superuser=LIST, manager=LIST),
            add=each(403),
            # Nobody reads or changes a secret: the page shows whose it is and when used.
            change=each(403, superuser=READ, manager=READ),
            delete=each(403, superuser=CONFIRM, manager=CONFIRM),
            history=each(403, superuser=READ, manager=READ),
        ),
        "actions": {
            # The bulk delete would leave the backup codes: the reset removes both.
            "delete_selected": each(ABSENT),
            "reset_second_factor": each(ABSENT, superuser=RUN, manager=RUN),
        },
    },
    # A customer's API token (api/staff_access.py): read like the accounts, revoked by
    # whoever changes the account, made (staff tokens) by managers only.
    "api.apitoken": {
        **pages(
            changelist=each(LIST, agent=403, representative=403),
            add=each(403, superuser=FORM, manager=FORM),
            change=each(READ, agent=403, representative=403),
            delete=each(403),
            history=each(READ, agent=403, representative=403),
        ),
        "actions": {
            "revoke": each(RUN, tam_b=403, agent=ABSENT, representative=ABSENT),
            # Revoked, never deleted: the token stays on record.
            "delete_selected": each(ABSENT),
        },
    },
    # --- background schedules: superusers only -----------------------------------------
    "django_celery_beat.periodictask": {
        **SUPERUSER_ONLY,
        "actions": {
            "delete_selected": each(ABSENT, superuser=CONFIRM),
            "enable_tasks": each(ABSENT, superuser=RUN),
            "disable_tasks": each(ABSENT, superuser=RUN),
            "toggle_tasks": each(ABSENT, superuser=RUN),
            "run_tasks": each(ABSENT, superuser=OFFERED),
        },
    },
    "django_celery_beat.clockedschedule": {
        **SUPERUSER_ONLY,
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "django_celery_beat.crontabschedule": {
        **SUPERUSER_ONLY,
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "django_celery_beat.solarschedule": {
        **SUPERUSER_ONLY,
        "actions": DELETE_SELECTED_SUPERUSER,
    },
    "django_celery_beat.intervalschedule": {
        **SUPERUSER_ONLY,
        "actions": DELETE_SELECTED_SUPERUSER,
    },
}


# --- what the admin has ------------------------------------------------------------------


def registered() -> dict[str, admin.ModelAdmin]:
    return {model._meta.label_lower: ma for model, ma in admin.site._registry.items()}


def custom_url_names(model_admin) -> list[str]:
    """The admin's own pages, beyond the five every admin has."""
    opts = model_admin.model._meta
    standard = {f"{opts.app_label}_{opts.model_name}_{page}" for page in STANDARD_PAGES}
    return [u.name for u in model_admin.get_urls() if u.name and u.name not in standard]


def action_names(model_admin) -> list[str]:
    return [name for _func, name, _description in model_admin._get_base_actions()]


def matrix_keys() -> list[tuple[str, str]]:
    keys = []
    for label, model_admin in registered().items():
        keys += [(label, page) for page in STANDARD_PAGES]
        keys += [(label, name) for name in custom_url_names(model_admin)]
        keys += [(label, f"action:{name}") for name in action_names(model_admin)]
    return keys


def expectation(label: str, page: str) -> dict[str, object]:
    entry = EXPECTED[label]
    if page.startswith("action:"):
        return entry["actions"][page.removeprefix("action:")]
    return entry[page]


def unexpected() -> tuple[list, list]:
    """(pages and actions without an expectation, expectations of nothing that exists)."""
    keys = set(matrix_keys())
    missing = []
    for label, page in sorted(keys):
        try:
            outcomes = expectation(label, page)
        except KeyError:
            missing.append((label, page))
            continue
        assert set(outcomes) == set(PERSONAS), (label, page)
    expected = {
        (label, f"action:{name}" if page == "actions" else page)
        for label, entry in EXPECTED.items()
        for page, value in entry.items()
        for name in (value if page == "actions" else [None])
    }
    return missing, sorted(expected - keys)


def test_every_admin_page_and_action_has_an_expectation():
    missing, extra = unexpected()
    assert missing == [], f"admin pages or actions without an expectation: {missing}"
    assert extra == [], f"expectations of pages or actions that do not exist: {extra}"


def test_a_new_admin_page_or_action_without_an_expectation_is_caught(monkeypatch):
    from django.urls import path

    from cases.models import Attachment

    class NewAdmin(admin.ModelAdmin):
        actions = ["shout"]

        @admin.action(description="Shout")
        def shout(self, request, queryset):
            pass

        def get_urls(self):
            return [path("report/", lambda request: None, name="cases_attachment_report")] + (
                super().get_urls()
            )

    monkeypatch.setitem(admin.site._registry, Attachment, NewAdmin(Attachment, admin.site))
    missing, _extra = unexpected()
    assert ("cases.attachment", "changelist") in missing
    assert ("cases.attachment", "cases_attachment_report") in missing
    assert ("cases.attachment", "action:shout") in missing


# --- the world: one object of every admin, of account A where it belongs to one ----------


@dataclass
class World:
    users: dict
    objects: dict
    clients: dict = field(default_factory=dict)
    attachment: object = None
    media_root: str = ""


def _build_world(media_root) -> World:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from accounts.models import AccountEvent, OfficeHoursCalendar, OnCallShift
    from accounts.signin.models import Authenticator
    from accounts.sso.models import AccountSignOn
    from accounts.team.services import invitation_send
    from availability.models import Outage, Probe, ProbeResult
    from cases import services
    from cases.models import CaseEvent, Incident, OutboundMessage, SlaPolicy
    from deliverability.models import (
        Blocklist,
        CheckRun,
        ListingEvent,
        ListingState,
        PlanningSession,
        SendingDomain,
        SendingIP,
        TrendNote,
    )
    from deliverability.programme.services import remediation_open
    from inbound.models import AccessReply, InboundMessage, MailboxStatus, Outcome
    from tests.deliverability.programme_fixtures import REMEDIATION_FIELDS, make_plan
    from webhooks.models import Delivery, Endpoint

    account_a = AccountFactory(name="Alpha Mail BV")
    account_b = AccountFactory(name="Bravo Sending Ltd")
    users = {
        "superuser": StaffFactory(email="root@example.com", is_superuser=True),
        "manager": StaffFactory(email="manager@example.com", role=roles.SUPPORT_MANAGERS),
        "agent": StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS),
        "representative": StaffFactory(email="hotline@example.com", role=roles.CUSTOMER_SERVICE),
        "tam_a": account_a.tam,
        "tam_b": account_b.tam,
    }
    customer_a = ContactFactory(
        account=account_a, user__email="alice@alpha.example", user__full_name="Alice Alpha"
    ).user
    ContactFactory(account=account_b, user__email="bob@bravo.example")
    OfficeHoursCalendar.objects.filter(pk=account_a.office_hours_id).update(name="Alpha hours")
    now = timezone.now()
    case = services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Webhooks arrive twice",
        description="Each bounce reaches us twice.",
        category="software_bug",
        attachments=[SimpleUploadedFile("smtp.log", b"421 busy", content_type="text/plain")],
    )
    attachment = case.attachments.get()
    call = services.hotline_record_call(
        recorded_by=users["representative"],
        company_name="Alpha Mail BV",
        contact_person="Anna Matrix",
        phone="+31 20 555 0100",
        email="alice@alpha.example",
        description="All API calls fail.",
        case=case,
    )
    agreement_case = services.case_open(
        account=account_a,
        requester=customer_a,
        subject="A proposal to answer",
        description="Please fix.",
        category="information",
    )
    services.case_propose_resolution(
        case=agreement_case, actor=users["agent"], summary="Fixed in release 42."
    )
    ip_a = SendingIP.objects.create(account=account_a, address="192.0.2.10", stream="bulk")
    blocklist = Blocklist.objects.filter(kind="ip").order_by("pk").first()
    note = TrendNote.objects.create(
        author=users["tam_a"], title="Matrix trend note", body="Warm up.", published_on=now
    )
    note.accounts.add(account_a)
    endpoint = Endpoint.objects.create(
        account=account_a,
        url="https://hooks.alpha.example/in",
        event_types=["case.filed"],
        secret="whsec_matrix",
    )
    inbound = InboundMessage.objects.create(
        dedup_key="matrix-1",
        received_via="mta",
        received_at=now,
        last_received_at=now,
        from_address="stranger@elsewhere.example",
        subject="Matrix quarantined mail",
        outcome=Outcome.QUARANTINED,
        reason="Unknown sender.",
    )
    objects = {
        "auth.group": Group.objects.get(name=roles.SUPPORT_AGENTS),
        "accounts.user": customer_a,
        "accounts.account": account_a,
        "accounts.contact": customer_a.contact,
        "sso.accountsignon": AccountSignOn.objects.create(
            account=account_a,
            issuer="https://login.alpha.example",
            client_id="portal",
            client_secret="matrix-secret",
        ),
        "accounts.accountevent": AccountEvent.objects.create(
            account=account_a,
            kind=AccountEvent.Kind.CONTACT_INVITED,
            subject="matrix@alpha.example",
        ),
        "accounts.invitation": invitation_send(
            account=account_a,
            invited_by=customer_a,
            email="matrix@alpha.example",
            role="billing",
            language="en",
            now=now,
        )[0],
        "accounts.officehourscalendar": OfficeHoursCalendar.objects.get(
            pk=account_a.office_hours_id
        ),
        "accounts.oncallshift": OnCallShift.objects.create(
            agent=users["agent"],
            starts_at=now,
            ends_at=now + timedelta(hours=8),
            note="Matrix night shift",
        ),
        "inbound.inboundmessage": inbound,
        "inbound.accessreply": AccessReply.objects.create(
            address="stranger@elsewhere.example", sent_at=now, inbound=inbound
        ),
        "inbound.mailboxstatus": MailboxStatus.objects.create(name="matrix-mailbox"),
        "cases.case": case,
        "cases.slapolicy": SlaPolicy.objects.get(severity="critical"),
        "cases.resolutionagreement": agreement_case.agreements.get(),
        "cases.outboundmessage": OutboundMessage.objects.create(
            case=case,
            message_id="<matrix@example.com>",
            kind="reply",
            source_key="matrix",
            recipient="alice@alpha.example",
            subject="Matrix outbound",
            sent_at=now,
        ),
        "cases.caseevent": case.events.get(kind=CaseEvent.Kind.OPENED),
        "cases.hotlinecall": call,
        "cases.incident": Incident.objects.create(
            scope="api",
            status="active",
            title="Matrix incident",
            title_nl="Matrix-incident",
            text="Down.",
            text_nl="Onbeschikbaar.",
            started_at=now,
        ),
        "availability.probe": Probe.objects.create(
            name="Matrix probe", component="api", url="https://api.platform.example/"
        ),
        "availability.proberesult": ProbeResult.objects.create(
            probe=Probe.objects.create(
                name="Matrix results probe", component="api", url="https://r.platform.example/"
            ),
            at=now,
            ok=True,
        ),
        "availability.outage": Outage.objects.create(
            component="smtp", started_at=now - timedelta(minutes=5), ended_at=now
        ),
        "deliverability.sendingip": ip_a,
        "deliverability.sendingdomain": SendingDomain.objects.create(
            account=account_a, name="news.alpha.example", purpose=SendingDomain.Purpose.FROM
        ),
        "deliverability.blocklist": blocklist,
        "deliverability.listingstate": ListingState.objects.create(
            sending_ip=ip_a, blocklist=blocklist, state=ListingState.State.LISTED
        ),
        "deliverability.listingevent": ListingEvent.objects.create(
            account=account_a,
            sending_ip=ip_a,
            blocklist=blocklist,
            kind=ListingEvent.Kind.LISTED,
            at=now,
        ),
        "deliverability.checkrun": CheckRun.objects.create(
            account=account_a, trigger=CheckRun.Trigger.CUSTOMER, status=CheckRun.Status.FINISHED
        ),
        "deliverability.warmupplan": make_plan(account_a, [ip_a], name="Matrix plan"),
        "deliverability.remediationrequest": remediation_open(
            account=account_a, requester=customer_a, fields=dict(REMEDIATION_FIELDS)
        ),
        "deliverability.planningsession": PlanningSession.objects.create(
            account=account_a,
            topic=PlanningSession.Topic.CAPACITY,
            held_on=date(2027, 1, 2),
            attendees="Tam, Alice",
            notes="Matrix session",
            created_by=users["tam_a"],
        ),
        "deliverability.trendnote": note,
        "webhooks.endpoint": endpoint,
        "webhooks.delivery": Delivery.objects.create(
            endpoint=endpoint, event_id="matrix", event_type="ping", body="{}"
        ),
        "django_celery_beat.periodictask": PeriodicTask.objects.order_by("pk").first(),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(
            clocked_time=now + timedelta(days=1)
        ),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(minute="7", hour="3"),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=52.37, longitude=4.9
        ),
        "django_celery_beat.intervalschedule": IntervalSchedule.objects.create(
            every=17, period=IntervalSchedule.MINUTES
        ),
    }
    sign_in = {
        "username": "locked@alpha.example",
        "ip_address": "203.0.113.9",
        "user_agent": "Matrix",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    objects.update(
        {
            "axes.accessattempt": AccessAttempt.objects.create(
                **sign_in, failures_since_start=5, get_data="", post_data=""
            ),
            "axes.accesslog": AccessLog.objects.create(**sign_in),
            "axes.accessfailurelog": AccessFailureLog.objects.create(**sign_in, locked_out=True),
            # Not a persona's: a persona with an authenticator is asked for its code.
            "api.apitoken": _customer_token(customer_a),
            "signin.authenticator": Authenticator.objects.create(
                user=StaffFactory(email="enrolled@example.com", full_name="Enrolled Staff"),
                name="Matrix authenticator",
                confirmed=True,
            ),
        }
    )
    for obj in objects.values():
        obj.refresh_from_db()  # as the pages show it (decimals, dates)
    world = World(users=users, objects=objects, attachment=attachment, media_root=media_root)
    for persona, user in users.items():
        world.clients[persona] = Client()
        world.clients[persona].force_login(user)
    return world


def _customer_token(customer):
    from api import services as api_services

    token, _secret = api_services.api_token_create(
        owner=customer, name="Matrix monitoring", scopes=["read"], actor=customer
    )
    return token


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end;
    each test runs in a savepoint of its own, so a write never reaches the next test."""
    from django.test import override_settings

    media_root = str(tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        with transaction.atomic():
            yield _build_world(media_root)
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_media(_fast_and_contained, settings, request):
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media_root


# --- how each outcome is checked ------------------------------------------------------------


def admin_url(obj_or_model, page: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


def snapshot(obj) -> list[dict]:
    """The object's row as stored, to show that a refused write changed nothing."""
    return list(type(obj).objects.filter(pk=obj.pk).values())


def result_rows(response) -> str:
    """The text of the changelist's table of results ("" when nothing is listed)."""
    return " ".join(parsed.text(table) for table in parsed.select(response.content, "#result_list"))


# What shows the object in its changelist, when its title does not.
LIST_MARKERS = {
    "accounts.user": lambda o: o.email,
    "accounts.contact": lambda o: o.user.full_name,
    "accounts.accountevent": lambda o: o.subject,
    "accounts.invitation": lambda o: o.email,
    "accounts.oncallshift": lambda o: o.note,
    "inbound.inboundmessage": lambda o: o.subject,
    "inbound.mailboxstatus": lambda o: o.name,
    "inbound.accessreply": lambda o: o.address,
    "cases.case": lambda o: o.subject,
    "cases.resolutionagreement": lambda o: o.case.reference,
    "cases.outboundmessage": lambda o: o.recipient,
    "cases.caseevent": lambda o: o.case.reference,
    "availability.proberesult": lambda o: o.probe.name,
    "availability.outage": lambda o: o.get_component_display(),
    "cases.hotlinecall": lambda o: o.contact_person,
    "cases.incident": lambda o: o.title,
    "deliverability.listingstate": lambda o: o.sending_ip.address,
    "deliverability.listingevent": lambda o: o.sending_ip.address,
    "deliverability.checkrun": lambda o: o.account.name,
    "deliverability.blocklist": lambda o: o.name,
    "deliverability.warmupplan": lambda o: o.name,
    "webhooks.delivery": lambda o: o.endpoint.url,
    "deliverability.planningsession": lambda o: o.account.name,
    "deliverability.trendnote": lambda o: o.title,
    "deliverability.sendingip": lambda o: o.address,
    "deliverability.sendingdomain": lambda o: o.name,
    "axes.accessattempt": lambda o: o.username,
    "axes.accesslog": lambda o: o.username,
    "axes.accessfailurelog": lambda o: o.username,
    "signin.authenticator": lambda o: o.user.full_name,
    "api.apitoken": lambda o: o.name,
    # The list shows the task's name and its schedule in columns of their own.
    "django_celery_beat.periodictask": lambda o: o.name,
}
# What shows that the object's page may be changed, when the save button does not.
EDIT_SIGNS = {
    "cases.case": lambda o: "[data-action=note]",
    "cases.incident": lambda o: "form[data-testid=update-form]",
    "inbound.inboundmessage": lambda o: "[formaction='{}']".format(
        reverse("admin:inbound_inboundmessage_settle", args=[o.pk, "discard"])
    ),
}


def list_marker(label, obj) -> str:
    return " ".join(str(LIST_MARKERS.get(label, str)(obj)).split())


def edit_sign(label, obj) -> str:
    """A CSS selector for what offers the change."""
    return EDIT_SIGNS.get(label, lambda o: "input[name=_save]")(obj)


def check_changelist(world, persona, label, obj, outcome):
    response = world.clients[persona].get(admin_url(obj, "changelist"))
    if outcome == 403:
        assert response.status_code == 403
    elif outcome == MINE:
        assert response.status_code == 302
        assert response["Location"].endswith("?tam=mine")
    else:
        assert response.status_code == 200
        if label == "django_celery_beat.clockedschedule":
            # Shown only as a time in the reader's zone: found by its link.
            link = f"#result_list a[href='{admin_url(obj, 'change', obj.pk)}']"
            listed = bool(parsed.select(response.content, link))
        else:
            listed = list_marker(label, obj) in result_rows(response)
        assert listed is (outcome == LIST)


def check_add(world, persona, label, obj, outcome):
    client, url, model = world.clients[persona], admin_url(obj, "add"), type(obj)
    response = client.get(url)
    if outcome == FORM:
        assert response.status_code == 200
        assert parsed.select(response.content, "input[name=_save]")
    elif outcome == TO_INTAKE:
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:cases_hotlinecall_intake")
    else:
        assert outcome == 403 and response.status_code == 403
        count = model.objects.count()
        assert client.post(url, {"_save": "Save"}).status_code == 403
        assert model.objects.count() == count


_record_refusal = RecordAdmin.has_change_permission


def check_object_page(page):
    def check(world, persona, label, obj, outcome):
        client, url = world.clients[persona], admin_url(obj, page, obj.pk)
        before = snapshot(obj)
        response = client.get(url)
        if outcome == HIDDEN:
            assert response.status_code == 302
            assert response["Location"] == reverse("admin:index")
        elif outcome == 403:
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            tree = parsed.page(response)
            assert " ".join(str(obj).split()) in parsed.text(tree)
            if page == "change":
                assert bool(parsed.select(tree, edit_sign(label, obj))) is (outcome == EDIT)
            if page == "delete" and outcome in (PROTECTED, RELATED_DENIED):
                assert response.context_data["title"].startswith("Cannot delete")
            elif page == "delete":
                assert outcome == CONFIRM
                assert parsed.select(tree, "input[type=hidden][name=post][value=yes]")
        if page == "change" and outcome in (READ, HIDDEN, 403):
            # A record's admin refuses every write before it looks the object up.
            writable = admin.site._registry[type(obj)].has_change_permission
            expected = (
                302 if outcome == HIDDEN and writable.__func__ is not _record_refusal else 403
            )
            assert client.post(url, {"_save": "Save"}).status_code == expected
        if page == "delete" and outcome != CONFIRM:
            expected = {HIDDEN: 302, PROTECTED: 200}.get(outcome, 403)  # RELATED_DENIED: 403
            assert client.post(url, {"post": "yes"}).status_code == expected
        assert snapshot(obj) == before  # nothing changed, the object is still there

    return check


def check_custom(world, persona, label, obj, name, outcome):
    client = world.clients[persona]
    CUSTOM_CHECKS[name](world, client, obj, outcome)


def _password_change(world, client, user, outcome):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert outcome == 403
    before = snapshot(user)
    assert client.get(url).status_code == 403
    data = {"password1": "a-takeover-pass-1", "password2": "a-takeover-pass-1"}
    assert client.post(url, data).status_code == 403
    assert snapshot(user) == before


def _password_link(world, client, user, outcome):
    response = client.post(reverse("admin:accounts_user_password_link", args=[user.pk]))
    if outcome == WORKS:
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [[user.email]]
    else:
        assert outcome == 403 and response.status_code == 403
        assert mail.outbox == []


def _settle(world, client, message, outcome):
    url = reverse("admin:inbound_inboundmessage_settle", args=[message.pk, "discard"])
    response = client.post(url)
    message.refresh_from_db()
    if outcome == WORKS:
        assert response.status_code == 302
        assert message.outcome == "discarded"
    else:
        assert outcome == 403 and response.status_code == 403
        assert message.outcome == "quarantined"


def _act(world, client, case, outcome):
    url = reverse("admin:cases_case_act", args=[case.pk, "note"])
    response = client.post(url, {"note-body": "matrix note"})
    if outcome == WORKS:
        assert response.status_code == 302
        assert case.messages.filter(body="matrix note").exists()
    else:
        assert outcome == 403 and response.status_code == 403
        assert not case.messages.filter(body="matrix note").exists()


def _sla_report(world, client, case, outcome):
    response = client.get(reverse("admin:cases_sla_report"))
    if outcome == WORKS:
        assert response.status_code == 200
        assert response.context_data["title"] == "SLA oversight"
    else:
        assert outcome == 403 and response.status_code == 403


def _attachment(world, client, case, outcome):
    url = reverse("admin:cases_case_attachment", args=[case.pk, world.attachment.pk])
    response = client.get(url)
    if outcome == WORKS:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"421 busy"
    else:
        assert outcome == 403 and response.status_code == 403


def _intake(world, client, call, outcome):
    url = reverse("admin:cases_hotlinecall_intake")
    response = client.get(url)
    if outcome == WORKS:
        assert response.status_code == 200
        assert parsed.select(response.content, "form[data-testid=hotline-intake]")
    else:
        assert outcome == 403 and response.status_code == 403
        count = type(call).objects.count()
        assert client.post(url, {"record": "1", "target": "none"}).status_code == 403
        assert type(call).objects.count() == count


def _upload(world, client, plan, outcome):
    url = reverse("admin:deliverability_warmupplan_upload", args=[plan.pk])
    response = client.get(url)
    if outcome == WORKS:
        assert response.status_code == 200
        assert plan.name in parsed.text(response.content, ".breadcrumbs")
    else:
        assert response.status_code == outcome
        count = plan.actuals.count()
        data = {"text": "date,provider,sent,delivered,bounces,complaints\n"}
        assert client.post(url, data).status_code == outcome
        assert plan.actuals.count() == count


CUSTOM_CHECKS = {
    "auth_user_password_change": _password_change,
    "accounts_user_password_link": _password_link,
    "inbound_inboundmessage_settle": _settle,
    "cases_case_act": _act,
    "cases_sla_report": _sla_report,
    "cases_case_attachment": _attachment,
    "cases_hotlinecall_intake": _intake,
    "deliverability_warmupplan_upload": _upload,
}


def _offers_any_action(label, persona) -> bool:
    return any(o != ABSENT for o in (a[persona] for a in EXPECTED[label]["actions"].values()))


def _action_effect(world, persona, obj, name):
    """What a run action did to the object."""
    if name == "send_password_links":
        assert [m.to for m in mail.outbox] == [[obj.email]]
    elif name == "discard_selected":
        obj.refresh_from_db()
        assert obj.outcome == "discarded"
    elif name == "check_now":
        from deliverability.models import CheckRun

        assert CheckRun.objects.filter(requested_by=world.users[persona]).exists()
    elif name == "revoke":
        obj.refresh_from_db()
        assert obj.revoked_at is not None
    elif name == "reset_second_factor":
        assert not type(obj).objects.filter(pk=obj.pk).exists()
    elif name in ("enable_tasks", "disable_tasks", "toggle_tasks"):
        obj.refresh_from_db()
        assert obj.enabled is (name == "enable_tasks")
    else:
        raise AssertionError(f"no check for the effect of {name}")


def check_action(world, persona, label, obj, name, outcome):
    client = world.clients[persona]
    url = admin_url(obj, "changelist") + ("?tam=all" if label == "accounts.account" else "")
    changelist = EXPECTED[label]["changelist"][persona]
    if changelist != 403:
        offered = parsed.select(
            client.get(url).content, f"select[name=action] option[value='{name}']"
        )
        # An action is shown with the rows it acts on: none are listed for HIDDEN.
        assert bool(offered) is (outcome not in (ABSENT, HIDDEN))
    if outcome == HIDDEN:
        assert EXPECTED[label]["change"][persona] == HIDDEN
    if outcome == OFFERED:
        return
    if name == "disable_tasks" or name == "toggle_tasks":
        type(obj).objects.filter(pk=obj.pk).update(enabled=True)
    elif name == "enable_tasks":
        type(obj).objects.filter(pk=obj.pk).update(enabled=False)
    before = snapshot(obj)
    data = {"action": name, "_selected_action": [obj.pk]}
    if outcome in (CONFIRM, PROTECTED, RELATED_DENIED):
        response = client.post(url, data)
        assert response.status_code == 200
        confirmation = parsed.select(response.content, "input[type=hidden][name=post][value=yes]")
        assert bool(confirmation) is (outcome == CONFIRM)
        if outcome != CONFIRM:
            assert response.context_data["title"].startswith("Cannot delete")
            response = client.post(url, {**data, "post": "yes"})
            assert response.status_code == (200 if outcome == PROTECTED else 403)
        assert snapshot(obj) == before
        return
    if outcome == RUN:
        assert client.post(url, data).status_code == 302
        _action_effect(world, persona, obj, name)
        return
    if name == "delete_selected":
        data["post"] = "yes"
    response = client.post(url, data)
    if outcome == 403:
        assert response.status_code == 403
    elif outcome == HIDDEN:  # "items must be selected": none of the selection is listed
        assert response.status_code == 302
    else:
        assert outcome == ABSENT
        if changelist == 403:
            assert response.status_code == 403
        else:  # "no action selected", or the list again when none is offered
            assert response.status_code == (302 if _offers_any_action(label, persona) else 200)
    assert snapshot(obj) == before
    assert mail.outbox == []


CHECKS = {
    "changelist": check_changelist,
    "add": check_add,
    "change": check_object_page("change"),
    "delete": check_object_page("delete"),
    "history": check_object_page("history"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("label", "page"),
    [pytest.param(label, page, id=f"{label}:{page}") for label, page in matrix_keys()],
)
def test_the_staff_matrix(world, persona, label, page):
    outcome = expectation(label, page)[persona]
    obj = world.objects[label]
    if page in CHECKS:
        CHECKS[page](world, persona, label, obj, outcome)
    elif page.startswith("action:"):
        check_action(world, persona, label, obj, page.removeprefix("action:"), outcome)
    else:
        check_custom(world, persona, label, obj, page, outcome)
