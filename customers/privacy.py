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

import itertools
import json
import re
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from customers import conf as store, events, meta as meta_rules, services
from customers.models import (
    ADDRESS_FIELDS,
    Address,
    Customer,
    CustomerMeta,
    Download,
    ImportCheckpoint,
    Order,
    PrivacyAudit,
)
from customers.selectors import customer_get
from wcompat.dates import wc_date
from wcompat.models import IdempotencyRecord
from webhooks.models import DeliveryAttempt

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


#
# Erasure (GDPR article 17): WC_Privacy_Erasers, and every copy this project made
#

ERASED = "[erased]"


def anonymous_email(customer_id: int) -> str:
    """What the account's email becomes (wp_privacy_anonymize_data('email') gives deleted@site.invalid; the
    id keeps it unique)."""
    return f"deleted-{customer_id}@site.invalid"


def _anonymous_pattern(customer_id: int) -> re.Pattern:
    """The logins and emails an erasure gives this customer: deleted-<id>, then deleted-<id>-<n> when taken."""
    return re.compile(rf"deleted-{customer_id}(-\d+)?(@site\.invalid)?", re.IGNORECASE)


def _anonymous_identity(customer: Customer) -> tuple[str, str]:
    """The login and email the erased account takes: deleted-<id> and anonymous_email(), or, when another
    customer has either (a client may register any login or email), deleted-<id>-<n> for the first n free. An
    account erased before keeps what it was given."""
    pattern = _anonymous_pattern(customer.pk)
    if pattern.fullmatch(customer.username) and customer.email.lower() == f"{customer.username.lower()}@site.invalid":
        return customer.username, customer.email
    others = Customer.objects.exclude(pk=customer.pk)
    for number in itertools.count():
        login = f"deleted-{customer.pk}" + (f"-{number}" if number else "")
        email = f"{login}@site.invalid"
        if not (others.with_username(login).exists() or others.with_email(email).exists()):
            return login, email
    raise AssertionError("unreachable")  # itertools.count() never ends


def _personal_strings(customer: Customer) -> list[str]:
    """The values whose copies are searched for elsewhere: emails, names, login, phones, streets, companies
    (long enough not to match at random)."""
    values = {customer.email, customer.username, customer.first_name, customer.last_name, customer.display_name}
    for address in customer.addresses.all():
        values |= {address.first_name, address.last_name, address.company, address.address_1, address.address_2}
        values |= {address.email, address.phone}
    values |= set(Download.objects.filter(customer=customer).values_list("email", flat=True))
    anonymous = _anonymous_pattern(customer.pk)
    return sorted(value for value in values if len(value or "") >= 4 and not anonymous.fullmatch(value))


def _mentions(text: str, strings: list[str]) -> bool:
    lowered = text.lower()
    return any(value.lower() in lowered or json.dumps(value)[1:-1].lower() in lowered for value in strings)


def _scrubbed(text: str, strings: list[str]) -> str:
    for value in strings:
        for form in {value, json.dumps(value)[1:-1]}:
            text = re.sub(re.escape(form), ERASED, text, flags=re.IGNORECASE)
    return text


def _erase_account(customer: Customer) -> dict[str, int]:
    """The customer's own personal fields (names, login, email, both addresses) and listed meta data."""
    login, email = _anonymous_identity(customer)
    fields = {"first_name": "", "last_name": "", "display_name": "", "username": login, "email": email}
    changed = {name: value for name, value in fields.items() if getattr(customer, name) != value}
    if changed:
        Customer.objects.filter(pk=customer.pk).update(**changed, date_modified=timezone.now())
    address_fields = 0
    for address in Address.objects.filter(customer=customer):
        # WC_Privacy_Erasers::customer_data_eraser()'s props: the whole address.
        personal = {name: "" for name in ADDRESS_FIELDS if getattr(address, name)}
        if personal:
            Address.objects.filter(pk=address.pk).update(**personal)
            address_fields += len(personal)
    listed = [entry.pk for entry in CustomerMeta.objects.filter(customer=customer) if meta_rules.is_listed(entry.key)]
    CustomerMeta.objects.filter(pk__in=listed).delete()
    return {"customer_fields": len(changed), "address_fields": address_fields, "meta_data": len(listed)}


