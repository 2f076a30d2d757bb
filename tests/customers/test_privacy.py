"""An access request: a customer's personal data exported (command, API route, admin action), and audited."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from customers.models import CustomerMeta, PrivacyAudit
from tests.conftest import client_for
from tests.factories import CustomerFactory, OrderFactory, UserFactory, make_api_key

pytestmark = pytest.mark.django_db

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "company": "Engines",
    "address_1": "12 Analytical Way",
    "city": "London",
    "postcode": "W1",
    "country": "GB",
    "email": "ada@example.com",
    "phone": "+44 20 1234",
}


@pytest.fixture
def ada(db):
    customer = CustomerFactory(username="ada", email="ada@example.com", first_name="Ada", last_name="Lovelace",
                               addresses={"billing": ADDRESS, "shipping": {**ADDRESS, "email": ""}})  # fmt: skip
    OrderFactory(customer=customer, status="completed", total="12.50")
    CustomerMeta.objects.create(customer=customer, key="crm_id", value=json.dumps({"id": 7}))
    CustomerMeta.objects.create(customer=customer, key="_private", value='"hidden"')
    return customer


def groups(export: dict) -> list[str]:
    return list(dict.fromkeys(item["group_id"] for item in export["items"]))


def values(export: dict, group: str) -> dict:
    [item] = [item for item in export["items"] if item["group_id"] == group]
    return {pair["name"]: pair["value"] for pair in item["data"]}


def test_the_route_answers_an_access_request_as_woocommerces_exporters_group_it(api, ada):
    other = CustomerFactory(email="someone.else@example.com")
    response = api.get(f"/wp-json/wcompat/v1/customers/{ada.pk}/personal-data")
    assert response.status_code == 200
    export = response.json()
    assert export["customer_id"] == ada.pk
    assert groups(export) == ["user", "woocommerce_customer", "woocommerce_orders", "wcompat_meta_data"]
    shown = api.get(f"/wp-json/wc/v3/customers/{ada.pk}").json()
    assert values(export, "user")["User Email"] == shown["email"]
    customer_data = values(export, "woocommerce_customer")
    assert customer_data["Billing Address 1"] == shown["billing"]["address_1"] == "12 Analytical Way"
    assert customer_data["Billing Phone Number"] == shown["billing"]["phone"]
    assert customer_data["Shipping Company"] == shown["shipping"]["company"]
    assert "Billing Address 2" not in customer_data  # empty values are left out, as WooCommerce leaves them
    assert values(export, "woocommerce_orders")["Order Total"] == "12.50"
    # Listed meta only: a protected key is no more in the export than in the API.
    listed = {item["key"]: item["value"] for item in shown["meta_data"]}
    exported = [pair for item in export["items"] if item["group_id"] == "wcompat_meta_data" for pair in item["data"]]
    assert {pair["name"]: pair["value"] for pair in exported} == {
        key: value for key, value in listed.items() if key in ("crm_id", "wc_last_active")
    }
    assert "someone.else@example.com" not in json.dumps(export)
    assert other.pk != ada.pk


def test_every_export_is_audited_without_the_data(api, admin_key, ada):
    api.get(f"/wp-json/wcompat/v1/customers/{ada.pk}/personal-data")
    [audit] = PrivacyAudit.objects.all()
    assert (audit.action, audit.customer_id, audit.via) == ("export", ada.pk, "api")
    assert audit.actor == f"API key …{admin_key.truncated_key} of user {admin_key.user.username}"
    assert audit.counts == {"customer": 1, "addresses": 1, "orders": 1, "downloads": 0, "meta_data": 2}
    assert "ada" not in json.dumps([audit.actor, audit.counts]).lower()


def test_only_administrators_may_ask(anon, ada):
    response = anon.get(f"/wp-json/wcompat/v1/customers/{ada.pk}/personal-data")
    assert (response.status_code, response.json()["code"]) == (401, "woocommerce_rest_cannot_view")
    manager = UserFactory(username="manager")
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_customer", "change_customer"]))
    response = client_for(make_api_key(user=manager)).get(f"/wp-json/wcompat/v1/customers/{ada.pk}/personal-data")
    assert (response.status_code, response.json()["code"]) == (403, "woocommerce_rest_cannot_view")
    assert not PrivacyAudit.objects.exists()


def test_an_unknown_customer_is_the_apis_404(api):
    response = api.get("/wp-json/wcompat/v1/customers/999999/personal-data")
    assert (response.status_code, response.json()["code"]) == (404, "wc_user_invalid_id")


def test_the_command_exports_by_id_or_email_to_a_file(ada, tmp_path, capsys):
    output = tmp_path / "ada.json"
    call_command("privacy_export", "--email", "ADA@example.com", "--output", str(output))
    export = json.loads(output.read_text())
    assert export["customer_id"] == ada.pk
    call_command("privacy_export", "--customer", str(ada.pk))
    assert json.loads(capsys.readouterr().out)["customer_id"] == ada.pk
    assert list(PrivacyAudit.objects.values_list("via", "actor")) == [("command", "command line")] * 2
    with pytest.raises(CommandError, match=r"No customer with email nobody@example\.com"):
        call_command("privacy_export", "--email", "nobody@example.com")


def test_the_admin_action_downloads_the_export(admin_client, ada):
    response = admin_client.post(
        "/admin/customers/customer/", {"action": "export_personal_data", "_selected_action": [ada.pk]}
    )
    assert response["Content-Disposition"] == f'attachment; filename="customer-{ada.pk}-personal-data.json"'
    assert json.loads(response.content)["customer_id"] == ada.pk
    assert PrivacyAudit.objects.get().via == "admin"
    assert admin_client.get("/admin/customers/privacyaudit/").status_code == 200
