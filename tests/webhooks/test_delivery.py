"""Deliveries to a real HTTP receiver, sent by the worker: what arrives, signed how, and what failures do."""

import base64
import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer
from tests.conftest import NAMESPACES
from tests.factories import CustomerFactory
from tests.webhooks.conftest import SECRET, run_worker, subscribe
from webhooks import delivery as delivery_module
from webhooks.models import Delivery, DeliveryAttempt, Webhook
from webhooks.queue import prune

pytestmark = pytest.mark.django_db


def woocommerce_signature(body: bytes, secret: str) -> str:
    """As WooCommerce signs: base64 of the raw HMAC-SHA256 of the body, keyed with the entity-decoded secret."""
    key = secret.replace("&amp;", "&").encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def create_customer(api, email: str = "ada@example.com") -> dict:
    response = api.post("/wp-json/wc/v3/customers", {"email": email, "first_name": "Ada"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_delivery_is_what_woocommerce_sends(api, receiver, namespace):
    webhook = subscribe(api, receiver, "customer.updated", namespace)
    customer = create_customer(api)
    run_worker()

    [delivery] = receiver.deliveries()
    assert (delivery.method, delivery.path, delivery.version) == ("POST", "/hooks", "HTTP/1.0")
    headers = {name: value for name, value in delivery.headers.items() if name.startswith(("X-WC", "User-", "Cont"))}
    delivery_id = headers.pop("X-WC-Webhook-Delivery-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", delivery_id)
    assert headers == {
        "User-Agent": delivery_module.USER_AGENT,
        "Content-Type": "application/json",
        "Content-Length": str(len(delivery.body)),
        "X-WC-Webhook-Source": "https://testserver/",
        "X-WC-Webhook-Topic": "customer.updated",
        "X-WC-Webhook-Resource": "customer",
        "X-WC-Webhook-Event": "updated",
        "X-WC-Webhook-Signature": woocommerce_signature(delivery.body, SECRET),
        "X-WC-Webhook-ID": str(webhook["id"]),
    }
    assert re.fullmatch(r"WooCommerce/[\d.]+ Hookshot \(WordPress/[\d.]+\)", headers["User-Agent"])
    # The body is the customer as the webhook's owner reads it in the webhook's version, in PHP's JSON.
    assert json.loads(delivery.body) == api.get(f"/wp-json/{namespace}/customers/{customer['id']}").json()
    assert b"https:\\/\\/testserver\\/wp-json\\/" + namespace.replace("/", "\\/").encode() in delivery.body
    assert b" " not in delivery.body.split(b'"first_name"')[0]


def test_creating_a_customer_fires_created_and_updated(api, receiver):
    subscribe(api, receiver, "customer.created")
    subscribe(api, receiver, "customer.updated")
    customer = create_customer(api)
    run_worker()
    topics = sorted(request.headers["X-WC-Webhook-Topic"] for request in receiver.deliveries())
    assert topics == ["customer.created", "customer.updated"]
    assert {json.loads(request.body)["id"] for request in receiver.deliveries()} == {customer["id"]}


def test_every_save_fires_updated_even_without_a_change(api, receiver):
    customer = create_customer(api)
    subscribe(api, receiver, "customer.updated")
    run_worker()
    assert api.put(f"/wp-json/wc/v3/customers/{customer['id']}", {}, format="json").status_code == 200
    run_worker()
    assert [json.loads(request.body)["id"] for request in receiver.deliveries()] == [customer["id"]]


def test_a_deleted_customer_is_delivered_as_its_id(api, receiver):
    customer = create_customer(api)
    subscribe(api, receiver, "customer.deleted")
    api.delete(f"/wp-json/wc/v3/customers/{customer['id']}?force=true")
    run_worker()
    [delivery] = receiver.deliveries()
    assert delivery.body == b'{"id":%d}' % customer["id"]
    assert delivery.headers["X-WC-Webhook-Signature"] == woocommerce_signature(delivery.body, SECRET)


def test_deleting_a_user_who_is_not_a_customer_fires_nothing(api, receiver):
    subscriber = CustomerFactory(role="subscriber")
    subscribe(api, receiver, "customer.deleted")
    response = api.delete(f"/wp-json/wc/v3/customers/{subscriber.pk}?force=true")
    assert response.status_code == 200
    run_worker()
    assert receiver.deliveries() == []


def test_a_customer_gone_before_the_delivery_is_delivered_as_the_error(api, receiver):
    customer = create_customer(api)
    subscribe(api, receiver, "customer.updated")
    api.put(f"/wp-json/wc/v3/customers/{customer['id']}", {"last_name": "L"}, format="json")
    Customer.objects.filter(pk=customer["id"]).delete()
    run_worker()
    [delivery] = receiver.deliveries()
    assert json.loads(delivery.body) == {
        "code": "wc_user_invalid_id",
        "message": "Invalid user ID.",
        "data": {"status": 404},
    }


def test_changes_while_a_delivery_waits_are_coalesced(api, receiver):
    customer = create_customer(api)
    subscribe(api, receiver, "customer.updated")
    for name in ("One", "Two", "Three"):
        api.put(f"/wp-json/wc/v3/customers/{customer['id']}", {"first_name": name}, format="json")
    run_worker()
    [delivery] = receiver.deliveries()
    assert json.loads(delivery.body)["first_name"] == "Three"  # rendered when sent: the latest state


def test_a_change_made_while_its_delivery_is_being_sent_is_delivered_too(api, receiver, monkeypatch):
    from webhooks import worker

    customer = create_customer(api)
    subscribe(api, receiver, "customer.updated")
    api.put(f"/wp-json/wc/v3/customers/{customer['id']}", {"first_name": "Before"}, format="json")
    real_prepare, changed = worker._prepare, []

    def prepare_then_change_the_customer(deliveries, webhooks):
        ready = real_prepare(deliveries, webhooks)  # the payloads are rendered ...
        if any(outbound.delivery.kind == "event" for outbound in ready) and not changed:
            # ... and the customer changes before the send
            api.put(f"/wp-json/wc/v3/customers/{customer['id']}", {"first_name": "After"}, format="json")
            changed.append(True)
        return ready

    monkeypatch.setattr(worker, "_prepare", prepare_then_change_the_customer)
    run_worker()
    assert [json.loads(request.body)["first_name"] for request in receiver.deliveries()] == ["Before", "After"]


def test_a_paused_webhook_gets_nothing(api, receiver):
    webhook = subscribe(api, receiver, "customer.created")
    api.put(f"/wp-json/wc/v3/webhooks/{webhook['id']}", {"status": "paused"}, format="json")
    create_customer(api)
    run_worker()
    assert receiver.deliveries() == []


#
# The ping
#


def test_creation_pings_and_a_200_clears_the_pending_ping(api, receiver):
    webhook = subscribe(api, receiver, "customer.created")
    assert Webhook.objects.get(pk=webhook["id"]).pending_delivery is True
    run_worker()
    [ping] = receiver.pings()
    assert ping.body == f"webhook_id={webhook['id']}".encode()
    assert ping.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert ping.headers["User-Agent"] == delivery_module.USER_AGENT
    assert not any(name.startswith("X-WC-") for name in ping.headers)
    assert Webhook.objects.get(pk=webhook["id"]).pending_delivery is False


def test_an_unanswered_ping_is_sent_again_after_each_delivery(api, receiver):
    receiver.statuses = [204, 200]  # the ping wants exactly 200; 204 leaves it pending
    webhook = subscribe(api, receiver, "customer.created")
    create_customer(api)
    run_worker()
    assert len(receiver.pings()) == 2
    assert Webhook.objects.get(pk=webhook["id"]).pending_delivery is False


#
# Failures
#


def test_a_receiver_down_then_up_gets_the_delivery_on_a_retry(api, receiver):
    receiver.statuses = [200, 503, 200]  # ping, first attempt, retry
    webhook = subscribe(api, receiver, "customer.created")
    create_customer(api)
    run_worker()
    queued = Delivery.objects.get(kind=Delivery.Kind.EVENT)
    assert (queued.state, queued.attempts) == (Delivery.State.PENDING, 1)
    assert queued.next_attempt_at > timezone.now()  # backing off
    assert Webhook.objects.get(pk=webhook["id"]).failure_count == 1

    Delivery.objects.filter(pk=queued.pk).update(next_attempt_at=timezone.now())
    run_worker()
    first, retry = receiver.deliveries()
    assert first.headers["X-WC-Webhook-Delivery-ID"] == retry.headers["X-WC-Webhook-Delivery-ID"]
    assert first.body == retry.body
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (Delivery.State.DELIVERED, 2)
    assert Webhook.objects.get(pk=webhook["id"]).failure_count == 0
    log = DeliveryAttempt.objects.filter(delivery=queued).order_by("attempt")
    assert [(entry.attempt, entry.response_code, entry.response_body) for entry in log] == [
        (1, 503, "answered 503"),
        (2, 200, "answered 200"),
    ]


def test_an_answer_holding_nul_characters_is_logged_without_them(api, receiver):
    """PostgreSQL's text holds no NUL: a receiver's answer with one must not undo the turn's bookkeeping."""
    receiver.body = b"ok\x00\x00 done"
    subscribe(api, receiver, "customer.created")
    create_customer(api)
    run_worker()
    queued = Delivery.objects.get(kind=Delivery.Kind.EVENT)
    assert (queued.state, queued.attempts) == (Delivery.State.DELIVERED, 1)
    assert DeliveryAttempt.objects.get(delivery=queued).response_body == "ok\ufffd\ufffd done"


def test_the_seventh_failure_in_a_row_disables_the_webhook(api, receiver, settings):
    settings.WCOMPAT_WEBHOOK_MAX_ATTEMPTS = 1  # one event, one attempt: as WooCommerce (no retries)
    receiver.statuses = [500]
    webhook = subscribe(api, receiver, "customer.created")
    run_worker()
    for number in range(6):
        create_customer(api, f"c{number}@example.com")
        run_worker()
    stored = Webhook.objects.get(pk=webhook["id"])
    assert (stored.status, stored.failure_count) == ("active", 6)

    create_customer(api, "seventh@example.com")
    run_worker()
    stored.refresh_from_db()
    assert (stored.status, stored.failure_count) == ("disabled", 6)
    create_customer(api, "after@example.com")
    run_worker()
    assert len(receiver.deliveries()) == 7


def test_a_success_resets_the_failure_count(api, receiver, settings):
    settings.WCOMPAT_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.statuses = [200, 500, 500, 302]
    webhook = subscribe(api, receiver, "customer.created")
    for number in range(3):
        create_customer(api, f"c{number}@example.com")
        run_worker()
    stored = Webhook.objects.get(pk=webhook["id"])
    assert (stored.status, stored.failure_count) == ("active", 0)  # 302 is a success, not followed


def test_a_private_address_is_refused_unless_allowed(api, receiver, settings):
    settings.WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS = False
    webhook = subscribe(api, receiver, "customer.created")  # accepted, as WooCommerce accepts it
    create_customer(api)
    run_worker()
    assert receiver.requests == []
    attempt = DeliveryAttempt.objects.get(delivery__kind=Delivery.Kind.EVENT)
    assert (attempt.response_code, attempt.error) == (0, "http_request_failed: A valid URL was not provided.")
    assert Webhook.objects.get(pk=webhook["id"]).failure_count == 1

    settings.WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS = True
    Delivery.objects.update(next_attempt_at=timezone.now())
    run_worker()
    assert len(receiver.deliveries()) == 1


def test_a_deleted_webhook_drops_what_it_had_queued(api, receiver):
    webhook = subscribe(api, receiver, "customer.created")
    create_customer(api)
    api.delete(f"/wp-json/wc/v3/webhooks/{webhook['id']}?force=true")
    run_worker()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_the_log_is_pruned_after_its_age(api, receiver, settings):
    settings.WCOMPAT_WEBHOOK_LOG_DAYS = 7
    subscribe(api, receiver, "customer.created")
    create_customer(api)
    run_worker()
    Delivery.objects.update(created=timezone.now() - timedelta(days=8))
    assert prune() == 2  # the ping and the delivery, with their attempts
    assert not DeliveryAttempt.objects.exists()


#
# The bytes WooCommerce signs
#


def test_php_json_is_what_php_writes():
    payload = {"name": "Zoë / <b>&'", "emoji": "😀", "empty": {}, "list": [], "n": 1.5, "none": None}
    assert delivery_module.php_json(payload) == (
        b'{"name":"Zo\\u00eb \\/ <b>&\'","emoji":"\\ud83d\\ude00","empty":[],"list":[],"n":1.5,"none":null}'
    )
    assert delivery_module.php_json({"a": [1, {"b": "x/y"}]}) == b'{"a":[1,{"b":"x\\/y"}]}'
    nested = {"meta_data": [{"value": {}}, [{}]], "deep": {"a": {"b": {}}, "c": "{}"}}
    assert delivery_module.php_json(nested) == b'{"meta_data":[{"value":[]},[[]]],"deep":{"a":{"b":[]},"c":"{}"}}'


@pytest.mark.parametrize(
    ("secret", "key"),
    [("plain", "plain"), ("a&amp;b", "a&b"), ("&#038;&#x26;&lt;&#062;&quot;&#039;", "&&<>\"'"), ("&nbsp;", "&nbsp;")],
)
def test_the_secret_is_entity_decoded_as_wordpress_decodes_it(secret, key):
    body = b'{"id":1}'
    expected = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    assert delivery_module.signature(body, secret) == expected
