"""The customers' read statements, as plain SQL for each database (SQLite and PostgreSQL), built once per
shape of query and cached: the selectors run them (customers.selectors).

    by_id_sql("sqlite", "c.id = %s", order_figures=True)    -> one customer, completed
    page_sql(vendor, page_sql, total_sql, order_by, ...)     -> a page and its total in one statement

"Completed" is the customer row with both addresses (two joins), the order figures when the version shows
them (correlated reads of the covering order index) and the meta data when the reader sees it (a JSON array).
"""

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from customers.choices import PAID_STATUSES
from customers.models import ADDRESS_FIELDS

CUSTOMER_COLUMNS = (
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "role",
    "is_paying_customer",
    "date_created",
    "date_modified",
)
TABLES = {
    "customer": "customers_customer",
    "address": "customers_address",
    "order": "customers_order",
    "meta": "customers_customermeta",
    "rolecount": "customers_rolecount",
}


def ids_condition(column: str, vendor: str) -> str:
    """`column` is one of a list of ids passed as one parameter, so the SQL is the same for any length."""
    if vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def ids_param(ids: Sequence[int], vendor: str) -> Any:
    return list(ids) if vendor == "postgresql" else json.dumps(list(ids))


def like(column: str, vendor: str) -> str:
    """A case-insensitive substring match, as Django's icontains writes it (so the trigram indexes apply)."""
    if vendor == "postgresql":
        return f"UPPER({column}::text) LIKE UPPER(%s)"
    return f"{column} LIKE %s ESCAPE '\\'"


def like_param(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def column(expression: str, vendor: str) -> str:
    """A selected column; dates as their UTC text, as SQLite keeps them ("2026-11-26 23:39:24.500000"): a driver
    or Django would make each one a datetime, and the API only writes them out again."""
    if not expression.endswith(("date_created", "date_modified")):
        return expression
    if vendor == "sqlite":
        return f"({expression} || '')"
    return f"to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"


def completion(vendor: str, order_figures: bool, with_meta: bool = False) -> tuple[list[str], list[str]]:
    """The columns and joins that complete customers `c`: addresses (two joins on (customer, type)) and the
    order figures (correlated reads of the covering order index, then the last order by its id)."""
    address_columns = [f"{alias}.{name}" for alias in ("b", "s") for name in ADDRESS_FIELDS]
    columns = [column(f"c.{name}", vendor) for name in CUSTOMER_COLUMNS] + address_columns
    joins = [
        f"LEFT JOIN {TABLES['address']} b ON b.customer_id = c.id AND b.type = 'billing'",
        f"LEFT JOIN {TABLES['address']} s ON s.customer_id = c.id AND s.type = 'shipping'",
    ]
    if order_figures:
        paid = ", ".join(f"'{status}'" for status in PAID_STATUSES)
        orders = f"FROM {TABLES['order']} o WHERE o.customer_id = c.id"
        columns += [
            f"(SELECT COUNT(*) {orders})",
            f"(SELECT SUM(CASE WHEN o.status IN ({paid}) THEN o.total ELSE 0 END) {orders})",
            "lo.id",
            column("lo.date_created", vendor),
        ]
        joins.append(f"LEFT JOIN {TABLES['order']} lo ON lo.id = (SELECT MAX(o.id) {orders})")
    if with_meta:
        # The customer's meta data as one JSON array of [id, key, value], in the same statement.
        meta = f"FROM {TABLES['meta']} m WHERE m.customer_id = c.id"
        if vendor == "postgresql":
            columns.append(
                f"(SELECT json_agg(json_build_array(m.id, m.key, m.value::json) ORDER BY m.id)::text {meta})"
            )
        else:
            columns.append(f"(SELECT json_group_array(json_array(m.id, m.key, json(m.value))) {meta})")
    return columns, joins


@lru_cache(maxsize=256)
def by_id_sql(vendor: str, condition: str, order_figures: bool, with_meta: bool = False) -> str:
    """The statement that reads the customers matching `condition` (on `c`), completed."""
    columns, joins = completion(vendor, order_figures, with_meta)
    return (
        f"SELECT NULL, {', '.join(columns)} FROM {TABLES['customer']} c {' '.join(joins)}"
        f" WHERE {condition} ORDER BY c.id"
    )


@lru_cache(maxsize=256)
def page_sql(
    vendor: str, page_sql: str, total_sql: str, order_by: str, order_figures: bool, with_meta: bool = False
) -> str:
    """The statement that reads the page `page_sql` selects (ids and a sort key), completed, with its total.

    The page's ids are chosen first (from the ordering's index, before any join or correlated read, so a
    deep OFFSET costs no more than the first page), and `total_sql` is evaluated in the same statement:
    one snapshot for both.
    """
    columns, joins = completion(vendor, order_figures, with_meta)
    return (
        f"WITH page AS ({page_sql}) SELECT ({total_sql}), {', '.join(columns)}"
        f" FROM (SELECT 1 AS one) t LEFT JOIN page p ON 1 = 1"
        f" LEFT JOIN {TABLES['customer']} c ON c.id = p.id {' '.join(joins)} ORDER BY {order_by}"
    )
