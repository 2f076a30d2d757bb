"""An access request: a customer's personal data exported (command, API route, admin action), and audited."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from customers.models import CustomerMeta, PrivacyAudit
from tests.conftest import client_for
from tests.customers.test_admin import form_data
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


#
# Erasure
#

SECRETS = [
    "ada.lovelace@example.com",
    "Augusta",
    "Byronova",
    "+44 20 7946 0999",
    "12 Analytical Way",
    "Difference Engines Ltd",
]


def database_dump() -> str:
    """The whole database as text: sqlite3's .dump, or pg_dump."""
    import shutil
    import subprocess
    from glob import glob

    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    settings = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or sorted(glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
    command = [pg_dump, "-h", settings["HOST"], "-U", settings["USER"], settings["NAME"]]
    if settings.get("PORT"):
        command += ["-p", str(settings["PORT"])]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def echoing_receiver():
    from tests.webhooks.receiver import Receiver, start_receiver

    started = start_receiver(Receiver(echo=True))
    yield started
    started.server.shutdown()
    started.server.server_close()


@pytest.mark.django_db(transaction=True)
def test_after_an_erasure_the_personal_data_is_nowhere_in_the_database(settings, echoing_receiver, admin_client):
    from customers.models import ImportCheckpoint
    from tests.webhooks.conftest import run_worker, subscribe

    settings.WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS = True
    api = client_for(make_api_key())
    subscribe(api, echoing_receiver, "customer.updated")
    other = api.post("/wp-json/wc/v3/customers", {"email": "grace@example.com", "first_name": "Grace"}, format="json")
    body = {
        "email": "ada.lovelace@example.com",
        "first_name": "Augusta",
        "last_name": "Byronova",
        "billing": {"phone": "+44 20 7946 0999", "address_1": "12 Analytical Way", "company": "Difference Engines Ltd"},
        "shipping": {"first_name": "Augusta", "address_1": "12 Analytical Way"},
        "meta_data": [{"key": "crm_note", "value": "Augusta Byronova, 12 Analytical Way"}],
    }
    created = api.post("/wp-json/wc/v3/customers", body, format="json", HTTP_IDEMPOTENCY_KEY="create-ada").json()
    ada_id = created["id"]
    change = {"last_name": "Byronova", "billing": {"city": "London"}}
    api.put(f"/wp-json/wc/v3/customers/{ada_id}", change, format="json", HTTP_IDEMPOTENCY_KEY="update-ada")
    run_worker()  # deliveries sent; the receiver echoed the payloads into the delivery log
    order = OrderFactory(customer_id=ada_id, status="completed", total="9.99")
    from customers.models import Download

    Download.objects.create(customer_id=ada_id, order=order, product_id=1, download_id="d1", email=body["email"])
    ImportCheckpoint.objects.create(source="https://old.example", tallies={"failed": {"7": f"{body['email']} exists"}})
    # An admin edit (its history entry names the customer).
    url = f"/admin/customers/customer/{ada_id}/change/"
    edited = admin_client.post(url, form_data(admin_client, url, billing_city="Marylebone"))
    assert edited.status_code == 302, edited.context["adminform"].form.errors
    dump = database_dump()
    assert all(secret in dump for secret in SECRETS)  # the history put them everywhere
    total = api.get("/wp-json/wc/v3/customers?role=all").headers["X-WP-Total"]

    dry = api.post(f"/wp-json/wcompat/v1/customers/{ada_id}/erase", {"dry_run": True}, format="json").json()
    assert all(secret in database_dump() for secret in SECRETS)  # a dry run erases nothing
    response = api.post(f"/wp-json/wcompat/v1/customers/{ada_id}/erase", {}, format="json")
    assert response.status_code == 200
    erased = response.json()
    assert erased["erased"] == dry["erased"]
    assert erased["erased"]["idempotency_records"] >= 2
    assert erased["erased"]["webhook_log"] >= 1
    assert (erased["erased"]["import_checkpoints"], erased["erased"]["admin_log"]) == (1, 1)
    assert erased["erased"]["orders"] == 0  # WooCommerce's option is off by default: orders keep their customer

    dump = database_dump().lower()
    assert [secret for secret in SECRETS if secret.lower() in dump] == []
    # Another customer is untouched; the totals are exact; the account stays, anonymised.
    assert api.get(f"/wp-json/wc/v3/customers/{other.json()['id']}").json()["first_name"] == "Grace"
    assert api.get("/wp-json/wc/v3/customers?role=all").headers["X-WP-Total"] == total
    shown = api.get(f"/wp-json/wc/v3/customers/{ada_id}").json()
    assert (shown["email"], shown["first_name"], shown["billing"]["phone"]) == (
        f"deleted-{ada_id}@site.invalid",
        "",
        "",
    )
    # Webhooks saw a save: customer.updated with the anonymised payload.
    run_worker()
    assert json.loads(echoing_receiver.deliveries()[-1].body)["email"] == f"deleted-{ada_id}@site.invalid"
    # A second erasure changes nothing.
    again = api.post(f"/wp-json/wcompat/v1/customers/{ada_id}/erase", {}, format="json").json()["erased"]
    assert set(again.values()) == {0}
    audits = list(PrivacyAudit.objects.filter(action="erase").values_list("customer_id", flat=True))
    assert audits == [ada_id, ada_id]


def test_deleting_the_account_fires_customer_deleted(api, ada, settings):
    from webhooks.models import Delivery, Webhook

    Webhook.objects.create(topic="customer.deleted", status="active", delivery_url="https://hooks.example/in")
    erased = api.post(f"/wp-json/wcompat/v1/customers/{ada.pk}/erase", {"delete_account": True}, format="json")
    assert erased.json()["erased"]["account"] == 1
    assert api.get(f"/wp-json/wc/v3/customers/{ada.pk}").status_code == 404
    assert list(Delivery.objects.values_list("topic", "resource_id")) == [("customer.deleted", ada.pk)]


def test_orders_and_downloads_go_only_when_the_store_says_so(api, ada, settings):
    settings.WCOMPAT_ERASE_ORDERS = True
    settings.WCOMPAT_ERASE_DOWNLOADS = True
    erased = api.post(f"/wp-json/wcompat/v1/customers/{ada.pk}/erase", {}, format="json").json()["erased"]
    assert erased["orders"] == 1
    assert api.get(f"/wp-json/wc/v2/customers/{ada.pk}").json()["orders_count"] == 0


def test_only_administrators_may_erase(anon, ada):
    response = anon.post(f"/wp-json/wcompat/v1/customers/{ada.pk}/erase", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (401, "woocommerce_rest_cannot_create")
    manager = UserFactory(username="manager2")
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["change_customer", "delete_customer"]))
    response = client_for(make_api_key(user=manager)).post(f"/wp-json/wcompat/v1/customers/{ada.pk}/erase")
    assert response.status_code == 403
    assert api_unchanged(ada)


