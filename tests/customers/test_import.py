"""import_woocommerce against a fake store over real HTTP: parsing, rules, reruns, faults and resuming.

(The import from a second live wcompat, 1,000 customers compared field by field, is in test_import_live.py.)
"""

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from customers.importer.records import parse_customer, parse_order
from customers.importer.run import Importer, ImportOptions
from customers.importer.source import SourceError, SourceUnavailable, StoreSource
from customers.models import Customer, CustomerMeta, ImportCheckpoint, Order
from customers.schema import V1, V3
from tests.customers.fake_store import FakeStore, customer, start_fake_store
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
CAPTURES = Path(__file__).resolve().parents[1] / "captures"


@pytest.fixture
def store():
    started = start_fake_store(FakeStore())
    started.orders = [
        {"id": 500 + n, "customer_id": n, "status": "completed", "total": "10.50", "order_key": f"wc_order_k{n}",
         "date_created_gmt": "2025-03-01T00:00:00"}
        for n in range(1, 6)
    ] + [{"id": 900, "customer_id": 0, "status": "completed", "total": "1.00", "order_key": "wc_order_guest",
          "date_created_gmt": "2025-03-01T00:00:00"}]  # fmt: skip
    yield started
    started.server.shutdown()
    started.server.server_close()


def importer(store, waits: list | None = None, **options) -> Importer:
    source = StoreSource(
        store.url,
        "ck_x",
        "cs_x",
        timeout=0.5,
        retries=4,
        backoff=0.01,
        sleep=(waits if waits is not None else []).append,
    )
    return Importer(source, ImportOptions(**options))


def counts(**values: int) -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0, "failed": 0, "skipped": 0, **values}


#
# Reading WooCommerce's answers
#


def test_parses_real_woocommerce_answers():
    """WooCommerce 3.5.3's v1 customer: shipping without a phone, GMT dates without a _gmt twin, no role."""
    capture = json.loads((CAPTURES / "03_create_john_doe.json").read_text())
    row = parse_customer(capture["response"]["json"], V1)
    assert (row.id, row.email, row.username, row.role, row.meta) == (2, "john.doe@example.com", "john.doe", None, None)
    assert row.shipping["phone"] == ""
    assert row.billing["phone"] == "(555) 555-5555"
    assert row.date_created.isoformat() == "2026-11-26T23:39:24+00:00"
    listing = json.loads((CAPTURES / "22_list_role_all_orderby_id_desc.json").read_text())["response"]["json"]
    assert [parse_customer(item, V1).id for item in listing] == [item["id"] for item in listing]


def test_each_version_reads_what_its_declaration_has():
    answer = {"id": 5, "email": "a@example.com", "role": "subscriber", "is_paying_customer": True,
              "date_created": "2026-01-01T10:00:00", "date_created_gmt": "2026-01-01T09:00:00",
              "meta_data": [{"id": 9, "key": "k", "value": 1}]}  # fmt: skip
    v1, v3 = parse_customer(answer, V1), parse_customer(answer, V3)
    assert (v1.role, v1.is_paying_customer, v1.meta, v1.date_created.hour) == (None, None, None, 10)
    assert (v3.role, v3.is_paying_customer, v3.meta, v3.date_created.hour) == ("subscriber", True, [(9, "k", 1)], 9)


def test_parses_orders_of_every_version():
    v1 = parse_order({"id": 7, "customer_id": 3, "status": "processing", "total": "12.5", "order_key": "k",
                      "date_created": "2025-01-01T10:00:00"})  # fmt: skip
    v3 = parse_order({"id": 7, "customer_id": 3, "status": "processing", "total": "12.50", "order_key": "k",
                      "date_created": "2025-01-01T12:00:00", "date_created_gmt": "2025-01-01T10:00:00"})  # fmt: skip
    assert v1 == v3
    assert str(v1.total) == "12.50"


#
# Importing
#


