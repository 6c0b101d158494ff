from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="programme_plans"),
    path("plans/<int:pk>/", views.plan_detail, name="programme_plan"),
    path("remediation/", views.remediation_list, name="programme_remediations"),
    path("remediation/new/", views.remediation_new, name="programme_remediation_new"),
    path("remediation/<int:pk>/", views.remediation_detail, name="programme_remediation"),
    path("bounces/", views.bounce_diagnosis, name="programme_bounces"),
    path("guidance/", views.guidance_list, name="programme_guidance"),
    path("guidance/<slug:slug>/", views.guidance_article, name="programme_guidance_article"),
    path("programme/", views.programme_home, name="programme_home"),
    path("programme/sessions/<int:pk>/", views.planning_session_detail, name="programme_session"),
]
