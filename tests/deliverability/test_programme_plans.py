"""Warm-up and migration plans: the customer follows them, the TAM edits them."""

import re
from datetime import date

import pytest
from django.urls import reverse

from deliverability.models import DailyActual
from deliverability.programme.services import ActualsRejected, actuals_import
from tests.deliverability.programme_fixtures import make_plan
from tests.factories import StaffFactory

from ..html import absent, one, page, select, text, texts

pytestmark = pytest.mark.django_db


def test_the_plan_page_charts_planned_against_actual_per_provider(
    client_a, plan_a, actual_over_plan
):
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    charts = select(tree, "svg.warmup-chart")
    assert len(charts) == 5
    [microsoft] = [c for c in charts if c.get("data-provider") == "microsoft"]
    assert len(select(microsoft, "[data-series=planned]")) == 1
    one(microsoft, "[data-advice=hold]")


def test_a_day_over_plan_is_flagged_with_the_advice_to_hold(client_a, plan_a, actual_over_plan):
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    day = one(tree, "#flagged li[data-date='2027-01-05']")
    assert "Hold: send tomorrow what was planned for today; do not advance." in text(day)
    assert any(reason.endswith("More sent than planned.") for reason in texts(day, "ul li"))


def test_high_complaints_advise_a_step_back(client_a, plan_a):
    DailyActual.objects.create(
        plan=plan_a,
        date=date(2027, 1, 4),
        provider="gmail",
        sent=40,
        delivered=40,
        bounces=0,
        complaints=2,
    )
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    day = one(tree, "#flagged li[data-date='2027-01-04']")
    assert "Step back: return to the previous day's planned volume." in text(day)


def test_the_migration_phases_show_with_their_volume(client_a, plan_a):
    [phase] = select(
        page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk]))), "#migration tbody tr"
    )
    assert texts(phase, "td")[3:5] == ["50%", "25,000"]


def test_a_phase_the_warm_ips_cannot_carry_keeps_the_table_with_the_warning_on_it(client_a, plan_a):
    plan_a.phases.create(start_date=date(2027, 1, 5), share_moved=10)
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    absent(tree, "#migration .alert")
    rows = select(tree, "#migration tbody tr[id]")
    assert [row.get("id") for row in rows] == ["phase-1", "phase-2"]
    assert texts(rows[0], "td")[1:5] == ["5 Jan 2027", "31 Jan 2027", "10%", "5,000"]
    assert "table-warning" in rows[0].get("class") and not rows[1].get("class")
    [warning] = select(tree, "#migration tr.phase-warning")
    assert warning.get("data-phase") == "1"
    assert text(warning) == (
        "The warm IPs cannot carry this phase's volume on its start date yet. "
        "Gmail: 2,000 messages a day, while the warm IPs carry 60 that day. "
        "Microsoft: 1,250 messages a day, while the warm IPs carry 38 that day. "
        "Yahoo/AOL: 750 messages a day, while the warm IPs carry 23 that day. "
        "Apple: 500 messages a day, while the warm IPs carry 15 that day. "
        "Others: 500 messages a day, while the warm IPs carry 15 that day. "
        "Start it on 14 Jan 2027 or later, or move a smaller share."
    )


def test_the_phase_warning_reads_in_dutch(client_a, customer_a, plan_a):
    customer_a.language = "nl"
    customer_a.save()
    plan_a.phases.create(start_date=date(2027, 1, 5), share_moved=10)
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    warning = text(tree, "#migration tr.phase-warning")
    assert warning.startswith("De opgewarmde IP's kunnen het volume van deze fase")
    assert "Gmail: 2.000 berichten per dag, terwijl de opgewarmde IP's die dag 60 aankunnen." in (
        warning
    )


def test_the_plan_list_runs_a_fixed_number_of_queries(
    client_a, account_a, ip_a, django_assert_num_queries
):
    make_plan(account_a, [ip_a], name="one")
    client_a.get(reverse("deliverability:plans"))  # warm the session
    with django_assert_num_queries(3):
        client_a.get(reverse("deliverability:plans"))
    for n in range(5):
        make_plan(account_a, [ip_a], name=f"more {n}")
    with django_assert_num_queries(3):
        tree = page(client_a.get(reverse("deliverability:plans")))
    links = [a.get("href") for a in select(tree, "main a[href^='/deliverability/plans/']")]
    assert len([href for href in links if re.fullmatch(r"/deliverability/plans/\d+/", href)]) == 6


CSV = "date,provider,sent,delivered,bounces,complaints\n2027-01-04,gmail,80,79,1,0\n"


