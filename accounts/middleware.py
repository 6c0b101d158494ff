import zoneinfo

from django.utils import timezone, translation


def activate_preferences(request, user) -> None:
    """Speak `user`'s language and show times in their time zone for this request."""
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class UserPreferencesMiddleware:
    """Speak the signed-in user's language and show times in their time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            activate_preferences(request, user)
        response = self.get_response(request)
        timezone.deactivate()
        return response
