"""Writing what a store sent, a page at a time, with the rules the API applies and WooCommerce's ids.

    tally = import_customers(rows)        # one page: a few multi-row statements in one transaction

A page is compared with what is stored first: new rows are created, changed ones updated, the rest left
alone (a rerun writes only what changed). A row our rules refuse (an email `is_email` rejects today, a login
or email another customer has) is reported with its reason and the others still go in. Customers written
fire customer.created / customer.updated webhooks, as any other write does.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from customers import events
from customers.choices import PAID_STATUSES, AddressType
from customers.importer.records import CustomerRow, DownloadRow, OrderRow
from customers.meta import encode_value
from customers.models import ADDRESS_FIELDS, Address, Customer, CustomerMeta, Download, Order
from customers.services.logins import check_billing_email, check_email, check_email_length, check_username
from wcompat.exceptions import WcAPIException

CUSTOMER_FIELDS = (
    "email",
    "username",
    "first_name",
    "last_name",
    "role",
    "date_created",
    "date_modified",
    "is_paying_customer",
)
ROLE_MAX_LENGTH = Customer._meta.get_field("role").max_length
STATUS_MAX_LENGTH = Order._meta.get_field("status").max_length


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)

    def fail(self, item_id: int, reason: str) -> None:
        self.failed += 1
        self.failures.append((item_id, reason))

    def add(self, other: "Tally") -> None:
        for name in ("created", "updated", "unchanged", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ("created", "updated", "unchanged", "failed", "skipped")}


def reset_sequences() -> None:
    """New rows made through the API get ids past the imported ones (PostgreSQL; SQLite follows on its own)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Customer, Order, CustomerMeta, Address, Download])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


#
# Customers
#


def _refusal(row: CustomerRow) -> str | None:
    """Why our rules refuse this customer, or None: the same checks the API's writes make."""
    try:
        if not row.email:
            return "Please provide a valid email address."
        check_email(row.email)
        check_email_length(row.email)
        check_billing_email(row.billing)
        if not row.username or check_username(row.username) != row.username:
            return f"The username {row.username!r} is not a valid WordPress login here."
    except WcAPIException as error:
        return error.message
    if row.role is not None and not 0 < len(row.role) <= ROLE_MAX_LENGTH:
        return f"The role {row.role!r} is not one this project can keep."
    return None


def _taken(column: str, values: list[str]) -> dict[str, int]:
    """{upper-cased value: id of the customer that has it}, in one query on the unique index."""
    return dict(
        Customer.objects.annotate(value_upper=Upper(column))
        .filter(value_upper__in={value.upper() for value in values})
        .values_list("value_upper", "id")
    )


@dataclass
class _Stored:
    customer: Customer | None
    addresses: dict[str, dict[str, str]]
    meta: list[tuple[int, str, Any]]


def _stored(ids: list[int]) -> dict[int, _Stored]:
    customers = {customer.pk: customer for customer in Customer.objects.filter(pk__in=ids)}
    addresses: dict[int, dict[str, dict[str, str]]] = defaultdict(dict)
    for address in Address.objects.filter(customer_id__in=ids):
        addresses[address.customer_id][address.type] = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    meta: dict[int, list[tuple[int, str, Any]]] = defaultdict(list)
    for item in CustomerMeta.objects.filter(customer_id__in=ids).order_by("id"):
        meta[item.customer_id].append((item.pk, item.key, json.loads(item.value)))
    return {pk: _Stored(customers.get(pk), addresses[pk], meta[pk]) for pk in ids}


def _merged(row: CustomerRow, stored: Customer | None) -> dict[str, Any]:
    """The customer's columns after the import: what the row says, and what it does not say kept."""
    values = {name: getattr(row, name) for name in CUSTOMER_FIELDS}
    for name in ("role", "is_paying_customer", "date_created"):
        if values[name] is None:
            values[name] = getattr(stored, name) if stored else Customer._meta.get_field(name).get_default()
    return values


