import logging
import time

from django.utils.cache import patch_cache_control

from core import log_context

request_log = logging.getLogger("portal.requests")


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


class RequestContextMiddleware:
    """Gives each request an id (the proxy's X-Request-ID when it sent a valid one),
    echoes it in the response's X-Request-ID header, and logs one line per request with
    its status and duration. Log lines and error reports written meanwhile carry the id,
    the signed-in user's id and the case the request is about (core.log_context)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        rid = log_context.new_request_id(request.headers.get("X-Request-ID"))
        tokens = [
            (log_context.request_id, log_context.request_id.set(rid)),
            (log_context.current_request, log_context.current_request.set(request)),
            (log_context.case_reference, log_context.case_reference.set(None)),
        ]
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            path = _loggable_path(request)
            request_log.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)


def _loggable_path(request) -> str:
    """The path, with a password-reset link's token hidden: logs outlive the link."""
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match else None
    return request.path.replace(token, "[token]") if token else request.path