def test_imports_customers_orders_and_keeps_ids(store, api):
    summary = importer(store).run()
    assert summary.tallies["customers"].as_dict() == {
        "created": 250,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert summary.tallies["orders"].created == 5
    assert summary.tallies["orders"].skipped == 1  # the guest's
    assert sorted(Customer.objects.values_list("pk", flat=True)) == list(range(1, 251))
    body = api.get("/wp-json/wc/v3/customers/7").json()
    source = customer(7)
    for name in ("email", "username", "first_name", "role", "date_created_gmt", "date_modified_gmt", "billing"):
        assert body[name] == source[name], name
    assert body["shipping"] == source["shipping"]
    assert body["meta_data"] == source["meta_data"]
    assert body["is_paying_customer"] is False
    v2 = api.get("/wp-json/wc/v2/customers/3").json()
    assert (v2["orders_count"], v2["total_spent"]) == (1, "10.50")
    # New customers made here get ids past the imported ones.
    created = api.post("/wp-json/wc/v3/customers", {"email": "after@example.com"}, format="json").json()
    assert created["id"] > 250
    assert Customer.objects.get(pk=1).password.startswith("!")  # no usable password comes through the API


def test_the_last_activity_woocommerce_recorded_is_kept(store, api):
    store.customers[6]["meta_data"].append({"id": 5007, "key": "wc_last_active", "value": "1764547200"})
    importer(store).run()
    meta = api.get("/wp-json/wc/v3/customers/7").json()["meta_data"]
    assert {"id": 5007, "key": "wc_last_active", "value": "1764547200"} in meta


def test_a_rerun_writes_only_what_changed(store):
    importer(store).run()
    store.customers[4]["first_name"] = "Changed"
    store.customers.append(customer(251))
    summary = importer(store).run()
    assert summary.tallies["customers"].as_dict() == {
        "created": 1,
        "updated": 1,
        "unchanged": 249,
        "failed": 0,
        "skipped": 0,
    }
    assert summary.tallies["orders"].unchanged == 5
    assert Customer.objects.get(pk=5).first_name == "Changed"
    assert CustomerMeta.objects.count() == 251


def test_since_and_dry_run(store):
    importer(store).run()
    store.customers[0].update(first_name="New", date_modified_gmt="2026-01-01T00:00:00")
    dry = importer(store, dry_run=True).run()
    assert dry.tallies["customers"].updated == 1
    assert Customer.objects.get(pk=1).first_name == "First1"  # nothing written
    summary = importer(store, since=datetime(2025, 6, 1, tzinfo=UTC)).run()
    assert summary.tallies["customers"].as_dict()["updated"] == 1
    assert summary.tallies["customers"].unchanged == 249
    assert Customer.objects.get(pk=1).first_name == "New"


def test_bad_data_is_reported_and_the_rest_comes_over(store):
    CustomerFactory(id=999, username="taken", email="c3@example.com")
    store.customers[0]["email"] = "john@localhost"  # WordPress accepted it once; is_email refuses it today
    store.customers[1]["username"] = "bad name!"
    summary = importer(store).run()
    failures = dict(summary.tallies["customers"].failures)
    assert failures == {
        1: "Invalid email address",
        2: "Please provide a valid account username.",
        3: "Customer 999 already has the email c3@example.com.",
    }
    assert summary.tallies["customers"].created == 247
    assert not Customer.objects.filter(pk__in=[1, 2, 3]).exists()
    assert summary.tallies["orders"].skipped == 4  # the refused customers' orders and the guest's


def test_the_create_rules_apply_to_a_store_s_customers_as_to_the_api_s(store, api):
    # The import goes through the create pipeline: a store's role keeps its name, a login is kept as it is,
    # and what another customer has is refused naming that customer.
    CustomerFactory(id=999, username="c4", email="someone@example.com")
    store.customers[0]["role"] = "wholesale_buyer"
    store.customers[1]["role"] = "r" * 300
    store.customers[2]["username"] = "  c3  "  # WordPress would store "c3": not the store's login
    summary = importer(store).run()
    assert dict(summary.tallies["customers"].failures) == {
        2: f"The role {'r' * 300!r} is not one this project can keep.",
        3: "The username '  c3  ' is not a valid WordPress login here.",
        4: "Customer 999 already has the username c4.",
    }
    assert api.get("/wp-json/wc/v3/customers/1?role=all").json()["role"] == "wholesale_buyer"
    assert list(Customer.objects.filter(role="wholesale_buyer").values_list("pk", flat=True)) == [1]


def test_an_update_keeps_what_the_store_does_not_send(store, api):
    importer(store).run()
    jane = Customer.objects.get(pk=5)
    jane.display_name, jane.password = "Jane at the counter", "kept-hash"
    jane.save()
    store.customers[4].update(first_name="Janet", meta_data=[{"id": 1005, "key": "crm", "value": {"n": 6}}])
    summary = importer(store).run()
    assert summary.tallies["customers"].as_dict() == counts(updated=1, unchanged=249)
    stored = Customer.objects.get(pk=5)
    assert (stored.first_name, stored.display_name, stored.password) == ("Janet", "Jane at the counter", "kept-hash")
    assert list(CustomerMeta.objects.filter(customer_id=5).values_list("id", "key", "value")) == [
        (1005, "crm", '{"n":6}')
    ]


def test_an_email_taken_between_check_and_write_fails_that_customer_alone(store, another_writer_first):
    # Another writer registers c2's email after the page was checked: the unique index refuses the page's
    # insert, and each customer is written alone, c2 refused naming who has the email now.
    checks = another_writer_first("with_emails")
    late = CustomerFactory(id=999, email="c2@example.com", username="late")
    summary = importer(store).run()
    assert dict(summary.tallies["customers"].failures) == {
        2: f"Customer {late.pk} already has the email c2@example.com."
    }
    assert summary.tallies["customers"].created == 249
    assert len(checks) > 1  # the first page's check saw nothing taken
    assert Customer.objects.get(email="c2@example.com").pk == late.pk


#
# Faults
#


def test_every_kind_of_fault_is_retried(store):
    store.faults = {("customers", 1): ["500", "429"], ("customers", 2): ["slow", "drop"], ("orders", 1): ["500"]}
    waits = []
    summary = importer(store, waits).run()
    assert Customer.objects.count() == 250
    assert summary.retried_requests == 5
    assert 3.0 in waits  # the 429's Retry-After
    assert store.pages_read("customers") == [1, 1, 1, 2, 2, 2, 3]


def test_an_interrupted_run_resumes_from_its_checkpoint(store):
    store.faults = {("customers", 2): ["500"] * 10}
    with pytest.raises(SourceUnavailable, match="HTTP 500"):
        importer(store).run()
    assert Customer.objects.count() == 100
    checkpoint = ImportCheckpoint.objects.get()
    assert (checkpoint.stage, checkpoint.position) == ("customers", 2)

    store.faults, store.requests = {}, []
    summary = importer(store).run()
    assert summary.resumed_from == {"stage": "customers", "position": 2}
    assert store.pages_read("customers")[:2] == [2, 3]
    assert summary.tallies["customers"].created == 250  # the first run's 100 are counted in
    assert Customer.objects.count() == 250
    assert ImportCheckpoint.objects.get().stage == "done"


def test_the_command_reports_as_json_and_fails_clearly(store):
    out = StringIO()
    call_command("import_woocommerce", url=store.url, key="ck", secret="cs", quiet=True, json=True, stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["customers"]["created"] == 250
    assert summary["orders"] == {"created": 5, "updated": 0, "unchanged": 0, "failed": 0, "skipped": 1}
    assert summary["customers_per_second"] > 0
    store.faults = {("customers", 1): ["500"] * 20}
    with pytest.raises(CommandError, match="Run the same command again"):
        call_command("import_woocommerce", url=store.url, key="ck", secret="cs", quiet=True, retries=1, backoff=0.01)
    assert Order.objects.count() == 5


#
# A store that cannot be trusted
#


def test_a_store_that_repeats_a_page_is_stopped_with_a_clear_error(store):
    # Page 2 and every page after it answer page 1 again, and the page count grows with each answer.
    store.lies["customers"] = lambda page, items, headers: (
        store.customers[:100],
        {**headers, "X-WP-TotalPages": str(page + 1)},
    )
    with pytest.raises(SourceError, match=r"GET customers page 2: the store answered only customers already read"):
        importer(store).run()
    assert store.pages_read("customers") == [1, 2]
    assert Customer.objects.count() == 100
    assert ImportCheckpoint.objects.get().position == 2  # a rerun resumes there


def test_a_growing_page_count_is_not_followed(store):
    # Each answer claims one more page than the last: the run stops at the first answer's count (3).
    store.lies["customers"] = lambda page, items, headers: (items, {**headers, "X-WP-TotalPages": str(page + 2)})
    importer(store).run()
    assert store.pages_read("customers") == [1, 2, 3]
    assert Customer.objects.count() == 250


@pytest.mark.parametrize(
    ("header", "value"),
    [("X-WP-Total", "lots"), ("X-WP-TotalPages", "3.5"), ("X-WP-TotalPages", "-1")],
)
def test_a_paging_header_that_is_not_a_number_is_a_one_line_error_naming_the_page(store, header, value):
    store.lies["customers"] = lambda page, items, headers: (items, {**headers, header: value} if page == 2 else headers)
    with pytest.raises(CommandError) as raised:
        call_command("import_woocommerce", url=store.url, key="ck", secret="cs", quiet=True)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"GET customers page 2: {header} is not a number ({value!r}).")
    assert message.endswith("Run the same command again to continue where it stopped.")
    assert Customer.objects.count() == 100

    store.lies = {}
    call_command("import_woocommerce", url=store.url, key="ck", secret="cs", quiet=True, stdout=StringIO())
    assert Customer.objects.count() == 250
    assert store.pages_read("customers")[-2:] == [2, 3]  # the rerun resumed at page 2


def test_ids_and_figures_that_are_not_numbers_are_reported_not_raised(store):
    store.customers[0]["id"] = "abc"
    store.customers[1]["meta_data"] = [{"id": [1], "key": "k", "value": 1}]
    store.orders[0]["customer_id"] = "someone"
    store.orders[1]["total"] = "Infinity"
    summary = importer(store).run()
    customer_failures = dict(summary.tallies["customers"].failures)
    assert customer_failures == {"abc": "a customer has no id", 2: "a meta data item has no id"}
    order_failures = dict(summary.tallies["orders"].failures)
    assert order_failures == {
        501: "order 501's customer is not a number ('someone')",
        502: "order 502 has a total that is not a number",
    }
    assert Customer.objects.count() == 248


def test_imported_names_are_sanitized_as_the_api_sanitizes_them(store, api):
    store.customers[0]["first_name"] = "<script>alert(1)</script>Ada\n  <b>Lovelace</b>"
    store.customers[0]["last_name"] = "  King\x00 "
    store.customers[1]["billing"]["city"] = "Pa\x00ris"
    store.customers[2]["meta_data"] = [{"id": 77, "key": "k\x00", "value": 1}]
    summary = importer(store).run()
    stored = api.get("/wp-json/wc/v3/customers/1").json()
    assert (stored["first_name"], stored["last_name"]) == ("alert(1)Ada Lovelace", "King")
    failures = dict(summary.tallies["customers"].failures)
    assert failures == {2: "customer 2 has a NUL character in billing", 3: "customer 3 has a NUL character in meta"}
    # The API, given the same names, stores the same.
    created = api.post(
        "/wp-json/wc/v3/customers",
        {"email": "same@example.com", "first_name": "<script>alert(1)</script>Ada\n  <b>Lovelace</b>"},
        format="json",
    ).json()
    assert created["first_name"] == stored["first_name"]
