"""Deleting a customer: the account goes, the orders stay without a customer."""

from django.db import transaction

from customers import events
from customers.choices import CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import Customer, Order
from customers.selectors import CustomerRecord
from customers.services.update import locked
from wcompat.conditional import Precondition


@transaction.atomic
def customer_delete(*, customer: CustomerRecord, reassign: int = 0, precondition: Precondition | None = None) -> None:
    """Delete the customer; their orders stay, with no customer (WooCommerce sets customer id 0).

    `reassign` must name another existing user, as WordPress requires; customers own no posts here, so
    nothing else moves. `precondition` (If-Match) runs on the customer as stored, locked.
    """
    if precondition is not None:
        precondition(locked(customer.id))
    if reassign and (reassign == customer.id or not Customer.objects.filter(pk=reassign).exists()):
        raise CustomerErrorCode.INVALID_REASSIGN.error()
    Order.objects.filter(customer_id=customer.id).update(customer=None)
    Customer.objects.filter(pk=customer.id).delete()
    if customer.role == CustomerRole.CUSTOMER:
        # WooCommerce's customer.deleted fires for users whose role is customer only.
        events.customers_deleted([customer.id])
