"""The project under gunicorn and under the development server, as clients and operators meet them:
one source of truth for HTTPS, JSON for what gunicorn refuses itself, and no credential in any log."""

import base64
import json
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.live import ROOT, free_port, wait_until_serving

pytestmark = pytest.mark.slow

CUSTOMERS = "/wp-json/wc/v1/customers"


@pytest.fixture(scope="module")
def gunicorn(store, tmp_path_factory):
    """gunicorn behind a "proxy" that says HTTPS with X-Forwarded-Proto only (DJANGO_SECURE_PROXY_SSL_HEADER)."""
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    url, process = store.gunicorn(log, DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    yield url, log
    process.terminate()
    process.wait()


def basic(store) -> dict[str, str]:
    credentials = base64.b64encode(f"{store.consumer_key}:{store.consumer_secret}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Protocol": "ssl"},
        {"X-Forwarded-Proto": "HTTPS"},
        {"Front-End-Https": "on"},
        {"X-Url-Scheme": "https"},
        {"Forwarded": "proto=https"},
        {"X-Forwarded-Scheme": "https"},
    ],
)
def test_only_the_configured_proxy_header_makes_a_request_secure(gunicorn, store, header):
    url, _log = gunicorn
    response = requests.get(url + CUSTOMERS, headers={**basic(store), **header}, timeout=10)
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_cannot_view"


def test_the_configured_proxy_header_makes_basic_auth_work(gunicorn, store):
    url, _log = gunicorn
    response = requests.get(url + CUSTOMERS, headers={**basic(store), "X-Forwarded-Proto": "https"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Link"].startswith("<https://")


def raw_request(url: str, request: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("target", "headers", "status"),
    [
        (CUSTOMERS + "?include=" + ",".join(str(n) for n in range(10000)), "", 414),
        (CUSTOMERS, "Authorization: Basic " + "Y2tf" * 25000 + "\r\n", 431),
        (CUSTOMERS, "Bad Header\x01: x\r\n", 400),
    ],
    ids=["request-line", "header", "malformed-header"],
)
def test_what_gunicorn_refuses_is_json(gunicorn, target, headers, status):
    url, _log = gunicorn
    answer = raw_request(url, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode("latin1"))
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Content-Type: application/json; charset=UTF-8" in head
    error = json.loads(body)
    assert error["data"] == {"status": status}
    assert error["code"].startswith("rest_")


def test_the_limits_are_nginx_defaults(gunicorn, store):
    url, _log = gunicorn
    include = ",".join(str(n) for n in range(1, 1300))  # about 7 KB of query string
    response = requests.get(
        f"{url}{CUSTOMERS}?include={include}", headers={**basic(store), "X-Forwarded-Proto": "https"}, timeout=10
    )
    assert response.status_code == 200


def test_gunicorn_error_log_has_no_credentials(gunicorn, store):
    url, log = gunicorn
    ck, cs, signature = store.consumer_key, store.consumer_secret, "SIGNATURE123456"
    credentials = base64.b64encode(f"{ck}:{cs}".encode()).decode()
    oauth = f'OAuth oauth_consumer_key="{ck}",oauth_signature="{signature}"'
    query = f"oauth_signature={signature}&consumer_secret={cs}&secret=HOOKSECRET99&password=PASSWORD99"
    # Every shape of request gunicorn refuses, each carrying credentials where gunicorn echoes the request.
    requests_sent = [
        f"GET {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {credentials}\x7f\r\n\r\n",
        f"GET {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {oauth}\x01\r\n\r\n",
        f"GET {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {oauth},\r\n oauth_nonce=1\r\n\r\n",
        f"GET {CUSTOMERS}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\x01: {cs}\r\n\r\n",
        f"GET {CUSTOMERS}?{query} HTTP/1.1 x\r\nHost: 127.0.0.1\r\n\r\n",
        f"GET {CUSTOMERS}?x=\x7f{cs}&{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        f"G\x01T {CUSTOMERS}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        f"GET {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-{cs}\x01: 1\r\n\r\n",
        f"GET {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\n{signature}\r\n\r\n",
        f"GET {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {signature}\r\n\r\n",
        f"POST {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: {signature}\r\n\r\n",
        f"POST {CUSTOMERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz{signature}\r\n",
        f"GET /{cs}\x00/{signature} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        f"PROXY TCP4 {signature} 1.2.3.4 1 2\r\nGET / HTTP/1.1\r\n\r\n",
    ]
    for request in requests_sent:
        raw_request(url, request.encode("latin1"))
    time.sleep(0.5)
    text = log.read_text()
    assert text.count("Invalid request") >= 10
    assert "Invalid request from ip=127.0.0.1: Invalid HTTP Header" in text  # what was wrong is still said
    assert_no_credentials(text, store)
    for secret in ("HOOKSECRET99", "PASSWORD99"):
        assert secret not in text


def assert_no_credentials(text: str, store) -> None:
    encoded = base64.b64encode(f"{store.consumer_key}:{store.consumer_secret}".encode()).decode()
    for secret in (store.consumer_key, store.consumer_secret, encoded[:20], "SIGNATURE123456"):
        assert secret not in text


def test_development_server_log_has_no_credentials(store, tmp_path):
    port = free_port()
    log = tmp_path / "runserver.log"
    env = {**store.env, "DJANGO_DEBUG": "1", "WCOMPAT_ALLOW_INSECURE_KEY_AUTH": "1", "DJANGO_LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = wait_until_serving(f"http://127.0.0.1:{port}", process)
        # Failures are logged by the development server with their query string; these carry credentials.
        requests.get(f"{url}{CUSTOMERS}?consumer_key={store.consumer_key}&consumer_secret=cs_wrong0000", timeout=10)
        requests.get(
            f"{url}{CUSTOMERS}?consumer_key={store.consumer_key}&consumer_secret={store.consumer_secret}&per_page=0",
            timeout=10,
        )
        requests.get(
            f"{url}{CUSTOMERS}?oauth_consumer_key={store.consumer_key}&oauth_signature=SIGNATURE123456"
            "&oauth_nonce=n&oauth_timestamp=1&oauth_signature_method=HMAC-SHA1",
            timeout=10,
        )
        requests.get(f"{url}{CUSTOMERS}", headers={**basic(store), "X-Trigger": "1"}, params={"page": "0"}, timeout=10)
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait()
    text = log.read_text()
    assert "/wp-json/wc/v1/customers" in text  # the failures were logged
    assert_no_credentials(text, store)
