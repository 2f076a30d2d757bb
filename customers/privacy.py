"""A customer's personal data, as WooCommerce's personal data exporters group it (WC_Privacy_Exporters and
WordPress's own user exporter), for an access request (GDPR article 15, CCPA):

    {"customer_id": 7, "exported_at": "2026-12-01T10:00:00Z", "items": [
        {"group_id": "user", "group_label": "User", "item_id": "user-7", "data": [{"name": "User ID", ...}]},
        {"group_id": "woocommerce_customer", "group_label": "Customer Data", "item_id": "user", "data": [...]},
        {"group_id": "woocommerce_orders", "group_label": "Orders", "item_id": "order-41", "data": [...]},
        {"group_id": "woocommerce_downloads", "group_label": "Purchased Downloads", ...},
        {"group_id": "wcompat_meta_data", "group_label": "Meta Data", "item_id": "meta-3", ...}]}

Values WooCommerce leaves out when empty are left out here too. Every export is written to the audit trail
(customers.models.PrivacyAudit) with its counts, never its data.
"""

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from customers import meta as meta_rules
from customers.models import Customer, CustomerMeta, Download, Order, PrivacyAudit
from wcompat.dates import wc_date

# get_customer_personal_data(): WooCommerce's props and labels, in its order.
CUSTOMER_PROPS = (
    ("billing", "first_name", "Billing First Name"),
    ("billing", "last_name", "Billing Last Name"),
    ("billing", "company", "Billing Company"),
    ("billing", "address_1", "Billing Address 1"),
    ("billing", "address_2", "Billing Address 2"),
    ("billing", "city", "Billing City"),
    ("billing", "postcode", "Billing Postal/Zip Code"),
    ("billing", "state", "Billing State"),
    ("billing", "country", "Billing Country / Region"),
    ("billing", "phone", "Billing Phone Number"),
    ("billing", "email", "Email Address"),
    ("shipping", "first_name", "Shipping First Name"),
    ("shipping", "last_name", "Shipping Last Name"),
    ("shipping", "company", "Shipping Company"),
    ("shipping", "address_1", "Shipping Address 1"),
    ("shipping", "address_2", "Shipping Address 2"),
    ("shipping", "city", "Shipping City"),
    ("shipping", "postcode", "Shipping Postal/Zip Code"),
    ("shipping", "state", "Shipping State"),
    ("shipping", "country", "Shipping Country / Region"),
    ("shipping", "phone", "Shipping Phone Number"),
)


def _item(group_id: str, group_label: str, item_id: str, values: list[tuple[str, Any]]) -> dict[str, Any]:
    """One exported item: its group, and its name/value pairs with the empty ones left out (as WooCommerce's
    exporters leave them)."""
    data = [{"name": name, "value": value} for name, value in values if value not in ("", None)]
    return {"group_id": group_id, "group_label": group_label, "item_id": item_id, "data": data}


def personal_data(customer: Customer) -> dict[str, Any]:
    """Everything kept about the customer, grouped as WooCommerce's exporters group it."""
    addresses = {address.type: address for address in customer.addresses.all()}
    user = [
        ("User ID", customer.pk),
        ("User Login Name", customer.username),
        ("User Email", customer.email),
        ("User Registration Date", wc_date(customer.date_created)),
        ("User Display Name", customer.display_name),
        ("User First Name", customer.first_name),
        ("User Last Name", customer.last_name),
    ]
    profile = [(label, getattr(addresses.get(kind), field, "")) for kind, field, label in CUSTOMER_PROPS]
    items = [
        _item("user", "User", f"user-{customer.pk}", user),
        _item("woocommerce_customer", "Customer Data", "user", profile),
    ]
    for order in Order.objects.filter(customer=customer).order_by("id"):
        values = [
            ("Order Number", str(order.pk)),
            ("Order Date", wc_date(order.date_created)),
            ("Order Status", order.status),
            ("Order Total", f"{order.total:.2f}"),
        ]
        items.append(_item("woocommerce_orders", "Orders", f"order-{order.pk}", values))
    for download in Download.objects.filter(customer=customer).order_by("id"):
        expires = f"{download.access_expires:%Y-%m-%d}" if download.access_expires else None
        values = [
            ("Download ID", download.pk),
            ("Order ID", download.order_id),
            ("Product", download.product_name),
            ("User email", download.email),
            ("Downloads remaining", download.downloads_remaining),
            ("Access expires", expires),
        ]
        items.append(_item("woocommerce_downloads", "Purchased Downloads", f"download-{download.pk}", values))
    for entry in CustomerMeta.objects.filter(customer=customer).order_by("id"):
        if meta_rules.is_listed(entry.key):
            values = [(entry.key, json.loads(entry.value))]
            items.append(_item("wcompat_meta_data", "Meta Data", f"meta-{entry.pk}", values))
    return {"customer_id": customer.pk, "exported_at": wc_date(timezone.now()) + "Z", "items": items}


def counts_of(export: dict[str, Any]) -> dict[str, int]:
    """How many items of each kind an export holds (what the audit trail keeps of it)."""
    kinds = {"user": "customer", "woocommerce_customer": "addresses", "woocommerce_orders": "orders"}
    kinds |= {"woocommerce_downloads": "downloads", "wcompat_meta_data": "meta_data"}
    counts = dict.fromkeys(kinds.values(), 0)
    for item in export["items"]:
        counts[kinds[item["group_id"]]] += 1
    return counts


@transaction.atomic
def customer_export(customer: Customer, *, actor: str, via: str) -> dict[str, Any]:
    """The customer's personal data, the export written to the audit trail (who, when, what kinds: no data)."""
    export = personal_data(customer)
    PrivacyAudit.objects.create(
        action=PrivacyAudit.Action.EXPORT, customer_id=customer.pk, actor=actor, via=via, counts=counts_of(export)
    )
    return export


def actor_of(user, api_key=None) -> str:
    """Who asked, as the audit trail names them."""
    name = getattr(user, "username", "") or "anonymous"
    if api_key is not None:
        return f"API key …{api_key.truncated_key} of user {name}"
    return f"user {name}"
