"""The delivery worker: `python manage.py run_worker`.

It leases due deliveries from the queue (a row at a time per worker, `FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's write lock serialises the claim), sends each, and records the outcome. A lease lasts
longer than a delivery may take, so a worker killed in the middle of one leaves a row that another (or the
restarted) worker claims once the lease runs out: deliveries arrive at least once. Several workers can run
side by side, on one machine or many.
"""

import logging
import time

from django.db import DatabaseError, close_old_connections, connection

from wcompat.apps import close_read_only_connections
from wcompat.exceptions import drop_failed_connections, is_database_unavailable
from webhooks import conf as webhook_settings, queue
from webhooks.delivery import deliver

logger = logging.getLogger(__name__)


# Seconds between two prunes of the delivery log.
PRUNE_EVERY = 3600


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
            queue.prune()
            self.last_prune = time.monotonic()
        batch = queue.claim()
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
