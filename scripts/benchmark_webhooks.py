"""The webhook worker's figures, for scripts/benchmark.py --webhooks (which sets the database up first).

- Throughput: one `run_worker` process sends a queue of deliveries to a fast local receiver (signature, payload
  and log included); deliveries per second from the first arrival to the last answer.
- Head-of-line: one webhook's receiver never answers (each attempt runs to the 60 s timeout) while writes at a
  steady rate notify two healthy ones, from the moment the worker has delivered a first change; each healthy
  delivery's delay from its commit (the row's `created`, written in the change's transaction) to its arrival,
  p50 / p99 / max.
"""

import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support import free_port

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def start_receiver(host: str, port: int, log: Path, *extra: str) -> subprocess.Popen:
    """A receiver process on `host` (each loopback address is a receiving host apart for the worker)."""
    script = str(ROOT / "scripts" / "webhook_receiver.py")
    receiver = subprocess.Popen([PYTHON, script, "--host", host, "--port", str(port), "--log", str(log), *extra])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return receiver
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the receiver on port {port} did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(10)


def received(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def make_webhook(owner, name: str, host: str, port: int):
    from webhooks.models import Webhook

    return Webhook.objects.create(
        name=name,
        topic="customer.updated",
        status=Webhook.Status.ACTIVE,
        delivery_url=f"http://{host}:{port}/hook",
        secret="benchmark secret",
        user=owner,
        api_version="wc/v3",
    )


def worker_options(concurrency: int | None) -> list[str]:
    """run_worker's options: its own defaults unless a concurrency is given."""
    return ["--concurrency", str(concurrency)] if concurrency else []


def delivery_throughput(env: dict, *, deliveries: int, concurrency: int | None) -> dict:
    """`deliveries` queued for one webhook, then sent by one worker process."""
    import secrets

    from django.contrib.auth import get_user_model

    from customers.models import Customer
    from webhooks.models import Delivery, Webhook

    owner = get_user_model().objects.get(username="bench")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "received.jsonl"
        receiver = start_receiver("127.0.0.1", port, log)
        try:
            webhook = make_webhook(owner, "throughput", "127.0.0.1", port)
            ids = list(Customer.objects.order_by("id").values_list("id", flat=True)[:deliveries])
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        webhook=webhook,
                        topic="customer.updated",
                        resource_id=ids[number % len(ids)],
                        delivery_id=secrets.token_hex(16),
                    )
                    for number in range(deliveries)
                ],
                batch_size=2000,
            )
            worker = [PYTHON, "manage.py", "run_worker", "--once", *worker_options(concurrency)]
            subprocess.run(worker, cwd=ROOT, env=env, check=True)
            time.sleep(0.7)  # the receiver's last flush
        finally:
            stop(receiver)
        requests = received(log)
        delivered = Delivery.objects.filter(webhook=webhook, state=Delivery.State.DELIVERED).count()
        Webhook.objects.filter(pk=webhook.pk).delete()
    seconds = max(request["answered"] or 0 for request in requests) - min(request["arrived"] for request in requests)
    return {
        "deliveries": deliveries,
        "concurrency": concurrency or "its default",
        "received": len(requests),
        "delivered": delivered,
        "seconds": round(seconds, 2),
        "per_second": round(len(requests) / seconds, 1),
    }


def head_of_line(env: dict, *, seconds: int, rate: int, concurrency: int | None) -> dict:
    """A dead receiver beside two healthy ones while `rate` customer updates a second are committed."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from customers.models import Customer
    from customers.selectors import customer_get
    from customers.services import customer_update
    from webhooks.models import Delivery, Webhook

    owner = get_user_model().objects.get(username="bench")
    with tempfile.TemporaryDirectory() as folder:
        hosts = {"dead": "127.0.0.2", "healthy-1": "127.0.0.3", "healthy-2": "127.0.0.4"}
        logs = {name: Path(folder) / f"{name}.jsonl" for name in hosts}
        ports = {name: free_port() for name in hosts}
        receivers = [
            start_receiver(hosts[name], ports[name], log, *(("--never-answer",) if name == "dead" else ()))
            for name, log in logs.items()
        ]
        worker = None
        try:
            hooks = {name: make_webhook(owner, name, hosts[name], ports[name]) for name in hosts}
            worker = subprocess.Popen(
                [PYTHON, "manage.py", "run_worker", *worker_options(concurrency)], cwd=ROOT, env=env
            )
            ids = list(Customer.objects.order_by("id").values_list("id", flat=True)[:1000])
            # The writes start once the worker delivers: its start-up is no delay a running worker adds.
            customer_update(customer=customer_get(ids[-1]), last_name="Warm-up")
            ready_by = time.monotonic() + 60
            while not received(logs["healthy-1"]) and time.monotonic() < ready_by:
                time.sleep(0.1)
            measured_from = timezone.now()
            started = time.monotonic()
            for number in range(seconds * rate):
                due = started + number / rate
                time.sleep(max(0.0, due - time.monotonic()))
                customer_update(customer=customer_get(ids[number % len(ids)]), last_name=f"Hol{number}")
            time.sleep(3)
        finally:
            if worker:
                worker.kill()  # (a gentle stop would wait out the dead receiver's 60 s)
                worker.wait()
            for receiver in receivers:
                stop(receiver)
        created = dict(
            Delivery.objects.filter(
                webhook__in=[hooks["healthy-1"], hooks["healthy-2"]], created__gte=measured_from
            ).values_list("delivery_id", "created")
        )
        healthy = [
            request
            for name in ("healthy-1", "healthy-2")
            for request in received(logs[name])
            if request["delivery_id"] in created
        ]
        delays = [request["arrived"] - created[request["delivery_id"]].timestamp() for request in healthy]
        undelivered = len(created) - len({request["delivery_id"] for request in healthy})
        dead = Delivery.objects.filter(webhook=hooks["dead"])
        dead_sent, dead_waiting = dead.exclude(lease_token="").count(), dead.filter(lease_token="").count()
        Webhook.objects.filter(pk__in=[hook.pk for hook in hooks.values()]).delete()
    return {
        "seconds": seconds,
        "writes_per_second": rate,
        "healthy_deliveries": len(healthy),
        "healthy_per_second": round(len(healthy) / seconds, 1),
        "not_received": undelivered,
        "dead_sent": dead_sent,
        "dead_waiting": dead_waiting,
        "delay_p50_s": round(statistics.median(delays), 3) if delays else None,
        "delay_p99_s": round(percentile(delays, 0.99), 3),
        "delay_max_s": round(max(delays, default=0.0), 3),
    }


if __name__ == "__main__":  # pragma: no cover - run through scripts/benchmark.py
    sys.exit("run scripts/benchmark.py --webhooks")
