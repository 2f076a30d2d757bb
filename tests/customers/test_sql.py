"""customers.sql on its own: the read statements for each database, as text, and run on this one."""

import json
from datetime import UTC

import pytest
from django.db import connection

from customers import sql
from customers.models import ADDRESS_FIELDS
from tests.factories import CustomerFactory, OrderFactory
from wcompat.dates import as_datetime, wc_date

BASE_COLUMNS = len(sql.CUSTOMER_COLUMNS) + 2 * len(ADDRESS_FIELDS)


@pytest.mark.parametrize(
    ("vendor", "condition", "param"),
    [
        ("postgresql", "c.id = ANY(%s::bigint[])", [3, 1]),
        ("sqlite", "c.id IN (SELECT value FROM json_each(%s))", "[3, 1]"),
    ],
)
def test_an_id_list_is_one_parameter_whatever_its_length(vendor, condition, param):
    assert sql.ids_condition("c.id", vendor) == condition
    assert sql.ids_param([3, 1], vendor) == param


def test_a_like_pattern_is_literal_and_case_insensitive():
    assert sql.like_param("50%_a\\b") == "%50\\%\\_a\\\\b%"
    assert sql.like("c.email", "postgresql") == "UPPER(c.email::text) LIKE UPPER(%s)"
    assert sql.like("c.email", "sqlite") == "c.email LIKE %s ESCAPE '\\'"


def test_dates_are_read_as_utc_text_and_other_columns_as_they_are():
    assert sql.column("c.date_created", "sqlite") == "(c.date_created || '')"
    assert sql.column("lo.date_modified", "sqlite") == "(lo.date_modified || '')"
    assert sql.column("c.date_created", "postgresql") == (
        "to_char(c.date_created AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    )
    assert sql.column("c.email", "sqlite") == "c.email"
    assert sql.column("c.email", "postgresql") == "c.email"


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    ("order_figures", "with_meta", "extra"), [(False, False, 0), (True, False, 4), (True, True, 5)]
)
def test_a_completed_customer_has_its_addresses_figures_and_meta(vendor, order_figures, with_meta, extra):
    columns, joins = sql.completion(vendor, order_figures, with_meta)
    assert len(columns) == BASE_COLUMNS + extra
    assert len(joins) == 2 + order_figures
    meta = "json_agg" if vendor == "postgresql" else "json_group_array"
    assert (meta in columns[-1]) is with_meta


@pytest.mark.django_db
def test_the_statements_run_on_this_database_with_one_row_per_customer():
    customer = CustomerFactory()
    OrderFactory(customer=customer, total="4.50", status="completed")
    vendor = connection.vendor
    statement = sql.by_id_sql(vendor, sql.ids_condition("c.id", vendor), True, True)
    with connection.cursor() as cursor:
        cursor.execute(statement, [sql.ids_param([customer.pk, 0], vendor)])
        [row] = cursor.fetchall()
    assert row[1] == customer.pk
    created, modified = row[1 + sql.CUSTOMER_COLUMNS.index("date_created") : 1 + len(sql.CUSTOMER_COLUMNS)]
    assert isinstance(created, str)
    customer.refresh_from_db()
    assert (as_datetime(created), as_datetime(modified)) == (customer.date_created, customer.date_modified)
    assert wc_date(created) == customer.date_created.astimezone(UTC).isoformat(timespec="seconds")[:19]
    count, spent = row[1 + BASE_COLUMNS : 3 + BASE_COLUMNS]
    assert (count, float(spent)) == (1, 4.5)
    # The order marked the customer active today (wc_last_active).
    assert [item[1] for item in json.loads(row[-1] or "[]")] == ["wc_last_active"]
