"""Faults under gunicorn: the database stopped and started again, the SQLite file made read-only, a worker
killed in the middle of a batch. Clients get JSON 503s with Retry-After while it lasts, the service
recovers without a restart, and nothing is left half-written."""

import base64
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.live import ROOT, create_store

pytestmark = pytest.mark.slow

POSTGRES = shutil.which("initdb") is not None or any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
THROWAWAY = ROOT / "scripts" / "throwaway-postgres"
URL = "/wp-json/wc/v3/customers"


def headers(store) -> dict[str, str]:
    credentials = base64.b64encode(f"{store.consumer_key}:{store.consumer_secret}".encode()).decode()
    return {"Authorization": f"Basic {credentials}", "X-Forwarded-Proto": "https"}


def wait_for(condition, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("the condition was not met in time")


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert response.headers["Retry-After"] == "5"
    assert response.json() == {
        "code": "rest_database_unavailable",
        "message": "The database is unavailable. Please try again shortly.",
        "data": {"status": 503},
    }


@pytest.fixture
def postgres_cluster(tmp_path):
    if not POSTGRES:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    # Not below pytest's private temporary folder: the server runs as the postgres user, which must reach it.
    directory = Path(tempfile.mkdtemp(prefix="wcompat-fault-pg."))
    url = subprocess.run([str(THROWAWAY), str(directory), "--fast"], check=True, capture_output=True, text=True)
    yield directory, url.stdout.strip()
    subprocess.run([str(THROWAWAY), str(directory), "--stop"], check=False, capture_output=True)


def test_postgresql_stopped_then_started(postgres_cluster, tmp_path):
    directory, url = postgres_cluster
    store = create_store(tmp_path, url)
    server, process = store.gunicorn(tmp_path / "gunicorn.log", DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    try:
        assert requests.get(server + URL, headers=headers(store), timeout=10).status_code == 200
        subprocess.run([str(THROWAWAY), str(directory), "--pause"], check=True)
        for _ in range(4):  # every worker, each with its broken connection
            assert_unavailable(requests.get(server + URL, headers=headers(store), timeout=20))
        health = requests.get(server + "/healthz", timeout=5)
        assert (health.status_code, health.json()) == (503, {"status": "unavailable", "database": "unavailable"})
        response = requests.post(server + URL, json={"email": "down@woo.local"}, headers=headers(store), timeout=20)
        assert_unavailable(response)
        subprocess.run([str(THROWAWAY), str(directory), "--resume"], check=True)
        # Recovery without a restart: the next requests open fresh connections.
        wait_for(lambda: requests.get(server + URL, headers=headers(store), timeout=10).status_code == 200)
        for _ in range(4):
            assert requests.get(server + URL, headers=headers(store), timeout=10).status_code == 200
        assert requests.get(server + "/healthz", timeout=5).json() == {"status": "ok", "database": "ok"}
        created = requests.post(server + URL, json={"email": "up@woo.local"}, headers=headers(store), timeout=10)
        assert created.status_code == 201
    finally:
        process.terminate()
        process.wait()


# Root ignores file permissions; without these capabilities it respects them, as any other user does.
RESPECT_PERMISSIONS = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--") if os.geteuid() == 0 else ()


def test_sqlite_file_read_only(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    store = create_store(tmp_path, f"sqlite:///{folder / 'db.sqlite3'}")
    store.sql(
        "INSERT INTO customers_customer (username, email, first_name, last_name, display_name, role, password,"
        " is_paying_customer, date_created) VALUES ('before', 'before@woo.local', '', '', 'before', 'customer',"
        " '', FALSE, CURRENT_TIMESTAMP)"
    )
    database = folder / "db.sqlite3"
    database.chmod(0o444)
    # The server opens the file while it is read-only: one worker, so that every request below meets the same
    # connection.
    server, process = store.gunicorn(
        tmp_path / "gunicorn.log",
        prefix=RESPECT_PERMISSIONS,
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        WEB_CONCURRENCY="1",
    )
    try:
        # Reads go on: the key's last_access write is bookkeeping, and never fails a read.
        for _ in range(3):
            response = requests.get(server + URL, headers=headers(store), timeout=10)
            assert response.status_code == 200, response.text[:300]
            assert "before@woo.local" in [item["email"] for item in response.json()]
        response = requests.post(server + URL, json={"email": "ro@woo.local"}, headers=headers(store), timeout=20)
        assert_unavailable(response)
        for path in folder.iterdir():  # SQLite made its -shm and -wal files read-only like the database
            path.chmod(0o644)
        # Writes work again at once: the connection that failed was dropped, not kept for CONN_MAX_AGE.
        for index in range(3):
            response = requests.post(
                server + URL, json={"email": f"after{index}@woo.local"}, headers=headers(store), timeout=10
            )
            assert response.status_code == 201, response.text[:300]
        assert store.sql("SELECT COUNT(*) FROM customers_customer WHERE email = 'ro@woo.local'") == [(0,)]
    finally:
        process.terminate()
        process.wait()


def test_sqlite_read_only_connections_are_not_kept_once_the_file_is_writable(tmp_path):
    """Connections opened while the file is read-only serve reads; once it is writable again (a disk freed,
    a permission fixed), the very next write succeeds, on every worker: none is kept until it ages out."""
    folder = tmp_path / "db"
    folder.mkdir()
    store = create_store(tmp_path, f"sqlite:///{folder / 'db.sqlite3'}")
    # The key was used a moment ago: requests do not write its last access (which would fail and close).
    store.sql("UPDATE wcompat_apikey SET last_access = %s", (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),))
    for path in folder.iterdir():
        path.chmod(0o444)
    server, process = store.gunicorn(
        tmp_path / "gunicorn.log", prefix=RESPECT_PERMISSIONS, DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"
    )
    emails = (f"w{number}@woo.local" for number in range(1000))

    def write() -> requests.Response:
        return requests.post(server + URL, json={"email": next(emails)}, headers=headers(store), timeout=20)

    def read() -> requests.Response:
        return requests.get(server + URL, headers=headers(store), timeout=10)

    try:
        assert {read().status_code for _ in range(10)} == {200}  # reads never stop
        for response in [write() for _ in range(4)]:
            assert_unavailable(response)
        assert {read().status_code for _ in range(10)} == {200}  # both workers have read since
        for path in folder.iterdir():
            path.chmod(0o644)
        assert [write().status_code for _ in range(12)] == [201] * 12
        assert {read().status_code for _ in range(6)} == {200}
    finally:
        process.terminate()
        process.wait()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_worker_killed_during_a_batch(store, tmp_path):
    """A worker killed while a batch works leaves nothing half-written (the batch's creates go in as one
    transaction, after the password hashing); a retry with the same Idempotency-Key finishes the job."""
    server, process = store.gunicorn(
        tmp_path / "gunicorn.log",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        WEB_CONCURRENCY="1",
        WCOMPAT_IDEMPOTENCY_ABANDONED_SECONDS="2",
    )
    tag = f"kill{int(time.time())}"
    batch = {"create": [{"email": f"{tag}-{n}@woo.local", "password": f"secret-{n}"} for n in range(100)]}
    idempotent = {**headers(store), "Idempotency-Key": tag}
    outcome: dict = {}

    def send():
        try:
            outcome["response"] = requests.post(f"{server}{URL}/batch", json=batch, headers=idempotent, timeout=60)
        except requests.RequestException as error:
            outcome["error"] = error

    def created() -> list[tuple]:
        return store.sql("SELECT id FROM customers_customer WHERE email LIKE %s", (f"{tag}-%",))

    try:
        sender = threading.Thread(target=send)
        sender.start()
        # The request has claimed its key and is hashing 100 passwords with the production hasher (about a
        # second on two cores): kill it there.
        deadline = time.monotonic() + 15
        while not store.sql("SELECT COUNT(*) FROM wcompat_idempotencyrecord WHERE key = %s", (tag,))[0][0]:
            assert time.monotonic() < deadline, "the batch never claimed its Idempotency-Key"
            time.sleep(0.01)
        [worker] = worker_pids(process.pid)
        os.kill(worker, signal.SIGKILL)
        sender.join(30)
        assert "error" in outcome or outcome["response"].status_code >= 500
        # Nothing half-written: no customer, or every one with both addresses.
        assert len(created()) in (0, 100)
        addresses = store.sql(
            "SELECT COUNT(*) FROM customers_address a JOIN customers_customer c ON c.id = a.customer_id"
            " WHERE c.email LIKE %s",
            (f"{tag}-%",),
        )[0][0]
        assert addresses == 2 * len(created())
        wait_for(lambda: len(worker_pids(process.pid)) == 1)  # gunicorn started a new worker
        time.sleep(2.5)  # the killed request's idempotency claim is now abandoned
        retry = requests.post(f"{server}{URL}/batch", json=batch, headers=idempotent, timeout=60)
        assert retry.status_code == 200
        items = retry.json()["create"]
        assert len(items) == 100
        codes = {item.get("error", {}).get("code") for item in items}
        assert codes <= {None, "registration-error-email-exists"}
        assert len(created()) == 100
        again = requests.post(f"{server}{URL}/batch", json=batch, headers=idempotent, timeout=60)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.content == retry.content
    finally:
        process.terminate()
        process.wait()
