"""Orders, for what they change of their customers: the figures' date, paying customer, last active."""

import json
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from customers import events
from customers.choices import LAST_ACTIVE_KEY, OrderStatus
from customers.models import Customer, CustomerMeta, Order


@transaction.atomic
def order_save(order: Order) -> Order:
    """Save an order; the customers it belongs to (before and after) are modified by it, because orders_count,
    total_spent and is_paying_customer change with orders.

    As WooCommerce does for the customer:
    - an order reaching `completed` (created so, or moved to it) makes its customer a paying customer, for good
      (wc_paying_customer() on woocommerce_order_status_completed); an order saved as `processing` does not:
      a payment does (order_payment_complete());
    - an order created for a customer, or moved to one, marks the customer active today (`wc_last_active`).
    """
    before = Order.objects.filter(pk=order.pk).values_list("customer_id", "status").first() if order.pk else None
    previous_customer, previous_status = before or (None, None)
    order.save()
    touched = {previous_customer, order.customer_id} - {None}
    if touched:
        Customer.objects.filter(pk__in=touched).update(date_modified=timezone.now())
    if order.customer_id and order.status == OrderStatus.COMPLETED and previous_status != OrderStatus.COMPLETED:
        _mark_paying(order.customer_id)
    if order.customer_id and order.customer_id != previous_customer:
        mark_active_today(order.customer_id)
    return order


# woocommerce_valid_order_statuses_for_payment_complete: the orders a payment completes.
PAYMENT_COMPLETES = (OrderStatus.PENDING, OrderStatus.ON_HOLD, OrderStatus.FAILED, OrderStatus.CANCELLED)


@transaction.atomic
def order_payment_complete(order: Order) -> bool:
    """WC_Order::payment_complete(), for what it does to the customer: an order pending, on hold, failed or
    cancelled is paid: it moves to `processing` and its customer becomes a paying customer (woocommerce_payment_
    complete -> wc_paying_customer()). An order in any other status is left as it is: False."""
    status = Order.objects.select_for_update().filter(pk=order.pk).values_list("status", flat=True).first()
    if status not in PAYMENT_COMPLETES:
        return False
    order.status = OrderStatus.PROCESSING
    order_save(order)
    if order.customer_id:
        _mark_paying(order.customer_id)
    return True


def _mark_paying(customer_id: int) -> None:
    if Customer.objects.filter(pk=customer_id, is_paying_customer=False).update(is_paying_customer=True):
        # wc_paying_customer() saves the customer: customer.updated.
        events.customers_updated([customer_id])


def mark_active_today(customer_id: int) -> None:
    """wc_update_user_last_active(): the user meta `wc_last_active` set to the UTC midnight of today, as a string
    of seconds (update_user_meta: every row of the key, or a new one). Bookkeeping: no customer.updated."""
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    value = json.dumps(str(int(midnight.timestamp())))
    rows = CustomerMeta.objects.filter(customer_id=customer_id, key=LAST_ACTIVE_KEY)
    if not rows.update(value=value):
        CustomerMeta.objects.create(customer_id=customer_id, key=LAST_ACTIVE_KEY, value=value)


@transaction.atomic
def order_delete(order: Order) -> None:
    customer_id = order.customer_id
    order.delete()
    if customer_id:
        Customer.objects.filter(pk=customer_id).update(date_modified=timezone.now())


def orders_touch_customers(customer_ids: Iterable[int]) -> None:
    """Bulk order writes (imports) call this for the customers whose orders they wrote."""
    ids = set(customer_ids) - {None}
    if ids:
        Customer.objects.filter(pk__in=ids).update(date_modified=timezone.now())
