"""The delivery worker: `python manage.py run_worker`.

It leases due deliveries from the queue as it has room to send them (`FOR UPDATE SKIP LOCKED` on PostgreSQL;
SQLite's write lock serialises the claim), sends them, and records the outcomes. A lease lasts
longer than a delivery may take, so a worker killed in the middle of one leaves a row that another (or the
restarted) worker claims once the lease runs out: deliveries arrive at least once. Several workers can run
side by side, on one machine or many.
"""

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from queue import Empty, SimpleQueue
from urllib.parse import urlsplit

from django.db import DatabaseError, close_old_connections, connection
from django.db.backends.signals import connection_created

from wcompat.apps import close_read_only_connections
from wcompat.exceptions import drop_failed_connections, is_database_unavailable
from webhooks import conf as webhook_settings, queue
from webhooks.delivery import Outbound, Sent, payloads_for, prepare, record, transmit
from webhooks.models import Delivery, Webhook

logger = logging.getLogger(__name__)


# Seconds between two prunes of the delivery log.
PRUNE_EVERY = 3600
COMMITS_UID = "webhooks.worker.commits"
# Seconds a turn of the loop waits for more sends to end before it records what came back.
GATHER_SECONDS = 0.01


class Worker:
    """Claims due deliveries as there is room, sends them on `concurrency` threads and records what came back.

    The threads only speak HTTP (webhooks.delivery.transmit); every database step stays in the worker's own
    thread, short, and never open across a request: a claim, the payloads rendered, then the outcomes that came
    back, in one transaction per turn of the loop. Never two deliveries of one (webhook, resource) at once, so a
    receiver sees a resource's changes in order; never more than WCOMPAT_WEBHOOK_PER_HOST to one receiving host,
    so a slow or dead host holds its own share of the threads only."""

    def __init__(self, *, once: bool = False, concurrency: int = 1) -> None:
        self.once = once
        self.concurrency = max(1, concurrency)
        self.running = True
        self.last_prune = 0.0
        self.refreshed = float("-inf")
        self.hosts = _Hosts()
        # What the threads send back: (the request, what came of it, or None when sending itself failed).
        self.finished: SimpleQueue[tuple[Outbound, Sent | None]] = SimpleQueue()
        self.recorder = _Recorder()

    def stop(self, *_args) -> None:
        logger.info("Stopping after the deliveries under way")
        self.running = False

    def run(self) -> None:
        logger.info("Webhook worker started (%s at once)", self.concurrency)
        connection_created.connect(_commit_without_waiting_for_disk, dispatch_uid=COMMITS_UID)
        if connection.connection is not None:
            _commit_without_waiting_for_disk(None, connection)
        try:
            self._loop()
        finally:
            connection_created.disconnect(dispatch_uid=COMMITS_UID)

    def _loop(self) -> None:
        in_flight: dict[int, Outbound] = {}  # by delivery id
        recorder = self.recorder = _Recorder.for_connection()
        try:
            with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="delivery") as pool:
                while self.running or in_flight:
                    self.refreshed = _refreshed_connections(self.refreshed)
                    claimed = _waiting_out_the_database(self._start, pool, in_flight)
                    if not in_flight:
                        if claimed:
                            continue  # none of it needed sending: look again at once
                        if recorder.busy():
                            time.sleep(GATHER_SECONDS)  # outcomes being recorded free their pairs' next deliveries
                            continue
                        if self.once:
                            return
                        time.sleep(webhook_settings.get("WORKER_POLL_SECONDS"))
                        continue
                    # Back soon while the queue has more than there was room for; else when a send ends.
                    timeout = 0.005 if claimed else webhook_settings.get("WORKER_POLL_SECONDS")
                    done = self._sends_ended(timeout, len(in_flight))
                    for outbound, _sent in done:
                        in_flight.pop(outbound.delivery.pk)
                    results = [sent for _outbound, sent in done if sent is not None]
                    if results:
                        recorder.add(results)
        finally:
            recorder.close()

    def _sends_ended(self, timeout: float, under_way: int) -> list[tuple[Outbound, Sent | None]]:
        """The sends that ended: the first within `timeout`, with all that ended by then; when most are still
        under way, a moment more lets one turn record many (its database work costs little more for fifty
        outcomes than for one)."""
        try:
            done = [self.finished.get(timeout=timeout)]
        except Empty:
            return []
        for attempt in range(2):
            while True:
                try:
                    done.append(self.finished.get_nowait())
                except Empty:
                    break
            if attempt or len(done) * 2 >= under_way:
                break
            time.sleep(GATHER_SECONDS)
        return done

    def _send(self, outbound: Outbound) -> None:
        """In a thread: the HTTP side of one attempt, its outcome handed back to the worker's thread."""
        try:
            sent = transmit(outbound)
        except Exception:
            logger.exception("Delivery %s failed unexpectedly", outbound.delivery.pk)
            sent = None
        self.finished.put((outbound, sent))

    def _start(self, pool: ThreadPoolExecutor, in_flight: dict[int, Outbound]) -> list[Delivery]:
        """Claim what there is room for (leaving busy pairs and full hosts), make it ready and start sending it;
        the rows claimed."""
        self._prune_when_due()
        room = self.concurrency - len(in_flight)
        if room <= 0 or not self.running or self.recorder.unrecorded > self.concurrency:
            # (outcomes waiting to be recorded hold their leases: no more is claimed while the database lags)
            return []
        per_host = webhook_settings.get("WEBHOOK_PER_HOST") or max(1, self.concurrency // 2)
        load = Counter(self.hosts.of(outbound.webhook.pk) for outbound in in_flight.values())
        busy = {(outbound.webhook.pk, outbound.delivery.resource_id) for outbound in in_flight.values()}
        full = {host for host, sending in load.items() if sending >= per_host}
        # No more than the receiving hosts have room for: rows claimed beyond it would only be given back.
        headroom = sum(max(0, per_host - load[host]) for host in self.hosts.all())
        batch = queue.claim(min(room, headroom), skip_webhooks=self.hosts.webhooks_of(full))
        webhooks = Webhook.objects.select_related("user").in_bulk({delivery.webhook_id for delivery in batch})
        self.hosts.learn(webhooks.values())
        unsent, ready = [], []
        for delivery in batch:
            key, host = (delivery.webhook_id, delivery.resource_id), self.hosts.of(delivery.webhook_id)
            if key in busy or load[host] >= per_host:
                unsent.append(delivery)
                continue
            busy.add(key)
            load[host] += 1
            ready.append(delivery)
        queue.release(unsent)
        for outbound in _prepare(ready, webhooks):
            in_flight[outbound.delivery.pk] = outbound
            pool.submit(self._send, outbound)
        return batch

    def _prune_when_due(self) -> None:
        if time.monotonic() - self.last_prune > PRUNE_EVERY:
            queue.prune()
            self.last_prune = time.monotonic()


def _waiting_out_the_database(step, *args) -> list:
    """One step of the loop; a database that is down, unreachable or read-only is waited out with fresh
    connections (the step did nothing that counts: a lease runs out and the row is sent again), instead of
    ending the worker."""
    try:
        return step(*args) or []
    except DatabaseError as error:
        if not is_database_unavailable(error):
            raise
        logger.warning("Database unavailable: %s", error)
        drop_failed_connections(error)
        return []


def _refreshed_connections(last: float) -> float:
    """At most once a second, this thread's connections that the database dropped are replaced, as per request;
    when they were last looked at."""
    if time.monotonic() - last < 1.0:
        return last
    if not connection.in_atomic_block:  # (a test runs the worker inside its transaction)
        close_old_connections()
        close_read_only_connections()
    return time.monotonic()


class _Recorder:
    """Records the outcomes the worker's thread hands it (webhooks.delivery.record), at once, in that thread."""

    @staticmethod
    def for_connection() -> "_Recorder":
        """On PostgreSQL, a thread of its own with its own connection: a turn's bookkeeping (four round trips)
        then overlaps the next claim and rendering instead of delaying them. SQLite writes one at a time, and a
        test runs the worker inside its transaction: there, the worker's own thread records."""
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            return _RecordingThread()
        return _Recorder()

    # Outcomes handed over and not recorded yet.
    unrecorded = 0

    def add(self, results: list[Sent]) -> None:
        _waiting_out_the_database(_record, results)

    def busy(self) -> bool:
        return self.unrecorded > 0

    def close(self) -> None:
        pass


class _RecordingThread(_Recorder):
    """Records what it is handed, in turns: whatever came while the last turn was being written goes in one.

    The rows stay leased until recorded, so no claim takes their pairs' next deliveries meanwhile."""

    def __init__(self) -> None:
        self.handed: SimpleQueue[list[Sent] | None] = SimpleQueue()
        self.unrecorded = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self.thread.start()

    def add(self, results: list[Sent]) -> None:
        with self.lock:
            self.unrecorded += len(results)
        self.handed.put(results)

    def close(self) -> None:
        """After what was handed over is recorded."""
        self.handed.put(None)
        self.thread.join()

    def _run(self) -> None:
        refreshed, closing = float("-inf"), False
        try:
            while not closing:
                results: list[Sent] = []
                handed = self.handed.get()
                while handed is not None:
                    results.extend(handed)
                    try:
                        handed = self.handed.get_nowait()
                    except Empty:
                        break
                closing = handed is None
                refreshed = _refreshed_connections(refreshed)
                if results:
                    try:
                        _waiting_out_the_database(_record, results)
                    except Exception:
                        logger.exception("Recording %s outcomes failed", len(results))
                    with self.lock:
                        self.unrecorded -= len(results)
        finally:
            connection.close()  # this thread's own


def _commit_without_waiting_for_disk(sender, connection, **kwargs) -> None:
    """The worker's own PostgreSQL sessions commit without waiting for the disk (synchronous_commit off): its
    bookkeeping is the queue's, and a crash of the database server that lost its last commits loses at most a
    settle (the delivery is sent again: at least once holds) or a claim. The API's writes are untouched."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


class _Hosts:
    """The receiving host of each webhook (as its delivery URL names it), read again every second: what the
    per-host share is counted on (the URL a delivery goes to is read fresh for each send)."""

    FRESH_FOR = 1.0

    def __init__(self) -> None:
        self.by_webhook: dict[int, str] = {}
        self.read_at = float("-inf")

    def _fresh(self) -> dict[int, str]:
        if not self.by_webhook or time.monotonic() - self.read_at > self.FRESH_FOR:
            self.by_webhook = {pk: _host(url) for pk, url in Webhook.objects.values_list("pk", "delivery_url")}
            self.read_at = time.monotonic()
        return self.by_webhook

    def all(self) -> set[str]:
        return set(self._fresh().values())

    def of(self, webhook_id: int) -> str:
        return self.by_webhook.get(webhook_id, "")

    def webhooks_of(self, hosts: set[str]) -> list[int]:
        return [pk for pk, host in self._fresh().items() if host in hosts] if hosts else []

    def learn(self, webhooks: Iterable[Webhook]) -> None:
        self.by_webhook.update({webhook.pk: _host(webhook.delivery_url) for webhook in webhooks})


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _prepare(deliveries: list[Delivery], webhooks: dict[int, Webhook]) -> list[Outbound]:
    """The requests for these deliveries (those that need sending)."""
    payloads = _logged(payloads_for, deliveries, deliveries, webhooks)
    if payloads is None:
        return []
    ready = []
    for delivery in deliveries:
        outbound = _logged(prepare, [delivery], delivery, webhooks.get(delivery.webhook_id), payloads.get(delivery.pk))
        if outbound is not None:
            ready.append(outbound)
    return ready


def _record(results: list[Sent]) -> None:
    _logged(record, [sent.outbound.delivery for sent in results], results)


def _logged(step, deliveries: list[Delivery], *args):
    """step(*args); when it fails (but for an unavailable database, which the loop waits out), the failure is
    logged and None returned: the deliveries are left to their leases, which run out, and are sent again (at least
    once), while the worker goes on."""
    try:
        return step(*args)
    except Exception as error:
        if isinstance(error, DatabaseError) and is_database_unavailable(error):
            raise
        logger.exception("Deliveries %s: %s failed", [delivery.pk for delivery in deliveries], step.__name__)
        return None
