"""Updating a customer: a partial update, WooCommerce's checks first, written in one transaction."""

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers import events
from customers.choices import AddressType
from customers.error_codes import CustomerErrorCode
from customers.models import ADDRESS_FIELDS, Address, Customer
from customers.selectors import CustomerRecord, customer_get
from customers.services.logins import (
    check_billing_email,
    check_email,
    check_email_length,
    email_invalid_on_update_error,
    email_taken,
    hash_password,
)
from customers.services.roles import check_role, check_role_rules
from customers.services.values import (
    address_values,
    apply_internal_meta,
    check_storable,
    clean_text,
    existing_meta,
    listed_meta_items,
    write_meta,
)
from wcompat.conditional import Precondition
from wcompat.wordpress import sanitize_user


def check_update(
    *,
    customer: CustomerRecord,
    email: str | None = None,
    username: str | None = None,
    billing: dict[str, Any] | None = None,
    role: str | None = None,
    password: str | None = None,
) -> None:
    """customer_update()'s checks, without writing (the admin's forms and the CSV import's preview run them to
    show their errors). The role rules come first: the API answers them as permission errors, before any other."""
    changing_email = bool(email) and email != customer.email
    check_role_rules(customer.role, "update", changes_email=changing_email, sets_password=bool(password))
    if changing_email and (email.upper() == customer.email.upper() or email_taken(email)):
        raise email_invalid_on_update_error()
    if username and sanitize_user(username) != customer.username:
        raise CustomerErrorCode.USERNAME_NOT_EDITABLE.error()
    if email:
        check_email(email)
        check_email_length(email)
    check_billing_email(billing)
    if role:
        check_role(role)


def customer_update(
    *,
    customer: CustomerRecord,
    email: str | None = None,
    username: str | None = None,
    password: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    billing: dict[str, Any] | None = None,
    shipping: dict[str, Any] | None = None,
    meta_data: list[dict[str, Any]] | None = None,
    precondition: Precondition | None = None,
    role: str | None = None,
    display_name: str | None = None,
) -> CustomerRecord:
    """Partial update: fields not given are kept, addresses merge key by key; returns the customer as stored.

    `role` and `display_name` are the admin's to change (WooCommerce's API changes neither).

    `precondition` (If-Match) runs on the customer as stored, locked, in the update's transaction.

    The email is checked as WooCommerce checks it: one that any user has (in any letter case) and that is
    not byte for byte the current one is refused, so is changing only its letter case.
    """
    check_storable(billing, shipping, meta_data)
    check_update(customer=customer, email=email, username=username, billing=billing, role=role, password=password)
    fields: dict[str, Any] = {"first_name": clean_text(first_name), "last_name": clean_text(last_name)}
    fields.update(billing=billing, shipping=shipping)
    apply_internal_meta(meta_data, fields)
    changes: dict[str, Any] = {name: fields[name] for name in ("first_name", "last_name") if fields[name] is not None}
    if display_name is not None:
        fields["display_name"] = display_name
    if "display_name" in fields:
        changes["display_name"] = fields["display_name"]
    if role:
        changes["role"] = role
    if email:
        changes["email"] = email
    if password:
        changes["password"] = hash_password(password)
    try:
        return _update_customer(
            customer, changes, fields, listed_meta_items(meta_data), meta_data is not None, precondition
        )
    except IntegrityError:
        # Another request took the email after our check.
        raise email_invalid_on_update_error() from None


@transaction.atomic
def _update_customer(
    customer: CustomerRecord,
    changes: dict[str, Any],
    fields: dict[str, Any],
    meta_items: list[dict[str, Any]],
    meta_sent: bool,
    precondition: Precondition | None,
) -> CustomerRecord:
    if precondition is not None:
        precondition(locked(customer.id))
    # Every save moves date_modified, as WordPress's profile_update does, changed or not.
    changes["date_modified"] = timezone.now()
    Customer.objects.filter(pk=customer.id).update(**changes)
    given = {kind: values for kind in AddressType.values if (values := address_values(fields.get(kind)))}
    write_address_keys(customer.id, given)
    merged = {}
    for kind, values in given.items():
        current = getattr(customer, kind)
        merged[kind] = {key: current.get(key) or "" for key in ADDRESS_FIELDS} | values
    for name, value in changes.items():
        if name != "password":
            setattr(customer, name, value)
    for kind, values in merged.items():
        setattr(customer, kind, values)
    if meta_items:
        write_meta(customer.id, meta_items, existing_meta(customer.id))
    if meta_sent:
        customer.meta = None  # read again when rendered
    events.customers_updated([customer.id])
    return customer


def write_address_keys(customer_id: int, given: dict[str, dict[str, str]]) -> None:
    """Upsert the address keys that were given, and only those: an update that changes the billing city
    leaves the phone another request is changing at the same moment alone. One statement per set of keys."""
    by_keys: dict[tuple[str, ...], list[Address]] = {}
    for kind, values in given.items():
        keys = tuple(sorted(values)) + (("phone_digits",) if "phone" in values else ())
        by_keys.setdefault(keys, []).append(Address.build(customer_id, kind, values))
    for keys, addresses in by_keys.items():
        Address.objects.bulk_create(
            addresses, update_conflicts=True, unique_fields=["customer", "type"], update_fields=list(keys)
        )


def locked(customer_id: int) -> CustomerRecord | None:
    """The customer as stored, its row locked until the transaction ends (so a check made on it holds)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id FROM customers_customer WHERE id = %s FOR UPDATE", [customer_id])
        else:  # SQLite: a write takes the database's write lock
            cursor.execute("UPDATE customers_customer SET id = id WHERE id = %s", [customer_id])
    return customer_get(customer_id)
