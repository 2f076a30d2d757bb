"""The customers' figures table (CustomerStats) rebuilt from the orders and the `wc_last_active` meta rows.

The triggers of migration 0009 keep it between rebuilds; a rebuild is for a table filled while they were off
(a bulk load) or a check that they kept it right (the system status tool).
"""

from django.db import connection, transaction

from customers.choices import LAST_ACTIVE_KEY, PAID_STATUSES

PAID = ", ".join(f"'{status}'" for status in PAID_STATUSES)


def last_active_sql(value: str, vendor: str) -> str:
    """The seconds of a stored `wc_last_active` value (JSON text: "1764547200" with its quotes, or a number);
    NULL when it is anything else, as the admin's reading of it (selectors.last_active_seconds)."""
    if vendor == "postgresql":
        return f"""(CASE WHEN {value} ~ '^("[0-9]{{1,18}}"|[0-9]{{1,18}})$' THEN btrim({value}, '"')::bigint END)"""
    text = f"trim({value}, '\"')"
    return (
        f"(CASE WHEN length({text}) BETWEEN 1 AND 18 AND {text} NOT GLOB '*[^0-9]*'"
        f" AND length({value}) - length({text}) IN (0, 2) THEN CAST({text} AS INTEGER) END)"
    )


def fresh_sql(vendor: str) -> str:
    """Every customer's figures as the orders and meta rows say, in the table's columns."""
    active = last_active_sql("m.value", vendor)
    return f"""SELECT c.id AS customer_id, COALESCE(o.orders, 0) AS orders_count,
            COALESCE(o.paid, 0) AS paid_orders_count, COALESCE(o.spent, 0) AS total_spent,
            o.last_id AS last_order_id,
            (SELECT {active} FROM customers_customermeta m
             WHERE m.customer_id = c.id AND m.key = '{LAST_ACTIVE_KEY}' ORDER BY m.id LIMIT 1) AS last_active
        FROM customers_customer c LEFT JOIN (
            SELECT customer_id, COUNT(*) AS orders, SUM(CASE WHEN status IN ({PAID}) THEN 1 ELSE 0 END) AS paid,
                SUM(CASE WHEN status IN ({PAID}) THEN total ELSE 0 END) AS spent, MAX(id) AS last_id
            FROM customers_order WHERE customer_id IS NOT NULL GROUP BY customer_id
        ) o ON o.customer_id = c.id"""


COLUMNS = "customer_id, orders_count, paid_orders_count, total_spent, last_order_id, last_active"


def rebuild_sql(vendor: str) -> list[str]:
    """Statements that make every customer's row what the orders and meta rows say (a migration's backfill)."""
    return [
        "DELETE FROM customers_customerstats",
        f"INSERT INTO customers_customerstats ({COLUMNS}) {fresh_sql(vendor)}",
    ]


def _wrong_sql(vendor: str) -> str:
    """How many customers' kept figures differ from the fresh ones (rows missing or left over included)."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    compared = " OR ".join(
        f"{'ROUND(s.total_spent, 2)' if name == 'total_spent' else f's.{name}'} {differs}"
        f" {'ROUND(f.total_spent, 2)' if name == 'total_spent' else f'f.{name}'}"
        for name in ("orders_count", "paid_orders_count", "total_spent", "last_order_id", "last_active")
    )
    return f"""SELECT
        (SELECT COUNT(*) FROM ({fresh_sql(vendor)}) f
         LEFT JOIN customers_customerstats s ON s.customer_id = f.customer_id
         WHERE s.customer_id IS NULL OR {compared})
        + (SELECT COUNT(*) FROM customers_customerstats s
           WHERE NOT EXISTS (SELECT 1 FROM customers_customer c WHERE c.id = s.customer_id))"""


@transaction.atomic
def rebuild() -> int:
    """Rebuild the figures of every customer; how many customers' figures were wrong."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No order or meta write between the reading and the writing (each waits for the rebuild).
            cursor.execute("LOCK TABLE customers_order, customers_customermeta IN SHARE MODE")
        cursor.execute(_wrong_sql(connection.vendor))
        wrong = cursor.fetchone()[0]
        if wrong:
            for sql in rebuild_sql(connection.vendor):
                cursor.execute(sql)
    return wrong
