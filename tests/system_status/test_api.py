"""/wc/v2|v3/system_status and /system_status/tools through the HTTP API, as connectors check a store with them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from customers.models import CustomerStats, RoleCount
from system_status.schema import STATUS_SCHEMA
from tests.conftest import client_for
from tests.factories import CustomerFactory, OrderFactory, UserFactory, make_api_key
from wcompat.models import IdempotencyRecord, OAuthNonce

pytestmark = pytest.mark.django_db

NAMESPACES = ("wc/v2", "wc/v3")
SECTIONS = [
    "environment",
    "database",
    "active_plugins",
    "inactive_plugins",
    "dropins_mu_plugins",
    "theme",
    "settings",
    "security",
    "pages",
    "post_type_counts",
]
JSON_TYPES = {"string": str, "boolean": bool, "integer": int, "array": (list, dict), "object": dict}


def client_with(*codenames: str):
    user = UserFactory(username=f"u{'-'.join(codenames) or 'none'}")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return client_for(make_api_key(user=user))


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_the_system_status_has_woocommerces_sections_and_every_key_of_its_type(api, namespace):
    response = api.get(f"/wp-json/{namespace}/system_status")
    assert response.status_code == 200
    status = response.json()
    assert list(status) == SECTIONS
    for section, declared in STATUS_SCHEMA["properties"].items():
        assert isinstance(status[section], JSON_TYPES[declared["type"]]), section
        for key, schema in declared.get("properties", {}).items():
            assert isinstance(status[section][key], JSON_TYPES[schema["type"]]), f"{section}.{key}"
            assert not (schema["type"] == "integer" and isinstance(status[section][key], bool)), f"{section}.{key}"


def test_the_values_describe_this_server(api, settings):
    settings.WCOMPAT_SITE_URL = "https://shop.example"
    settings.WCOMPAT_STORE_CURRENCY = "EUR"
    status = api.get("/wp-json/wc/v3/system_status").json()
    environment = status["environment"]
    assert (environment["home_url"], environment["site_url"]) == ("https://shop.example", "https://shop.example")
    assert (environment["version"], environment["wp_version"]) == ("9.8.5", "6.8.1")
    assert environment["default_timezone"] == "UTC"
    assert environment["mysql_version_string"].startswith(("SQLite ", "PostgreSQL "))
    assert environment["php_version"] == ""  # no PHP here
    assert environment["wp_memory_limit"] == 0
    assert status["settings"]["api_enabled"] is True
    assert (status["settings"]["currency"], status["settings"]["currency_symbol"]) == ("EUR", "&euro;")
    assert status["security"]["secure_connection"] is True
    assert "customers_customer" in status["database"]["database_tables"]["other"]
    assert (status["active_plugins"], status["pages"], status["theme"]["name"]) == ([], [], "")


def test_fields_picks_keys_out_of_the_sections(api):
    response = api.get("/wp-json/wc/v3/system_status?_fields=environment.version,settings.currency")
    assert response.json() == {"environment": {"version": "9.8.5"}, "settings": {"currency": "USD"}}


def test_wc_v1_has_no_system_status(api):
    response = api.get("/wp-json/wc/v1/system_status")
    assert (response.status_code, response.json()["code"]) == (404, "rest_no_route")


@pytest.mark.parametrize("path", ["system_status", "system_status/tools"])
def test_without_manage_woocommerce_the_answer_is_woocommerces_error(anon, path):
    expected = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources."}
    response = anon.get(f"/wp-json/wc/v3/{path}")
    assert response.status_code == 401
    assert {key: response.json()[key] for key in ("code", "message")} == expected
    response = client_with("view_customer").get(f"/wp-json/wc/v3/{path}")
    assert response.status_code == 403
    assert client_with("view_system_status").get(f"/wp-json/wc/v3/{path}").status_code == 200


def test_options_describes_the_route_with_woocommerces_schema(api):
    described = api.options("/wp-json/wc/v3/system_status").json()
    assert described["namespace"] == "wc/v3"
    assert described["methods"] == ["GET"]
    assert described["schema"]["title"] == "system_status"
    assert described["endpoints"][0]["args"]["context"]["enum"] == ["view"]


#
# Tools
#

TOOL_IDS = [
    "recount_customer_totals",
    "regenerate_customer_figures",
    "prune_webhook_delivery_log",
    "clear_expired_idempotency_keys",
    "clear_expired_oauth_nonces",
]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_the_tools_list_in_woocommerces_shape(api, namespace):
    response = api.get(f"/wp-json/{namespace}/system_status/tools?per_page=100")
    assert response.status_code == 200
    tools = response.json()
    assert [tool["id"] for tool in tools] == TOOL_IDS
    first = tools[0]
    assert list(first) == ["id", "name", "action", "description", "_links"]
    assert first["_links"] == {
        "item": [
            {"href": f"https://testserver/wp-json/{namespace}/system_status/tools/{first['id']}", "embeddable": True}
        ]
    }
    assert api.get(f"/wp-json/{namespace}/system_status/tools/{first['id']}").json() == first


def test_an_unknown_tool_is_woocommerces_404_after_the_permission_check(api, anon):
    response = api.get("/wp-json/wc/v3/system_status/tools/clear_transients")
    assert response.status_code == 404
    assert response.json() == {
        "code": "woocommerce_rest_system_status_tool_invalid_id",
        "message": "Invalid tool ID.",
        "data": {"status": 404},
    }
    assert api.put("/wp-json/wc/v3/system_status/tools/nope", {}, format="json").status_code == 404
    assert anon.get("/wp-json/wc/v3/system_status/tools/nope").status_code == 401


def test_running_a_tool_needs_the_right_to_run_it(api):
    viewer = client_with("view_system_status")
    response = viewer.put("/wp-json/wc/v3/system_status/tools/recount_customer_totals", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "woocommerce_rest_cannot_update"
    assert response.json()["message"] == "Sorry, you cannot update resource."


def test_recounting_corrects_the_kept_role_totals(api):
    CustomerFactory.create_batch(3)
    RoleCount.objects.filter(role="customer").update(count=99)  # drifted
    assert api.get("/wp-json/wc/v3/customers?role=customer").headers["X-WP-Total"] == "99"
    response = api.put("/wp-json/wc/v3/system_status/tools/recount_customer_totals", {}, format="json")
    assert response.status_code == 200
    ran = response.json()
    assert (ran["success"], ran["message"]) == (True, "Customer totals recounted: 1 role count(s) corrected.")
    assert list(ran) == ["id", "name", "action", "description", "success", "message", "_links"]
    assert api.get("/wp-json/wc/v3/customers?role=customer").headers["X-WP-Total"] == "3"


def test_regenerating_customer_figures_corrects_those_written_behind_the_triggers_back(api):
    order = OrderFactory(status="completed", total="4.00")
    CustomerStats.objects.filter(customer_id=order.customer_id).update(orders_count=5, total_spent=0)
    ran = api.put("/wp-json/wc/v3/system_status/tools/regenerate_customer_figures", {}, format="json").json()
    assert (ran["success"], ran["message"]) == (
        True,
        "Customer figures rebuilt from the orders: 1 customer(s) corrected.",
    )
    stats = CustomerStats.objects.get(customer_id=order.customer_id)
    assert (stats.orders_count, stats.total_spent) == (1, Decimal("4.00"))


def test_clearing_expired_records_deletes_those_only(api, admin_key):
    old = IdempotencyRecord.objects.create(api_key=admin_key, key="old", fingerprint="x", state="done")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(hours=25))
    IdempotencyRecord.objects.create(api_key=admin_key, key="new", fingerprint="y", state="done")
    now = int(timezone.now().timestamp())
    OAuthNonce.objects.create(api_key=admin_key, nonce="old", timestamp=now - 3600)
    OAuthNonce.objects.create(api_key=admin_key, nonce="new", timestamp=now)

    ran = api.post("/wp-json/wc/v3/system_status/tools/clear_expired_idempotency_keys").json()
    assert (ran["success"], ran["message"]) == (True, "1 expired Idempotency-Key records deleted.")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    ran = api.patch("/wp-json/wc/v3/system_status/tools/clear_expired_oauth_nonces").json()
    assert (ran["success"], ran["message"]) == (True, "1 expired OAuth nonces deleted.")
    assert list(OAuthNonce.objects.values_list("nonce", flat=True)) == ["new"]
    ran = api.put("/wp-json/wc/v3/system_status/tools/prune_webhook_delivery_log", {}, format="json").json()
    assert (ran["success"], ran["message"]) == (True, "0 finished webhook deliveries deleted, with their log.")


def test_a_tool_cannot_be_deleted(api):
    response = api.delete("/wp-json/wc/v3/system_status/tools/recount_customer_totals")
    assert (response.status_code, response.json()["code"]) == (404, "rest_no_route")
