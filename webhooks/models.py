"""WooCommerce webhooks, and the queue of their deliveries (which is also their delivery log)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webhooks import topics


def newest_api_version() -> str:
    """The newest namespace the webhooks API is served in (a webhook made without one renders in it)."""
    from webhooks.schema import VERSIONS  # (webhooks.schema imports this module)

    return VERSIONS[-1].namespace


class Webhook(models.Model):
    """A subscription to customer events: where to POST them, signed with which secret.

    As in WooCommerce's wc_webhooks table; resource, event and hooks are derived from the topic.
    `api_version` (wc/v1, wc/v2 or wc/v3) is the namespace the payloads are rendered in, fixed by the namespace
    the webhook was created through; `user` is its owner, as whom payloads are rendered.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        DISABLED = "disabled", _("Disabled")

    name = models.TextField(_("name"), blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DISABLED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhooks",
        verbose_name=_("owner"),
    )
    delivery_url = models.TextField(_("delivery URL"), blank=True, default="")
    secret = models.TextField(_("secret"), blank=True, default="")
    topic = models.CharField(_("topic"), max_length=200, blank=True, default="")
    api_version = models.CharField(_("API version"), max_length=20, default=newest_api_version)
    failure_count = models.SmallIntegerField(_("consecutive failures"), default=0)
    # A ping is owed: set on creation, activation and a new delivery URL; cleared by a ping answered 200.
    pending_delivery = models.BooleanField(_("ping pending"), default=False)
    # The site's address when the webhook was made (X-WC-Webhook-Source and payload links), unless
    # WCOMPAT_SITE_URL says otherwise.
    site_url = models.CharField(_("site URL"), max_length=500, blank=True, default="")
    date_created = models.DateTimeField(_("date created"), default=timezone.now)
    date_modified = models.DateTimeField(_("date modified"), null=True, blank=True)

    class Meta:
        ordering = ["-date_created", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        indexes = [models.Index(fields=["status", "topic"], name="webhooks_status_topic")]
        permissions = [("manage_webhooks", _("Can manage webhooks (WooCommerce's manage_woocommerce)"))]

    def __str__(self) -> str:
        return self.name or f"Webhook {self.pk}"

    @property
    def resource(self) -> str:
        return topics.resource(self.topic)

    @property
    def event(self) -> str:
        return topics.event(self.topic)

    @property
    def hooks(self) -> list[str]:
        return topics.hooks(self.topic)


class Delivery(models.Model):
    """One event (or a ping) to send to one webhook: a row of the durable queue, then of the delivery log.

    Queued in the same transaction as the change it reports, so a rolled-back write queues nothing and a
    committed one is never lost. A worker leases a due row (`locked_until`), sends it, and records the
    attempt; a failure is retried later with backoff. A worker that dies lets its lease run out and the row
    is sent again, with the same Delivery-ID, so receivers can drop duplicates.
    """

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        PING = "ping", _("Ping")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    # No index of its own: webhooks_delivery_pending begins with it (one index fewer to write on every claim).
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EVENT)
    topic = models.CharField(_("topic"), max_length=200)
    resource_id = models.BigIntegerField(_("resource id"), default=0)
    delivery_id = models.CharField(_("delivery id"), max_length=32)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    locked_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    # The lease's owner: every change a worker makes to a claimed row is guarded by it (webhooks.queue).
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True, default="", db_default="")
    created = models.DateTimeField(_("queued"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The queue: pending rows only, in the order they are claimed (a claim reads the first few entries,
            # whatever the number of rows delivered or queued).
            models.Index(
                fields=["next_attempt_at", "id"], name="webhooks_delivery_due", condition=models.Q(state="pending")
            ),
            models.Index(fields=["webhook", "resource_id", "topic", "state"], name="webhooks_delivery_pending"),
            # The leased rows only (a claim's check that a pair is not being sent, the deliveries in flight):
            # a few entries, whatever the depth of the queue.
            models.Index(
                fields=["webhook", "resource_id"],
                name="webhooks_delivery_leased",
                condition=models.Q(state="pending", lease_token__gt=""),
            ),
            models.Index(fields=["created"], name="webhooks_delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.resource_id} → webhook {self.webhook_id}"


class DeliveryAttempt(models.Model):
    """One try at a delivery: when, the answer's status (0: no answer), how long it took, what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    time = models.DateTimeField(_("time"), default=timezone.now)
    response_code = models.PositiveSmallIntegerField(_("response code"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    response_body = models.TextField(_("response body (truncated)"), blank=True, default="")
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"Attempt {self.attempt} of {self.delivery_id}: {self.response_code}"
