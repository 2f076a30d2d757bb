"""End to end: the official Python client subscribes, the worker runs as its own process, and is killed.

The server and the worker share a real database; the receiver is a real HTTP server. A worker killed while
a delivery is under way leaves its lease to run out, and the restarted worker sends the delivery again,
with the same Delivery-ID (at-least-once delivery that receivers can deduplicate).
"""

import base64
import hashlib
import hmac
import json
import signal
import subprocess
import sys
import threading
import time

import pytest
from woocommerce import API

from tests.live import ROOT

pytestmark = pytest.mark.slow

SECRET = "crm-secret"


def start_worker(store, **extra: str) -> subprocess.Popen:
    env = {
        **store.env,
        "WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        # Short timeouts make the lease of a killed worker run out in about 3 s.
        "WCOMPAT_WEBHOOK_TIMEOUT": "2",
        "WCOMPAT_WEBHOOK_PING_TIMEOUT": "0.3",
        "WCOMPAT_WORKER_POLL_SECONDS": "0.1",
        **extra,
    }
    return subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env)


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_official_client_subscribes_and_a_killed_worker_still_delivers(http_server, store, receiver):
    wcapi = API(url=http_server, consumer_key=store.consumer_key, consumer_secret=store.consumer_secret, timeout=20)
    created = wcapi.post(
        "webhooks",
        {"name": "CRM", "topic": "customer.created", "delivery_url": f"{receiver.url}/in", "secret": SECRET},
    )
    assert created.status_code == 201
    webhook = created.json()
    assert "secret" not in webhook
    assert [item["id"] for item in wcapi.get("webhooks", params={"search": "CRM"}).json()] == [webhook["id"]]
    assert wcapi.put(f"webhooks/{webhook['id']}", {"name": "CRM sync"}).json()["name"] == "CRM sync"

    worker = start_worker(store)
    try:
        wait_for(lambda: len(receiver.pings()) == 1)
        receiver.hold, receiver.arrived = threading.Event(), threading.Event()
        customer = wcapi.post("customers", {"email": "live.hook@example.com"}).json()
        assert receiver.arrived.wait(20)
        worker.send_signal(signal.SIGKILL)  # in the middle of the delivery: the receiver has not answered
        worker.wait()
        receiver.hold.set()
        worker = start_worker(store)
        wait_for(lambda: len(receiver.deliveries()) == 2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(10)

    first, again = receiver.deliveries()
    assert first.headers["X-WC-Webhook-Delivery-ID"] == again.headers["X-WC-Webhook-Delivery-ID"]
    assert json.loads(again.body)["id"] == customer["id"]
    assert json.loads(again.body)["_links"]["self"] == [
        {"href": f"{http_server}/wp-json/wc/v3/customers/{customer['id']}"}
    ]
    digest = hmac.new(SECRET.encode(), again.body, hashlib.sha256).digest()
    assert again.headers["X-WC-Webhook-Signature"] == base64.b64encode(digest).decode()
    assert store.sql("SELECT state FROM webhooks_delivery WHERE topic = %s", ("customer.created",)) == [("delivered",)]

    deleted = wcapi.delete(f"webhooks/{webhook['id']}", params={"force": True})
    assert (deleted.status_code, deleted.json()["name"]) == (200, "CRM sync")
    assert wcapi.get(f"webhooks/{webhook['id']}").status_code == 404


def test_a_dead_host_holds_its_share_of_the_worker_only(http_server, store):
    """One worker process, four deliveries at once, two at most per host: a receiver that never answers holds
    two, and every delivery to a healthy receiver arrives meanwhile, each customer's once."""
    from tests.webhooks.receiver import Receiver, start_receiver

    dead = start_receiver(Receiver(hold=threading.Event()))
    healthy = start_receiver(Receiver())
    wcapi = API(url=http_server, consumer_key=store.consumer_key, consumer_secret=store.consumer_secret, timeout=20)
    # Two hosts on this machine: 127.0.0.1 and localhost.
    urls = (f"{dead.url}/in", f"{healthy.url.replace('127.0.0.1', 'localhost')}/in")
    webhooks = [
        wcapi.post("webhooks", {"topic": "customer.created", "delivery_url": url, "secret": SECRET}).json()["id"]
        for url in urls
    ]
    tag = f"conc{int(time.time() * 1000)}"
    created = [wcapi.post("customers", {"email": f"{tag}-{n}@example.com"}).json()["id"] for n in range(12)]
    worker = start_worker(
        store, WCOMPAT_WORKER_CONCURRENCY="4", WCOMPAT_WEBHOOK_PER_HOST="2", WCOMPAT_WEBHOOK_TIMEOUT="60"
    )
    try:
        wait_for(lambda: len(healthy.deliveries()) == 12, timeout=30)
        assert sorted(json.loads(request.body)["id"] for request in healthy.deliveries()) == sorted(created)
        # The dead host holds what it was sent, never more than its share at once (its ping timed out apart).
        assert 1 <= len(dead.deliveries()) <= 2
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        dead.hold.set()
        for started in (dead, healthy):
            started.server.shutdown()
            started.server.server_close()
        for webhook in webhooks:
            wcapi.delete(f"webhooks/{webhook}", params={"force": True})


def test_two_workers_and_a_slow_receiver_send_each_delivery_once(http_server, store):
    """Two worker processes claim from one queue while every answer takes a while: no delivery is sent by both,
    and each attempt is logged and counted once."""
    from tests.webhooks.receiver import Receiver, start_receiver

    slow = start_receiver(Receiver(delay=0.3))
    wcapi = API(url=http_server, consumer_key=store.consumer_key, consumer_secret=store.consumer_secret, timeout=20)
    webhook = wcapi.post(
        "webhooks", {"topic": "customer.created", "delivery_url": f"{slow.url}/in", "secret": SECRET}
    ).json()["id"]
    tag = f"two{int(time.time() * 1000)}"
    created = [wcapi.post("customers", {"email": f"{tag}-{n}@example.com"}).json()["id"] for n in range(16)]
    workers = [start_worker(store, WCOMPAT_WORKER_CONCURRENCY="4") for _ in range(2)]
    try:
        wait_for(lambda: len(slow.deliveries()) >= 16, timeout=30)
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            worker.wait(10)
        slow.server.shutdown()
        slow.server.server_close()
    delivery_ids = [request.headers["X-WC-Webhook-Delivery-ID"] for request in slow.deliveries()]
    assert len(delivery_ids) == len(set(delivery_ids)) == 16
    assert sorted(json.loads(request.body)["id"] for request in slow.deliveries()) == sorted(created)
    rows = store.sql(
        "SELECT d.state, d.attempts, (SELECT COUNT(*) FROM webhooks_deliveryattempt a WHERE a.delivery_id = d.id)"
        " FROM webhooks_delivery d WHERE d.webhook_id = %s AND d.kind = 'event'",
        (webhook,),
    )
    assert rows == [("delivered", 1, 1)] * 16
    wcapi.delete(f"webhooks/{webhook}", params={"force": True})
