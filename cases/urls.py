from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/reply/", views.case_reply, name="reply"),
    path("<str:reference>/accept/", views.case_accept, name="accept"),
    path("<str:reference>/reject/", views.case_reject, name="reject"),
    path("<str:reference>/escalate/", views.case_escalate, name="escalate"),
    path("<str:reference>/rate/", views.case_rate, name="rate"),
    path("<str:reference>/follow/", views.case_follow, name="follow"),
    path("<str:reference>/interval/", views.case_interval, name="interval"),
    path(
        "<str:reference>/interval/accept/",
        views.case_interval_answer,
        {"answer": "accept"},
        name="interval_accept",
    ),
    path(
        "<str:reference>/interval/decline/",
        views.case_interval_answer,
        {"answer": "decline"},
        name="interval_decline",
    ),
    path(
        "<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
