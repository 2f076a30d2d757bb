"""The delivery worker: `python manage.py run_worker`.

It leases due deliveries from the queue (a row at a time per worker, `FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's write lock serialises the claim), sends each, and records the outcome. A lease lasts
longer than a delivery may take, so a worker killed in the middle of one leaves a row that another (or the
restarted) worker claims once the lease runs out: deliveries arrive at least once. Several workers can run
side by side, on one machine or many.
"""

import logging
import time
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from wcompat.apps import close_read_only_connections
from wcompat.exceptions import drop_failed_connections, is_database_unavailable
from webhooks import conf as webhook_settings
from webhooks.delivery import deliver
from webhooks.models import Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)
CLAIM = 10
PRUNE_EVERY = 3600


def lease() -> timedelta:
    """Longer than the slowest delivery (its timeout), so only a dead worker's lease runs out."""
    timeout = max(webhook_settings.get("WEBHOOK_TIMEOUT"), webhook_settings.get("WEBHOOK_PING_TIMEOUT") * (1 + 5))
    return timedelta(seconds=timeout + max(1.0, timeout / 2))


def claim(limit: int = CLAIM) -> list[Delivery]:
    """Lease up to `limit` due deliveries for this worker."""
    now = timezone.now()
    due = (
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id")
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(id__in=ids).update(locked_until=now + lease())
    return list(Delivery.objects.filter(id__in=ids).order_by("next_attempt_at", "id"))


def prune() -> int:
    """Forget deliveries (and their log) finished more than WCOMPAT_WEBHOOK_LOG_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=webhook_settings.get("WEBHOOK_LOG_DAYS"))
    old = Delivery.objects.filter(created__lt=cutoff).exclude(state=Delivery.State.PENDING)
    DeliveryAttempt.objects.filter(delivery__in=old).delete()
    deleted, _ = old.delete()
    return deleted


class Worker:
    def __init__(self, *, once: bool = False) -> None:
        self.once = once
        self.running = True
        self.last_prune = 0.0

    def stop(self, *_args) -> None:
        logger.info("Stopping after the current delivery")
        self.running = False

    def _work(self) -> list:
        """Prune when due, then claim and send what is due; the claimed batch."""
        if time.monotonic() - self.last_prune > PRUNE_EVERY:
            prune()
            self.last_prune = time.monotonic()
        batch = claim()
        for delivery in batch:
            if not self.running:
                break
            try:
                deliver(delivery)
            except Exception as error:
                # Its lease runs out and another attempt is made; the worker goes on.
                logger.exception("Delivery %s failed unexpectedly", delivery.pk)
                if is_database_unavailable(error):
                    drop_failed_connections(error)
        return batch

    def run(self) -> None:
        logger.info("Webhook worker started")
        while self.running:
            if not connection.in_atomic_block:  # (a test runs the worker inside its transaction)
                close_old_connections()  # a connection the database dropped is replaced, as per request
                close_read_only_connections()
            try:
                batch = self._work()
            except DatabaseError as error:
                if not is_database_unavailable(error):
                    raise
                # Down, unreachable or read-only: wait, with fresh connections, instead of dying.
                logger.warning("Database unavailable: %s", error)
                drop_failed_connections(error)
                batch = []
            if not batch:
                if self.once:
                    return
                time.sleep(webhook_settings.get("WORKER_POLL_SECONDS"))
