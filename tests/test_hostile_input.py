"""Hostile and unusual requests: each answers WordPress-shaped JSON with the right status, never a 500 or
an HTML page, and a refused request changes nothing in the database. (What gunicorn itself refuses is
in tests/test_gunicorn.py; faults of the database in tests/test_faults.py.)"""

import time
from urllib.parse import urlencode

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from customers import services
from customers.models import Address, Customer, CustomerMeta
from customers.services import create
from tests.factories import CustomerFactory
from tests.oauth_client import client_signature
from wcompat.models import ApiKey, IdempotencyRecord

pytestmark = pytest.mark.django_db

URL = "/wp-json/wc/v3/customers"
JSON = "application/json; charset=UTF-8"


def snapshot() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        sorted(Customer.objects.values_list("id", "email", "username", "first_name", "date_modified")),
        sorted(Address.objects.values_list("customer_id", "type", "city", "phone")),
        sorted(CustomerMeta.objects.values_list("customer_id", "key", "value")),
    )


def assert_json(response, status_code: int, code: str | None = None) -> dict:
    assert response.status_code == status_code, response.content[:300]
    assert response["Content-Type"] == JSON
    body = response.json()
    if code:
        assert body["code"] == code
        assert body["data"]["status"] == status_code
    return body


#
# Bodies
#

MULTIPART = "multipart/form-data; boundary=BOUNDARY"


def multipart(fields: dict[str, str]) -> bytes:
    parts = [
        f'--BOUNDARY\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + "--BOUNDARY--\r\n").encode()


def test_multipart_body_anonymous_is_401(anon, customer):
    before = snapshot()
    response = anon.post(URL, multipart({"email": "x@woo.local"}), content_type=MULTIPART)
    assert_json(response, 401, "woocommerce_rest_cannot_create")
    assert snapshot() == before


def test_multipart_body_signed_with_oauth_creates(admin_key):
    fields = {"email": "multi@woo.local", "first_name": "Multi"}
    signed = {
        "oauth_consumer_key": admin_key.plain_key,
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": "multipart-nonce",
        "oauth_signature_method": "HMAC-SHA256",
    }
    # PHP fills $_POST from a multipart body too, so WooCommerce signs its fields like a form's.
    signed["oauth_signature"] = client_signature(
        "POST", f"http://testserver{URL}", {**fields, **signed}, admin_key.consumer_secret
    )
    response = APIClient(HTTP_HOST="testserver").post(
        f"{URL}?{urlencode(signed)}", multipart(fields), content_type=MULTIPART
    )
    body = assert_json(response, 201)
    assert (body["email"], body["first_name"]) == ("multi@woo.local", "Multi")


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_multipart_without_a_boundary_is_read_as_no_fields(api, content_type):
    response = api.post(URL, b"--x\r\nnonsense", content_type=content_type)
    body = assert_json(response, 400, "rest_missing_callback_param")
    assert body["data"]["params"] == ["email"]
    assert not Customer.objects.exists()


def test_multipart_with_more_fields_than_allowed_is_413(api):
    fields = {f"field{index}": "x" for index in range(1100)}
    response = api.post(URL, multipart(fields), content_type=MULTIPART)
    assert_json(response, 413, "rest_request_too_large")
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "s@woo.local", "first_name": "a\\ud800b"}',
        '{"email": "s@woo.local", "billing": {"city": "\\udc00"}}',
    ],
)
def test_lone_surrogate_in_a_json_field_is_refused(api, customer, body):
    before = snapshot()
    for method, path in (("post", URL), ("put", f"{URL}/{customer.pk}")):
        response = getattr(api, method)(path, body, content_type="application/json")
        error = assert_json(response, 400, "rest_invalid_json")
        assert error["data"]["json_error_code"] == 10
    assert snapshot() == before


def test_lone_surrogate_in_a_search_is_refused(api, customer):
    response = api.generic("GET", URL, '{"search": "\\ud83d"}', content_type="application/json")
    assert assert_json(response, 400, "rest_invalid_json")["data"]["json_error_code"] == 10
    # In a query string it is percent-encoded bytes that are not UTF-8: decoded as U+FFFD, matching nothing.
    assert_json(api.get(f"{URL}?search=%ED%A0%80"), 200)


