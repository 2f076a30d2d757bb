"""The webhooks app's settings, each overridable by a WCOMPAT_* Django setting or environment variable."""

from wcompat.conf import AppSettings

_settings = AppSettings(
    {
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
        "WORKER_POLL_SECONDS": 0.5,
        # Deliveries one worker process sends at once (a thread each, speaking HTTP only), and at most to one
        # receiving host (0: half the worker's, so a dead host holds half the threads and the others share the rest).
        "WORKER_CONCURRENCY": 256,
        "WEBHOOK_PER_HOST": 0,
    }
)
get = _settings.get
