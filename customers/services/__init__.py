"""Customer and order writes, shared by every writer: the API (single requests and batch items), the admin, the
CSV import and the privacy tools. One module per job:

    create    the one pipeline of customer creates (plan, check, write, events), single or in bulk
    update    a partial update          delete    a deletion
    orders    what an order's save does to its customer (paying customer, last active)
    logins    the rules for logins and emails         roles    roles, their rules and totals
    values    how a customer's values are stored (text, addresses, meta)

Each write raises WcAPIException with WooCommerce's code and text and writes all or nothing: its writes are one
transaction, and a refused request changes nothing.
"""

from customers.services.create import check_create, customer_create, customers_create_bulk
from customers.services.delete import customer_delete
from customers.services.logins import username_base
from customers.services.orders import (
    mark_active_today,
    order_delete,
    order_payment_complete,
    order_save,
    orders_touch_customers,
)
from customers.services.roles import RoleRuleBroken, recount_role_totals, role_rule_violations
from customers.services.update import check_update, customer_update

__all__ = [
    "RoleRuleBroken",
    "check_create",
    "check_update",
    "customer_create",
    "customer_delete",
    "customer_update",
    "customers_create_bulk",
    "mark_active_today",
    "order_delete",
    "order_payment_complete",
    "order_save",
    "orders_touch_customers",
    "recount_role_totals",
    "role_rule_violations",
    "username_base",
]