def test_nul_characters_are_validated_as_sent(api, customer):
    # WordPress validates first: an email or an enum value with a NUL is not one. (A create's email argument
    # has no format, so its handler refuses it, as it refuses any invalid email.)
    created = api.post(URL, {"email": "a\x00b@example.com"}, format="json")
    assert assert_json(created, 400, "customer_invalid_email")["message"] == "Invalid email address"
    updated = api.put(f"{URL}/{customer.pk}", {"email": "new\x00@example.com"}, format="json")
    assert assert_json(updated, 400, "rest_invalid_param")["data"]["params"] == {"email": "Invalid email address."}
    listed = api.get(f"{URL}?orderby=id%00")
    assert list(assert_json(listed, 400, "rest_invalid_param")["data"]["params"]) == ["orderby"]
    assert_json(api.get(f"{URL}?per_page=1%00"), 400, "rest_invalid_param")
    assert_json(api.get("/wp-json/wc/v3/webhooks?status=active%00"), 400, "rest_invalid_param")
    assert Customer.objects.get(pk=customer.pk).email == "test@woo.local"
    assert Customer.objects.count() == 1


def test_nul_characters_are_dropped_where_wordpress_sanitizes(api, customer):
    response = api.post(
        f"{URL}/batch",
        {
            "create": [{"email": "nul@woo.local", "username": "u\x00ser", "first_name": "A\x00B"}],
            "update": [{"id": customer.pk, "last_name": "C\x00D"}],
        },
        format="json",
    )
    body = assert_json(response, 200)
    assert "error" not in body["create"][0]
    assert "error" not in body["update"][0]
    created = Customer.objects.get(email="nul@woo.local")
    assert (created.first_name, created.username) == ("AB", "user")
    customer.refresh_from_db()
    assert customer.last_name == "CD"
    assert_json(api.get(f"{URL}?search=a%00b&per_page=1"), 200)
    # A meta value is any JSON, stored as JSON text: the NUL is kept, escaped, and comes back as sent.
    path = f"{URL}/{customer.pk}"
    meta = assert_json(api.put(path, {"meta_data": [{"key": "k", "value": "v\x00"}]}, format="json"), 200)
    assert meta["meta_data"][0]["value"] == "v\x00"
    assert CustomerMeta.objects.get().value == '"v\\u0000"'


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({"billing": {"city": "E\x00F"}}, "billing", "billing[city] cannot contain a NUL character."),
        ({"shipping": {"address_1": "\x00"}}, "shipping", "shipping[address_1] cannot contain a NUL character."),
        (
            {"meta_data": [{"key": "k\x00", "value": 1}]},
            "meta_data",
            "meta_data[0][key] cannot contain a NUL character.",
        ),
        (
            {"meta_data": [{"key": "x", "value": 1}, {"key": "billing_city", "value": "\x00"}]},
            "meta_data",
            "meta_data[1][value] cannot contain a NUL character.",
        ),
    ],
)
def test_nul_characters_are_refused_where_wordpress_stores_values_as_given(api, customer, body, param, message):
    before = api.get(f"{URL}/{customer.pk}").json()
    for response in (
        api.put(f"{URL}/{customer.pk}", body, format="json"),
        api.post(URL, {"email": "fresh@woo.local", **body}, format="json"),
    ):
        error = assert_json(response, 400, "rest_invalid_param")
        assert (error["message"], error["data"]["params"]) == (f"Invalid parameter(s): {param}", {param: message})
    batch = api.post(
        f"{URL}/batch",
        {"create": [{"email": "fresh@woo.local", **body}], "update": [{"id": customer.pk, **body}]},
        format="json",
    ).json()
    assert [item["error"]["data"]["params"] for item in (*batch["create"], *batch["update"])] == [{param: message}] * 2
    assert api.get(f"{URL}/{customer.pk}").json() == before
    assert not Customer.objects.filter(email="fresh@woo.local").exists()


@pytest.mark.parametrize("field", ["name", "secret"])
def test_a_webhook_name_or_secret_with_a_nul_character_is_refused(api, field):
    body = {"topic": "customer.updated", "delivery_url": "https://hooks.example/in", field: "a\x00b"}
    error = assert_json(api.post("/wp-json/wc/v3/webhooks", body, format="json"), 400, "rest_invalid_param")
    assert error["data"]["params"] == {field: f"{field} cannot contain a NUL character."}
    created = api.post("/wp-json/wc/v3/webhooks", {**body, field: "ok"}, format="json").json()
    response = api.put(f"/wp-json/wc/v3/webhooks/{created['id']}", {field: "a\x00b"}, format="json")
    assert_json(response, 400, "rest_invalid_param")


def test_an_idempotency_key_with_a_nul_character_is_refused(api):
    response = api.post(URL, {"email": "idem@woo.local"}, format="json", HTTP_IDEMPOTENCY_KEY="a\x00b")
    assert_json(response, 400, "rest_invalid_param")
    assert not Customer.objects.filter(email="idem@woo.local").exists()


#
# Query strings
#


@pytest.mark.parametrize("name", ["a" + "[b]" * 1300, "a" + "[]" * 1900])
def test_query_strings_nested_deeper_than_php_allows_are_dropped(api, customer, name):
    response = api.get(f"{URL}?{name}=1&per_page=1")
    assert_json(response, 200)
    assert len(response.json()) == 1


