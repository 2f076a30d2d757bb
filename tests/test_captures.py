"""Replays the 44 requests captured from a real WooCommerce 3.5.3 store, in order, on a fresh database.

Each response must match the captured one: status, error code and message, the headers clients read
(X-WP-Total, X-WP-TotalPages, Link, Location, Allow, Vary, the no-cache pair) and the body, once dates
are normalised. Where current WooCommerce answers differently from 3.5.3, ALLOWED_DIFFERENCES says so.
"""

import base64
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.test import Client

from customers.choices import CustomerRole
from customers.models import Customer
from tests.factories import CustomerFactory, UserFactory
from wcompat import authentication
from wcompat.models import ApiKey, hash_consumer_key

CAPTURES = sorted((Path(__file__).parent / "captures").glob("*.json"))
ORACLE_KEYS = {
    "ck_oracle_read_write_0000000000000000000000": ("cs_oracle_read_write_0000000000000000000000", "read_write"),
    "ck_oracle_read_only_00000000000000000000000": ("cs_oracle_read_only_00000000000000000000000", "read"),
    "ck_oracle_write_only_0000000000000000000000": ("cs_oracle_write_only_0000000000000000000000", "write"),
}
# The OAuth capture (38) was signed at this Unix time; our clock is set just after it.
OAUTH_CAPTURE_TIME = 1795736365 + 5

UNKNOWN_ID = {"code": "wc_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}}
MODERN_EMAIL_EXISTS = (
    "An account is already registered with john.doe@example.com. Please log in or use a different email address."
)

# Current WooCommerce (9.5.2+) versus the captured 3.5.3, capture by capture. Each entry replaces part of the
# captured answer with what we (and current WooCommerce) send.
ALLOWED_DIFFERENCES = {
    # We serve the customer and webhook routes, not the rest of WooCommerce (coupons, orders, ...).
    "01": {"only_routes_containing": ("/customers", "/webhooks")},
    # The duplicate-email text changed in WooCommerce 9.4.
    "08": {"body": {"message": MODERN_EMAIL_EXISTS}},
    "09": {"body": {"message": MODERN_EMAIL_EXISTS}},
    # Unknown ids: 9.5.2+ answers 404 wc_user_invalid_id from the permission check, for every method, and
    # sends no Allow header (no method is permitted on a user that does not exist).
    "12": {"status": 404, "replace_body": UNKNOWN_ID, "allow": None},
    "13": {"status": 404, "replace_body": UNKNOWN_ID, "allow": None},
    "14": {"status": 404, "replace_body": UNKNOWN_ID, "allow": None},
    "43": {"status": 404, "replace_body": UNKNOWN_ID, "allow": None},
    "18": {
        "replace_body_path": {
            ("create", 0, "error", "message"): MODERN_EMAIL_EXISTS,
            ("update", 0, "error"): UNKNOWN_ID,
            ("delete", 0, "error"): UNKNOWN_ID,
        }
    },
}
# WordPress 6.3+ added "no-store, private" to its no-cache Cache-Control header.
MODERN_CACHE_CONTROL = "no-cache, must-revalidate, max-age=0, no-store, private"
COMPARED_HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link", "Location", "Allow", "Vary", "Expires", "Cache-Control")


def normalise(value):
    """Dates become a marker (null stays null); everything else is compared as it is."""
    if isinstance(value, dict):
        return {
            key: ("<date>" if key in ("date_created", "date_modified") and item is not None else normalise(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def request_kwargs(capture: dict) -> tuple[str, str, dict]:
    request = capture["request"]
    url = urlsplit(request["url"])
    headers = {"HTTP_HOST": url.netloc}
    for name, value in request["headers"].items():
        if name == "Content-Type":
            headers["content_type"] = value
        elif name in ("Authorization", "X-Forwarded-Proto"):
            headers["HTTP_" + name.upper().replace("-", "_")] = value
    path = url.path + (f"?{url.query}" if url.query else "")
    return request["method"].lower(), path, {**headers, "data": request.get("body") or ""}


@pytest.fixture
def oracle_store(db, settings, monkeypatch):
    """The captured store: an administrator (user 1) holding the three oracle keys."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(authentication, "now", lambda: OAUTH_CAPTURE_TIME)
    CustomerFactory(id=1, username="admin", email="admin@example.com", role=CustomerRole.ADMINISTRATOR)
    # Ids are part of the captures: the next customer must be 2, as in WordPress.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Customer]):
            cursor.execute(sql)
    owner = UserFactory(username="admin", admin=True)
    for consumer_key, (secret, permissions) in ORACLE_KEYS.items():
        ApiKey.objects.create(
            user=owner,
            permissions=permissions,
            consumer_key=hash_consumer_key(consumer_key),
            consumer_secret=secret,
            truncated_key=consumer_key[-7:],
        )


def expected_answer(number: str, response: dict) -> tuple[int, object, dict]:
    status, body = response["status"], response["json"]
    headers = dict(response["headers"])
    if "Cache-Control" in headers:
        headers["Cache-Control"] = MODERN_CACHE_CONTROL
    difference = ALLOWED_DIFFERENCES.get(number, {})
    status = difference.get("status", status)
    if "replace_body" in difference:
        body = difference["replace_body"]
    if "body" in difference:
        body = {**body, **difference["body"]}
    for path, value in difference.get("replace_body_path", {}).items():
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    if "allow" in difference:
        headers.pop("Allow", None)
    return status, body, headers


@pytest.mark.django_db(reset_sequences=True)
def test_replay_of_woocommerce_captures(oracle_store):
    assert len(CAPTURES) == 44
    client = Client()
    for path in CAPTURES:
        number = path.name[:2]
        capture = json.loads(path.read_text())
        method, url, kwargs = request_kwargs(capture)
        response = getattr(client, method)(url, **kwargs)
        status, body, headers = expected_answer(number, capture["response"])
        label = f"capture {path.name}"
        assert response.status_code == status, f"{label}: {response.content[:300]!r}"
        assert response["Content-Type"] == "application/json; charset=UTF-8", label
        actual = response.json()
        if "only_routes_containing" in ALLOWED_DIFFERENCES.get(number, {}):
            needles = ALLOWED_DIFFERENCES[number]["only_routes_containing"]
            routes = body["routes"].items()
            body = {**body, "routes": {k: v for k, v in routes if k == "/wc/v1" or any(n in k for n in needles)}}
        assert normalise(actual) == normalise(body), label
        for header in COMPARED_HEADERS:
            assert response.headers.get(header) == headers.get(header), f"{label}: header {header}"


def test_oracle_keys_decode():
    # The Basic headers of the captures carry exactly the oracle keys above.
    decoded = set()
    for path in CAPTURES:
        authorization = json.loads(path.read_text())["request"]["headers"].get("Authorization", "")
        if authorization.startswith("Basic "):
            decoded.add(base64.b64decode(authorization[6:]).decode().split(":")[0])
    assert decoded <= {*ORACLE_KEYS, "ck_wrong"}
