"""Idempotency keys on POST: a retried request (same `Idempotency-Key`, same login) gets
the first answer again and changes nothing more; the key with another request is a 422."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from . import services
from .problems import PROBLEM_JSON, problem_response

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class _Taken(Exception):
    """Another request stored its answer for the key first."""


def fingerprint(request) -> str:
    """The request as the key must match it: method, path, data and files' contents
    (not the raw body: a multipart boundary differs between retries)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    data = request.data
    if hasattr(data, "lists"):
        fields = {k: v for k, v in data.lists() if k not in request.FILES}
    else:
        fields = data
    digest.update(json.dumps(fields, sort_keys=True, cls=DjangoJSONEncoder).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"\n{name}:{upload.name}:{upload.size}:".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _replay(stored, fingerprint_now: str) -> Response:
    if stored.fingerprint != fingerprint_now:
        return problem_response(
            422,
            _(
                "This Idempotency-Key was used with another request: use a new key for a "
                "new request."
            ),
        )
    response = Response(stored.body, status=stored.status_code, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def run(view, request, handler) -> Response:
    """Run `handler` (the view's work) once per key; without a key, simply run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        return problem_response(
            400,
            _("The Idempotency-Key header must be 1 to %(max)s printable ASCII characters.")
            % {"max": MAX_KEY_LENGTH},
            errors={HEADER: [_("Not a valid key.")]},
        )
    fingerprint_now = fingerprint(request)
    stored = services.idempotency_find(user=request.user, key=key)
    if stored is not None:
        return _replay(stored, fingerprint_now)
    try:
        # The work and its stored answer commit together, or neither does.
        with transaction.atomic():
            try:
                response = handler()
            except Exception as exc:  # noqa: BLE001 - turned into its problem, or re-raised
                response = view.handle_exception(exc)
            if response.status_code >= 500:
                return response
            body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            content_type = response.content_type or "application/json"
            if response.status_code < 300 or content_type == PROBLEM_JSON:
                if not services.idempotency_store(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint_now,
                    status_code=response.status_code,
                    body=body,
                    content_type=content_type,
                ):
                    raise _Taken
    except _Taken:
        return _replay(services.idempotency_find(user=request.user, key=key), fingerprint_now)
    return response