def _is_unchanged(row: CustomerRow, merged: dict[str, Any], stored: _Stored) -> bool:
    customer = stored.customer
    if customer is None or any(getattr(customer, name) != value for name, value in merged.items()):
        return False
    empty = dict.fromkeys(ADDRESS_FIELDS, "")
    if stored.addresses.get("billing", empty) != row.billing or stored.addresses.get("shipping", empty) != row.shipping:
        return False
    return row.meta is None or stored.meta == row.meta


def import_customers(rows: list[CustomerRow], *, dry_run: bool = False) -> Tally:
    """One page of customers: checked, compared, and the new and changed ones written in a few statements."""
    tally = Tally()
    stored = _stored([row.id for row in rows])
    emails = _taken("email", [row.email for row in rows])
    usernames = _taken("username", [row.username for row in rows])
    accepted: list[tuple[CustomerRow, dict[str, Any], bool]] = []
    for row in rows:
        reason = _refusal(row)
        if reason is None and emails.get(row.email.upper(), row.id) != row.id:
            reason = f"Customer {emails[row.email.upper()]} already has the email {row.email}."
        if reason is None and usernames.get(row.username.upper(), row.id) != row.id:
            reason = f"Customer {usernames[row.username.upper()]} already has the username {row.username}."
        if reason is not None:
            tally.fail(row.id, reason)
            continue
        # Later rows of the page see this one's email and login as taken.
        emails[row.email.upper()] = usernames[row.username.upper()] = row.id
        merged = _merged(row, stored[row.id].customer)
        if _is_unchanged(row, merged, stored[row.id]):
            tally.unchanged += 1
            continue
        accepted.append((row, merged, stored[row.id].customer is None))
    if dry_run or not accepted:
        tally.created += sum(1 for _, _, new in accepted if new)
        tally.updated += sum(1 for _, _, new in accepted if not new)
        return tally
    try:
        _write_customers(accepted, stored)
    except IntegrityError:
        # Another writer took an email or a login meanwhile: each customer on its own.
        for item in accepted:
            try:
                _write_customers([item], stored)
            except IntegrityError as error:
                tally.fail(item[0].id, f"Conflicts with a customer written meanwhile ({error}).")
                continue
            tally.created += item[2]
            tally.updated += not item[2]
        return tally
    tally.created += sum(1 for _, _, new in accepted if new)
    tally.updated += sum(1 for _, _, new in accepted if not new)
    return tally