def test_more_query_variables_than_php_reads_are_ignored(api, customer):
    query = "&".join(f"v{index}=1" for index in range(5000))
    assert_json(api.get(f"{URL}?{query}"), 200)
    assert_json(api.get(f"{URL}?_method=GET&{query}"), 200)


def test_a_very_long_search_matches_nothing(api, customer):
    response = api.get(URL, {"search": "a" * 100_000})
    assert assert_json(response, 200) == []
    assert response["X-WP-Total"] == "0"


def test_include_ordered_by_position_is_fast_and_bounded(api):
    customers = CustomerFactory.create_batch(5)
    include = list(range(1, 10_001))
    started = time.monotonic()
    response = api.generic(
        "GET", URL, f'{{"include": {include}, "orderby": "include", "order": "desc"}}', content_type="application/json"
    )
    assert time.monotonic() - started < 5
    body = assert_json(response, 200)
    assert [item["id"] for item in body] == sorted((c.pk for c in customers), reverse=True)
    response = api.generic("GET", URL, f'{{"include": {list(range(1, 20_002))}}}', content_type="application/json")
    error = assert_json(response, 400, "rest_invalid_param")
    assert error["data"]["params"] == {"include": "include must contain at most 10000 items."}


#
# Routing and headers
#


@pytest.mark.parametrize("digit", ["\u0666", "\uff16", "\u0e56"])
def test_non_ascii_digits_are_no_route(api, customer, digit):
    response = api.get(f"{URL}/{digit}")
    assert_json(response, 404, "rest_no_route")


@pytest.mark.parametrize("host", ["evil.example", "", "bad host"])
def test_a_host_the_site_does_not_serve_is_json(host, settings):
    settings.DEBUG = False
    response = Client().get(URL, HTTP_HOST=host)
    assert_json(response, 400, "rest_invalid_host")
    response = Client().get("/admin/login/", HTTP_HOST=host)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


#
# Usernames
#


@pytest.mark.parametrize("username", ["jöhn☃", "bad name!", "<b>x</b>☃"])
def test_a_username_wordpress_would_rewrite_is_refused(api, username):
    response = api.post(URL, {"email": "john@woo.local", "username": username}, format="json")
    body = assert_json(response, 400, "registration-error-invalid-username")
    assert body["message"] == "Please provide a valid account username."
    assert not Customer.objects.exists()


def test_accented_usernames_lose_their_accents_as_in_wordpress(api):
    response = api.post(URL, {"email": "jo@woo.local", "username": "Jöhn Strauß"}, format="json")
    assert assert_json(response, 201)["username"] == "John Strauss"


def test_a_generated_username_taken_meanwhile_is_generated_again(api, another_writer_first):
    CustomerFactory(username="racer")
    # Another request takes "racer" between our check and our insert: the insert fails, and we retry.
    another_writer_first("with_usernames")
    response = api.post(URL, {"email": "racer@woo.local"}, format="json")
    body = assert_json(response, 201)
    assert body["username"].startswith("racer-")


#
# Batches
#


def test_an_unexpected_error_in_one_batch_item_is_reported_in_place(api, customer, monkeypatch):
    real_check, real_update = create._check, services.customer_update

    def flaky_check(index, item, *args):
        if item.get("email") == "boom@woo.local":
            raise RuntimeError("something broke")
        return real_check(index, item, *args)

    def flaky_update(*, customer, **fields):
        if fields.get("first_name") == "boom":
            raise RuntimeError("something broke")
        return real_update(customer=customer, **fields)

    monkeypatch.setattr(create, "_check", flaky_check)
    monkeypatch.setattr(services, "customer_update", flaky_update)
    other = CustomerFactory()
    response = api.post(
        f"{URL}/batch",
        {
            "create": [{"email": "one@woo.local"}, {"email": "boom@woo.local"}, {"email": "three@woo.local"}],
            "update": [{"id": customer.pk, "first_name": "boom"}, {"id": other.pk, "first_name": "fine"}],
            "delete": [other.pk],
        },
        format="json",
    )
    body = assert_json(response, 200)
    failed = {"code": "rest_internal_error", "message": "The item could not be processed.", "data": {"status": 500}}
    assert [item.get("error") for item in body["create"]] == [None, failed, None]
    assert body["create"][1]["id"] == 0
    assert body["update"][0] == {"id": customer.pk, "error": failed}
    assert body["update"][1]["first_name"] == "fine"
    assert body["delete"][0]["id"] == other.pk
    assert sorted(Customer.objects.values_list("email", flat=True)) == [
        "one@woo.local",
        "test@woo.local",
        "three@woo.local",
    ]
    customer.refresh_from_db()
    assert customer.first_name == "Justin"


