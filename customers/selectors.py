"""Customer reads with their order statistics, computed from order rows in a fixed number of queries.

The API completes a page of customers with three small queries, whatever the page size: their
addresses, one aggregate over their orders, and the last orders' dates. Plain rows, not model
instances, keep that cheap. The admin, which sorts by the statistics, annotates them in SQL instead.
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from customers.choices import PAID_STATUSES
from customers.models import ADDRESS_FIELDS, Address, Customer, Order

MONEY = DecimalField(max_digits=20, decimal_places=2)


def annotate_order_stats(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate orders_count and total_spent in SQL, for listings that sort by them."""
    orders = Order.objects.filter(customer=OuterRef("pk")).order_by()
    count = orders.values("customer").annotate(n=Count("id")).values("n")
    spent = orders.filter(status__in=PAID_STATUSES).values("customer").annotate(s=Sum("total")).values("s")
    return queryset.annotate(
        orders_count=Coalesce(Subquery(count), Value(0)),
        total_spent=Coalesce(Subquery(spent, output_field=MONEY), Value(Decimal("0")), output_field=MONEY),
    )


def attach_order_stats(customers: list[Customer]) -> list[Customer]:
    """Set orders_count (every status), total_spent (paid statuses), last_order_id and last_order_date."""
    by_id = {customer.pk: customer for customer in customers}
    for customer in customers:
        customer.orders_count, customer.total_spent = 0, Decimal("0")
        customer.last_order_id = customer.last_order_date = None
    if not by_id:
        return customers
    stats = (
        Order.objects.filter(customer_id__in=by_id)
        .order_by()
        .values("customer_id")
        .annotate(count=Count("id"), spent=Sum("total", filter=Q(status__in=PAID_STATUSES)), last=Max("id"))
    )
    for row in stats:
        customer = by_id[row["customer_id"]]
        customer.orders_count = row["count"]
        customer.total_spent = row["spent"] or Decimal("0")
        customer.last_order_id = row["last"]
    last_orders = {customer.last_order_id: customer for customer in customers if customer.last_order_id}
    for order_id, date_created in Order.objects.filter(pk__in=last_orders).values_list("id", "date_created"):
        last_orders[order_id].last_order_date = date_created
    return customers


def attach_addresses(customers: list[Customer]) -> list[Customer]:
    """Set `address_values` ({"billing": {field: value}, "shipping": {...}}) with one query for the page."""
    by_id = {customer.pk: customer for customer in customers}
    for customer in customers:
        customer.address_values = {}
    if by_id:
        rows = Address.objects.filter(customer_id__in=by_id).order_by().values("customer_id", "type", *ADDRESS_FIELDS)
        for row in rows:
            by_id[row.pop("customer_id")].address_values[row.pop("type")] = row
    return customers


def complete(customers: list[Customer]) -> list[Customer]:
    """A page of customers as the API renders them: addresses and order statistics, in three queries."""
    return attach_order_stats(attach_addresses(customers))


def customer_list() -> QuerySet[Customer]:
    """The customers to filter, order and page; complete() then fills in a page of them."""
    return Customer.objects.all()


def customer_get(customer_id: int) -> Customer | None:
    customers = complete(list(Customer.objects.filter(pk=customer_id)[:1]))
    return customers[0] if customers else None
