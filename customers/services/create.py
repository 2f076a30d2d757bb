"""Creating customers: one pipeline for a single create, a batch, the admin and the CSV import.

    plan     each item's values and the login it keeps or gets (made from the email when none is given)
    check    every rule once per item, in WooCommerce's order, against the database (one query for the
             emails and one for the logins of every item) and the items before it, so that a duplicate
             within a batch fails as it would one request after the other
    write    the accepted items in a few multi-row INSERTs, in one transaction; passwords are hashed before
             it opens, so no lock is held while the (deliberately slow) hasher runs
    events   customer.created and customer.updated, in that transaction

Another writer may take an email or a login between check and write: the unique indexes refuse the insert, and
each item is then inserted alone, answering WooCommerce's error for what was taken (a generated login is drawn
again instead).
"""

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from customers import events, meta as meta_rules
from customers.choices import AddressType, CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import Address, Customer, CustomerMeta
from customers.selectors import CustomerRecord
from customers.services.logins import (
    check_billing_email,
    check_email,
    check_email_length,
    check_username,
    draw_again,
    draw_username,
    email_exists_error,
    email_taken,
    generate_username,
    hash_password,
    one_of,
    taken,
    username_base,
    username_exists_error,
)
from customers.services.roles import check_role
from customers.services.values import (
    address_values,
    apply_internal_meta,
    check_storable,
    clean_text,
    collapse_meta,
    listed_meta_items,
)
from wcompat.batch import item_failed
from wcompat.exceptions import WcAPIException, is_database_unavailable
from wcompat.wordpress import sanitize_user

logger = logging.getLogger(__name__)

# A generated username that another request takes first is generated again, this many times.
USERNAME_ATTEMPTS = 10
# Passwords of a batch are hashed this many at a time.
HASHING_THREADS = 2


@dataclass
class NewCustomer:
    """An item that passed every check: what will be inserted."""

    index: int
    email: str
    username: str
    generated: bool
    fields: dict[str, Any]
    meta_items: list[dict[str, Any]]
    password: str = ""
    password_hash: str = ""


def customer_create(
    *,
    email: str,
    username: str = "",
    password: str = "",
    first_name: str | None = None,
    last_name: str | None = None,
    billing: dict[str, Any] | None = None,
    shipping: dict[str, Any] | None = None,
    meta_data: list[dict[str, Any]] | None = None,
    role: str = CustomerRole.CUSTOMER,
    display_name: str | None = None,
) -> CustomerRecord:
    """Register a customer as WooCommerce's REST create does (wc_create_new_customer), all or nothing; raises
    WooCommerce's error for the first rule the values break.

    `role` and `display_name` are the admin's to set (WooCommerce's API registers customers, named by login).
    """
    item = {"email": email, "username": username, "password": password, "first_name": first_name}
    item |= {"last_name": last_name, "billing": billing, "shipping": shipping, "meta_data": meta_data}
    item |= {"role": role, "display_name": display_name}
    [outcome] = _create([item], isolated=False)
    if isinstance(outcome, WcAPIException):
        raise outcome
    return outcome


def customers_create_bulk(items: list[dict[str, Any]]) -> list[CustomerRecord | WcAPIException]:
    """Register many customers as customer_create() would one after the other, in a handful of statements.
    Returns, in order, each item's record or its error: an item that fails, even unexpectedly, fails alone."""
    return _create(items, isolated=True)


def check_create(*, email: str, username: str, billing: dict[str, Any] | None, role: str) -> str:
    """The create's checks for one customer, without writing (the admin's forms and the CSV import's preview
    run them to show their errors); returns the username as it would be stored, "" when one is to be made."""
    item = {"email": email, "username": username, "billing": billing, "role": role}
    new = _check(0, item, *_taken_logins([item]))
    return "" if new.generated else new.username


#
# The pipeline
#


def _create(items: list[dict[str, Any]], *, isolated: bool) -> list[CustomerRecord | WcAPIException]:
    """`isolated`: an item failing unexpectedly is answered with an error in its place, not raised."""
    results: list[CustomerRecord | WcAPIException | None] = [None] * len(items)
    emails, usernames = _taken_logins(items)
    accepted: list[NewCustomer] = []
    for index, item in enumerate(items):
        try:
            new = _check(index, item, emails, usernames)
        except WcAPIException as error:
            results[index] = error
            continue
        except Exception:
            if not isolated:
                raise
            logger.exception("Batch create item %s failed unexpectedly", index)
            results[index] = item_failed()
            continue
        emails.add(new.email.upper())
        usernames.add(new.username.upper())
        accepted.append(new)
    _settle_drawn_usernames(accepted)
    _hash_passwords(accepted)
    try:
        records: list[CustomerRecord | WcAPIException] = list(_insert(accepted))
    except DatabaseError as error:
        if is_database_unavailable(error) or not (isolated or isinstance(error, IntegrityError)):
            raise
        # Another request took an email or a login after our checks: each item on its own.
        alone = len(accepted) == 1
        records = [_insert_alone(new, isolated=isolated, failed=alone) for new in accepted]
    for new, outcome in zip(accepted, records, strict=True):
        results[new.index] = outcome
    return results


