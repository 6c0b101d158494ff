"""Error reports that reach operators without the customers' words in them.

Sentry (when SENTRY_DSN is set) and the ADMINS mail Django sends on an unhandled error
both describe the failure: where it happened, the request's method and address, which
request, user id and case. Neither carries what people wrote: request bodies and form
values, cookies, local variables of the failing frames (a message body, a mail, a
rendered page is usually one of them), nor a background task's arguments other than
ids.
"""

from __future__ import annotations

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter

from core import log_context

FILTERED = "[Filtered]"
# Headers worth having in a report; every other one (Cookie, Authorization, signatures)
# is dropped.
KEPT_HEADERS = {
    "accept",
    "accept-language",
    "content-length",
    "content-type",
    "host",
    "user-agent",
    "x-forwarded-proto",
    "x-request-id",
}
# Keys whose values are text people wrote, wherever they appear in an event.
TEXT_KEYS = {
    "body",
    "content",
    "description",
    "full_text",
    "html",
    "markdown",
    "message_body",
    "raw",
    "reply_text",
    "text",
}


def init_sentry() -> None:
    """Report errors of the web processes, workers and beat to Sentry, if a DSN is set."""
    if not settings.SENTRY_DSN:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user details, addresses or cookies: the SDK's default (send_default_pii is
        # off unless set, and setting it is deprecated in favour of data_collection).
        # Frames' local variables hold what people wrote; before_send drops any left.
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        before_send=before_send,
        before_send_transaction=before_send,
    )


def before_send(event: dict, hint: dict | None = None) -> dict:
    """The event without request bodies, cookies, frames' variables, task arguments or
    any value under a key that names written text; tagged with the request id, user id
    and case reference."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    for container in ("exception", "threads"):
        for value in (event.get(container) or {}).get("values") or []:
            for frame in (value.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
    job = (event.get("extra") or {}).get("celery-job")
    if isinstance(job, dict):
        job["args"] = [_id_or_filtered(a) for a in job.get("args") or []]
        job["kwargs"] = {k: _id_or_filtered(v) for k, v in (job.get("kwargs") or {}).items()}
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        if isinstance(crumb.get("data"), dict):
            crumb["data"] = _without_text(crumb["data"])
    for key in ("extra", "contexts"):
        if isinstance(event.get(key), dict):
            event[key] = _without_text(event[key])
    context = log_context.current()
    user_id = context.pop("user_id", None)
    if user_id is not None:
        event["user"] = {"id": str(user_id)}
    event.setdefault("tags", {}).update(context)
    return event


def _id_or_filtered(value):
    return value if value is None or isinstance(value, (bool, int, float)) else FILTERED


def _without_text(value):
    if isinstance(value, dict):
        return {
            k: FILTERED if str(k).lower() in TEXT_KEYS else _without_text(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_text(v) for v in value]
    return value


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """The ADMINS mail of an unhandled error in production names the form fields posted,
    the cookies sent and the frames' variables, without their values."""

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {name: self.cleansed_substitute for name in request.POST}

    def get_safe_cookies(self, request):
        if not self.is_active(request):
            return super().get_safe_cookies(request)
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
