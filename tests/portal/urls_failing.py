"""The project's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from portal.urls import handler500, urlpatterns  # noqa: F401


def failing_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("failing/", failing_view), *urlpatterns]