def test_a_csv_of_actuals_is_imported_whole(plan_a):
    assert actuals_import(plan=plan_a, text=CSV + "2027-01-04,aol,20,20,0,0\n") == 2
    assert plan_a.actuals.count() == 2


def test_a_csv_with_one_bad_row_imports_nothing(plan_a):
    with pytest.raises(ActualsRejected) as caught:
        actuals_import(plan=plan_a, text=CSV + "2027-01-05,gmail,lots,1,0,0\n")
    assert plan_a.actuals.count() == 0
    (error,) = caught.value.errors
    assert (error.line, error.field, error.reason) == (3, "sent", "not_a_whole_number")


def test_a_corrected_csv_replaces_the_day(plan_a):
    actuals_import(plan=plan_a, text=CSV)
    actuals_import(plan=plan_a, text=CSV.replace(",80,79,", ",90,89,"))
    assert plan_a.actuals.get().sent == 90


def _admin(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_the_tam_uploads_actuals_and_sees_each_bad_row_with_line_and_field(tam_a, plan_a):
    url = reverse("admin:deliverability_warmupplan_upload", args=[plan_a.pk])
    bad = CSV + "31-02-2027,gmail,1,1,0,0\n2027-01-06,hotmial,1,1,0,0\n"
    tree = page(_admin(tam_a).post(url, {"text": bad}))
    assert text(tree, "#csv-errors") == "2 problems; nothing was imported."
    rows = [texts(tr, "td")[:2] for tr in select(tree, "#csv-errors + table tbody tr")]
    assert rows == [["3", "date"], ["4", "provider"]]
    assert plan_a.actuals.count() == 0
    response = _admin(tam_a).post(url, {"text": CSV})
    assert response.status_code == 302 and plan_a.actuals.count() == 1


def test_a_tam_edits_only_the_plans_of_their_own_accounts(plan_a, account_b):
    other_tam = account_b.tam
    response = _admin(other_tam).get(
        reverse("admin:deliverability_warmupplan_change", args=[plan_a.pk])
    )
    assert response.status_code == 302  # not in their queryset: back to the list
    upload = reverse("admin:deliverability_warmupplan_upload", args=[plan_a.pk])
    assert _admin(other_tam).get(upload).status_code == 404


def test_the_tam_creates_a_plan_in_the_admin(tam_a, account_a, ip_a):
    response = _admin(tam_a).post(
        reverse("admin:deliverability_warmupplan_add"),
        {
            "account": account_a.pk,
            "name": "Marketing IPs",
            "ips": [ip_a.pk],
            "target_daily_volume": 100000,
            "start_date": "2027-03-01",
            "share_gmail": 40,
            "share_microsoft": 30,
            "share_yahoo": 10,
            "share_apple": 10,
            "share_others": 10,
            "start_per_ip": 100,
            "growth": "1.5",
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert account_a.warmup_plans.get().created_by == tam_a


def test_shares_that_do_not_add_up_are_refused_with_a_sentence(tam_a, account_a, ip_a):
    response = _admin(tam_a).post(
        reverse("admin:deliverability_warmupplan_add"),
        {
            "account": account_a.pk,
            "name": "Bad shares",
            "ips": [ip_a.pk],
            "target_daily_volume": 100000,
            "start_date": "2027-03-01",
            "share_gmail": 50,
            "share_microsoft": 30,
            "share_yahoo": 10,
            "share_apple": 10,
            "share_others": 10,
            "start_per_ip": 100,
            "growth": "1.5",
            **_empty_inlines(),
        },
    )
    assert texts(response.content, ".errorlist li") == [
        "The shares per mailbox provider must add up to 100%."
    ]


def test_an_agent_may_view_plans_but_not_edit_them(plan_a):
    agent = StaffFactory(role="Support Agents")
    assert agent.has_perm("deliverability.view_warmupplan")
    assert not agent.has_perm("deliverability.change_warmupplan")


def _empty_inlines():
    data = {}
    for prefix in ("phases", "actuals"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data


def test_the_advice_is_in_dutch_for_a_dutch_user(client_a, customer_a, plan_a, actual_over_plan):
    customer_a.language = "nl"
    customer_a.save()
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    day = one(tree, "#flagged li[data-date='2027-01-05']")
    assert "Vasthouden: verstuur morgen wat voor vandaag gepland was" in text(day)
    assert any(reason.endswith("Meer verzonden dan gepland.") for reason in texts(day, "ul li"))
    assert "inboxplaatsingspercentage wordt niet gegarandeerd" in text(tree, "main")


def test_the_plan_list_names_what_migration_planning_leaves_out(client_a, plan_a):
    shown = text(client_a.get(reverse("deliverability:plans")).content, "main")
    assert "building or translating your templates and managing your internal projects" in shown


def test_a_phase_shows_whether_the_clean_days_before_it_hold(client_a, plan_a):
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    assert len(select(tree, "#migration tbody tr")) == 1
    absent(tree, "[data-ready]")  # the only phase is the first
    plan_a.phases.create(start_date=date(2027, 2, 10), share_moved=100)
    for day in (7, 8, 9):
        for provider in ("gmail", "microsoft", "yahoo", "apple", "others"):
            DailyActual.objects.create(
                plan=plan_a,
                date=date(2027, 2, day),
                provider=provider,
                sent=10,
                delivered=10,
                bounces=0,
                complaints=0,
            )
    tree = page(client_a.get(reverse("deliverability:plan", args=[plan_a.pk])))
    assert [b.get("data-ready") for b in select(tree, "#migration tbody [data-ready]")] == ["1"]


def test_the_plan_page_runs_a_fixed_number_of_queries(
    client_a, plan_a, actual_over_plan, django_assert_num_queries
):
    url = reverse("deliverability:plan", args=[plan_a.pk])
    client_a.get(url)
    with django_assert_num_queries(6):
        client_a.get(url)
    actuals_import(
        plan=plan_a,
        text=CSV
        + "".join(
            f"2027-01-{d:02d},{p},10,10,0,0\n" for d in range(6, 20) for p in ("aol", "apple")
        ),
    )
    with django_assert_num_queries(6):
        client_a.get(url)


def test_the_tam_is_warned_of_a_phase_the_warm_ips_cannot_carry(tam_a, plan_a):
    url = reverse("admin:deliverability_warmupplan_change", args=[plan_a.pk])
    data = {
        "account": plan_a.account_id,
        "name": plan_a.name,
        "ips": [ip.pk for ip in plan_a.ips.all()],
        "target_daily_volume": 50000,
        "start_date": "2027-01-04",
        "share_gmail": 40,
        "share_microsoft": 25,
        "share_yahoo": 15,
        "share_apple": 10,
        "share_others": 10,
        "start_per_ip": 100,
        "growth": "1.5",
        **_empty_inlines(),
        "phases-TOTAL_FORMS": 1,
        "phases-INITIAL_FORMS": 1,
        "phases-0-id": plan_a.phases.get().pk,
        "phases-0-plan": plan_a.pk,
        "phases-0-start_date": "2027-01-05",
        "phases-0-share_moved": "50",
    }
    response = _admin(tam_a).post(url, data, follow=True)
    [warning] = texts(response.content, "ul.messagelist li.warning")
    assert warning.startswith("Phase 1: The warm IPs cannot carry this phase")


def _plan_form(plan, **changes):
    return {
        "account": plan.account_id,
        "name": plan.name,
        "ips": [ip.pk for ip in plan.ips.all()],
        "target_daily_volume": plan.target_daily_volume,
        "start_date": plan.start_date.isoformat(),
        "share_gmail": plan.share_gmail,
        "share_microsoft": plan.share_microsoft,
        "share_yahoo": plan.share_yahoo,
        "share_apple": plan.share_apple,
        "share_others": plan.share_others,
        "start_per_ip": plan.start_per_ip,
        "growth": str(plan.growth),
        **_empty_inlines(),
        **changes,
    }


def test_a_tam_cannot_change_another_tams_plan_by_post(plan_a, account_b):
    url = reverse("admin:deliverability_warmupplan_change", args=[plan_a.pk])
    _admin(account_b.tam).post(url, _plan_form(plan_a, name="Taken over"))
    plan_a.refresh_from_db()
    assert plan_a.name != "Taken over"


def test_a_tam_cannot_delete_another_tams_plan_by_post(plan_a, account_b):
    url = reverse("admin:deliverability_warmupplan_delete", args=[plan_a.pk])
    _admin(account_b.tam).post(url, {"post": "yes"})
    assert type(plan_a).objects.filter(pk=plan_a.pk).exists()


def test_the_delete_permission_checks_the_account_not_only_the_role(plan_a, account_b, tam_a):
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[type(plan_a)]
    request = RequestFactory().post("/")
    request.user = account_b.tam
    assert not model_admin.has_delete_permission(request, plan_a)
    request.user = tam_a
    assert model_admin.has_delete_permission(request, plan_a)


def test_the_tam_deletes_a_plan_of_their_own_account(plan_a, tam_a):
    url = reverse("admin:deliverability_warmupplan_delete", args=[plan_a.pk])
    assert _admin(tam_a).post(url, {"post": "yes"}).status_code == 302
    assert not type(plan_a).objects.filter(pk=plan_a.pk).exists()
