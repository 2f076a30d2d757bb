"""config.sqlite, the project's SQLite backend: Django's, with the statements' conversion remembered, the
fetches translated without a wrapper per call, and no converter looked up per column. What the ORM gives is
Django's backend's."""

from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connection

from config.sqlite import base
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own"),
]


@pytest.mark.parametrize(
    ("sql", "params", "rows"),
    [
        ("SELECT %s, %s", [1, "a"], [(1, "a")]),
        ("SELECT %s, %s", (2, "b"), [(2, "b")]),
        ("SELECT %(x)s, %(y)s, %(x)s", {"x": 3, "y": "c"}, [(3, "c", 3)]),
        ("SELECT '100%%', %s", ["%s"], [("100%", "%s")]),
        ("SELECT 4", None, [(4,)]),
    ],
)
def test_statements_run_as_djangos_backend_runs_them(sql, params, rows):
    with connection.cursor() as cursor:
        assert isinstance(cursor, base.CursorWrapper)
        cursor.execute(sql, params)
        assert cursor.fetchall() == rows
        cursor.execute(sql, params)
        assert [cursor.fetchone(), cursor.fetchone()] == [rows[0], None]
        cursor.execute(sql, params)
        assert cursor.fetchmany(5) == rows


def test_an_error_while_fetching_is_djangos():
    # SQLite meets the overflow at the second row, so the fetch raises it, not the execute.
    overflow = "SELECT abs(x) FROM (SELECT 1 AS x UNION ALL SELECT -9223372036854775807 - 1)"
    for fetch in ("fetchall", "fetchmany", "fetchone"):
        with connection.cursor() as cursor:
            cursor.execute(overflow)
            with pytest.raises(OperationalError, match="integer overflow"):  # noqa: PT012 (the second row fails)
                getattr(cursor, fetch)(*([5] if fetch == "fetchmany" else []))
                getattr(cursor, fetch)()


def test_the_orm_converts_what_sqlite_stores():
    created = datetime(2026, 11, 26, 23, 39, 24, 500000, tzinfo=UTC)
    customer = CustomerFactory(date_created=created, date_modified=None, is_paying_customer=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_created, is_paying_customer FROM customers_customer WHERE id = %s", [customer.pk])
        assert cursor.fetchall() == [("2026-11-26 23:39:24.500000", 1)]  # as stored: no converter per column
    read = Customer.objects.get(pk=customer.pk)
    assert (read.date_created, read.date_modified, read.is_paying_customer) == (created, None, True)
    assert Customer.objects.values_list("is_paying_customer", "date_created").get(pk=customer.pk) == (True, created)
    raw = Customer.objects.raw("SELECT * FROM customers_customer WHERE id = %s", [customer.pk])[0]
    assert (raw.date_created, raw.is_paying_customer) == (created, True)


def test_options_may_still_ask_for_converters():
    wrapper = base.DatabaseWrapper({**connection.settings_dict, "OPTIONS": {"detect_types": 3}})
    assert wrapper.get_connection_params()["detect_types"] == 3
    assert connection.get_connection_params()["detect_types"] == 0
