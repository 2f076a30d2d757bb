"""Customer reads with their order statistics, computed from order rows in a fixed number of queries."""

from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from customers.choices import PAID_STATUSES
from customers.models import Address, Customer, Order


def annotate_order_stats(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate orders_count (every status), total_spent (paid statuses) and the last order's id and date."""
    orders = Order.objects.filter(customer=OuterRef("pk")).order_by()
    count = orders.values("customer").annotate(n=Count("id")).values("n")
    spent = orders.filter(status__in=PAID_STATUSES).values("customer").annotate(s=Sum("total")).values("s")
    last = Order.objects.filter(customer=OuterRef("pk")).order_by("-id")
    money = DecimalField(max_digits=20, decimal_places=2)
    return queryset.annotate(
        orders_count=Coalesce(Subquery(count), Value(0)),
        total_spent=Coalesce(Subquery(spent, output_field=money), Value(Decimal("0")), output_field=money),
        last_order_id=Subquery(last.values("id")[:1]),
        last_order_date=Subquery(last.values("date_created")[:1]),
    )


def with_order_stats(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """Customers as the API renders them: order statistics and both addresses, in a fixed number of queries."""
    return annotate_order_stats(queryset).prefetch_related(Prefetch("addresses", queryset=Address.objects.order_by()))


def customer_list() -> QuerySet[Customer]:
    return with_order_stats(Customer.objects.all())


def customer_get(customer_id: int) -> Customer | None:
    return customer_list().filter(pk=customer_id).first()
