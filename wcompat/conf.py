"""wcompat's defaults, each overridable by a WCOMPAT_* Django setting or environment variable; apps declare
their own the same way (AppSettings)."""

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
    # Seconds a server process may keep using an API key it read (revocation reaches every process within it).
    "KEY_CACHE_SECONDS": 3,
    # Accept Basic auth and consumer_key/consumer_secret query parameters over plain HTTP.
    "ALLOW_INSECURE_KEY_AUTH": False,
    # Public base URL of the site (scheme://host[:port]); empty: the request's scheme and host.
    "SITE_URL": "",
    # The site's name and tagline in the /wp-json/ index.
    "SITE_NAME": "wcompat",
    "SITE_DESCRIPTION": "The WooCommerce REST API for customers",
    # Where the REST API is mounted below the site URL.
    "REST_PREFIX": "/wp-json",
}


class AppSettings:
    """An app's WCOMPAT_* settings: each the Django setting, else the environment variable, else the app's default.

        settings = AppSettings({"WEBHOOK_TIMEOUT": 60.0})
        settings.get("WEBHOOK_TIMEOUT")     # WCOMPAT_WEBHOOK_TIMEOUT, as a float

    Read once per process (every request asks for several); a changed setting (override_settings in tests)
    clears every app's cache.
    """

    def __init__(self, defaults: dict[str, object]) -> None:
        self.defaults = defaults
        self._cache: dict[str, object] = {}
        _ALL.append(self)

    def get(self, name: str):
        try:
            return self._cache[name]
        except KeyError:
            value = self._cache[name] = self._read(name)
            return value

    def _read(self, name: str):
        setting = f"WCOMPAT_{name}"
        if hasattr(settings, setting):
            return getattr(settings, setting)
        default = self.defaults[name]
        raw = os.environ.get(setting)
        if raw is None:
            return default
        if isinstance(default, bool):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        return type(default)(raw) if isinstance(default, int | float) else raw


_ALL: list[AppSettings] = []
_WCOMPAT = AppSettings(_DEFAULTS)
get = _WCOMPAT.get


def is_rest_path(path: str) -> bool:
    """Whether a request path is the REST API's: the REST prefix (/wp-json) or anything below it."""
    prefix = get("REST_PREFIX")
    return path == prefix or path.startswith(prefix + "/")


@receiver(setting_changed)
def _forget(**_kwargs) -> None:
    for app_settings in _ALL:
        app_settings._cache.clear()
