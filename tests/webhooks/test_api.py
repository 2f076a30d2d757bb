"""The webhooks REST API, as a client sees it, in wc/v1, wc/v2 and wc/v3."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.conftest import NAMESPACES, client_for
from tests.factories import make_api_key
from webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db

HOOKS = ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"]
DEFAULT_NAME = re.compile(r"Webhook created on [A-Z][a-z]{2} \d{2}, \d{4} @ \d{2}:\d{2} [AP]M")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def url(namespace: str = "wc/v3", path: str = "") -> str:
    return f"/wp-json/{namespace}/webhooks{path}"


def create(api, namespace: str = "wc/v3", **fields):
    body = {"topic": "customer.created", "delivery_url": "https://crm.example/in", **fields}
    return api.post(url(namespace), body, format="json")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_create_answers_the_webhook_without_its_secret(api, admin_key, namespace):
    response = create(api, namespace, secret="mine", status="paused")
    assert response.status_code == 201
    body = dict(response.json())
    webhook_id = body["id"]
    assert response["Location"] == f"https://testserver{url(namespace)}/{webhook_id}"
    dates = body.pop("date_created"), body.get("date_created_gmt")
    assert DATE.fullmatch(dates[0])
    assert DEFAULT_NAME.fullmatch(body.pop("name"))
    expected = {
        "id": webhook_id,
        "status": "active",  # the status sent is ignored: a webhook created through the API is active
        "topic": "customer.created",
        "resource": "customer",
        "event": "created",
        "hooks": HOOKS,
        "delivery_url": "https://crm.example/in",
    }
    if namespace == "wc/v1":
        expected["date_modified"] = None
    else:
        expected.update(date_created_gmt=dates[0], date_modified=None, date_modified_gmt=None)
    expected["_links"] = {
        "self": [{"href": f"https://testserver{url(namespace)}/{webhook_id}"}],
        "collection": [{"href": f"https://testserver{url(namespace)}"}],
    }
    assert body == expected
    stored = Webhook.objects.get(pk=webhook_id)
    assert (stored.secret, stored.api_version, stored.user) == ("mine", namespace, admin_key.user)
    assert api.get(f"{url(namespace)}/{webhook_id}", {"context": "edit"}).json() == response.json()


def test_a_secret_not_sent_is_generated_as_woocommerce_generates_it(api):
    webhook_id = create(api).json()["id"]
    secret = Webhook.objects.get(pk=webhook_id).secret
    assert len(secret) == 50
    assert re.fullmatch(r"[A-Za-z0-9!@#$%^&*()\-_ \[\]{}<>~`+=,.;:/?|]{50}", secret)


def test_creation_queues_a_ping(api):
    webhook_id = create(api).json()["id"]
    assert list(Delivery.objects.values_list("webhook_id", "kind")) == [(webhook_id, "ping")]


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"topic": "order.created"}, "woocommerce_rest_shop_webhook_invalid_topic", "required and must be valid"),
        ({"topic": "customer.restored"}, "woocommerce_rest_shop_webhook_invalid_topic", "required and must be valid"),
        ({"topic": "0"}, "woocommerce_rest_shop_webhook_invalid_topic", "required and must be valid"),
        ({"delivery_url": "ftp://crm.example/"}, "woocommerce_rest_shop_webhook_invalid_delivery_url", "valid URL"),
        ({"delivery_url": "HTTPS://crm.example/"}, "woocommerce_rest_shop_webhook_invalid_delivery_url", "valid URL"),
        ({"delivery_url": "https://bad_host/"}, "woocommerce_rest_shop_webhook_invalid_delivery_url", "valid URL"),
        ({"id": 5}, "woocommerce_rest_shop_webhook_exists", "Cannot create existing shop_webhook."),
    ],
)
def test_create_refuses_what_woocommerce_refuses(api, fields, code, message):
    response = create(api, **fields)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert message in response.json()["message"]
    assert not Webhook.objects.exists()


def test_create_requires_topic_and_delivery_url(api):
    response = api.post(url(), {"name": "x"}, format="json")
    assert response.json() == {
        "code": "rest_missing_callback_param",
        "message": "Missing parameter(s): topic, delivery_url",
        "data": {"status": 400, "params": ["topic", "delivery_url"]},
    }
    response = create(api, status="on")
    assert response.json()["data"]["params"] == {"status": "status is not one of active, paused, and disabled."}


def test_a_topic_valid_only_in_lower_case_is_stored_empty(api):
    """WooCommerce validates the lower-cased topic, then stores the topic as sent, which is invalid: ""."""
    body = create(api, topic="Customer.Created").json()
    assert (body["topic"], body["resource"], body["event"], body["hooks"]) == ("", "", "", [])


def test_a_delivery_url_is_stored_as_wordpress_cleans_it(api):
    assert create(api, delivery_url="https://crm.example/in?a[]=1").json()["delivery_url"] == (
        "https://crm.example/in?a%5B%5D=1"
    )


def test_update_changes_what_is_sent_and_not_empty(api):
    webhook_id = create(api, name="CRM", secret="one").json()["id"]
    response = api.put(
        url(path=f"/{webhook_id}"),
        {"name": "", "status": "paused", "topic": "customer.deleted", "delivery_url": "https://crm.example/new"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["status"], body["topic"], body["hooks"]) == (
        "CRM",
        "paused",
        "customer.deleted",
        ["delete_user"],
    )
    assert body["delivery_url"] == "https://crm.example/new"
    assert DATE.fullmatch(body["date_modified"])
    assert Webhook.objects.get(pk=webhook_id).secret == "one"


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"topic": "order.updated"}, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic must be valid."),
        ({"delivery_url": "crm.example"}, "woocommerce_rest_shop_webhook_invalid_delivery_url", None),
        ({"delivery_url": ["x"]}, "woocommerce_rest_shop_webhook_invalid_delivery_url", None),
    ],
)
def test_update_refuses_and_keeps_the_webhook(api, fields, code, message):
    webhook_id = create(api, name="CRM").json()["id"]
    response = api.put(url(path=f"/{webhook_id}"), {"name": "Changed", **fields}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    if message:
        assert response.json()["message"] == message
    assert Webhook.objects.get(pk=webhook_id).name == "CRM"


def test_an_active_webhook_with_a_new_url_is_pinged_again(api):
    webhook_id = create(api).json()["id"]
    Delivery.objects.all().delete()
    Webhook.objects.filter(pk=webhook_id).update(pending_delivery=False)
    api.put(url(path=f"/{webhook_id}"), {"name": "Same URL"}, format="json")
    assert not Delivery.objects.exists()
    api.put(url(path=f"/{webhook_id}"), {"delivery_url": "https://crm.example/moved"}, format="json")
    assert list(Delivery.objects.values_list("kind", flat=True)) == ["ping"]


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("get", "/999", 404, "ID is invalid."),
        ("get", "/0", 404, "Invalid ID."),
        ("put", "/999", 400, "ID is invalid."),
        ("delete", "/999?force=true", 404, "Invalid ID."),
    ],
)
def test_unknown_ids(api, method, path, status, message):
    response = getattr(api, method)(url(path=path))
    assert response.json() == {
        "code": "woocommerce_rest_shop_webhook_invalid_id",
        "message": message,
        "data": {"status": status},
    }


def test_delete_needs_force_even_for_an_unknown_id(api):
    webhook_id = create(api).json()["id"]
    for path in (f"/{webhook_id}", "/999"):
        response = api.delete(url(path=path))
        assert response.json() == {
            "code": "woocommerce_rest_trash_not_supported",
            "message": "Webhooks do not support trashing.",
            "data": {"status": 501},
        }
    before = api.get(url(path=f"/{webhook_id}")).json()
    assert api.delete(url(path=f"/{webhook_id}?force=true")).json() == before
    assert not Webhook.objects.exists()


def test_only_managers_of_webhooks_may_use_the_api(admin_key):
    create(client_for(admin_key))
    clerk = get_user_model().objects.create_user("clerk")
    clerk_api = client_for(make_api_key(user=clerk))
    for method, path, code, message in [
        ("get", "", "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        ("get", "/999", "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
        ("post", "", "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
        ("put", "/999", "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
        ("delete", "/999", "woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
        (
            "post",
            "/batch",
            "woocommerce_rest_cannot_batch",
            "Sorry, you are not allowed to batch manipulate this resource.",
        ),
    ]:
        # Anonymous: 401 before any check that the webhook exists; authenticated without the right: 403.
        body = {"topic": "customer.created", "delivery_url": "https://a.example/"}
        assert getattr(client_for(None), method)(url(path=path), body, format="json").json()["data"] == {"status": 401}
        response = getattr(clerk_api, method)(url(path=path), body, format="json")
        assert response.json() == {"code": code, "message": message, "data": {"status": 403}}


#
# The list
#


@pytest.fixture
def three(api):
    ids = [create(api, name=name).json()["id"] for name in ("Beta", "alpha", "Gamma")]
    api.put(url(path=f"/{ids[2]}"), {"status": "disabled"}, format="json")
    return ids


def listed(api, **params) -> list[int]:
    return [item["id"] for item in api.get(url(), params).json()]


def test_list_defaults_to_newest_first(api, three):
    response = api.get(url())
    assert [item["id"] for item in response.json()] == three[::-1]
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("3", "1")


def test_list_filters_and_orders(api, three):
    assert listed(api, orderby="title", order="asc") == [three[1], three[0], three[2]]
    assert listed(api, orderby="id", order="asc") == three
    assert listed(api, status="disabled") == [three[2]]
    assert listed(api, search="ALP") == [three[1]]
    assert listed(api, include=f"{three[0]},{three[2]}", order="asc", orderby="id") == [three[0], three[2]]
    assert listed(api, exclude=str(three[0]), orderby="id") == [three[2], three[1]]


def test_list_by_creation_date_inclusive_at_whole_seconds(api, three):
    moment = timezone.now().replace(microsecond=0) - timedelta(days=1)
    Webhook.objects.filter(pk=three[0]).update(date_created=moment + timedelta(microseconds=500))
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    assert listed(api, before=stamp) == [three[0]]
    assert listed(api, after=stamp, before=stamp) == [three[0]]
    assert three[0] not in listed(api, after=(moment + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"))
    response = api.get(url(), {"after": "yesterday"})
    assert response.json()["data"]["params"] == {"after": "Invalid date."}


def test_list_paging_with_woocommerce_quirks(api, three):
    response = api.get(url(), {"per_page": 2, "page": 2})
    assert [item["id"] for item in response.json()] == [three[0]]
    assert response["X-WP-TotalPages"] == "2"
    assert 'rel="prev"' in response["Link"]
    # per_page=1 always says one page; a non-zero offset gives the first page, whatever page says.
    response = api.get(url(), {"per_page": 1, "page": 2})
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("3", "1")
    assert listed(api, per_page=2, page=2, offset=1) == [three[2], three[1]]
    assert api.get(url(), {"page": 9}).json() == []


#
# Batch, deliveries, discovery
#


def test_batch_items_succeed_or_fail_alone(api):
    kept = create(api, name="Kept").json()["id"]
    response = api.post(
        url(path="/batch"),
        {
            "create": [{"topic": "customer.deleted", "delivery_url": "https://a.example/"}, {"topic": "nope"}],
            "update": [{"id": kept, "status": "paused"}, {"id": 999, "name": "x"}],
            "delete": [999],
        },
        format="json",
    )
    body = response.json()
    assert body["create"][0]["status"] == "active"
    assert body["create"][1] == {
        "id": 0,
        "error": {
            "code": "woocommerce_rest_shop_webhook_invalid_topic",
            "message": "Webhook topic is required and must be valid.",
            "data": {"status": 400},
        },
    }
    assert body["update"][0]["status"] == "paused"
    assert body["update"][1]["error"]["message"] == "ID is invalid."
    assert body["delete"] == [
        {
            "id": 999,
            "error": {
                "code": "woocommerce_rest_shop_webhook_invalid_id",
                "message": "Invalid ID.",
                "data": {"status": 404},
            },
        }
    ]
    assert Webhook.objects.count() == 2


@pytest.mark.parametrize("namespace", ["wc/v1", "wc/v2"])
def test_deliveries_are_deprecated_and_empty(api, namespace):
    webhook_id = create(api, namespace).json()["id"]
    assert api.get(url(namespace, f"/{webhook_id}/deliveries")).json() == []
    assert api.get(url(namespace, f"/{webhook_id}/deliveries/1")).json() == {
        "code": "woocommerce_rest_invalid_id",
        "message": "Invalid resource ID.",
        "data": {"status": 404},
    }
    assert api.get(url(namespace, "/999/deliveries")).json() == {
        "code": "woocommerce_rest_webhook_invalid_id",
        "message": "Invalid webhook ID.",
        "data": {"status": 404},
    }


def test_wc_v3_has_no_deliveries_route(api):
    webhook_id = create(api).json()["id"]
    assert api.get(url(path=f"/{webhook_id}/deliveries")).json()["code"] == "rest_no_route"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_options_describe_the_routes(api, namespace):
    body = api.options(url(namespace)).json()
    assert body["methods"] == ["GET", "POST"]
    create_args = body["endpoints"][1]["args"]
    assert list(create_args) == ["name", "status", "topic", "secret", "delivery_url"]
    assert create_args["topic"] == {"type": "string", "description": "Webhook topic.", "required": True}
    assert body["schema"]["title"] == "webhook"
    assert ("date_created_gmt" in body["schema"]["properties"]) is (namespace != "wc/v1")
    assert body["schema"]["properties"]["secret"]["context"] == ["edit"]
    item = api.options(url(namespace, "/1")).json()
    assert [endpoint["methods"] for endpoint in item["endpoints"]] == [["GET"], ["POST", "PUT", "PATCH"], ["DELETE"]]


def test_the_webhooks_app_knows_no_resource():
    """Topics, hooks and payloads are registered by the resource (customers.apps); webhooks imports none."""
    package = Path(__file__).resolve().parents[2] / "webhooks"
    for source in package.rglob("*.py"):
        text = source.read_text()
        assert not re.search(r"^\s*(from|import) customers\b", text, re.MULTILINE), source
