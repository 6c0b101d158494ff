from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("set-up/", views.setup, name="setup"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("turn-off/", views.remove, name="remove"),
]