def api_unchanged(customer) -> bool:
    from customers.models import Customer

    return Customer.objects.get(pk=customer.pk).email == "ada@example.com"


def test_the_command_dry_runs_then_erases(ada, capsys):
    call_command("privacy_erase", "--customer", str(ada.pk), "--dry-run")
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True
    assert api_unchanged(ada)
    call_command("privacy_erase", "--email", "ADA@example.com")
    done = json.loads(capsys.readouterr().out)
    assert done["erased"] == dry["erased"]
    assert not api_unchanged(ada)


def test_the_admin_action_confirms_with_what_would_go_then_erases(admin_client, ada):
    selected = {"action": "erase_personal_data", "_selected_action": [ada.pk]}
    page = admin_client.post("/admin/customers/customer/", selected)
    assert page.status_code == 200
    assert b"Yes, erase" in page.content
    assert api_unchanged(ada)  # asked, not done
    done = admin_client.post("/admin/customers/customer/", {**selected, "confirmed": "yes"})
    assert done.status_code == 302
    assert not api_unchanged(ada)
    assert list(PrivacyAudit.objects.values_list("action", "via")) == [("erase", "admin")]


def test_an_erased_account_takes_a_login_and_email_no_one_else_has(api, ada):
    """A client may register deleted-<id>@site.invalid itself: the erasure then numbers its own, and stays so."""
    CustomerFactory(username=f"deleted-{ada.pk}", email=f"DELETED-{ada.pk}@site.invalid")
    CustomerFactory(username="someone.else", email=f"deleted-{ada.pk}-1@site.invalid")
    erased = api.post(f"/wp-json/wcompat/v1/customers/{ada.pk}/erase", {}, format="json")
    assert erased.status_code == 200, erased.content
    ada.refresh_from_db()
    assert (ada.username, ada.email) == (f"deleted-{ada.pk}-2", f"deleted-{ada.pk}-2@site.invalid")
    again = api.post(f"/wp-json/wcompat/v1/customers/{ada.pk}/erase", {}, format="json").json()
    assert again["erased"]["account"] == 0
    ada.refresh_from_db()
    assert ada.username == f"deleted-{ada.pk}-2"
