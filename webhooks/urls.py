from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_new, name="new"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint"),
    path("<int:pk>/event-types/", views.endpoint_event_types, name="event_types"),
    path("<int:pk>/pause/", views.endpoint_pause, name="pause"),
    path("<int:pk>/resume/", views.endpoint_resume, name="resume"),
    path("<int:pk>/rotate/", views.endpoint_rotate, name="rotate"),
    path("<int:pk>/test/", views.endpoint_test, name="test"),
    path("<int:pk>/delete/", views.endpoint_delete, name="delete"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.delivery_redeliver,
        name="redeliver",
    ),
]
