"""No page answers 500, whatever a person types into its forms or its address: every
query parameter a page reads and every form it posts, on the customer pages and in the
staff admin, driven with odd text and numbers (hypothesis). A bad value is a sentence or
a refusal, never a server error; the pages' own tests say which sentence."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import OfficeHoursCalendar
from accounts.team.services import invitation_send
from cases import services
from cases.models import Attachment
from deliverability.models import (
    Blocklist,
    CheckRun,
    ListingState,
    NextStep,
    PlanningSession,
    SendingDomain,
    SendingIP,
    TrendNote,
    WarmupPlan,
)
from deliverability.programme.services import remediation_open
from inbound.models import InboundMessage, Outcome
from tests.deliverability.programme_fixtures import REMEDIATION_FIELDS
from tests.factories import ContactFactory, UserFactory
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

SWEEP = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that broke pages, or could: every parameter and field of every page gets each.
CURATED = ["", "-1", "1.5", "²", "9" * 30, "9" * 5000, "\x00", "x" * 10_000, "9999-12"]
# And what people (and scripts) put in forms and addresses at random: any text, whole
# numbers far past every column.
ODD = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from([*CURATED, "１２", "[", "case:" + "9" * 30, "account:-1"]),
)


def _query(names):
    return st.dictionaries(st.sampled_from([*names, "zz"]), ODD, max_size=4)


def _form(names):
    return st.fixed_dictionaries({}, optional={name: ODD for name in names})


class Sweep:
    """Requests through a client that turns a server error into a 500 response, and the
    list of those that got one."""

    def __init__(self, client):
        self.client = client
        self.client.raise_request_exception = False
        self.failures = []

    def get(self, url, query=None):
        return self._check(self.client.get(url, query or {}), ("GET", url, query))

    def post(self, url, data=None):
        return self._check(self.client.post(url, data or {}), ("POST", url, data))

    def _check(self, response, what):
        if response.status_code >= 500:
            method, url, data = what
            shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in (data or {}).items()}
            self.failures.append(f"{method} {url} {shown}")
        return response


@pytest.fixture
def world(account_a, customer_a, agent, representative, tam_a):
    """One of everything a page shows, on account A."""
    case = services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Webhooks arrive twice",
        description="Each bounce reaches us **twice**.",
        category="software_bug",
    )
    services.case_reply(case=case, author=agent, body="On it")
    services.case_propose_resolution(case=case, actor=agent, summary="Fixed")
    attachment = Attachment.objects.create(
        case=case,
        file=ContentFile(b"log", name="smtp.log"),
        original_name="smtp.log",
        content_type="text/plain",
        size=3,
        uploaded_by=customer_a,
        uploaded_at=timezone.now(),
    )
    call = services.hotline_record_call(
        recorded_by=representative,
        company_name="Alpha",
        contact_person="Anna",
        phone="1",
        email=customer_a.email,
        description="down",
        case=case,
    )
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10", stream="bulk")
    domain = SendingDomain.objects.create(
        account=account_a, name="news.alpha.example", purpose=SendingDomain.Purpose.FROM
    )
    listing = ListingState.objects.create(
        sending_ip=ip,
        blocklist=Blocklist.objects.filter(kind="ip").first(),
        state=ListingState.State.LISTED,
        reasons=["spam"],
    )
    plan = WarmupPlan.objects.create(
        account=account_a, name="New IPs", target_daily_volume=50_000, start_date=date(2027, 1, 4)
    )
    plan.ips.set([ip])
    remediation = remediation_open(
        account=account_a, requester=customer_a, fields=dict(REMEDIATION_FIELDS)
    )
    session = PlanningSession.objects.create(
        account=account_a,
        topic=PlanningSession.Topic.CAPACITY,
        held_on=date(2027, 1, 2),
        attendees="Tam, Alice",
        notes="Black Friday volume doubles.",
        created_by=tam_a,
    )
    NextStep.objects.create(
        session=session, description="Add two IPs", owner="Tam", due_on=date(2027, 1, 20)
    )
    note = TrendNote.objects.create(
        author=tam_a, title="Gmail", body="Keep it low.", published_on=date(2027, 1, 4)
    )
    note.accounts.add(account_a)
    run = CheckRun.objects.create(account=account_a, trigger=CheckRun.Trigger.CUSTOMER)
    now = timezone.now()
    inbound = InboundMessage.objects.create(
        dedup_key="sweep",
        received_at=now,
        last_received_at=now,
        from_address="stranger@elsewhere.example",
        subject="Hello",
        outcome=Outcome.QUARANTINED,
        reason="Unknown sender",
    )
    colleague = ContactFactory(account=account_a, role="technical", user__email="c@alpha.example")
    invitation, token = invitation_send(
        account=account_a,
        invited_by=customer_a,
        email="new@alpha.example",
        role="billing",
        language="en",
        now=timezone.now(),
    )
    endpoint = Endpoint.objects.create(
        account=account_a,
        url="https://hooks.alpha.example/in",
        event_types=["case.filed"],
        secret="whsec_sweep",
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id="sweep", event_type="ping", body="{}", status="failed"
    )
    return {
        "colleague": colleague,
        "invitation": invitation,
        "token": token,
        "endpoint": endpoint,
        "delivery": delivery,
        "case": case,
        "attachment": attachment,
        "call": call,
        "ip": ip,
        "domain": domain,
        "listing": listing,
        "plan": plan,
        "remediation": remediation,
        "session": session,
        "run": run,
        "inbound": inbound,
        "account": account_a,
        "calendar": OfficeHoursCalendar.objects.first(),
    }


# --- customer pages ------------------------------------------------------------------

CUSTOMER_PAGES = {
    # name: (URL arguments from the world, the query parameters the page reads)
    "home": (lambda w: [], []),
    "cases:list": (lambda w: [], ["page", "open"]),
    "cases:new": (lambda w: [], []),
    "cases:detail": (lambda w: [w["case"].reference], []),
    "cases:attachment": (lambda w: [w["case"].reference, w["attachment"].pk], []),
    "deliverability:home": (lambda w: [], ["run"]),
    "deliverability:ip": (lambda w: [w["ip"].pk], []),
    "deliverability:domain": (lambda w: [w["domain"].pk], []),
    "deliverability:domain_add": (lambda w: [], []),
    "deliverability:check_progress": (lambda w: [w["run"].pk], []),
    "deliverability:plans": (lambda w: [], []),
    "deliverability:plan": (lambda w: [w["plan"].pk], []),
    "deliverability:remediations": (lambda w: [], []),
    "deliverability:remediation_new": (
        lambda w: [],
        ["listing", "provider", "affected_ips", "from_domain", "bounce_text", "rule"],
    ),
    "deliverability:remediation": (lambda w: [w["remediation"].pk], []),
    "deliverability:bounces": (lambda w: [], []),
    "deliverability:guidance": (lambda w: [], []),
    "deliverability:guidance_article": (lambda w: ["warm-up"], []),
    "deliverability:programme": (lambda w: [], []),
    "deliverability:session": (lambda w: [w["session"].pk], []),
    "accounts:profile": (lambda w: [], []),
    "accounts:team": (lambda w: [], []),
    "accounts:team_contact": (lambda w: [w["colleague"].pk], []),
    "accounts:team_record": (lambda w: [], ["page"]),
    "accounts:join": (lambda w: [w["token"]], []),
    "availability:status": (lambda w: [], ["page"]),
    "webhooks:list": (lambda w: [], []),
    "webhooks:new": (lambda w: [], []),
    "webhooks:endpoint": (lambda w: [w["endpoint"].pk], []),
    "signin:verify": (lambda w: [], ["next"]),
    "signin:setup": (lambda w: [], ["next"]),
    "signin:backup_codes": (lambda w: [], ["next"]),
    "accounts:single_sign_on": (lambda w: [], []),
    "sso:start": (lambda w: [], ["email", "next", "via"]),
    "sso:callback": (lambda w: [], ["state", "code", "error"]),
    "api_tokens:list": (lambda w: [], []),
    # The API, read by a signed-in browser (its tokens: tests/api/).
    "api:cases": (
        lambda w: [],
        ["q", "status", "severity", "opened_from", "opened_to", "cursor", "page_size"],
    ),
    "api:case": (lambda w: [w["case"].reference], []),
    "api:case_attachment": (lambda w: [w["case"].reference, w["attachment"].pk], []),
    "api:docs": (lambda w: [], []),
    "api:schema": (lambda w: [], ["format", "lang"]),
    "api:not_found": (lambda w: [], []),
    "api:account": (lambda w: [], []),
    "api:blocklists": (lambda w: [], []),
    "api:blocklist_ip": (lambda w: [w["ip"].pk], ["days"]),
    "api:blocklist_domain": (lambda w: [w["domain"].pk], ["days"]),
    "api:warmup_plans": (lambda w: [], []),
    "api:incidents": (lambda w: [], ["status", "cursor", "page_size"]),
    "api:incident": (lambda w: ["INC-00001"], []),
}


def _customer_pages(world):
    return [
        (reverse(name, args=args(world)), params) for name, (args, params) in CUSTOMER_PAGES.items()
    ]


def test_every_customer_page_answers_every_odd_value_of_its_parameters(world, client_a):
    sweep = Sweep(client_a)
    for url, params in _customer_pages(world):
        for value in CURATED:
            sweep.get(url, dict.fromkeys([*params, "zz"], value))
    assert sweep.failures == []


def test_the_customer_pages_answer_any_query(world, client_a):
    sweep = Sweep(client_a)
    pages = _customer_pages(world)

    @SWEEP
    @given(page=st.sampled_from(pages), data=st.data())
    def run(page, data):
        url, params = page
        sweep.get(url, data.draw(_query(params)))

    run()
    assert sweep.failures == []


CASE_FORM = [
    "subject", "need", "api_all_failing", "api_failure_cause", "smtp_all_failing",
    "smtp_failure_cause", "failing_since", "error_samples", "description",
]  # fmt: skip
REMEDIATION_FORM = [
    "provider", "affected_ips", "from_domain", "dkim_domain", "return_path_domain",
    "bounce_text", "sample_headers", "daily_volume", "ip_type", "first_seen",
    "authentication_in_place", "one_click_unsubscribe", "complaint_rate_ok",
    "warmup_followed", "rule",
]  # fmt: skip
CUSTOMER_FORMS = {
    # name: (URL arguments, the fields the form posts)
    "cases:new": (lambda w: [], CASE_FORM),
    "cases:reply": (lambda w: [w["case"].reference], ["body"]),
    "cases:accept": (lambda w: [w["case"].reference], ["answering"]),
    "cases:reject": (lambda w: [w["case"].reference], ["reason", "answering"]),
    "cases:escalate": (lambda w: [w["case"].reference], ["reason"]),
    "cases:rate": (lambda w: [w["case"].reference], ["score", "comment"]),
    "cases:follow": (lambda w: [w["case"].reference], ["follow"]),
    "cases:interval": (lambda w: [w["case"].reference], ["minutes"]),
    "cases:interval_accept": (lambda w: [w["case"].reference], ["answering"]),
    "cases:interval_decline": (lambda w: [w["case"].reference], ["answering"]),
    "deliverability:domain_add": (lambda w: [], ["name", "purpose"]),
    "deliverability:remediation_new": (lambda w: [], REMEDIATION_FORM),
    "deliverability:bounces": (lambda w: [], ["text"]),
    "accounts:profile": (lambda w: [], ["full_name", "phone", "language", "time_zone"]),
    "accounts:set_language": (lambda w: [], ["language", "next"]),
    "accounts:incident_mail": (lambda w: [], ["incident_mail"]),
    "accounts:my_mail": (lambda w: [], ["mail-case_mail", "mail-blocklist_alerts"]),
    "accounts:team_invite": (lambda w: [], ["email", "role", "language"]),
    "accounts:team_withdraw": (lambda w: [w["invitation"].pk], []),
    "accounts:team_contact": (
        lambda w: [w["colleague"].pk],
        ["mail-case_mail", "mail-blocklist_alerts", "mail-incident_mail"],
    ),
    "accounts:team_deactivate": (lambda w: [w["colleague"].pk], []),
    "accounts:team_reactivate": (lambda w: [w["colleague"].pk], []),
    # A post it accepts signs the client in as the invitee (no page answers 500 to them).
    "accounts:join": (lambda w: [w["token"]], ["full_name", "password1", "password2"]),
    "signin:verify": (lambda w: [], ["code", "next"]),
    "signin:setup": (lambda w: [], ["code", "next"]),
    "signin:remove": (lambda w: [], []),
    "webhooks:new": (lambda w: [], ["url", "event_types"]),
    "webhooks:event_types": (lambda w: [w["endpoint"].pk], ["event_types"]),
    "webhooks:pause": (lambda w: [w["endpoint"].pk], []),
    "webhooks:resume": (lambda w: [w["endpoint"].pk], []),
    "webhooks:rotate": (lambda w: [w["endpoint"].pk], []),
    "webhooks:test": (lambda w: [w["endpoint"].pk], []),
    "webhooks:redeliver": (lambda w: [w["endpoint"].pk, w["delivery"].pk], []),
    # Last: the endpoint is gone after it.
    "webhooks:delete": (lambda w: [w["endpoint"].pk], []),
}


def _customer_forms(world):
    return [
        (reverse(name, args=args(world)), fields) for name, (args, fields) in CUSTOMER_FORMS.items()
    ]


def test_every_customer_form_answers_every_odd_value_in_its_fields(world, client_a):
    sweep = Sweep(client_a)
    for url, fields in _customer_forms(world):
        for value in CURATED:
            sweep.post(url, dict.fromkeys(fields, value))
    assert sweep.failures == []


def test_the_customer_forms_answer_any_post(world, client_a):
    sweep = Sweep(client_a)
    forms = _customer_forms(world)

    @SWEEP
    @given(form=st.sampled_from(forms), data=st.data())
    def run(form, data):
        url, fields = form
        sweep.post(url, data.draw(_form(fields)))

    run()
    assert sweep.failures == []


# --- the staff admin -------------------------------------------------------------------


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def _changelist_params(model_admin) -> list[str]:
    names = ["q", "o", "p", "e", "all", "_changelist_filters", "_popup", "_to_field"]
    for item in model_admin.list_filter:
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            names.append(item.parameter_name)
        else:
            field = item[0] if isinstance(item, tuple) else item
            names += [f"{field}__exact", f"{field}__id__exact", f"{field}__isnull"]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return names


def _admin_lists():
    lists = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        lists.append((url, _changelist_params(model_admin)))
    return sorted(lists)


def test_every_admin_list_answers_every_odd_value_of_its_filters(world, staff_client):
    sweep = Sweep(staff_client)
    for url, params in _admin_lists():
        for value in CURATED:
            sweep.get(url, dict.fromkeys(params, value))
    assert sweep.failures == []


def test_every_list_by_date_refuses_a_year_no_date_has(world, staff_client):
    # Django's own list by date lets these through: a year too large for a date, and the
    # year 9999, whose next year does not exist.
    sweep = Sweep(staff_client)
    dated = [(url, params[-3]) for url, params in _admin_lists() if params[-3].endswith("__year")]
    assert len(dated) >= 7
    for url, year in dated:
        for value in ("2003667922765", "9999"):
            assert sweep.get(url, {year: value}).status_code == 302
    assert sweep.failures == []


def test_the_admin_lists_answer_any_query(world, staff_client):
    sweep = Sweep(staff_client)

    @SWEEP
    @given(page=st.sampled_from(_admin_lists()), data=st.data())
    def run(page, data):
        url, params = page
        sweep.get(url, data.draw(_query(params)))

    run()
    assert sweep.failures == []


# The beat schedules' own admin (django-celery-beat, for superusers) shows a typed
# crontab such as "-1" through a parser that raises what it does not catch: its
# pages are left to that project.
THIRD_PARTY_FORMS = {"django_celery_beat"}


def _admin_forms(client) -> list[tuple[str, list[str]]]:
    """Every add page (or a row's change page, where adding is not allowed) and the
    fields it posts, its inlines' management forms and first rows included."""
    forms = []
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label in THIRD_PARTY_FORMS:
            continue
        row = model._default_manager.order_by("pk").first()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        page = client.get(url)
        if page.status_code != 200 and row is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
            page = client.get(url)
        if page.status_code != 200 or "adminform" not in page.context:
            continue
        fields = list(page.context["adminform"].form.fields)
        for formset in page.context["inline_admin_formsets"]:
            prefix = formset.formset.prefix
            fields += [f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS"]
            fields += [f"{prefix}-0-{name}" for name in formset.formset.form.base_fields]
        forms.append((url, fields))
    return sorted(forms)


def test_every_admin_form_answers_every_odd_value_in_its_fields(world, staff_client):
    sweep = Sweep(staff_client)
    for url, fields in _admin_forms(staff_client):
        for value in CURATED:
            data = dict.fromkeys(fields, value)
            # Management forms stay whole, so the rows behind them are read too.
            data.update({k: "1" for k in fields if k.endswith("TOTAL_FORMS")})
            data.update({k: "0" for k in fields if k.endswith("INITIAL_FORMS")})
            sweep.post(url, data)
    assert sweep.failures == []


def test_the_admin_forms_answer_any_post(world, staff_client):
    sweep = Sweep(staff_client)

    @SWEEP
    @given(form=st.sampled_from(_admin_forms(staff_client)), data=st.data())
    def run(form, data):
        url, fields = form
        sweep.post(url, data.draw(_form(fields)))

    run()
    assert sweep.failures == []


ACTIONS = {
    "reply": ["body"],
    "note": ["body"],
    "workaround": ["body"],
    "propose": ["body"],
    "reopen": ["body"],
    "record_agreement": ["customer_name", "agreed_at", "method"],
    "reclassify": ["severity", "reason"],
    "log_callback": ["outcome", "at", "notes"],
    "propose_interval": ["minutes"],
    "accept_interval": ["answering"],
    "decline_interval": ["answering"],
    "assign_to_me": [],
    "start_work": [],
    "close": [],
}
STAFF_PAGES = {
    # name: (URL arguments, query parameters, POST fields or None)
    "admin:cases_sla_report": (lambda w: [], ["month", "format"], None),
    "admin:cases_case_attachment": (lambda w: [w["case"].pk, w["attachment"].pk], [], None),
    "admin:deliverability_warmupplan_upload": (lambda w: [w["plan"].pk], [], ["text"]),
    "admin:cases_hotlinecall_intake": (
        lambda w: [],
        [],
        [
            "company_name",
            "contact_person",
            "phone",
            "email",
            "description",
            "target",
            "record",
            "find",
        ],
    ),  # fmt: skip
    **{
        f"admin:inbound_inboundmessage_settle {action}": (
            lambda w, action=action: [w["inbound"].pk, action],
            [],
            ["case_reference", "contact_email"],
        )
        for action in ("open", "attach", "discard")
    },
}


def _staff_views(world) -> list[tuple[str, str, list[str]]]:
    """(method, URL, names) of the admin's own views: the case page's actions, the SLA
    report, attachments, the warm-up upload, the hotline intake, settling mail."""
    views = [
        ("POST", reverse("admin:cases_case_act", args=[world["case"].pk, action]),
         [f"{action}-{name}" for name in fields])
        for action, fields in ACTIONS.items()
    ]  # fmt: skip
    for key, (args, params, fields) in STAFF_PAGES.items():
        url = reverse(key.split()[0], args=args(world))
        views.append(("GET", url, params) if fields is None else ("POST", url, fields))
    return views


def test_every_staff_view_answers_every_odd_value(world, staff_client):
    sweep = Sweep(staff_client)
    case_page = reverse("admin:cases_case_change", args=[world["case"].pk])
    for method, url, names in _staff_views(world):
        for value in CURATED:
            if method == "GET":
                sweep.get(url, dict.fromkeys([*names, "zz"], value))
            else:
                sweep.post(url, dict.fromkeys(names, value))
                # The case page shows what was typed into a refused action.
                sweep.get(case_page)
    assert sweep.failures == []


def test_the_staff_views_answer_anything(world, staff_client):
    sweep = Sweep(staff_client)

    @SWEEP
    @given(view=st.sampled_from(_staff_views(world)), data=st.data())
    def run(view, data):
        method, url, names = view
        if method == "GET":
            sweep.get(url, data.draw(_query(names)))
        else:
            sweep.post(url, data.draw(_form(names)))

    run()
    assert sweep.failures == []


def test_the_sweep_covers_every_customer_page_with_an_address_of_its_own():
    from django.urls import get_resolver

    def names(resolver, prefix=""):
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                yield prefix + name
        for namespace, (_, inner) in resolver.namespace_dict.items():
            yield from names(inner, f"{prefix}{namespace}:")

    named = {
        name for name in names(get_resolver()) if not name.startswith(("admin", "password", "log"))
    }
    posted_only = {"cases:reply", "cases:accept", "cases:reject", "cases:escalate",
                   "cases:rate", "cases:follow", "cases:interval", "cases:interval_accept",
                   "cases:interval_decline",
                   "accounts:set_language", "accounts:incident_mail", "deliverability:check_now",
                   "accounts:my_mail", "accounts:team_invite", "accounts:team_withdraw",
                   "accounts:team_deactivate", "accounts:team_reactivate",
                   "signin:remove", "webhooks:event_types", "webhooks:pause", "webhooks:resume",
                   "webhooks:rotate", "webhooks:test", "webhooks:redeliver",
                   "webhooks:delete", "api_tokens:revoke", "api:case_reply", "api:case_accept",
                   "api:case_reject", "api:case_interval", "api:warmup_actuals"}  # fmt: skip
    # Posted by mail providers, signed; tests/inbound/test_webhooks.py sends them odd posts.
    webhooks = {"inbound:mailgun", "inbound:mailgun_mime", "inbound:postmark",
                "inbound:sendgrid", "inbound:amazon_ses"}  # fmt: skip
    # Answers for machines, whose 500 means "unhealthy": tests/portal/test_health.py.
    health = {"health", "health_web"}
    assert named - set(CUSTOMER_PAGES) - posted_only - webhooks - health == set()
