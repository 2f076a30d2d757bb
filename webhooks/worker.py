"""The delivery worker: `python manage.py run_worker`.

It leases due deliveries from the queue (a row at a time per worker, `FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's write lock serialises the claim), sends each, and records the outcome. A lease lasts
longer than a delivery may take, so a worker killed in the middle of one leaves a row that another (or the
restarted) worker claims once the lease runs out: deliveries arrive at least once. Several workers can run
side by side, on one machine or many.
"""

import logging
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from django.db import DatabaseError, close_old_connections, connection

from wcompat.apps import close_read_only_connections
from wcompat.exceptions import drop_failed_connections, is_database_unavailable
from webhooks import conf as webhook_settings, queue
from webhooks.delivery import deliver
from webhooks.models import Delivery, Webhook

logger = logging.getLogger(__name__)


# Seconds between two prunes of the delivery log.
PRUNE_EVERY = 3600


class Worker:
    def __init__(self, *, once: bool = False, concurrency: int = 1) -> None:
        """`concurrency` deliveries at once (threads); 1 sends them one after the other in this thread."""
        self.once = once
        self.concurrency = max(1, concurrency)
        self.running = True
        self.last_prune = 0.0

    def stop(self, *_args) -> None:
        logger.info("Stopping after the current delivery")
        self.running = False

    def _prune_when_due(self) -> None:
        if time.monotonic() - self.last_prune > PRUNE_EVERY:
            queue.prune()
            self.last_prune = time.monotonic()

    def _work(self) -> list:
        """Prune when due, then claim and send what is due, one after the other; the claimed batch."""
        self._prune_when_due()
        batch = queue.claim()
        for delivery in batch:
            if not self.running:
                queue.release(delivery)
                continue
            _send(delivery)
        return batch

    def _work_concurrently(self, pool: ThreadPoolExecutor, in_flight: dict[Future, Delivery]) -> list:
        """Claim what there is room for and start sending it; the deliveries started.

        Never two deliveries of one (webhook, resource) at once, so a receiver sees a resource's changes in
        order; never more than WCOMPAT_WEBHOOK_PER_HOST to one receiving host, so a slow or dead host holds its
        own share of the threads only."""
        self._prune_when_due()
        room = self.concurrency - len(in_flight)
        if room <= 0 or not self.running:
            return []
        per_host = webhook_settings.get("WEBHOOK_PER_HOST")
        hosts = _hosts({delivery.webhook_id for delivery in in_flight.values()})
        load = Counter(hosts.get(delivery.webhook_id) for delivery in in_flight.values())
        busy = {(delivery.webhook_id, delivery.resource_id) for delivery in in_flight.values()}
        full = [webhook_id for webhook_id, host in hosts.items() if load[host] >= per_host]
        batch = queue.claim(room, busy=busy, skip_webhooks=full)
        hosts.update(_hosts({delivery.webhook_id for delivery in batch} - set(hosts)))
        started = []
        for delivery in batch:
            key, host = (delivery.webhook_id, delivery.resource_id), hosts.get(delivery.webhook_id)
            if key in busy or load[host] >= per_host:
                queue.release(delivery)
                continue
            busy.add(key)
            load[host] += 1
            in_flight[pool.submit(_send_in_thread, delivery)] = delivery
            started.append(delivery)
        return started

    def _run_concurrently(self) -> None:
        in_flight: dict[Future, Delivery] = {}
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="delivery") as pool:
            while self.running or in_flight:
                self._refresh_connections()
                started = self._waiting_out_the_database(lambda: self._work_concurrently(pool, in_flight))
                if not in_flight:
                    if self.once:
                        return
                    time.sleep(webhook_settings.get("WORKER_POLL_SECONDS"))
                    continue
                timeout = 0.05 if started else webhook_settings.get("WORKER_POLL_SECONDS")
                done, _pending = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    in_flight.pop(future)

    def _waiting_out_the_database(self, step) -> list:
        """One step of the loop; a database that is down, unreachable or read-only is waited out with fresh
        connections (the step started nothing), instead of ending the worker."""
        try:
            return step()
        except DatabaseError as error:
            if not is_database_unavailable(error):
                raise
            logger.warning("Database unavailable: %s", error)
            drop_failed_connections(error)
            return []

    def _refresh_connections(self) -> None:
        if not connection.in_atomic_block:  # (a test runs the worker inside its transaction)
            close_old_connections()  # a connection the database dropped is replaced, as per request
            close_read_only_connections()

    def run(self) -> None:
        logger.info("Webhook worker started (%s at once)", self.concurrency)
        if self.concurrency > 1:
            self._run_concurrently()
            return
        while self.running:
            self._refresh_connections()
            batch = self._waiting_out_the_database(self._work)
            if not batch:
                if self.once:
                    return
                time.sleep(webhook_settings.get("WORKER_POLL_SECONDS"))


def _hosts(webhook_ids: set) -> dict[int, str]:
    """The receiving host of each webhook (as its delivery URL names it)."""
    urls = Webhook.objects.filter(pk__in=webhook_ids).values_list("pk", "delivery_url")
    return {pk: (urlsplit(url).hostname or "").lower() for pk, url in urls}


def _send(delivery: Delivery) -> None:
    try:
        deliver(delivery)
    except Exception as error:
        # Its lease runs out and another attempt is made; the worker goes on.
        logger.exception("Delivery %s failed unexpectedly", delivery.pk)
        if is_database_unavailable(error):
            drop_failed_connections(error)


def _send_in_thread(delivery: Delivery) -> None:
    """A delivery sent by one of the worker's threads, each with its own database connection."""
    close_old_connections()
    close_read_only_connections()
    _send(delivery)
