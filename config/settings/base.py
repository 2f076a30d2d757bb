"""All settings, read from the environment where they differ between machines.

Production differences come from environment variables (DJANGO_*, WCOMPAT_*), not from a separate module.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env_bool("DJANGO_DEBUG", False)
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
# Management commands run without one on a development machine; serving (config/wsgi.py) requires it
# unless DJANGO_DEBUG is on, and `check --deploy` flags the development value.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-development-key"
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
# WordPress routes are matched without a trailing slash; a redirect would break signed POSTs.
APPEND_SLASH = False

# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
# Set DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO behind a TLS-terminating proxy.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"], "https")

# SECURITY (what `manage.py check --deploy` asks of production)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-ssl-redirect
# Off by default: WooCommerce clients sign requests with OAuth 1.0a over plain HTTP, and a redirect would
# break them. Turn it on where every client uses HTTPS.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# DATABASE_URL (postgres://user:password@host:5432/name); SQLite in DJANGO_SQLITE_PATH when unset.
DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///" + os.environ.get("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with each statement's placeholders converted once (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    # Several server processes share the file: write-ahead logging lets reads go on during a write, and
    # IMMEDIATE transactions queue writers instead of failing them with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/#using-argon2-with-django
# Argon2id at OWASP's cost (config/hashers.py); hashes made with the others still verify, and are upgraded.
PASSWORD_HASHERS = [
    "config.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "wcompat",
    "customers",
    "webhooks",
    "system_status",
]

# Sessions, logins and messages (config.middleware) are Django's own, passed over by the REST API, which
# authenticates each request with its API key. CSRF and frame options stay as they are: `check --deploy`
# looks for them by name.
MIDDLEWARE = [
    "wcompat.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wcompat.middleware.WpRestMiddleware",
    "config.middleware.SiteSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.SiteAuthenticationMiddleware",
    "config.middleware.SiteMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

# LOGGING
# ------------------------------------------------------------------------------
# One JSON line per API request (wcompat.logging): method, path without its query string, status, duration,
# key ending. Query strings are never logged: they can carry consumer secrets and OAuth signatures.
# Every handler redacts credentials (wcompat.logging.redact), so neither the development server's request
# lines nor Django's own warnings can print a consumer secret, an OAuth signature or an Authorization value.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_credentials": {"()": "wcompat.logging.RedactCredentials"}},
    "formatters": {"json": {"()": "wcompat.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact_credentials"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own loggers write through the redacting handler above, not through handlers of their own.
    "loggers": {"django": {"handlers": [], "level": "INFO"}, "django.server": {"level": "WARNING", "propagate": True}},
}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates first: config/templates overrides drf-spectacular's Redoc page (no web fonts).
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# STATIC
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
# Only needed for `collectstatic`; WhiteNoise serves straight from the apps otherwise.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or None
# WhiteNoise serves the admin's and the API docs' files from the apps themselves (no collectstatic needed).
# https://whitenoise.readthedocs.io/en/stable/django.html#WHITENOISE_USE_FINDERS
WHITENOISE_USE_FINDERS = True

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["wcompat.authentication.ConsumerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["wcompat.permissions.CapabilityPermission"],
    "DEFAULT_RENDERER_CLASSES": ["wcompat.renderers.WpJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wcompat.exceptions.wc_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "wcompat",
    "DESCRIPTION": "The WooCommerce REST API for customers, in wc/v1, wc/v2 and wc/v3.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/wp-json/wc/v[0-9]+",
    # Swagger UI and Redoc come from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wcompat.schema.postprocess",
    ],
}

# WCOMPAT (WooCommerce conventions; defaults in wcompat/conf.py)
# ------------------------------------------------------------------------------
# Basic auth and query-string keys are only honoured on HTTPS, as in WooCommerce. The development
# server (`make serve`) turns this on; production leaves it off.
WCOMPAT_ALLOW_INSECURE_KEY_AUTH = env_bool("WCOMPAT_ALLOW_INSECURE_KEY_AUTH", False)
# Serve /bench/bare, the benchmark's baseline (scripts/benchmark.py turns it on).
WCOMPAT_BENCHMARK_VIEWS = env_bool("WCOMPAT_BENCHMARK_VIEWS", False)
# The site's public base URL (scheme://host[:port]) used in links; empty means the request's own host.
WCOMPAT_SITE_URL = os.environ.get("WCOMPAT_SITE_URL", "")
