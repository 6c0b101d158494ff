"""Where the portal keeps its files (case attachments, raw inbound mail): the local folder
MEDIA_ROOT, or a private bucket of an S3-compatible object store shared by every host.

    STORAGE_URL=s3://[ACCESS_KEY:SECRET_KEY@]BUCKET[/PREFIX][?OPTION=VALUE&...]

Options: endpoint_url (MinIO, Ceph, R2 ...; unset: AWS), region, addressing_style (path,
virtual or auto; path by default with an endpoint_url), acl (private or
bucket-owner-full-control; unset: no ACL is sent and objects take the bucket's private
default), verify (false, or a CA bundle's path). Credentials left out of the URL come from
boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance role ...).
Without STORAGE_URL, django-storages' own AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL,
AWS_S3_REGION_NAME, AWS_S3_ADDRESSING_STYLE, AWS_LOCATION and AWS_DEFAULT_ACL say the same.

Objects are never public: URLs are always signed and expire after `signed_url_seconds`,
and no custom (unsigned) domain is offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = ("path", "virtual", "auto")
PRIVATE_ACLS = ("private", "bucket-owner-full-control")
URL_OPTIONS = ("endpoint_url", "region", "addressing_style", "acl", "verify")
# The AWS_* variables read when STORAGE_URL is unset, and the option each one gives.
AWS_VARIABLES = {
    "AWS_S3_ENDPOINT_URL": "endpoint_url",
    "AWS_S3_REGION_NAME": "region",
    "AWS_S3_ADDRESSING_STYLE": "addressing_style",
    "AWS_DEFAULT_ACL": "acl",
    "AWS_S3_VERIFY": "verify",
}
FORMAT = "s3://[ACCESS_KEY:SECRET_KEY@]BUCKET[/PREFIX][?endpoint_url=...&region=...]"


def default_storage(environ: Mapping[str, str], *, signed_url_seconds: int) -> dict:
    """The STORAGES["default"] entry the environment asks for."""
    url = environ.get("STORAGE_URL", "").strip()
    if url:
        return s3_storage(**parse_storage_url(url), signed_url_seconds=signed_url_seconds)
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return dict(LOCAL)
    options = {
        option: environ[name].strip()
        for name, option in AWS_VARIABLES.items()
        if environ.get(name, "").strip()
    }
    return s3_storage(
        bucket=bucket,
        prefix=environ.get("AWS_LOCATION", "").strip("/ "),
        signed_url_seconds=signed_url_seconds,
        names={option: name for name, option in AWS_VARIABLES.items()},
        **options,
    )


def parse_storage_url(url: str) -> dict:
    """STORAGE_URL's parts as keyword arguments of `s3_storage`; a sentence on what is
    wrong otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL must start with s3:// (the form is {FORMAT}); "
            f"got {parts.scheme + '://' if parts.scheme else 'no scheme'}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"STORAGE_URL names no bucket: the form is {FORMAT}.")
    found = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in URL_OPTIONS:
            raise ImproperlyConfigured(
                f"STORAGE_URL has an unknown option {key!r}; the options are "
                f"{', '.join(URL_OPTIONS)}."
            )
        found[key] = value
    if (parts.username is None) != (parts.password is None):
        raise ImproperlyConfigured(
            "STORAGE_URL gives an access key without its secret key (or the other way round): "
            "give both as ACCESS_KEY:SECRET_KEY@, or neither."
        )
    if parts.username is not None:
        found["access_key"] = unquote(parts.username)
        found["secret_key"] = unquote(parts.password)
    # The bucket keeps its case: urlsplit lowers the host name.
    netloc = parts.netloc.rpartition("@")[2]
    return {"bucket": netloc, "prefix": parts.path.strip("/"), **found}


def s3_storage(
    *,
    bucket: str,
    prefix: str = "",
    endpoint_url: str = "",
    region: str = "",
    addressing_style: str = "",
    acl: str = "",
    verify: str = "",
    access_key: str = "",
    secret_key: str = "",
    signed_url_seconds: int,
    names: Mapping[str, str] | None = None,
) -> dict:
    """The STORAGES entry of a private bucket: signed, short-lived URLs only. `names`
    says which variable gave each option (in errors); STORAGE_URL's options by default."""

    def name(option: str) -> str:
        return (names or {}).get(option) or f"STORAGE_URL's {option}"

    if endpoint_url and urlsplit(endpoint_url).scheme not in ("http", "https"):
        raise ImproperlyConfigured(
            f"{name('endpoint_url')} must be an http:// or https:// address; got {endpoint_url!r}."
        )
    if addressing_style and addressing_style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"{name('addressing_style')} must be one of {', '.join(ADDRESSING_STYLES)}; "
            f"got {addressing_style!r}."
        )
    if acl and acl not in PRIVATE_ACLS:
        raise ImproperlyConfigured(
            f"{name('acl')} must be {' or '.join(PRIVATE_ACLS)} (files are served only "
            f"through the portal, never from a public bucket); got {acl!r}."
        )
    if not 1 <= signed_url_seconds <= 3600:
        raise ImproperlyConfigured(
            "STORAGE_SIGNED_URL_SECONDS must be between 1 and 3600 (a signed address "
            f"lets anyone holding it read the file); got {signed_url_seconds}."
        )
    options = {
        "bucket_name": bucket,
        "location": prefix,
        "region_name": region or None,
        "endpoint_url": endpoint_url or None,
        # Other stores than AWS mostly serve buckets under the path, not a host name.
        "addressing_style": addressing_style or ("path" if endpoint_url else None),
        "default_acl": acl or None,
        "querystring_auth": True,
        "querystring_expire": signed_url_seconds,
        "signature_version": "s3v4",
        "custom_domain": None,
        "file_overwrite": False,
    }
    if verify:
        options["verify"] = False if verify.lower() in ("false", "0", "no") else verify
    if access_key:
        options["access_key"], options["secret_key"] = access_key, secret_key
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