def _erase_orders_and_downloads(customer: Customer) -> dict[str, int]:
    """Orders lose their customer only when WCOMPAT_ERASE_ORDERS is on (WooCommerce's option, off by default);
    download permissions are revoked only when WCOMPAT_ERASE_DOWNLOADS is on, and otherwise keep their access
    with the anonymous email."""
    orders = 0
    if store.get("ERASE_ORDERS"):
        orders = Order.objects.filter(customer=customer).update(customer=None)
    downloads = Download.objects.filter(customer=customer)
    if store.get("ERASE_DOWNLOADS"):
        revoked, _ = downloads.delete()
        return {"orders": orders, "downloads": revoked}
    rewritten = downloads.exclude(email=anonymous_email(customer.pk)).exclude(email="")
    return {"orders": orders, "downloads": rewritten.update(email=anonymous_email(customer.pk))}


def _erase_copies(customer: Customer, strings: list[str]) -> dict[str, int]:
    """Beyond WooCommerce: the copies this project keeps of what it was sent and what it answered."""
    counts = dict.fromkeys(("idempotency_records", "webhook_log", "import_checkpoints", "admin_log"), 0)
    if not strings:
        return counts  # nothing personal is left to find (a second erasure)
    doomed = [
        record.pk
        for record in IdempotencyRecord.objects.only("pk", "body", "headers").iterator()
        if _mentions(bytes(record.body).decode("utf-8", "replace") + json.dumps(record.headers), strings)
    ]
    counts["idempotency_records"], _ = IdempotencyRecord.objects.filter(pk__in=doomed).delete()
    about = DeliveryAttempt.objects.filter(delivery__resource_id=customer.pk, delivery__topic__startswith="customer.")
    logged = set(about.exclude(response_body="", error="").values_list("pk", flat=True))
    logged |= {
        attempt.pk
        for attempt in DeliveryAttempt.objects.exclude(response_body="").only("pk", "response_body").iterator()
        if _mentions(attempt.response_body, strings)
    }
    counts["webhook_log"] = DeliveryAttempt.objects.filter(pk__in=logged).update(response_body="", error="")
    for checkpoint in ImportCheckpoint.objects.all():
        text = json.dumps(checkpoint.tallies)
        if _mentions(text, strings):
            ImportCheckpoint.objects.filter(pk=checkpoint.pk).update(tallies=json.loads(_scrubbed(text, strings)))
            counts["import_checkpoints"] += 1
    kind = ContentType.objects.get_for_model(Customer)
    for entry in LogEntry.objects.all().iterator():
        own = entry.content_type_id == kind.pk and entry.object_id == str(customer.pk)
        if not own and not _mentions(entry.object_repr + entry.change_message, strings):
            continue
        named = f"customer {customer.pk}" if own else _scrubbed(entry.object_repr, strings)
        message = _scrubbed(entry.change_message, strings)
        if (named, message) != (entry.object_repr, entry.change_message):  # (a second erasure finds it done)
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=named, change_message=message)
            counts["admin_log"] += 1
    return counts


def customer_erase(
    customer: Customer, *, actor: str, via: str, delete_account: bool = False, dry_run: bool = False
) -> dict[str, int]:
    """Erase the customer's personal data everywhere this project keeps it; what was erased, by kind and count.

    A dry run does it all in a transaction it rolls back: the counts are exactly what a real run would give.
    Erasing saves the customer (customer.updated, its payload already anonymised); deleting the account too
    fires customer.deleted. The erasure is written to the audit trail (kinds and counts; no data)."""
    with transaction.atomic():
        strings = _personal_strings(customer)
        counts = _erase_account(customer)
        counts |= _erase_orders_and_downloads(customer)
        counts |= _erase_copies(customer, strings)
        if any(counts.values()):
            events.customers_updated([customer.pk])
        counts["account"] = 0
        if delete_account:
            services.customer_delete(customer=customer_get(customer.pk))
            counts["account"] = 1
        if dry_run:
            transaction.set_rollback(True)
        else:
            PrivacyAudit.objects.create(
                action=PrivacyAudit.Action.ERASE, customer_id=customer.pk, actor=actor, via=via, counts=counts
            )
    return counts


def find_customer(*, customer_id: int | None = None, email: str | None = None) -> Customer:
    """The customer a privacy request names, by id or by email (any letter case); LookupError, saying which,
    when there is none."""
    if customer_id is not None:
        found = Customer.objects.filter(pk=customer_id).first()
        named = f"with id {customer_id}"
    else:
        found = Customer.objects.filter(email__iexact=email or "").order_by("id").first()
        named = f"with email {email}"
    if found is None:
        raise LookupError(f"No customer {named}.")
    return found
