"""Customer reads with their order statistics, computed from order rows in a fixed number of queries.

The API completes a page of customers with two small queries, whatever the page size: their
addresses, and one aggregate over their orders joined to each last order for its date. Plain rows,
not model instances, keep that cheap. The admin, which sorts by the statistics, annotates them in SQL instead.
"""

from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from customers.choices import PAID_STATUSES
from customers.models import ADDRESS_FIELDS, Address, Customer, Order

MONEY = DecimalField(max_digits=20, decimal_places=2)
CENTS = Decimal("0.01")


def annotate_order_stats(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate orders_count and total_spent in SQL, for listings that sort by them."""
    orders = Order.objects.filter(customer=OuterRef("pk")).order_by()
    count = orders.values("customer").annotate(n=Count("id")).values("n")
    spent = orders.filter(status__in=PAID_STATUSES).values("customer").annotate(s=Sum("total")).values("s")
    return queryset.annotate(
        orders_count=Coalesce(Subquery(count), Value(0)),
        total_spent=Coalesce(Subquery(spent, output_field=MONEY), Value(Decimal("0")), output_field=MONEY),
    )


def _in_clause(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _as_datetime(value) -> datetime | None:
    """A datetime column read with a plain cursor: SQLite gives text (UTC), PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def attach_order_stats(customers: list[Customer]) -> list[Customer]:
    """Set orders_count (every status), total_spent (paid statuses), last_order_id and last_order_date.

    One plain SQL query for the whole page: this runs on every read, and the ORM would spend longer
    compiling it than the database spends answering it.
    """
    by_id = {customer.pk: without_orders(customer) for customer in customers}
    if not by_id:
        return customers
    ids = list(by_id)
    paid = list(PAID_STATUSES)
    orders = Order._meta.db_table
    sql = (
        f"SELECT stats.customer_id, stats.n, stats.spent, stats.last_id, last_order.date_created FROM ("
        f" SELECT customer_id, COUNT(*) AS n,"
        f" SUM(CASE WHEN status IN ({_in_clause(paid)}) THEN total ELSE 0 END) AS spent,"
        f" MAX(id) AS last_id FROM {orders} WHERE customer_id IN ({_in_clause(ids)}) GROUP BY customer_id"
        f") stats JOIN {orders} last_order ON last_order.id = stats.last_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*paid, *ids])
        for customer_id, count, spent, last_id, last_date in cursor.fetchall():
            customer = by_id[customer_id]
            customer.orders_count = count
            customer.total_spent = Decimal(str(spent or 0)).quantize(CENTS)
            customer.last_order_id = last_id
            customer.last_order_date = _as_datetime(last_date)
    return customers


def attach_addresses(customers: list[Customer]) -> list[Customer]:
    """Set `address_values` ({"billing": {field: value}, "shipping": {...}}), one plain query for the page."""
    by_id = {customer.pk: customer for customer in customers}
    for customer in customers:
        customer.address_values = {}
    if by_id:
        ids = list(by_id)
        sql = (
            f"SELECT customer_id, type, {', '.join(ADDRESS_FIELDS)} FROM {Address._meta.db_table}"
            f" WHERE customer_id IN ({_in_clause(ids)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            for customer_id, address_type, *values in cursor.fetchall():
                by_id[customer_id].address_values[address_type] = dict(zip(ADDRESS_FIELDS, values, strict=True))
    return customers


def complete(customers: list[Customer]) -> list[Customer]:
    """A page of customers as the API renders them: addresses and order statistics, in two queries."""
    return attach_order_stats(attach_addresses(customers))


def without_orders(customer: Customer) -> Customer:
    """A customer just registered has no orders: its statistics are known without a query."""
    customer.orders_count, customer.total_spent = 0, Decimal("0")
    customer.last_order_id = customer.last_order_date = None
    return customer


def customer_list() -> QuerySet[Customer]:
    """The customers to filter, order and page; complete() then fills in a page of them."""
    return Customer.objects.all()


def customer_get(customer_id: int) -> Customer | None:
    """One customer, completed; a plain query, as every single-customer request runs it."""
    table = Customer._meta.db_table
    customers = complete(list(Customer.objects.raw(f"SELECT * FROM {table} WHERE id = %s", [customer_id])))
    return customers[0] if customers else None