@transaction.atomic
def _write_customers(accepted: list[tuple[CustomerRow, dict[str, Any], bool]], stored: dict[int, _Stored]) -> None:
    unusable = make_password(None)  # WooCommerce's API never gives a password out
    Customer.objects.bulk_create(
        [
            Customer(
                id=row.id,
                password=unusable,
                display_name=stored[row.id].customer.display_name if not new else row.username,
                **{**merged, "date_created": merged["date_created"] or timezone.now()},
            )
            for row, merged, new in accepted
        ],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=list(CUSTOMER_FIELDS),
    )
    Address.objects.bulk_create(
        [
            Address.build(row.id, kind, getattr(row, kind))
            for row, _merged_values, _new in accepted
            for kind in AddressType.values
        ],
        update_conflicts=True,
        unique_fields=["customer", "type"],
        update_fields=[*ADDRESS_FIELDS, "phone_digits"],
    )
    with_meta = [row for row, _merged_values, _new in accepted if row.meta is not None]
    if with_meta:
        customer_ids = [row.id for row in with_meta]
        CustomerMeta.objects.filter(customer_id__in=customer_ids).delete()
        wanted = [meta_id for row in with_meta for meta_id, _key, _value in row.meta]
        # A meta id this database gave to another customer's entry is not reused: that entry gets a new one.
        elsewhere = set(CustomerMeta.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        CustomerMeta.objects.bulk_create(
            CustomerMeta(
                id=None if meta_id in elsewhere else meta_id,
                customer_id=row.id,
                key=key,
                value=encode_value(value),
            )
            for row in with_meta
            for meta_id, key, value in row.meta
        )
    created = [row.id for row, _merged_values, new in accepted if new]
    updated = [row.id for row, _merged_values, new in accepted if not new]
    events.customers_created(created)
    events.customers_updated(updated)
    reset_sequences()


#
# Orders
#


def import_orders(rows: list[OrderRow], *, dry_run: bool = False) -> Tally:
    """One page of orders, kept only for customers this database has (guests' orders are skipped)."""
    tally = Tally()
    known = set(Customer.objects.filter(pk__in={row.customer_id for row in rows}).values_list("pk", flat=True))
    stored = {order.pk: order for order in Order.objects.filter(pk__in=[row.id for row in rows])}
    keys = dict(Order.objects.filter(order_key__in=[row.order_key for row in rows]).values_list("order_key", "pk"))
    writes: list[tuple[OrderRow, bool]] = []
    for row in rows:
        if row.customer_id not in known:
            tally.skipped += 1  # a guest's order, or a customer who was not imported: no figure depends on it
            continue
        if not 0 < len(row.status) <= STATUS_MAX_LENGTH:
            tally.fail(row.id, f"The order status {row.status!r} is not one this project can keep.")
            continue
        if not row.order_key or keys.get(row.order_key, row.id) != row.id:
            tally.fail(
                row.id, f"The order key {row.order_key!r} is missing or belongs to order {keys.get(row.order_key)}."
            )
            continue
        keys[row.order_key] = row.id
        current = stored.get(row.id)
        if current and _order_values(current) == _order_values(row):
            tally.unchanged += 1
            continue
        writes.append((row, current is None))
    tally.created += sum(1 for _, new in writes if new)
    tally.updated += sum(1 for _, new in writes if not new)
    if writes and not dry_run:
        with transaction.atomic():
            Order.objects.bulk_create(
                [
                    Order(
                        id=row.id,
                        customer_id=row.customer_id,
                        status=row.status,
                        total=row.total,
                        order_key=row.order_key,
                        date_created=row.date_created or timezone.now(),
                    )
                    for row, _new in writes
                ],
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=["customer", "status", "total", "order_key", "date_created"],
            )
            reset_sequences()
    return tally


def _order_values(order: Order | OrderRow) -> tuple:
    return (order.customer_id, order.status, order.total, order.order_key, order.date_created)


def mark_paying_customers() -> None:
    """For stores whose answers do not say it (v1): customers with a paid order are paying customers."""
    paid = Order.objects.filter(status__in=PAID_STATUSES).values("customer_id")
    Customer.objects.filter(pk__in=paid, is_paying_customer=False).update(is_paying_customer=True)


#
# Downloads
#


def _download_values(download: Download | DownloadRow) -> tuple:
    return (
        download.order_id,
        download.product_id,
        download.product_name,
        download.product_url,
        download.download_id,
        download.download_name,
        download.file_url,
        download.downloads_remaining,
        download.access_expires,
    )


def import_downloads(
    customer_id: int, rows: list[DownloadRow], emails: dict[str, str], *, dry_run: bool = False
) -> Tally:
    """A customer's download permissions, replaced by the store's when they differ (`emails`: download id ->
    the billing email the store's download link carries)."""
    tally = Tally()
    orders = set(Order.objects.filter(pk__in={row.order_id for row in rows}).values_list("pk", flat=True))
    kept = []
    for row in rows:
        if row.order_id not in orders:
            tally.fail(
                customer_id, f"Download {row.download_id} belongs to order {row.order_id}, which was not imported."
            )
        else:
            kept.append(row)
    stored = list(Download.objects.filter(customer_id=customer_id).order_by("id"))
    if sorted(map(_download_values, stored), key=repr) == sorted(map(_download_values, kept), key=repr):
        tally.unchanged += len(kept)
        return tally
    tally.created += len(kept)
    if not dry_run:
        with transaction.atomic():
            Download.objects.filter(customer_id=customer_id).delete()
            Download.objects.bulk_create(
                Download(
                    customer_id=customer_id,
                    email=emails.get(row.download_id, ""),
                    **dict(zip(_DOWNLOAD_COLUMNS, _download_values(row), strict=True)),
                )
                for row in kept
            )
    return tally


_DOWNLOAD_COLUMNS = (
    "order_id",
    "product_id",
    "product_name",
    "product_url",
    "download_id",
    "download_name",
    "file_url",
    "downloads_remaining",
    "access_expires",
)
