from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("remediation/", views.remediation_list, name="remediations"),
    path("remediation/new/", views.remediation_new, name="remediation_new"),
    path("remediation/<int:pk>/", views.remediation_detail, name="remediation"),
    path("bounces/", views.bounce_diagnosis, name="bounces"),
    path("guidance/", views.guidance_list, name="guidance"),
    path("guidance/<slug:slug>/", views.guidance_article, name="guidance_article"),
    path("programme/", views.programme_home, name="programme"),
    path("programme/sessions/<int:pk>/", views.planning_session_detail, name="session"),
]
