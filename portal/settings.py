"""Settings for the support portal, all driven by environment variables.

The defaults are the embedded mode: SQLite and Celery's filesystem transport under
var/, mail written to var/mail/. Production sets DEBUG=false and the URLs of
PostgreSQL, Redis and SMTP; see README.md for every variable.
"""

from datetime import timedelta
from email.utils import getaddresses
from ipaddress import ip_network
from pathlib import Path

import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import object_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)

# The embedded mode's key, never a secret: refused below when DEBUG is off.
_DEV_SECRET_KEY = "insecure-development-key-for-the-embedded-mode-only-never-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured(
            "DEBUG is off, so SECRET_KEY must be set to a random value of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is off, so ALLOWED_HOSTS must list the host names the portal is served under."
        )

INSTALLED_APPS = [
    "portal",
    "core",
    "accounts",
    "accounts.sso",
    "cases",
    "inbound",
    "deliverability",
    "availability",
    "api",
    "webhooks",
    "demo",
    "benchmarks",
    "portal.admin.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "accounts.signin.apps.SignInLockoutsConfig",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # After django-otp: its admin replaces theirs (an authenticator's secret stays hidden).
    "accounts.signin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.signin.middleware.SecondFactorMiddleware",
    "portal.middleware.PrivateCacheMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# The customer pages are Jinja2 templates (<app>/jinja2/, the layout in portal/jinja2/): the
# engine costs a fraction of Django's on a list of rows. It comes first, so that its
# registration/ pages are found before the admin's. The admin and the mails are Django
# templates (templates/, <app>/templates/).
_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.template.context_processors.tz",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "portal.context_processors.contract",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "portal.jinja.environment",
            "context_processors": _CONTEXT_PROCESSORS,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": _CONTEXT_PROCESSORS,
            # `date` with each language's abbreviated months (core/dates.py).
            "builtins": ["core.templatetags.dates"],
        },
    },
]

# Databases: SQLite under var/ by default; DATABASE_URL=postgres://... in production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, and
    # IMMEDIATE transactions wait for the lock instead of failing halfway.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Rendered fragments (a case's timeline) are kept in each process, not in a shared
    # cache: their keys name exactly what they were rendered from, so no process can
    # serve a stale one, and a cache outage cannot break a page.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_USER_MODEL = "accounts.User"
# The first refuses a login or client address locked out for too many failures.
# The last signs in by a customer account's identity provider, from its callback only.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PortalBackend",
    "accounts.sso.backends.SignOnBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address is REMOTE_ADDR; behind a TLS-terminating proxy that appends the
# address it saw to X-Forwarded-For, set BEHIND_TLS_PROXY (and TRUSTED_PROXY_COUNT if
# more than one proxy appends). Sign-in lockouts and reset limits count per address.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins with one
# login, or from one client address, within the cool-off, that login or address is
# locked out until the cool-off has passed since its failures. Staff unlock in the admin
# (Access attempts: delete the rows).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.signin.hooks.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.hooks.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.signin.hooks.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# A success does not wipe the failures: they are shared with the client address, and an
# attacker with one login of their own could otherwise reset the count at will.
AXES_RESET_ON_SUCCESS = False
# Tries during a lockout do not move its end: the sentence's time holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# A second factor (TOTP authenticator app, with backup codes) for every staff sign-in.
# On by default in production (DEBUG off), off for a developer's laptop; customers may
# turn it on for themselves from their profile.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "Email Enterprise Support"
# The admin never shows an authenticator's secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Password-reset links: at most this many mails per address an hour (further requests
# show the same page and mail nothing), and this many requests per client address an hour.
PASSWORD_RESET_MAILS_PER_ADDRESS_PER_HOUR = env.int(
    "PASSWORD_RESET_MAILS_PER_ADDRESS_PER_HOUR", default=3
)
PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR = env.int(
    "PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR", default=20
)

# Single sign-on per customer account (OpenID Connect): each provider's configuration and
# keys are kept this long in the cache; calls to a provider wait this many seconds at most.
# Providers are reached over HTTPS only; SSO_ALLOW_LOOPBACK_HTTP lets tests run one on
# plain HTTP at 127.0.0.1, never anything else.
SSO_DISCOVERY_CACHE_SECONDS = env.int("SSO_DISCOVERY_CACHE_SECONDS", default=3600)
SSO_HTTP_TIMEOUT = env.float("SSO_HTTP_TIMEOUT", default=10.0)
SSO_ALLOW_LOOPBACK_HTTP = env.bool("SSO_ALLOW_LOOPBACK_HTTP", default=False)

