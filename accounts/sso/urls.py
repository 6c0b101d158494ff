from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("start/", views.SignOnStartView.as_view(), name="start"),
    path("callback/", views.SignOnCallbackView.as_view(), name="callback"),
]
