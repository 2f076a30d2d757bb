"""The customer's webhook topics: WooCommerce's hooks for each event, and what each write queues.

Registered with the webhooks app when Django starts (customers.apps); the services call these in their
transactions, so a write that rolls back queues nothing.
"""

from webhooks.events import queue

# WooCommerce's hooks per event (a webhook's `hooks` field), in its order of topics.
HOOKS = {
    "created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "updated": ["profile_update", "woocommerce_update_customer"],
    "deleted": ["delete_user"],
}


def customers_created(ids: list[int]) -> None:
    """A customer created: WooCommerce fires customer.created and, as the create also saves the user,
    customer.updated."""
    queue({"customer.created": ids, "customer.updated": ids})


def customers_updated(ids: list[int]) -> None:
    """Every save of a customer fires customer.updated, changed or not (WordPress's profile_update)."""
    queue({"customer.updated": ids})


def customers_deleted(ids: list[int]) -> None:
    """customer.deleted; the caller passes only users whose role was customer, as WooCommerce fires it."""
    queue({"customer.deleted": ids})