# Languages: English and Dutch, with the contract's Dutch terms.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
# Each app keeps its own translations; project templates (base, sign-in) use locale/.
# Apps come first so that `makemessages` files each string under the app it belongs to.
LOCALE_PATHS = [
    BASE_DIR / "accounts" / "signin" / "locale",
    *(
        BASE_DIR / app / "locale"
        for app in (
            "portal",
            "core",
            "accounts",
            "cases",
            "inbound",
            "deliverability",
            "availability",
            "api",
        )
    ),
]
LOCALE_PATHS.append(BASE_DIR / "locale")
USE_I18N = True
# Times are stored in UTC; users, accounts and calendars carry IANA zone names.
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are private: served only through access-checked views, never by URL.
# They live under MEDIA_ROOT, or in a private S3-compatible bucket shared by every host
# when STORAGE_URL (or django-storages' AWS_STORAGE_BUCKET_NAME ...) is set.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Downloads from a bucket: "stream" (through the portal) or "redirect" (to a signed address
# valid this many seconds). The local folder is always streamed.
STORAGE_DOWNLOADS = env.str("STORAGE_DOWNLOADS", default="stream")
if STORAGE_DOWNLOADS not in ("stream", "redirect"):
    raise ImproperlyConfigured(
        f"STORAGE_DOWNLOADS must be stream or redirect; got {STORAGE_DOWNLOADS!r}."
    )
