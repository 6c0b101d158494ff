from django.urls import include, path

urlpatterns = [
    path("", include("deliverability.blocklists.urls")),
    path("", include("deliverability.programme.urls")),
]
