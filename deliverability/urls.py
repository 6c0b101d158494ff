from django.urls import include, path

app_name = "deliverability"

urlpatterns = [
    path("", include("deliverability.blocklists.urls")),
    path("", include("deliverability.programme.urls")),
]