STORAGE_SIGNED_URL_SECONDS = env.int("STORAGE_SIGNED_URL_SECONDS", default=60)
STORAGES = {
    "default": object_storage.default_storage(
        env.ENVIRON, signed_url_seconds=STORAGE_SIGNED_URL_SECONDS
    ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail: files under var/mail/ by default; EMAIL_URL=smtp://user:pass@host:587 in production.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Email Enterprise Support <support@example.com>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The designated support address of the contract: customers file and follow cases there.
SUPPORT_EMAIL_ADDRESS = env.str("SUPPORT_EMAIL_ADDRESS", default="support@example.com")
# The Severity 1 hotline, staffed 24 hours a day, 7 days a week, 365 days a year.
SEVERITY1_HOTLINE = env.str("SEVERITY1_HOTLINE", default="+31 20 123 4567")
# Absolute address of the portal, for links in mail.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The platform status page (/status/: incidents and monthly availability) for everyone,
# without signing in; when off, only signed-in customers and staff see it.
STATUS_PAGE_PUBLIC = env.bool("STATUS_PAGE_PUBLIC", default=False)

# Alerts to staff (Severity 1 calls, SLA warnings and breaches): email, plus a webhook
# signed with HMAC-SHA256 of the body (header X-Portal-Signature) for paging or SMS.
ALERT_NOTIFIERS = env.list(
    "ALERT_NOTIFIERS",
    default=["accounts.alerts.EmailNotifier", "accounts.alerts.WebhookNotifier"],
)
ALERT_WEBHOOK_URL = env.str("ALERT_WEBHOOK_URL", default="")
ALERT_WEBHOOK_SECRET = env.str("ALERT_WEBHOOK_SECRET", default="")
ALERT_WEBHOOK_TIMEOUT = env.float("ALERT_WEBHOOK_TIMEOUT", default=5.0)

# Webhooks to customers' own systems (webhooks/, docs/webhooks.md). Deliveries go to
# public internet addresses only; ALLOW_PRIVATE_ADDRESSES is for the test suite's servers
# on loopback. CA_BUNDLE: a PEM file of the certificate authorities to trust instead of
# the system's (empty: the system's).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
WEBHOOKS_CA_BUNDLE = env.str("WEBHOOKS_CA_BUNDLE", default="")
WEBHOOKS_CONNECT_TIMEOUT = env.float("WEBHOOKS_CONNECT_TIMEOUT", default=3.0)
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=10.0)
# Delivered and failed deliveries stay in the endpoint's log this long, then beat deletes
# them (webhooks.purge_deliveries).
WEBHOOKS_DELIVERY_RETENTION_DAYS = env.int("WEBHOOKS_DELIVERY_RETENTION_DAYS", default=30)

# Health (/health/, portal/health.py): open to load balancers and monitors without a
# login. With a token set, only `Authorization: Bearer <token>` is told which check failed.
HEALTH_CHECK_TOKEN = env.str("HEALTH_CHECK_TOKEN", default="")
# When the SLA sweep has not completed for this long, the next staff admin page alerts
# the Support Managers and on-call (once per stale streak) and shows a banner.
HEALTH_SLA_SWEEP_ALARM_MINUTES = env.int("HEALTH_SLA_SWEEP_ALARM_MINUTES", default=3)
# A load balancer may probe over plain HTTP behind the TLS proxy (the list is extended
# for /metrics below).
SECURE_REDIRECT_EXEMPT = [r"^health/"]

# Celery: kombu's filesystem transport under var/ by default; redis://... in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _d in (_queue_dir, _processed_dir, _control_dir):
        _d.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
        # The transport polls its folder; a short interval keeps a laptop responsive.
        "polling_interval": 0.2,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it for another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task that loses its broker connection is redelivered anyway: stop it rather than
# run it twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# No task runs longer than this (seconds; the soft limit a minute earlier lets it end
# cleanly). The longest are a mailbox poll (INBOUND_IMAP_BATCH messages, each read
# within INBOUND_IMAP_TIMEOUT) and a blocklist chunk (BLOCKLIST_CHUNK_SIZE assets
# against every list); both take seconds to a few minutes.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 60)
# Redis: a task taken but not acknowledged within this many seconds is given to another
# worker. It must outlast the longest run (the time limit above) plus the longest retry
# countdown (10 minutes: retry_backoff_max), since a task waiting for its retry is held
# unacknowledged too; shorter, and a slow task or a retry runs twice. It is also how long
# the task of a worker lost with its host (kill -9, power) waits before another takes it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if CELERY_BROKER_URL.startswith(("redis", "rediss")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # How often workers look for tasks past the timeout (a cheap Redis scan).
        "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 60)),
        "unacked_restore_throttle": 1,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

# Content-Security-Policy on every page (django-csp 4 format): scripts and styles only
# from our own static files (no inline script, style element or style attribute, no nonce
# needed), images from us or data: URIs (Bootstrap's icons), nothing framed, forms posted
# to us alone. Attachment downloads send their own stricter policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening; each can be relaxed by its variable behind a TLS-terminating proxy.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Watching it: errors, logs and metrics ---------------------------------------------
# Unhandled errors go to Sentry when SENTRY_DSN is set, and by mail to ADMINS
# ("Name <address>, ...") in production. Neither carries what people wrote: see
# portal/observability.py (Sentry's before_send, the mail's exception reporter filter).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
ADMINS = [(name, addr) for name, addr in getaddresses([env.str("ADMINS", default="")]) if addr]
if any("@" not in address for _name, address in ADMINS):
    raise ImproperlyConfigured(
        "ADMINS must list email addresses, comma-separated, each optionally with a name: "
        '"Ops <ops@example.com>, oncall@example.com".'
    )
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.observability.PrivateExceptionReporterFilter"

# Logs: plain text by default; LOG_FORMAT=json writes one JSON object a line, each with
# the request id (X-Request-ID, echoed in the response), the user id and the case
# reference where known, plus one line per request with its status and duration.
LOG_FORMAT = env.str("LOG_FORMAT", default="text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f'LOG_FORMAT is "{LOG_FORMAT}"; use "text" or "json".')
_json_logs = LOG_FORMAT == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "core.log_context.ContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            **({"formatter": "json"} if _json_logs else {}),
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # runserver prints its own line per request in text mode.
        "portal.requests": {"level": "INFO" if _json_logs else "WARNING"},
        **({"django.server": {"handlers": [], "propagate": True}} if _json_logs else {}),
    },
}
# Celery workers and beat keep this configuration instead of installing their own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not _json_logs

