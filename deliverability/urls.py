from django.urls import path

from . import views

app_name = "deliverability"

urlpatterns = [
    path("", views.home, name="home"),
    path("ips/<int:pk>/", views.sending_ip_detail, name="ip"),
    path("domains/<int:pk>/", views.sending_domain_detail, name="domain"),
    path("domains/add/", views.sending_domain_add, name="domain_add"),
    path("check/", views.check_now, name="check_now"),
    path("runs/<int:pk>/", views.check_progress, name="check_progress"),
]

from . import programme_views as pv  # noqa: E402

urlpatterns += [
    path("plans/", pv.plan_list, name="plans"),
    path("plans/<int:pk>/", pv.plan_detail, name="plan"),
    path("remediation/", pv.remediation_list, name="remediations"),
    path("remediation/new/", pv.remediation_new, name="remediation_new"),
    path("remediation/<int:pk>/", pv.remediation_detail, name="remediation"),
    path("bounces/", pv.bounce_diagnosis, name="bounces"),
    path("guidance/", pv.guidance_list, name="guidance"),
    path("guidance/<slug:slug>/", pv.guidance_article, name="guidance_article"),
    path("programme/", pv.programme_home, name="programme"),
    path("programme/sessions/<int:pk>/", pv.planning_session_detail, name="session"),
]
