from django.urls import path, re_path

from .views import account, blocklists, cases, docs, incidents, warmup

app_name = "api"

urlpatterns = [
    # The schema and its reference are public: they describe, they hold no data.
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("cases/", cases.CaseListView.as_view(), name="cases"),
    path("cases/<str:reference>/", cases.CaseDetailView.as_view(), name="case"),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/",
        cases.AttachmentView.as_view(),
        name="case_attachment",
    ),
    path("cases/<str:reference>/replies/", cases.CaseReplyView.as_view(), name="case_reply"),
    path(
        "cases/<str:reference>/resolution/accept/",
        cases.ResolutionAcceptView.as_view(),
        name="case_accept",
    ),
    path(
        "cases/<str:reference>/resolution/reject/",
        cases.ResolutionRejectView.as_view(),
        name="case_reject",
    ),
    path(
        "cases/<str:reference>/update-interval/",
        cases.UpdateIntervalView.as_view(),
        name="case_interval",
    ),
    # The account, deliverability and incidents.
    path("account/", account.AccountView.as_view(), name="account"),
    path("blocklists/", blocklists.BlocklistStatusView.as_view(), name="blocklists"),
    path(
        "blocklists/ips/<int:pk>/", blocklists.SendingIPHistoryView.as_view(), name="blocklist_ip"
    ),
    path(
        "blocklists/domains/<int:pk>/",
        blocklists.SendingDomainHistoryView.as_view(),
        name="blocklist_domain",
    ),
    path("warmup-plans/", warmup.WarmupPlanListView.as_view(), name="warmup_plans"),
    path(
        "warmup-plans/<int:pk>/actuals/",
        warmup.ActualsUploadView.as_view(),
        name="warmup_actuals",
    ),
    path("incidents/", incidents.IncidentListView.as_view(), name="incidents"),
    path("incidents/<str:reference>/", incidents.IncidentDetailView.as_view(), name="incident"),
    # Any other address under the API answers a problem, not an HTML page.
    re_path(r"^.*$", docs.not_found, name="not_found"),
]
