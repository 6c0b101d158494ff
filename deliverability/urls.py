from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="deliverability_home"),
    path("ips/<int:pk>/", views.sending_ip_detail, name="deliverability_ip"),
    path("domains/<int:pk>/", views.sending_domain_detail, name="deliverability_domain"),
    path("domains/add/", views.sending_domain_add, name="deliverability_domain_add"),
    path("check/", views.check_now, name="deliverability_check_now"),
    path("runs/<int:pk>/", views.check_progress, name="deliverability_check_progress"),
]

from . import programme_views as pv  # noqa: E402

urlpatterns += [
    path("plans/", pv.plan_list, name="programme_plans"),
    path("plans/<int:pk>/", pv.plan_detail, name="programme_plan"),
    path("remediation/", pv.remediation_list, name="programme_remediations"),
    path("remediation/new/", pv.remediation_new, name="programme_remediation_new"),
    path("remediation/<int:pk>/", pv.remediation_detail, name="programme_remediation"),
    path("bounces/", pv.bounce_diagnosis, name="programme_bounces"),
    path("guidance/", pv.guidance_list, name="programme_guidance"),
    path("guidance/<slug:slug>/", pv.guidance_article, name="programme_guidance_article"),
    path("programme/", pv.programme_home, name="programme_home"),
    path("programme/sessions/<int:pk>/", pv.planning_session_detail, name="programme_session"),
]