def test_batch_items_after_the_deadline_are_answered_not_processed(api, settings):
    settings.WCOMPAT_BATCH_DEADLINE = -1
    response = api.post(f"{URL}/batch", {"create": [{"email": "late@woo.local"}], "delete": [5]}, format="json")
    body = assert_json(response, 200)
    assert body["create"][0]["error"]["code"] == "rest_batch_item_not_processed"
    assert body["create"][0]["error"]["data"] == {"status": 503}
    assert body["delete"][0]["id"] == 5
    assert not Customer.objects.exists()


#
# Bookkeeping and the database
#


def test_a_failed_last_access_write_does_not_fail_the_read(api, customer, monkeypatch):
    def read_only(*args, **kwargs):
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ApiKey.objects, "filter", lambda *a, **k: type("Q", (), {"update": read_only})())
    assert_json(api.get(URL), 200)


def test_database_unavailable_is_503_with_retry_after(api, monkeypatch):
    from customers import views

    def unavailable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views, "customer_page", unavailable)
    response = api.get(URL)
    body = assert_json(response, 503, "rest_database_unavailable")
    assert body["message"] == "The database is unavailable. Please try again shortly."
    assert response["Retry-After"] == "5"


#
# Idempotency-Key
#


def test_idempotency_key_replays_the_answer(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-jane-1"}
    first = api.post(URL, {"email": "jane@woo.local"}, format="json", **headers)
    second = api.post(URL, {"email": "jane@woo.local"}, format="json", **headers)
    assert_json(first, 201)
    assert second.status_code == 201
    assert second.content == first.content
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert Customer.objects.count() == 1


def test_idempotency_key_with_another_body_is_409(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k1"}
    api.post(URL, {"email": "a@woo.local"}, format="json", **headers)
    response = api.post(URL, {"email": "b@woo.local"}, format="json", **headers)
    assert_json(response, 409, "rest_idempotency_key_reused")
    assert list(Customer.objects.values_list("email", flat=True)) == ["a@woo.local"]


def test_idempotency_keys_belong_to_their_api_key(api, db):
    from tests.conftest import client_for
    from tests.factories import make_api_key

    other = client_for(make_api_key())
    headers = {"HTTP_IDEMPOTENCY_KEY": "shared"}
    assert api.post(URL, {"email": "a@woo.local"}, format="json", **headers).status_code == 201
    assert other.post(URL, {"email": "b@woo.local"}, format="json", **headers).status_code == 201
    assert Customer.objects.count() == 2


def test_refusals_are_replayed_too_and_failures_are_not_kept(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "bad-1"}
    first = api.post(URL, {"email": "not-an-email"}, format="json", **headers)
    again = api.post(URL, {"email": "not-an-email"}, format="json", **headers)
    assert (first.status_code, again.status_code) == (400, 400)
    assert again["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.count() == 1


def test_without_the_header_nothing_changes(api):
    api.post(URL, {"email": "a@woo.local"}, format="json")
    response = api.post(URL, {"email": "a@woo.local"}, format="json")
    assert_json(response, 400, "registration-error-email-exists")
    assert not IdempotencyRecord.objects.exists()


LIST_PARAMS = [
    "context",
    "page",
    "per_page",
    "search",
    "exclude",
    "include",
    "offset",
    "order",
    "orderby",
    "email",
    "role",
    "after",
    "before",
    "modified_after",
    "modified_before",
    "dates_are_gmt",
    "phone",
    "_fields",
    "_method",
    "consumer_key",
    "oauth_nonce",
    "status",
    "force",
    "reassign",
]


@pytest.mark.parametrize("namespace", ["wc/v1", "wc/v3"])
@pytest.mark.parametrize("resource", ["customers", "webhooks"])
def test_a_nul_character_in_any_parameter_is_never_a_server_error(api, customer, namespace, resource):
    for name in LIST_PARAMS:
        for value in ("%00", "a%00", "1%00"):
            for path in (f"/wp-json/{namespace}/{resource}", f"/wp-json/{namespace}/{resource}/{customer.pk}"):
                response = api.get(f"{path}?{name}={value}")
                assert response.status_code < 500, (path, name, value, response.content)
                assert response["Content-Type"].startswith("application/json")
    body = dict.fromkeys(("email", "username", "password", "first_name", "last_name", "name", "topic"), "x\x00")
    for response in (
        api.post(f"/wp-json/{namespace}/{resource}", body, format="json"),
        api.put(f"/wp-json/{namespace}/{resource}/{customer.pk}", body, format="json"),
        api.post(f"/wp-json/{namespace}/{resource}/batch", {"create": [body], "update": [body]}, format="json"),
    ):
        assert response.status_code < 500, response.content
