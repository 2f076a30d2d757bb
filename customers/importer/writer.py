"""Writing what a store sent, a page at a time, through the services' create pipeline with WooCommerce's ids.

    tally = import_customers(rows)        # one page: a few multi-row statements in one transaction

A page is compared with what is stored first: new rows are created, changed ones updated, the rest left
alone (a rerun writes only what changed). A row the create's rules refuse (an email `is_email` rejects today,
a login or email another customer has) is reported with its reason and the others still go in. Customers
written fire customer.created / customer.updated webhooks, as any other write does.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from customers.choices import PAID_STATUSES
from customers.importer.records import CustomerRow, DownloadRow, OrderRow
from customers.models import ADDRESS_FIELDS, Address, Customer, CustomerMeta, Download, Order
from customers.services.create import IMPORTED_FIELDS, Imported, continue_sequences, customers_import
from wcompat.exceptions import WcAPIException

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


#
# Customers
#


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


def _planned(row: CustomerRow, stored: _Stored) -> dict[str, Any] | None:
    """The create pipeline's item for the row: what the row says, and what it does not say kept; None when
    that is what is stored already."""
    customer = stored.customer

    def said_or_kept(name: str) -> Any:
        value = getattr(row, name)
        if value is None:
            value = getattr(customer, name) if customer else Customer._meta.get_field(name).get_default()
        return value

    item = {
        "email": row.email,
        "username": row.username,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "role": said_or_kept("role"),
        "billing": row.billing,
        "shipping": row.shipping,
    }
    kept = Imported(
        id=row.id,
        exists=customer is not None,
        date_created=said_or_kept("date_created") or timezone.now(),
        date_modified=row.date_modified,
        is_paying_customer=said_or_kept("is_paying_customer"),
        meta=row.meta,
    )
    if customer is not None and _is_unchanged(item, kept, stored):
        return None
    return item | {"imported": kept}


def _is_unchanged(item: dict[str, Any], kept: Imported, stored: _Stored) -> bool:
    # The columns an import writes over a stored customer: the item's, and what the import keeps of the store's.
    written = {name: item[name] if name in item else getattr(kept, name) for name in IMPORTED_FIELDS}
    if any(getattr(stored.customer, name) != value for name, value in written.items()):
        return False
    empty = dict.fromkeys(ADDRESS_FIELDS, "")
    if any(stored.addresses.get(kind, empty) != item[kind] for kind in ("billing", "shipping")):
        return False
    return kept.meta is None or stored.meta == kept.meta


def import_customers(rows: list[CustomerRow], *, dry_run: bool = False) -> Tally:
    """One page of customers: compared with what is stored, and the new and changed ones created or updated
    by the create pipeline, every rule checked as for the API's writes."""
    tally = Tally()
    stored = _stored([row.id for row in rows])
    planned = []
    for row in rows:
        item = _planned(row, stored[row.id])
        if item is None:
            tally.unchanged += 1
        else:
            planned.append(item)
    for item, outcome in zip(planned, customers_import(planned, dry_run=dry_run), strict=True):
        if isinstance(outcome, WcAPIException):
            tally.fail(item["imported"].id, outcome.message)
        elif item["imported"].exists:
            tally.updated += 1
        else:
            tally.created += 1
    return tally


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
            continue_sequences()
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
