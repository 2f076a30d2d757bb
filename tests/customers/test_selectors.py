"""customers.selectors on their own: the list query's filters, its order and its ties, and reads by id."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from customers.models import ADDRESS_FIELDS, Address, Customer
from customers.selectors import CustomerFilters, StoredAddress, customer_get, customer_page, customer_records
from tests.factories import CustomerFactory, OrderFactory
from wcompat.args import MAX_ID

pytestmark = pytest.mark.django_db


def page_ids(**filters) -> list[int]:
    return [record.id for record in page_of(**filters).items]


def test_equal_sort_keys_fall_back_to_the_id_in_the_same_direction():
    ids = [CustomerFactory(display_name="Same").pk for _ in range(4)]
    assert page_ids(orderby="name", order="asc") == ids
    assert page_ids(orderby="name", order="desc") == ids[::-1]
    Customer.objects.update(date_created=Customer.objects.order_by("id").values("date_created")[:1])
    assert page_ids(orderby="registered_date", order="desc") == ids[::-1]
    assert page_ids(orderby="registered_date", order="asc", per_page=2, page=2) == ids[2:]


def test_search_strips_wordpress_wildcards_and_matches_substrings():
    alice = CustomerFactory(username="alice.smith", email="alice@example.com")
    CustomerFactory(username="bob", email="bob@example.com")
    assert page_ids(search="*alice*") == [alice.pk]
    assert page_ids(search="lice.sm") == [alice.pk]
    assert page_ids(search="*") == page_ids()  # nothing left to search for: every customer


def test_search_through_the_api_is_sanitized_first(api):
    alice = CustomerFactory(username="alice", email="alice@example.com")
    for term in ("<b>alice</b>", "  alice\n", "ali\tce"):
        ids = [item["id"] for item in api.get("/wp-json/wc/v3/customers", {"search": term}).json()]
        expected = [alice.pk] if term != "ali\tce" else []  # a tab becomes a space: "ali ce" matches nothing
        assert ids == expected, term


def test_search_by_shape_email_digits_and_id():
    numbered = CustomerFactory(username="user9999", email="x@example.com")
    # An id no login contains, whatever ids earlier tests used.
    other = CustomerFactory(id=424242, username="someone", email="someone@example.com")
    assert page_ids(search="someone@") == [other.pk]
    assert page_ids(search="9999") == [numbered.pk]  # digits: the login...
    assert page_ids(search=str(other.pk)) == [other.pk]  # ...or exactly the id
    assert page_ids(search="Smith") == []  # names are never searched, as in WordPress


def test_include_and_exclude_are_lists_of_ints():
    ids = [CustomerFactory().pk for _ in range(4)]
    assert page_ids(include=[ids[2], ids[0]], orderby="include") == [ids[2], ids[0]]
    assert page_ids(include=[ids[2], ids[0]], orderby="include", order="desc") == [ids[0], ids[2]]
    assert page_ids(exclude=[ids[1]], orderby="id") == [ids[0], ids[2], ids[3]]
    assert page_ids(include=[ids[1]], exclude=[ids[1]]) == [ids[1]]  # include wins, as in WP_User_Query


def test_the_total_is_the_filtered_count_and_the_role_count_otherwise():
    for _ in range(3):
        CustomerFactory()
    CustomerFactory(role="subscriber")
    assert page_of().total == 3
    assert page_of(role="all").total == 4
    assert page_of(search="customer", role="all", per_page=1).total == 4
    assert page_of(role="subscriber", per_page=1, page=5).total == 1


def test_reads_by_id_carry_the_order_figures():
    customer = CustomerFactory()
    OrderFactory(customer=customer, status="completed", total="10.00")
    last = OrderFactory(customer=customer, status="pending", total="5.00")
    record = customer_get(customer.pk)
    assert (record.orders_count, str(record.total_spent), record.last_order_id) == (2, "10.00", last.pk)
    assert [item.id for item in customer_records([customer.pk, 999999])] == [customer.pk]
    assert customer_get(999999) is None


def page_plan() -> str:
    """SQLite's plan for the ids of the default list page (role=customer, by name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT c.id FROM customers_customer c WHERE c.role = 'customer'"
            " ORDER BY c.display_name, c.id LIMIT 10"
        )
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def test_a_migration_keeps_an_analysed_sqlite_database_on_its_list_indexes():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner statistics (PostgreSQL analyses by itself)")
    for role in ("customer", "subscriber", "editor"):
        CustomerFactory.create_batch(100, role=role)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # As after a migration that added an index to an analysed database: no figures for it.
        cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = 'customers_role_modified_id'")
        cursor.execute("ANALYZE sqlite_master")  # the planner reloads its statistics
    assert "TEMP B-TREE" in page_plan()  # every customer sorted for one page
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert page_plan() == "SEARCH c USING COVERING INDEX customers_role_name_id (role=?)"


