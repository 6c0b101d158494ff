"""Handing a private stored file to someone a view has already allowed to read it."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def private_file_response(file, *, filename: str, content_type: str) -> HttpResponse:
    """The file as a download: streamed through this process, or, when
    STORAGE_DOWNLOADS is "redirect" and the storage signs its addresses (a bucket), a
    redirect to an address signed for STORAGE_SIGNED_URL_SECONDS. Never a lasting URL."""
    signs = getattr(file.storage, "querystring_auth", False)
    if settings.STORAGE_DOWNLOADS == "redirect" and signs:
        return _signed_redirect(file, filename=filename, content_type=content_type)
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _signed_redirect(file, *, filename: str, content_type: str) -> HttpResponse:
    # The store answers with these headers, so the browser saves the file under its own
    # name whatever the object is called.
    url = file.storage.url(
        file.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
            "ResponseCacheControl": "private, no-store",
        },
        expire=settings.STORAGE_SIGNED_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response
