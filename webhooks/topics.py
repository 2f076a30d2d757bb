"""Webhook topics: which exist, what WooCommerce reports for each, which this project delivers.

WooCommerce accepts topics for coupons, orders, products and its own actions too; this project serves
customers only, so a topic for anything else is refused like an invalid topic (a deliberate difference:
a webhook that could never fire is worse than an error).
"""

from wcompat.wordpress import sanitize_text_field

CUSTOMER_TOPICS = ("customer.created", "customer.updated", "customer.deleted")
# WooCommerce's hooks per topic (the `hooks` field).
HOOKS = {
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
}


def is_valid_topic(topic: str) -> bool:
    """wc_is_webhook_valid_topic(), for the topics this project delivers (exact and case-sensitive)."""
    return isinstance(topic, str) and topic in CUSTOMER_TOPICS


def stored_topic(topic: str) -> str:
    """What WC_Webhook::set_topic() keeps: the sanitized topic if it is valid as written, else ""."""
    topic = sanitize_text_field(topic)
    return topic if is_valid_topic(topic) else ""


def resource(topic: str) -> str:
    return topic.split(".", 1)[0] if topic else ""


def event(topic: str) -> str:
    parts = topic.split(".")
    return parts[1] if len(parts) > 1 else ""


def hooks(topic: str) -> list[str]:
    return list(HOOKS.get(topic, []))
