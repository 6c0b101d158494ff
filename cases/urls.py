from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/reply/", views.case_reply, name="case_reply"),
    path("<str:reference>/accept/", views.case_accept, name="case_accept"),
    path("<str:reference>/reject/", views.case_reject, name="case_reject"),
    path("<str:reference>/escalate/", views.case_escalate, name="case_escalate"),
    path("<str:reference>/follow/", views.case_follow, name="case_follow"),
    path("<str:reference>/interval/", views.case_interval, name="case_interval"),
    path(
        "<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="case_attachment",
    ),
]
