#!/usr/bin/env python
"""A scale rehearsal of webhook delivery: several app servers and workers on one PostgreSQL, one worker killed.

    .venv/bin/python scripts/rehearsal.py [--seconds 30] [--writers 4] [--database-url URL] [--json FILE]

PostgreSQL (a throwaway cluster, or the empty database --database-url names), two gunicorn app servers on two
ports, two `run_worker` processes, a writer sending creates and updates of customers through both servers, and
a receiver that is slow for a tenth of its requests (webhooks for customer.created and customer.updated point at
it). Halfway through, one worker is killed with SIGKILL: its leases run out and the other worker sends what it
held. When the writes are done and the queue has drained, the rehearsal checks that

- every committed change was delivered at least once: each created customer's customer.created, and for each
  customer a customer.updated that arrived after its last write,
- no delivery was in flight twice at the same time (a Delivery-ID's requests never overlap at the receiver),
- the last customer.updated delivery of each customer carries its final state (as the API reads it now),
- attempts are counted once (each delivery's `attempts` is its number of log rows),
- the per-role totals are exact (X-WP-Total for role=customer and role=all is what was created),

prints the figures (writes/s, deliveries/s, delay from commit to arrival) and exits 1 if a check failed.
"""

import argparse
import itertools
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from support import api_key, basic_authorization, free_port, manage, server_env

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SLOW_SECONDS = 1.0
# Short delivery timeouts, so that the killed worker's leases run out within the rehearsal.
DELIVERY_TIMEOUT = 5


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"rehearsal: timed out waiting for {what}")
        time.sleep(0.2)


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class Api:
    """The WooCommerce API through one app server, as a client with a key over HTTP Basic (behind TLS)."""

    def __init__(self, base: str, key: dict) -> None:
        self.base = base
        self.headers = {
            "Authorization": basic_authorization(key),
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
        }

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"null")


