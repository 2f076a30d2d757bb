"""App defaults, each overridable by a WCOMPAT_* Django setting or environment variable."""

import os

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_DEFAULTS = {
    "PER_PAGE": 10,
    "MAX_PER_PAGE": 100,
    # woocommerce_rest_batch_items_limit
    "BATCH_LIMIT": 100,
    # Seconds after which a batch starts no more items (they are answered "not processed"): well inside
    # gunicorn's worker timeout, so a batch always gets an answer.
    "BATCH_DEADLINE": 20,
    # The most ids an include or exclude list may hold (WordPress sets no bound; a URL holds about 1,000).
    "MAX_ID_LIST": 10000,
    # Seconds after which an Idempotency-Key whose request never finished (its worker was killed) may be
    # claimed again: longer than gunicorn's worker timeout.
    "IDEMPOTENCY_ABANDONED_SECONDS": 35,
    # Bytes of stored answers an API key's Idempotency-Key records may hold in all; past it the oldest go first.
    "IDEMPOTENCY_MAX_BYTES_PER_KEY": 50 * 1024 * 1024,
    # Webhooks may be delivered to private, loopback and link-local addresses and any port (development, tests).
    "WEBHOOK_ALLOW_PRIVATE_URLS": False,
    # Seconds a webhook delivery may take (WooCommerce's 60), and a ping (its 5).
    "WEBHOOK_TIMEOUT": 60.0,
    "WEBHOOK_PING_TIMEOUT": 5.0,
    # Retries of a failed delivery: how many attempts in all, and the first wait (doubled each time, at most a day).
    "WEBHOOK_MAX_ATTEMPTS": 8,
    "WEBHOOK_RETRY_SECONDS": 30.0,
    # Days the delivery log is kept.
    "WEBHOOK_LOG_DAYS": 30,
    # Seconds a worker sleeps when the queue is empty.
    "WORKER_POLL_SECONDS": 1.0,
    # Seconds a server process may keep using an API key it read (revocation reaches every process within it).
    "KEY_CACHE_SECONDS": 3,
    # Accept Basic auth and consumer_key/consumer_secret query parameters over plain HTTP.
    "ALLOW_INSECURE_KEY_AUTH": False,
    # Public base URL of the site (scheme://host[:port]); empty: the request's scheme and host.
    "SITE_URL": "",
    # woocommerce_downloads_grant_access_after_payment: processing orders grant downloads too.
    "DOWNLOADS_GRANT_ACCESS_AFTER_PAYMENT": True,
    # woocommerce_registration_generate_username / _password: when False, create requires them.
    "REGISTRATION_GENERATE_USERNAME": True,
    "REGISTRATION_GENERATE_PASSWORD": True,
    # The site's name and tagline in the /wp-json/ index.
    "SITE_NAME": "wcompat",
    "SITE_DESCRIPTION": "The WooCommerce REST API for customers",
    # Where the REST API is mounted below the site URL.
    "REST_PREFIX": "/wp-json",
}


_cache: dict[str, object] = {}


def get(name: str):
    """WCOMPAT_<name>: the Django setting, else the environment variable, else the app default.

    Read once per process (every request asks for several); a changed setting (override_settings in
    tests) clears the cache.
    """
    try:
        return _cache[name]
    except KeyError:
        value = _cache[name] = _read(name)
        return value


def _read(name: str):
    setting = f"WCOMPAT_{name}"
    if hasattr(settings, setting):
        return getattr(settings, setting)
    default = _DEFAULTS[name]
    raw = os.environ.get(setting)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return type(default)(raw) if isinstance(default, int | float) else raw


def is_rest_path(path: str) -> bool:
    """Whether a request path is the REST API's: the REST prefix (/wp-json) or anything below it."""
    prefix = get("REST_PREFIX")
    return path == prefix or path.startswith(prefix + "/")


@receiver(setting_changed)
def _forget(**_kwargs) -> None:
    _cache.clear()
