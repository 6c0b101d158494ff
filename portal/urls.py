from django.contrib import admin
from django.urls import include, path

from accounts.signin import views as signin_views

from . import metrics, views
from .health import WEB_CHECKS, HealthView

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", signin_views.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        signin_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/second-factor/", include("accounts.signin.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("me/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("deliverability/", include("deliverability.urls")),
    path("inbound/", include("inbound.urls")),
    path("status/", include("availability.urls")),
    path("me/api-tokens/", include("api.page_urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("health/web/", HealthView.as_view(checks=WEB_CHECKS), name="health_web"),
    # Read by Prometheus, not linked from any page.
    path("metrics", metrics.metrics),
]

handler500 = "portal.views.server_error"
