from django.urls import path

from . import views

urlpatterns = [
    path("", views.verify, name="signin_verify"),
    path("set-up/", views.setup, name="signin_setup"),
    path("backup-codes/", views.backup_codes, name="signin_backup_codes"),
    path("turn-off/", views.remove, name="signin_remove"),
]
