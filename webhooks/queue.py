"""The delivery queue's mechanics, apart from what makes a delivery WooCommerce's (webhooks.delivery):
claiming due rows, the lease each one is sent under, settling its outcome, retrying with backoff, pruning.

    batch = claim()                       # due rows, leased to this worker under the claim's token
    if renew(row): ...send...             # the lease taken again just before the send: it covers that send
    if settle(row, state=...): ...        # the outcome, only if the row is still this worker's

Every change of a claimed row is guarded by its lease token: a worker whose lease ran out (and whose row
another worker claimed) changes nothing, and says so in its log.
"""

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from webhooks import conf as webhook_settings
from webhooks.models import Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)

CLAIM = 10


def lease() -> timedelta:
    """Longer than the slowest delivery (its timeout), so only a dead worker's lease runs out."""
    timeout = max(webhook_settings.get("WEBHOOK_TIMEOUT"), webhook_settings.get("WEBHOOK_PING_TIMEOUT") * (1 + 5))
    return timedelta(seconds=timeout + max(1.0, timeout / 2))


def claim(
    limit: int = CLAIM, *, busy: Iterable[tuple[int, int]] = (), skip_webhooks: Iterable[int] = ()
) -> list[Delivery]:
    """Lease up to `limit` due deliveries for this worker, under this claim's token; none of a
    (webhook, resource) pair in `busy` (being sent already) nor of the webhooks in `skip_webhooks` (their
    receiving host has its share in flight)."""
    now = timezone.now()
    due = (
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id")
    )
    skip = list(skip_webhooks)
    if skip:
        due = due.exclude(webhook_id__in=skip)
    for webhook_id, resource_id in busy:
        due = due.exclude(webhook_id=webhook_id, resource_id=resource_id)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        claimed = list(due.values_list("id", flat=True)[:limit])
        # One token per claim is enough: a row another worker claims later gets that worker's token.
        Delivery.objects.filter(id__in=claimed).update(locked_until=now + lease(), lease_token=secrets.token_hex(16))
    return list(Delivery.objects.filter(id__in=claimed).order_by("next_attempt_at", "id"))


def _mine(delivery: Delivery):
    return Delivery.objects.filter(pk=delivery.pk, lease_token=delivery.lease_token, state=Delivery.State.PENDING)


def release(delivery: Delivery) -> None:
    """Give a claimed row back to the queue unsent (another worker, or this one later, takes it)."""
    _mine(delivery).update(locked_until=None, lease_token="")


def renew(delivery: Delivery) -> bool:
    """Take the lease again for one send (a batch's later rows wait while earlier ones are sent); False when
    another worker has the row now."""
    if not delivery.lease_token:
        return False
    renewed = _mine(delivery).update(locked_until=timezone.now() + lease())
    if not renewed:
        logger.warning("Delivery %s is no longer this worker's (its lease ran out): not sent", delivery.pk)
    return bool(renewed)


def settle(
    delivery: Delivery, *, state: str, attempts: int | None = None, next_attempt_at: datetime | None = None
) -> bool:
    """Record the outcome of this worker's attempt (in the caller's transaction); False, with nothing changed,
    when the row is no longer this worker's."""
    changes = {"state": state, "locked_until": None, "lease_token": ""}
    changes["attempts"] = F("attempts") + 1 if attempts is None else attempts
    if next_attempt_at is not None:
        changes["next_attempt_at"] = next_attempt_at
    settled = _mine(delivery).update(**changes)
    if not settled:
        logger.warning(
            "Delivery %s is no longer this worker's (its lease ran out): its outcome is dropped", delivery.pk
        )
    return bool(settled)


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt: the first wait, doubled after each failure, at most a day."""
    return timedelta(seconds=min(webhook_settings.get("WEBHOOK_RETRY_SECONDS") * 2 ** (attempts - 1), 86400))


def retry_or_give_up(delivery: Delivery, *, active: bool) -> bool:
    """After a failed attempt: try again later with backoff, or fail for good (attempts spent, or the webhook no
    longer active). False when the row is no longer this worker's."""
    attempts = delivery.attempts + 1
    if attempts >= webhook_settings.get("WEBHOOK_MAX_ATTEMPTS") or not active:
        return settle(delivery, state=Delivery.State.FAILED)
    return settle(
        delivery, state=Delivery.State.PENDING, attempts=attempts, next_attempt_at=timezone.now() + backoff(attempts)
    )


def prune() -> int:
    """Forget deliveries (and their log) finished more than WCOMPAT_WEBHOOK_LOG_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=webhook_settings.get("WEBHOOK_LOG_DAYS"))
    old = Delivery.objects.filter(created__lt=cutoff).exclude(state=Delivery.State.PENDING)
    DeliveryAttempt.objects.filter(delivery__in=old).delete()
    deleted, _ = old.delete()
    return deleted