def test_search_terms_are_literal_not_like_patterns():
    underscore = CustomerFactory(username="a_b", display_name="50% off")
    CustomerFactory(username="axb", display_name="500 off")
    backslash = CustomerFactory(username="back\\slash")
    assert page_ids(search="a_b", role="all") == [underscore.pk]
    assert page_ids(search="50%", role="all") == [underscore.pk]
    assert page_ids(search="k\\s", role="all") == [backslash.pk]


def test_a_search_term_of_250_characters_still_searches_a_url_matches_nothing():
    longest = CustomerFactory(display_name="x" * 250)
    assert page_ids(search="x" * 250, role="all") == [longest.pk]
    CustomerFactory(username="http://shop.example", display_name="https://shop.example")
    assert page_ids(search="http://shop.example", role="all") == []
    assert page_ids(search="https://shop.example", role="all") == []


def test_digits_up_to_the_largest_id_search_the_id_too():
    largest = CustomerFactory(id=MAX_ID)
    assert page_ids(search=str(MAX_ID), role="all") == [largest.pk]


def test_an_empty_role_lists_every_role_like_all():
    ids = sorted(CustomerFactory(role=role).pk for role in ("customer", "subscriber", "editor"))
    assert sorted(page_ids(role="")) == ids
    assert page_of(role="").total == page_of(role="all").total == 3


def test_reads_by_id_reach_the_first_and_the_largest_id_and_pages_in_include_order_carry_figures():
    first = CustomerFactory(id=1, display_name="First")
    largest = CustomerFactory(id=MAX_ID)
    OrderFactory(customer=first, status="completed", total="7.00")
    assert (customer_get(1).id, customer_get(1).display_name, customer_get(MAX_ID).id) == (1, "First", largest.pk)
    page = page_of(orderby="include", include=[MAX_ID, 1], role="all")
    assert [(record.id, record.orders_count) for record in page.items] == [(MAX_ID, 0), (1, 1)]


PAGING = ("orderby", "order", "page", "per_page", "offset", "order_figures", "with_meta")


def page_of(**arguments):
    """customer_page() with its filters and its paging given side by side."""
    paging = {name: arguments.pop(name) for name in PAGING if name in arguments}
    return customer_page(CustomerFilters(**arguments), **paging)


def test_an_address_as_read_is_a_mapping_of_every_key():
    customer = CustomerFactory(addresses={"billing": {"city": "Oslo", "phone": "5"}})
    Address.objects.filter(customer=customer, type="shipping").delete()
    billing = customer_get(customer.pk).billing
    assert isinstance(billing, StoredAddress)
    assert billing == {**dict.fromkeys(ADDRESS_FIELDS, ""), "city": "Oslo", "phone": "5"}
    assert list(billing) == list(ADDRESS_FIELDS)
    assert (len(billing), billing["city"], billing.get("planet"), "phone" in billing) == (11, "Oslo", None, True)
    with pytest.raises(KeyError, match="planet"):
        billing["planet"]
    assert customer_get(customer.pk).shipping == {}  # no shipping address stored
