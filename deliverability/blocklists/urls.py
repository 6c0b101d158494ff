from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="deliverability_home"),
    path("ips/<int:pk>/", views.sending_ip_detail, name="deliverability_ip"),
    path("domains/<int:pk>/", views.sending_domain_detail, name="deliverability_domain"),
    path("domains/add/", views.sending_domain_add, name="deliverability_domain_add"),
    path("check/", views.check_now, name="deliverability_check_now"),
    path("runs/<int:pk>/", views.check_progress, name="deliverability_check_progress"),
]
