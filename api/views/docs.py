"""The API's reference, drawn on the server from its OpenAPI schema (no script, no
third-party assets), and its answer to an unknown address."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

_HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict) -> list[dict]:
    """Each operation of the schema: method, path, summary, parameters and request body
    fields, in the schema's order."""
    found = []
    components = schema.get("components", {}).get("schemas", {})
    for path, item in schema.get("paths", {}).items():
        for method in _HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            fields = []
            for media in body.values():
                ref = media.get("schema", {}).get("$ref", "")
                component = components.get(ref.rsplit("/", 1)[-1], {})
                required = set(component.get("required", []))
                fields = [
                    {
                        "name": name,
                        "type": spec.get("type") or spec.get("format") or "",
                        "required": name in required,
                        "description": spec.get("description", ""),
                    }
                    for name, spec in component.get("properties", {}).items()
                ]
                break
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "id": op.get("operationId", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "fields": fields,
                }
            )
    return found


def _language() -> str:
    """The active language as one the portal speaks: any other (`?lang=xx`) is built
    in the default, so a caller cannot make the schema be built over and over."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


@lru_cache(maxsize=len(settings.LANGUAGES))
def _schema_in(language: str) -> dict:
    # The schema changes only with the code: built once per process and language, not
    # per request (it takes a good second).
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


def cached_schema() -> dict:
    return _schema_in(_language())


def _reference() -> tuple[list[dict], dict]:
    schema = cached_schema()
    return operations(schema), schema.get("info", {})


class SchemaView(SpectacularAPIView):
    """/api/v1/schema/: public, it describes and holds no data; served from the cache."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def _get_schema_response(self, request):
        return Response(
            data=cached_schema(),
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, None)}"'
            },
        )


def problem_types() -> list[tuple[str, int, str]]:
    """The problem types the API answers with (api/problems.py), for the reference."""
    return [
        ("validation", 400, _("A field or the request as a whole is wrong: see “errors”.")),
        ("authentication", 401, _("No token, or one that is mistyped, revoked or expired.")),
        ("forbidden", 403, _("The token lacks the scope, or the call is not for its owner.")),
        ("not-found", 404, _("No such case for your account, or no such address.")),
        ("conflict", 409, _("The case's present state refuses the action; the detail says why.")),
        ("idempotency-key-reused", 422, _("The Idempotency-Key came with another request.")),
        ("rate-limited", 429, _("Too many requests; Retry-After says when to try again.")),
        ("http", 413, _("Another HTTP error, such as a request too large.")),
    ]


def api_docs(request):
    ops, info = _reference()
    return render(
        request,
        "api/docs.html",
        {"operations": ops, "info": info, "problems": problem_types()},
    )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request):
    raise NotFound(_("There is no such address in the API."))
