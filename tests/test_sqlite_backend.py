"""config.sqlite, the project's SQLite backend: Django's, with the statements' conversion remembered and the
fetches translated without a wrapper per call. What a caller sees is Django's backend's."""

import pytest
from django.db import OperationalError, connection

from config.sqlite import base

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