def _taken_logins(items: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The emails and the logins (upper-cased) that the items would take and customers already have."""
    emails = taken(Customer.objects.with_emails, [item.get("email") or "" for item in items])
    candidates = [item.get("username") or username_base(item.get("email") or "") for item in items]
    usernames = taken(Customer.objects.with_usernames, [sanitize_user(name) for name in candidates])
    return emails, usernames


def _check(index: int, item: dict[str, Any], emails: set[str], usernames: set[str]) -> NewCustomer:
    """Every rule of a create, in WooCommerce's order, against the emails and logins already taken."""
    email = item.get("email") or ""
    billing, shipping, meta_data = item.get("billing"), item.get("shipping"), item.get("meta_data")
    check_storable(billing, shipping, meta_data)
    role = item.get("role") or CustomerRole.CUSTOMER
    check_role(role)
    check_email(email)
    check_billing_email(billing)
    if not email:
        raise CustomerErrorCode.REGISTRATION_INVALID_EMAIL.error()
    if email.upper() in emails:
        raise email_exists_error(email)
    check_email_length(email)
    username = item.get("username") or ""
    generated = not username
    if generated:
        username = draw_username(username_base(email), one_of(usernames))
    else:
        username = check_username(username)
        if username.upper() in usernames:
            raise username_exists_error()
    fields: dict[str, Any] = {
        "first_name": clean_text(item.get("first_name")),
        "last_name": clean_text(item.get("last_name")),
    }
    fields.update(billing=billing, shipping=shipping, role=role)
    apply_internal_meta(meta_data, fields)
    if item.get("display_name") is not None:
        fields["display_name"] = item["display_name"]
    return NewCustomer(
        index=index,
        email=email,
        username=username,
        generated=generated,
        fields=fields,
        meta_items=listed_meta_items(meta_data),
        password=item.get("password") or "",
    )


def _settle_drawn_usernames(accepted: list[NewCustomer]) -> None:
    """A generated name with a random -NNNN was not among those checked: check them, and draw again on a clash."""
    drawn = {
        new.username.upper(): new for new in accepted if new.generated and new.username != username_base(new.email)
    }
    while drawn:
        clashes = taken(Customer.objects.with_usernames, list(drawn))
        names = {new.username.upper() for new in accepted}
        redraw = [drawn[name] for name in clashes]
        drawn = {}
        for new in redraw:
            new.username = draw_again(new.username, one_of(names))
            names.add(new.username.upper())
            drawn[new.username.upper()] = new


def _hash_passwords(accepted: list[NewCustomer]) -> None:
    """The hashes, before any transaction opens: two at a time (the hasher releases the GIL)."""
    with_password = [new for new in accepted if new.password]
    for new in accepted:
        if not new.password:
            new.password_hash = hash_password(None)
    if len(with_password) == 1:
        with_password[0].password_hash = hash_password(with_password[0].password)
    elif with_password:
        with ThreadPoolExecutor(max_workers=HASHING_THREADS) as pool:
            hashes = pool.map(hash_password, (new.password for new in with_password))
            for new, digest in zip(with_password, hashes, strict=True):
                new.password_hash = digest


def _insert_alone(new: NewCustomer, *, isolated: bool, failed: bool) -> CustomerRecord | WcAPIException:
    """One item on its own after a failed insert (`failed`: its own): WooCommerce's error if what it needs is
    taken now, a new login if its login was made."""
    try:
        for _attempt in range(USERNAME_ATTEMPTS):
            if failed:
                if email_taken(new.email):
                    return email_exists_error(new.email)
                if not new.generated:
                    return username_exists_error()
                new.username = generate_username(new.email)
            try:
                return _insert([new])[0]
            except IntegrityError:
                failed = True
        return username_exists_error()
    except DatabaseError as error:
        if is_database_unavailable(error) or not isolated:
            raise
        logger.exception("Batch create item %s failed unexpectedly", new.index)
        return item_failed()


@transaction.atomic
def _insert(accepted: list[NewCustomer]) -> list[CustomerRecord]:
    if not accepted:
        return []
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        [
            Customer(
                username=new.username,
                email=new.email,
                display_name=new.fields.get("display_name") or new.username,
                role=new.fields["role"],
                password=new.password_hash,
                date_created=now,
                date_modified=now,
                first_name=new.fields.get("first_name") or "",
                last_name=new.fields.get("last_name") or "",
            )
            for new in accepted
        ]
    )
    addresses = [{kind: address_values(new.fields.get(kind)) for kind in AddressType.values} for new in accepted]
    Address.objects.bulk_create(
        Address.build(customer.pk, kind, values)
        for customer, by_kind in zip(customers, addresses, strict=True)
        for kind, values in by_kind.items()
    )
    metas = [
        CustomerMeta(customer_id=customer.pk, key=key, value=meta_rules.encode_value(value))
        for customer, new in zip(customers, accepted, strict=True)
        for key, value in collapse_meta(new.meta_items)
    ]
    if metas:
        CustomerMeta.objects.bulk_create(metas)
    events.customers_created([customer.pk for customer in customers])
    records = []
    for customer, by_kind in zip(customers, addresses, strict=True):
        record = CustomerRecord.from_model(customer, by_kind)
        record.meta = []
        records.append(record)
    if metas:
        by_customer: dict[int, list] = {}
        for meta in CustomerMeta.objects.filter(customer_id__in=[c.pk for c in customers]).order_by("id"):
            by_customer.setdefault(meta.customer_id, []).append((meta.pk, meta.key, json.loads(meta.value)))
        for record in records:
            record.meta = by_customer.get(record.id, [])
    return records
