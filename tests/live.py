"""Live servers for end-to-end tests: real processes on their own database (a SQLite file, or a database of
the DATABASE_URL server), over HTTP and HTTPS, under the test server or gunicorn."""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SERVE = Path(__file__).parent / "clients" / "serve.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


@dataclass
class Store:
    """A migrated database with an administrator's key and one customer who has a download."""

    env: dict
    consumer_key: str
    consumer_secret: str
    downloads_customer: int
    tmp: Path

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Run SQL on the store's database directly (as another client of it would), committed at once."""
        return run_sql(self.database_url, query, params)

    def serve(self, *, tls: bool = False, **env: str) -> tuple[str, subprocess.Popen]:
        port = free_port()
        args = [sys.executable, str(SERVE), str(port)]
        if tls:
            args += [str(self.tmp / "cert.pem"), str(self.tmp / "key.pem")]
        process = subprocess.Popen(args, cwd=ROOT, env={**self.env, **env}, stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        scheme = "https" if tls else "http"
        return wait_until_serving(f"{scheme}://127.0.0.1:{port}", process), process

    def gunicorn(self, log: Path, *, prefix: tuple[str, ...] = (), **env: str) -> tuple[str, subprocess.Popen]:
        """The project under gunicorn with gunicorn.conf.py, as in production; stderr goes to `log`."""
        port = free_port()
        process = subprocess.Popen(
            [*prefix, str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", **env},
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        return wait_until_serving(f"http://127.0.0.1:{port}", process), process


def wait_until_serving(url: str, process: subprocess.Popen, path: str = "/wp-json/wc/v1") -> str:
    """`url` once a request to it gets any answer; fails if the process exits first."""
    for _ in range(150):
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            requests.get(f"{url}{path}", timeout=2, verify=False)
            return url
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def run_sql(database_url: str, query: str, params: tuple = ()) -> list[tuple]:
    """Run one statement on a database by its URL; `%s` placeholders on both databases."""
    import dj_database_url

    settings = dj_database_url.parse(database_url)
    if settings["ENGINE"].endswith("sqlite3"):
        import sqlite3

        with sqlite3.connect(settings["NAME"], timeout=20) as connection:
            cursor = connection.execute(query.replace("%s", "?"), params)
            return cursor.fetchall() if cursor.description else []
    import psycopg

    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


SEED_DOWNLOAD = """
from customers.models import Customer, Download, Order
from customers.services import order_save
customer = Customer.objects.create(username="dl", email="dl@example.com", display_name="dl")
order = order_save(Order(customer=customer, status="completed", total="9.99"))
Download.objects.create(customer=customer, order=order, product_id=42, download_id="abc123",
                        download_name="Song", file_url="https://files.example/song.mp3")
print(customer.pk)
"""


def fresh_database_url(tmp: Path) -> str:
    """A new, empty database: on the DATABASE_URL server when there is one, else a SQLite file in `tmp`."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'db.sqlite3'}"
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    name = f"wcompat_live_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def create_store(tmp: Path, database_url: str | None = None) -> Store:
    """Migrate a fresh database, make an administrator's key, seed a customer with a download."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url or fresh_database_url(tmp),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": "live-test-secret-key",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }
    manage(env, "migrate", "--no-input")
    pair = json.loads(manage(env, "create_api_key", "--user", "admin", "--permissions", "read_write", "--json"))
    downloads_customer = int(manage(env, "shell", "-v", "0", "-c", SEED_DOWNLOAD).strip())
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(tmp / "key.pem"),
            "-out",
            str(tmp / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return Store(env, pair["consumer_key"], pair["consumer_secret"], downloads_customer, tmp)


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Store:
    return create_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="session")
def http_server(store):
    url, process = store.serve()
    yield url
    process.terminate()
    process.wait()


@pytest.fixture(scope="session")
def https_server(store):
    url, process = store.serve(tls=True)
    yield url
    process.terminate()
    process.wait()
