from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ips/<int:pk>/", views.sending_ip_detail, name="ip"),
    path("domains/<int:pk>/", views.sending_domain_detail, name="domain"),
    path("domains/add/", views.sending_domain_add, name="domain_add"),
    path("check/", views.check_now, name="check_now"),
    path("runs/<int:pk>/", views.check_progress, name="check_progress"),
]