class Writer:
    """Creates and updates customers through the app servers, in turn, from several threads; keeps what was
    committed (what the API answered 2xx to) and when."""

    def __init__(self, apis: list[Api], tag: str) -> None:
        self.apis = apis
        self.tag = tag
        self.lock = threading.Lock()
        self.created: dict[int, float] = {}  # customer id -> when its create was committed
        self.last_write: dict[int, float] = {}  # customer id -> when its last write was sent (before its commit)
        self.writes = 0
        self.errors: list[str] = []

    def run(self, seconds: float, threads: int) -> float:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        workers = [threading.Thread(target=self._loop, args=(number, deadline)) for number in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.monotonic() - started

    def _loop(self, number: int, deadline: float) -> None:
        serial = 0
        while time.monotonic() < deadline:
            serial += 1
            api = self.apis[(number + serial) % len(self.apis)]
            with self.lock:
                ids = list(self.created)
            sent = time.time()
            if len(ids) < 20 or random.random() < 0.3:
                status, _, body = api.call(
                    "POST", "/wp-json/wc/v3/customers", {"email": f"{self.tag}-{number}-{serial}@example.com"}
                )
                self._committed(status, body, sent, created=True)
            else:
                customer_id = random.choice(ids)
                change = {"first_name": f"F{number}-{serial}", "last_name": f"L{serial}"}
                status, _, body = api.call("PUT", f"/wp-json/wc/v3/customers/{customer_id}", change)
                self._committed(status, body, sent, created=False)

    def _committed(self, status: int, body, sent: float, *, created: bool) -> None:
        with self.lock:
            if status not in (200, 201):
                self.errors.append(f"HTTP {status}: {json.dumps(body)[:200]}")
                return
            self.writes += 1
            if created:
                self.created[body["id"]] = sent
            self.last_write[body["id"]] = max(sent, self.last_write.get(body["id"], 0.0))


def start_postgres(tmp: Path, url: str | None) -> tuple[str, Path | None]:
    if url:
        return url, None
    folder = tmp / "pg"
    result = subprocess.run(
        [str(ROOT / "scripts" / "throwaway-postgres"), str(folder)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1], folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="seconds of writes")
    parser.add_argument("--writers", type=int, default=4, help="writer threads")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use (else a throwaway cluster)")
    parser.add_argument("--json", type=Path, help="also write the figures and checks here")
    options = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wcompat-rehearsal-"))
    tmp.chmod(0o755)  # the PostgreSQL server runs as its own user and must reach its folder inside
    database_url, pg_folder = start_postgres(tmp, options.database_url)
    env = server_env(
        database_url,
        DJANGO_LOG_LEVEL="WARNING",
        WCOMPAT_WEBHOOK_TIMEOUT=str(DELIVERY_TIMEOUT),
        WCOMPAT_WEBHOOK_PING_TIMEOUT="1",
        WCOMPAT_WORKER_POLL_SECONDS="0.2",
        WEB_CONCURRENCY="2",
    )
    processes: dict[str, subprocess.Popen] = {}
    logs = []
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        key = api_key(env, "rehearsal")
        received_log = tmp / "received.jsonl"
        receiver_port = free_port()
        processes["receiver"] = subprocess.Popen(
            [
                PYTHON,
                str(ROOT / "scripts" / "webhook_receiver.py"),
                "--port",
                str(receiver_port),
                "--log",
                str(received_log),
                "--bodies",
                "--slow-fraction",
                "0.1",
                "--slow-seconds",
                str(SLOW_SECONDS),
            ]
        )
        apis = []
        for number in (1, 2):
            port = free_port()
            log = (tmp / f"gunicorn-{number}.log").open("w")
            logs.append(log)
            processes[f"server {number}"] = subprocess.Popen(
                [str(Path(PYTHON).with_name("gunicorn")), "-c", "gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            apis.append(Api(f"http://127.0.0.1:{port}", key))
        for api in apis:
            wait_until(lambda api=api: answers(api.base + "/healthz"), 60, f"the app server at {api.base}")
        wait_until(lambda: answers(f"http://127.0.0.1:{receiver_port}/"), 10, "the receiver")
        webhooks = {}
        for topic in ("customer.created", "customer.updated"):
            status, _, body = apis[0].call(
                "POST",
                "/wp-json/wc/v3/webhooks",
                {"topic": topic, "delivery_url": f"http://127.0.0.1:{receiver_port}/in", "secret": "rehearsal"},
            )
            assert status == 201, body
            webhooks[topic] = body["id"]
        for number in (1, 2):
            processes[f"worker {number}"] = subprocess.Popen(
                [PYTHON, "manage.py", "run_worker"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
            )

        writer = Writer(apis, f"r{int(time.time())}")
        killer = threading.Timer(options.seconds / 2, processes["worker 1"].send_signal, args=(signal.SIGKILL,))
        killer.start()
        print(f"Writing for {options.seconds:g} s through two app servers; worker 1 is killed halfway", flush=True)
        write_seconds = writer.run(options.seconds, options.writers)
        killer.join()
        drained_at = drain(env, timeout=DELIVERY_TIMEOUT * 3 + 60)
        time.sleep(1)  # the receiver's last flush
        report = check(apis[0], env, writer, webhooks, received_log, write_seconds, drained_at)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        if pg_folder:
            subprocess.run([str(ROOT / "scripts" / "throwaway-postgres"), str(pg_folder), "--stop"], check=False)
    print_report(report)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))
    sys.exit(0 if all(report["checks"].values()) else 1)


def drain(env: dict, timeout: float) -> float:
    """Wait for the queue to empty (nothing pending, nothing in flight); when it did."""

    def status() -> dict:
        output = subprocess.run(
            [PYTHON, "manage.py", "webhooks_status", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout
        return json.loads(output)

    wait_until(lambda: status()["depth"] == 0, timeout, "the queue to drain")
    return time.time()


def sql(env: dict, query: str) -> list[tuple]:
    """A query on the rehearsal's database, through Django (the script itself stays out of Django)."""
    code = (
        "import django, json; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        f"    cursor.execute({query!r})\n"
        "    print(json.dumps(cursor.fetchall(), default=str))\n"
    )
    output = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return [tuple(row) for row in json.loads(output.stdout)]


def check(api: Api, env, writer: Writer, webhooks: dict, log: Path, write_seconds: float, drained_at: float) -> dict:
    received = [json.loads(line) for line in log.read_text().splitlines() if line]
    events = [request for request in received if request["topic"]]
    by_topic: dict[str, list[dict]] = {"customer.created": [], "customer.updated": []}
    for request in events:
        by_topic[request["topic"]].append(request)

    # Every committed change delivered at least once.
    created_delivered = {json.loads(request["body"])["id"] for request in by_topic["customer.created"]}
    missing_created = sorted(set(writer.created) - created_delivered)
    last_update: dict[int, dict] = {}
    for request in sorted(by_topic["customer.updated"], key=lambda request: request["arrived"]):
        last_update[json.loads(request["body"])["id"]] = request
    late = [
        customer_id
        for customer_id, written in writer.last_write.items()
        if customer_id not in last_update or last_update[customer_id]["arrived"] < written
    ]

    # No delivery in flight twice at once: a Delivery-ID's requests never overlap at the receiver.
    overlapping = []
    by_delivery: dict[str, list[dict]] = {}
    for request in events:
        by_delivery.setdefault(request["delivery_id"], []).append(request)
    for delivery_id, requests in by_delivery.items():
        requests.sort(key=lambda request: request["arrived"])
        for earlier, later in itertools.pairwise(requests):
            ended = earlier["answered"] or earlier["arrived"] + SLOW_SECONDS
            if later["arrived"] < ended:
                overlapping.append(delivery_id)

    # The last delivery of each customer carries its final state.
    stale = []
    for customer_id, request in last_update.items():
        status, _, now = api.call("GET", f"/wp-json/wc/v3/customers/{customer_id}")
        delivered = json.loads(request["body"])
        fields = ("first_name", "last_name", "email", "date_modified_gmt")
        if status != 200 or any(delivered[field] != now[field] for field in fields):
            stale.append(customer_id)

    # Attempts counted once.
    miscounted = sql(
        env,
        "SELECT d.id, d.attempts, COUNT(a.id) FROM webhooks_delivery d LEFT JOIN webhooks_deliveryattempt a"
        " ON a.delivery_id = d.id GROUP BY d.id, d.attempts HAVING d.attempts <> COUNT(a.id)",
    )
    undelivered = sql(env, "SELECT COUNT(*) FROM webhooks_delivery WHERE kind = 'event' AND state <> 'delivered'")

    # Per-role totals exact.
    totals = {}
    for role in ("customer", "all"):
        _, headers, _ = api.call("GET", f"/wp-json/wc/v3/customers?role={role}&per_page=1")
        totals[role] = int(headers.get("X-WP-Total", -1))
    expected_totals = {"customer": len(writer.created), "all": len(writer.created)}  # (the key's owner is no customer)

    created_rows = dict(sql(env, "SELECT delivery_id, created FROM webhooks_delivery WHERE kind = 'event'"))
    delays = []
    for request in events:
        queued = created_rows.get(request["delivery_id"])
        if queued:
            delays.append(request["arrived"] - _timestamp(queued))
    first = min((request["arrived"] for request in events), default=0)
    last = max((request["arrived"] for request in events), default=0)
    ordered = sorted(delays)
    return {
        "writes": writer.writes,
        "write_errors": writer.errors[:5],
        "writes_per_second": round(writer.writes / write_seconds, 1),
        "customers_created": len(writer.created),
        "requests_received": len(events),
        "deliveries": len(created_rows),
        "deliveries_per_second": round(len(events) / max(last - first, 0.001), 1),
        "sent_again_after_the_kill": len(events) - len(by_delivery),
        "delay_p50_s": round(statistics.median(ordered), 3) if ordered else None,
        "delay_p99_s": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3) if ordered else None,
        "delay_max_s": round(ordered[-1], 3) if ordered else None,
        "drained_seconds_after_the_writes": round(drained_at - max(writer.last_write.values(), default=drained_at), 1),
        "role_totals": totals,
        "checks": {
            "every committed change delivered": not missing_created and not late and not writer.errors,
            "no delivery in flight twice at once": not overlapping,
            "last delivery carries the final state": not stale,
            "attempts counted once": not miscounted and undelivered == [(0,)],
            "per-role totals exact": totals == expected_totals,
        },
        "problems": {
            "created_not_delivered": missing_created[:10],
            "updated_not_delivered_after_last_write": late[:10],
            "overlapping_delivery_ids": overlapping[:10],
            "stale_last_delivery": stale[:10],
            "miscounted_attempts": miscounted[:10],
            "undelivered": undelivered,
            "role_totals": totals,
            "expected_totals": expected_totals,
        },
    }


def _timestamp(value: str) -> float:
    from datetime import UTC, datetime

    parsed = datetime.fromisoformat(value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def print_report(report: dict) -> None:
    print()
    print(
        f"Writes: {report['writes']} in all, {report['writes_per_second']}/s through two app servers "
        f"({report['customers_created']} customers created)"
    )
    print(
        f"Deliveries: {report['deliveries']} queued, {report['requests_received']} requests received "
        f"({report['sent_again_after_the_kill']} sent again after the kill), {report['deliveries_per_second']}/s; "
        f"commit to arrival p50 {report['delay_p50_s']} s, p99 {report['delay_p99_s']} s, "
        f"max {report['delay_max_s']} s; "
        f"the queue drained {report['drained_seconds_after_the_writes']} s after the last write"
    )
    for name, passed in report["checks"].items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    if not all(report["checks"].values()):
        print(json.dumps(report["problems"], indent=2))


if __name__ == "__main__":
    main()
