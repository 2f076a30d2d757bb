"""Webhook writes, shared by the REST API (single requests and batch items) and the admin.

Each checks what WooCommerce's webhooks controller checks, in its order, with its codes and texts, and
writes nothing when a check fails. A ping is owed on creation and whenever an active webhook is saved with
a new delivery URL or an unanswered ping: it is queued for the worker (WooCommerce sends it during the
request, ignoring the outcome; here it never slows the client).
"""

import secrets
import string
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from wcompat.args import nul_character_error
from wcompat.url_rules import esc_url_raw, is_valid_url
from webhooks import topics
from webhooks.delivery import queue_ping
from webhooks.error_codes import WebhookErrorCode
from webhooks.models import Webhook, newest_api_version

INVALID_TOPIC_ON_CREATE = "Webhook topic is required and must be valid."
INVALID_TOPIC = "Webhook topic must be valid."
# wp_generate_password( 50, true, true ): letters, digits, special and "extra special" characters.
SECRET_CHARACTERS = string.ascii_letters + string.digits + "!@#$%^&*()" + "-_ []{}<>~`+=,.;:/?|"
SECRET_LENGTH = 50


def _php_empty(value) -> bool:
    """PHP's empty() for a request value: None, "", "0", 0, false and empty arrays are empty."""
    return value is None or value in ("", "0", 0, False) or value == [] or value == {}


def generate_secret() -> str:
    return "".join(secrets.choice(SECRET_CHARACTERS) for _ in range(SECRET_LENGTH))


def default_name(now=None) -> str:
    """ "Webhook created on Jan 05, 2025 @ 03:04 PM" (WooCommerce's `M d, Y @ h:i A`, in UTC)."""
    now = (now or timezone.now()).astimezone(UTC)
    return f"Webhook created on {now:%b %d, %Y @ %I:%M %p}"


def check_topic(topic, message: str) -> None:
    # WooCommerce validates the lower-cased topic but stores the topic as written (see topics.stored_topic).
    if _php_empty(topic) or not isinstance(topic, str) or not topics.is_valid_topic(topic.lower()):
        raise WebhookErrorCode.INVALID_TOPIC.error(message)


def check_delivery_url(url) -> None:
    if _php_empty(url) or not isinstance(url, str) or not is_valid_url(url):
        raise WebhookErrorCode.INVALID_DELIVERY_URL.error()


def check_storable(**values) -> None:
    """The name and secret are stored as given (WooCommerce sanitizes neither): a NUL character is refused,
    since no column here can hold one (and a secret silently changed would sign with another key)."""
    for name, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            raise nul_character_error(name, name)


def webhook_create(
    *,
    owner,
    topic,
    delivery_url,
    name: str | None = None,
    secret: str | None = None,
    status: str = Webhook.Status.ACTIVE,
    api_version: str | None = None,
    site_url: str = "",
) -> Webhook:
    """A new webhook, as WooCommerce's REST create makes it (which is always active; the admin may choose)."""
    check_topic(topic, INVALID_TOPIC_ON_CREATE)
    check_delivery_url(delivery_url)
    check_storable(name=name, secret=secret)
    now = timezone.now()
    webhook = Webhook(
        name=name if not _php_empty(name) else default_name(now),
        status=status if status in Webhook.Status.values else Webhook.Status.DISABLED,
        user=owner if owner is not None and owner.is_authenticated else None,
        delivery_url=esc_url_raw(delivery_url),
        secret=secret if not _php_empty(secret) else generate_secret(),
        topic=topics.stored_topic(topic),
        api_version=api_version or newest_api_version(),
        pending_delivery=True,
        site_url=site_url,
        date_created=now,
    )
    with transaction.atomic():
        webhook.save(force_insert=True)
        if webhook.status == Webhook.Status.ACTIVE:
            queue_ping(webhook)
    return webhook


def webhook_update(
    *,
    webhook: Webhook,
    editor=None,
    name: str | None = None,
    status: str | None = None,
    topic: str | None = None,
    delivery_url: str | None = None,
    secret: str | None = None,
    api_version: str | None = None,
) -> Webhook:
    """Change what is given (and not empty), in WooCommerce's order of checks; the counts stay.

    The `editor` who points the webhook somewhere else (a new delivery URL), gives it a new secret or another
    API version (the admin's: it changes what a payload holds) becomes its owner, as whom payloads are
    rendered: nobody receives more than they may read themselves.
    WooCommerce keeps the creator as the owner, so an editor with fewer rights could redirect what the
    creator may read; this is a deliberate difference."""
    check_storable(name=name, secret=secret)
    changes = {}
    if not _php_empty(topic):
        check_topic(topic, INVALID_TOPIC)
        changes["topic"] = topics.stored_topic(topic)
    url_changed = False
    if not _php_empty(delivery_url):
        check_delivery_url(delivery_url)
        changes["delivery_url"] = esc_url_raw(delivery_url)
        url_changed = changes["delivery_url"] != webhook.delivery_url
    secret_changed = not _php_empty(secret) and secret != webhook.secret
    if not _php_empty(secret):
        changes["secret"] = secret
    version_changed = api_version is not None and api_version != webhook.api_version
    if version_changed:
        changes["api_version"] = api_version
    if (url_changed or secret_changed or version_changed) and editor is not None and editor.is_authenticated:
        changes["user"] = editor
    if not _php_empty(status):
        if not isinstance(status, str) or status.lower() not in Webhook.Status.values:
            raise WebhookErrorCode.INVALID_STATUS.error()
        changes["status"] = status if status in Webhook.Status.values else Webhook.Status.DISABLED
    if not _php_empty(name):
        changes["name"] = name
    changes["date_modified"] = timezone.now()
    with transaction.atomic():
        # Only what was given is written: a parallel update of another field is not undone.
        if not Webhook.objects.filter(pk=webhook.pk).update(**changes):
            raise WebhookErrorCode.INVALID_ID.error()
        webhook.refresh_from_db()
        if webhook.status == Webhook.Status.ACTIVE and (url_changed or webhook.pending_delivery):
            queue_ping(webhook)
    return webhook


def webhook_enable(*, webhook: Webhook) -> Webhook:
    """Make a webhook active again (one disabled after its failures, say), its failure count back to 0, and
    queue a ping, as WooCommerce pings a webhook that is activated."""
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk).update(
            status=Webhook.Status.ACTIVE, failure_count=0, pending_delivery=True, date_modified=timezone.now()
        )
        webhook.refresh_from_db()
        queue_ping(webhook)
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    """Delete the webhook; its queued deliveries and their log go with it."""
    Webhook.objects.filter(pk=webhook.pk).delete()
