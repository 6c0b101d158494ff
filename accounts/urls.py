from django.urls import path

from . import views
from .sso import views as sso_views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("incident-mail/", views.incident_mail, name="incident_mail"),
    path("single-sign-on/", sso_views.account_sign_on, name="single_sign_on"),
]