# Metrics for Prometheus at /metrics: django-prometheus counts requests and latencies
# (its two middlewares around ours) and database queries (its engines wrap Django's own
# PostgreSQL and SQLite backends, subclassing them: same options, same vendor); the
# support desk's gauges are read from the database at each scrape (portal/metrics.py).
# Open with `Authorization: Bearer <METRICS_TOKEN>`, or from METRICS_ALLOWED_NETWORKS.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 16 characters long.")
try:
    METRICS_ALLOWED_NETWORKS = [
        ip_network(n, strict=False)
        for n in env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(
        f"METRICS_ALLOWED_NETWORKS must list networks in CIDR notation (10.0.0.0/8): {exc}."
    ) from None
INSTALLED_APPS.append("django_prometheus")
MIDDLEWARE = [
    "portal.middleware.RequestContextMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
# Prometheus scrapes each web host directly (each process counts its own requests), over
# the internal network: the HTTPS redirect would send it to a port nobody serves.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]

# --- Support cases -------------------------------------------------------------------
# First-response targets when no SLA policy row exists (the admin edits the policies).
CASES_NON_CRITICAL_FIRST_RESPONSE_MINUTES = env.int(
    "CASES_NON_CRITICAL_FIRST_RESPONSE_MINUTES", default=240
)
CASES_CRITICAL_FIRST_RESPONSE_MINUTES = env.int("CASES_CRITICAL_FIRST_RESPONSE_MINUTES", default=15)
# A customer escalates a case to the Technical Account Manager at most once in this many hours.
CASES_ESCALATION_INTERVAL_HOURS = env.int("CASES_ESCALATION_INTERVAL_HOURS", default=24)
# A customer's reply to a resolved or closed case reopens it within this many days of
# its resolution; later it opens a new case that follows up on it.
CASES_REOPEN_WINDOW_DAYS = env.int("CASES_REOPEN_WINDOW_DAYS", default=14)
# Attachments: at most this many bytes each, and only these content types.
CASES_ATTACHMENT_MAX_BYTES = env.int("CASES_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
CASES_ATTACHMENT_MAX_FILES = env.int("CASES_ATTACHMENT_MAX_FILES", default=5)
CASES_ATTACHMENT_TYPES = env.list(
    "CASES_ATTACHMENT_TYPES",
    default=[
        "text/plain",
        "text/csv",
        "application/json",
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "message/rfc822",
        "application/zip",
        "application/gzip",
    ],
)

# Blocklist monitoring ------------------------------------------------------------------
# Nameservers the DNSBL checks go through, "address[:port]", comma-separated; empty = the
# machine's resolver. Use a resolver of your own: public resolvers are refused by Spamhaus.
BLOCKLIST_NAMESERVERS = env.list("BLOCKLIST_NAMESERVERS", default=[])
# Spamhaus permits its public mirror for non-commercial use only; with a Data Query
# Service key the Spamhaus lists are queried as <key>.<zone>.dq.spamhaus.net.
SPAMHAUS_DQS_KEY = env.str("SPAMHAUS_DQS_KEY", default="")
# Default interval of the scheduled check (editable afterwards as a periodic task).
BLOCKLIST_CHECK_INTERVAL_MINUTES = env.int("BLOCKLIST_CHECK_INTERVAL_MINUTES", default=60)
# A customer's "check now" starts at most one check of their account in this many minutes.
BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES = env.int("BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES", default=15)
BLOCKLIST_CONCURRENCY = env.int("BLOCKLIST_CONCURRENCY", default=50)
BLOCKLIST_TIMEOUT_SECONDS = env.float("BLOCKLIST_TIMEOUT_SECONDS", default=2.0)
BLOCKLIST_RETRIES = env.int("BLOCKLIST_RETRIES", default=1)
# Assets per chunk: a worker that dies loses at most one chunk, which is then redone.
BLOCKLIST_CHUNK_SIZE = env.int("BLOCKLIST_CHUNK_SIZE", default=50)
# The most sending domains one account may monitor; customers are told at the cap.
DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT = env.int(
    "DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT", default=50
)
# Open a deliverability support case automatically on a new listing on a major list.
BLOCKLIST_OPEN_CASE_ON_MAJOR_LISTING = env.bool(
    "BLOCKLIST_OPEN_CASE_ON_MAJOR_LISTING", default=False
)

# Availability probes ------------------------------------------------------------------
# The contract's unavailability as the probes measure it: a component in a region is
# unavailable once every probe result of this many minutes is a server-side failure.
AVAILABILITY_WINDOW_MINUTES = env.int("AVAILABILITY_WINDOW_MINUTES", default=3)
# Probe results are deleted after this many days: the monthly figures come from the
# outages, which are kept.
AVAILABILITY_RESULT_RETENTION_DAYS = env.int("AVAILABILITY_RESULT_RETENTION_DAYS", default=90)

# --- Inbound mail --------------------------------------------------------------------
# The designated support address, read from an IMAP mailbox (empty host: not polled; an
# MTA can still pipe mail to `manage.py ingest_email`). TLS is "implicit" (port 993) or
# "starttls" (port 143); "none" needs INBOUND_IMAP_ALLOW_PLAINTEXT=true and a loopback
# server, and is meant for a test server only. Attachments follow the CASES_ATTACHMENT_*
# rules above.
# A bad combination is refused by a system check (manage.py check, migrate, runserver).
INBOUND_IMAP_HOST = env.str("INBOUND_IMAP_HOST", default="")
INBOUND_IMAP_TLS = env.str("INBOUND_IMAP_TLS", default="implicit").strip().lower()
INBOUND_IMAP_PORT = env.int("INBOUND_IMAP_PORT", default=None)  # None: 993 or 143 by TLS
INBOUND_IMAP_USER = env.str("INBOUND_IMAP_USER", default="")
INBOUND_IMAP_PASSWORD = env.str("INBOUND_IMAP_PASSWORD", default="")
# How the poller signs in: "password", or SASL XOAUTH2 with a token of the
# client-credentials flow: "oauth2-microsoft" (Microsoft 365, where basic authentication
# is off: an app registration with the IMAP.AccessAsApp permission, and the mailbox
# granted to its service principal) or "oauth2-google" (Google Workspace: a service account
# with domain-wide delegation of https://mail.google.com/; INBOUND_IMAP_USER is the mailbox).
INBOUND_IMAP_AUTH = env.str("INBOUND_IMAP_AUTH", default="password").strip().lower()
INBOUND_IMAP_OAUTH2_CLIENT_ID = env.str("INBOUND_IMAP_OAUTH2_CLIENT_ID", default="")
INBOUND_IMAP_OAUTH2_CLIENT_SECRET = env.str("INBOUND_IMAP_OAUTH2_CLIENT_SECRET", default="")
INBOUND_IMAP_OAUTH2_TENANT = env.str("INBOUND_IMAP_OAUTH2_TENANT", default="")
# Default: https://login.microsoftonline.com/<tenant>; another cloud's (or a test's) here.
INBOUND_IMAP_OAUTH2_AUTHORITY = env.str("INBOUND_IMAP_OAUTH2_AUTHORITY", default="")
INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE = env.str(
    "INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE", default=""
)
# A CA bundle for the token endpoint's certificate; empty: the system's CAs.
INBOUND_IMAP_OAUTH2_CA_FILE = env.str("INBOUND_IMAP_OAUTH2_CA_FILE", default="")
INBOUND_IMAP_FOLDER = env.str("INBOUND_IMAP_FOLDER", default="INBOX")
# Empty: stored messages stay in the folder, marked with a keyword; else moved here.
INBOUND_IMAP_PROCESSED_FOLDER = env.str("INBOUND_IMAP_PROCESSED_FOLDER", default="")
# Messages over INBOUND_MAX_MESSAGE_BYTES are moved here unread (created if missing);
# empty: they stay in the folder, marked with the keyword.
INBOUND_IMAP_OVERSIZE_FOLDER = env.str("INBOUND_IMAP_OVERSIZE_FOLDER", default="Oversized")
INBOUND_IMAP_ALLOW_PLAINTEXT = env.bool("INBOUND_IMAP_ALLOW_PLAINTEXT", default=False)
# A CA bundle for a server certificate from a private CA; empty: the system's CAs.
INBOUND_IMAP_CA_FILE = env.str("INBOUND_IMAP_CA_FILE", default="")
INBOUND_IMAP_TIMEOUT = env.float("INBOUND_IMAP_TIMEOUT", default=30.0)
# Raw messages are kept this many days for audit, then deleted.
INBOUND_RAW_MESSAGE_RETENTION_DAYS = env.int("INBOUND_RAW_MESSAGE_RETENTION_DAYS", default=365)
# The authserv-id(s) our own MTA writes in Authentication-Results; only those headers are
# believed. Empty: the topmost header (added by the last MTA, ours). See
# inbound/authentication.py for how several believed headers are read.
INBOUND_AUTHSERV_IDS = env.list("INBOUND_AUTHSERV_IDS", default=[])
# On: a customer's mail is posted only with a DMARC pass, else quarantined. Off: posted
# and marked "sender not verified" for staff. Staff mail always needs a pass.
INBOUND_REQUIRE_DMARC_PASS = env.bool("INBOUND_REQUIRE_DMARC_PASS", default=False)
# Larger messages are not read: the MTA pipe bounces them to the sender, the IMAP poll
# moves them to INBOUND_IMAP_OVERSIZE_FOLDER; both record them for staff.
INBOUND_MAX_MESSAGE_BYTES = env.int("INBOUND_MAX_MESSAGE_BYTES", default=25 * 1024 * 1024)
if INBOUND_MAX_MESSAGE_BYTES < 1024:
    raise ImproperlyConfigured(
        f"INBOUND_MAX_MESSAGE_BYTES is {INBOUND_MAX_MESSAGE_BYTES}; a message limit needs "
        "at least 1024 bytes."
    )
# An unknown sender gets one reply on how to get access per address in this many hours.
INBOUND_ACCESS_REPLY_INTERVAL_HOURS = env.int("INBOUND_ACCESS_REPLY_INTERVAL_HOURS", default=24)
# Messages read from the IMAP mailbox per poll; the rest wait for the next minute.
INBOUND_IMAP_BATCH = env.int("INBOUND_IMAP_BATCH", default=200)
# Providers' inbound webhooks (inbound/webhooks.py), each at /inbound/<provider>/:
# "mailgun", "postmark", "sendgrid", "amazon-ses". Empty: none has a URL.
INBOUND_WEBHOOK_PROVIDERS = env.list("INBOUND_WEBHOOK_PROVIDERS", default=[])
# user:password, given to every provider in its webhook URL (https://user:password@...).
INBOUND_WEBHOOK_SECRET = env.str("INBOUND_WEBHOOK_SECRET", default="")
# Mailgun's HTTP webhook signing key (its control panel, "Webhooks").
INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY = env.str("INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY", default="")
# The SNS topics Amazon SES's receipt rules publish to; other topics are refused.
INBOUND_WEBHOOK_SES_TOPIC_ARNS = env.list("INBOUND_WEBHOOK_SES_TOPIC_ARNS", default=[])

# --- The REST API (/api/v1/, docs/api.md) ---------------------------------------------
# Requests per token, and per customer account (all its tokens together), in the cache
# (Redis in production: every web process counts the same requests). DRF's rate format:
# "<number>/<second|minute|hour|day>".
API_RATE_PER_TOKEN = env.str("API_RATE_PER_TOKEN", default="120/minute")
API_RATE_PER_ACCOUNT = env.str("API_RATE_PER_ACCOUNT", default="600/minute")
for _name, _rate in (
    ("API_RATE_PER_TOKEN", API_RATE_PER_TOKEN),
    ("API_RATE_PER_ACCOUNT", API_RATE_PER_ACCOUNT),
):
    _count, _slash, _period = _rate.partition("/")
    if not (
        _count.isdigit() and int(_count) > 0 and _period in ("second", "minute", "hour", "day")
    ):
        raise ImproperlyConfigured(
            f'{_name} is "{_rate}"; give calls per period, such as "120/minute" '
            "(second, minute, hour or day)."
        )
# A retried POST with the same Idempotency-Key answers the first response for this long.
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.ReadOnlySessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.TokenRateThrottle",
        "api.throttles.AccountRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE_PER_TOKEN, "account": API_RATE_PER_ACCOUNT},
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The address calls without a token are throttled by: REMOTE_ADDR, or behind the TLS
    # proxy the entry it appended, as for sign-in (never what a client wrote itself).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT if BEHIND_TLS_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Email Enterprise Support API",
    "DESCRIPTION": "Support cases and the account's support contract, for the customer's "
    "own systems. Authenticate with `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FailureCauseEnum": "cases.models.FailureCause",
        # The cases' names stay as they were; the incidents' have their own.
        "StatusEnum": "cases.models.Status",
        "SeverityEnum": "cases.models.Severity",
        "KindEnum": [("message", "message"), ("event", "event")],
        "IncidentStatusEnum": [("active", "active"), ("resolved", "resolved")],
        "IncidentSeverityEnum": "cases.models.IncidentSeverity",
    },
    "AUTHENTICATION_WHITELIST": ["api.authentication.BearerTokenAuthentication"],
}
