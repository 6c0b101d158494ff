"""Errors as problem details (RFC 9457, `application/problem+json`): a type, a title, the
status, a sentence, and each field's messages under `errors`, in the caller's language."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_JSON = "application/problem+json"
# Problem types are documented in docs/api.md under these names.
TYPE_BASE = "/api/v1/docs/#problem-"


def _titles() -> dict[int, str]:
    return {
        400: _("The request has errors"),
        401: _("Authentication needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Refused in the case's present state"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Idempotency key reused"),
        429: _("Too many requests"),
    }


def _kind(status_code: int) -> str:
    return {
        400: "validation",
        401: "authentication",
        403: "forbidden",
        404: "not-found",
        409: "conflict",
        422: "idempotency-key-reused",
        429: "rate-limited",
    }.get(status_code, "http")


def problem(status_code: int, detail: str, *, errors: dict | None = None, kind: str = "") -> dict:
    body = {
        "type": TYPE_BASE + (kind or _kind(status_code)),
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    status_code: int, detail: str, *, errors=None, kind: str = "", headers=None
) -> Response:
    return Response(
        problem(status_code, detail, errors=errors, kind=kind),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_JSON,
    )


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error structure as {field: [sentences]}: nested fields joined with dots,
    the errors of the request as a whole under "non_field_errors"."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for name, value in errors.items():
            key = f"{prefix}.{name}" if prefix else str(name)
            for inner, messages in _flatten(value, key).items():
                flat.setdefault(inner, []).extend(messages)
    elif (
        isinstance(errors, list) and errors and all(not isinstance(e, dict | list) for e in errors)
    ):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            for inner, messages in _flatten(
                value, f"{prefix}.{index}" if prefix else str(index)
            ).items():
                flat.setdefault(inner, []).extend(messages)
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def exception_handler(exc, context):
    """DRF's handler, its answer rewritten as a problem; errors it does not handle (a
    bug) stay a 500 for the error reporting."""
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return problem_response(
            413,
            _("The request is larger than the API takes: attach files as multipart parts."),
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
        whole = errors.get("non_field_errors")
        detail = (
            whole[0] if whole and len(errors) == 1 else _("Check the fields named in “errors”.")
        )
        body = problem(status.HTTP_400_BAD_REQUEST, detail, errors=errors)
    else:
        data = response.data
        detail = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            detail = _("Too many requests: try again in %(seconds)d seconds.") % {
                "seconds": max(1, int(exc.wait + 0.999))
            }
        body = problem(response.status_code, detail)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response
