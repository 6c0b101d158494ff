from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in person (pages, attachment downloads) is kept by a
    browser's cache or a proxy: `Cache-Control: private, no-store`. Static files are
    served before this middleware and keep their long cache lifetimes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
