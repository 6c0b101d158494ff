"""The API's reference, drawn on the server from its OpenAPI schema (no script, no
third-party assets), and its answer to an unknown address."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound

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


def api_docs(request):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {"operations": operations(schema), "info": schema.get("info", {})},
    )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request):
    raise NotFound(_("There is no such address in the API."))
