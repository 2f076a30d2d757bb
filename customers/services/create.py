"""Creating customers: one pipeline for a single create, a batch, the admin, the CSV import and an import from
a WooCommerce store (`import_woocommerce`).

    plan     each item's values and the login it keeps or gets (made from the email when none is given); an
             import's item also keeps the store's id, dates, role and meta ids (`Imported`), and updates the
             customer of that id when there is one
    check    every rule once per item, in WooCommerce's order, against the database (one query for the
             emails and one for the logins of every item) and the items before it, so that a duplicate
             within a batch fails as it would one request after the other
    write    the accepted items in a few multi-row statements, in one transaction; passwords are hashed before
             it opens, so no lock is held while the (deliberately slow) hasher runs
    events   customer.created and customer.updated, in that transaction

Another writer may take an email or a login between check and write: the unique indexes refuse the insert, and
each item is then written alone, answering WooCommerce's error for what was taken (a generated login is drawn
again instead).
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from customers import events, meta as meta_rules
from customers.choices import AddressType, CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import ADDRESS_FIELDS, Address, Customer, CustomerMeta, Download, Order
from customers.selectors import CustomerRecord, attach_meta
from customers.services.logins import (
    check_billing_email,
    check_email,
    check_email_length,
    check_username,
    draw_again,
    draw_username,
    email_exists_error,
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
# What an import writes over a customer it wrote before (the password and display name stay the customer's).
IMPORTED_FIELDS = [
    "email",
    "username",
    "first_name",
    "last_name",
    "role",
    "date_created",
    "date_modified",
    "is_paying_customer",
]

# An import's writes: the customer of an id, and its addresses, are updated when they are stored already.
_IMPORT_CUSTOMERS = {"update_conflicts": True, "unique_fields": ["id"], "update_fields": IMPORTED_FIELDS}
_IMPORT_ADDRESSES = {
    "update_conflicts": True,
    "unique_fields": ["customer", "type"],
    "update_fields": [*ADDRESS_FIELDS, "phone_digits"],
}

# [(meta id or None for a new one, key, value)]
MetaEntries = list[tuple[int | None, str, Any]]


@dataclass
class Imported:
    """What an import keeps of a store's customer where a registration makes its own."""

    id: int
    exists: bool  # a customer of this id is stored here: the import updates it
    date_created: datetime
    date_modified: datetime | None
    is_paying_customer: bool
    # The store's meta entries, replacing what is stored; None: the store did not say (what is stored stays).
    meta: list[tuple[int, str, Any]] | None


@dataclass
class NewCustomer:
    """An item that passed every check: what will be written."""

    index: int
    email: str
    username: str
    generated: bool
    fields: dict[str, Any]
    meta: MetaEntries | None  # None: an import's customer keeps the meta it has
    password: str = ""
    password_hash: str = ""
    imported: Imported | None = None

    @property
    def own_id(self) -> int | None:
        return self.imported.id if self.imported else None


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


def customers_import(items: list[dict[str, Any]], *, dry_run: bool = False) -> list[NewCustomer | WcAPIException]:
    """Write a store's customers with their own ids (`item["imported"]`), creating or updating each, with the
    rules of a create; a store's role is kept whatever its name, and its login as it is (never made).
    Returns, in order, each item's values as written (or as they would be, `dry_run`) or its error."""
    results: list[NewCustomer | WcAPIException | None] = [None] * len(items)
    accepted = _checked(items, results, isolated=True)
    if not dry_run:
        _hash_passwords(accepted)
        for new, outcome in zip(accepted, _written(accepted, isolated=True), strict=True):
            results[new.index] = outcome if isinstance(outcome, WcAPIException) else new
    else:
        for new in accepted:
            results[new.index] = new
    return results


def check_create(*, email: str, username: str, billing: dict[str, Any] | None, role: str) -> str:
    """The create's checks for one customer, without writing (the admin's forms and the CSV import's preview
    run them to show their errors); returns the username as it would be stored, "" when one is to be made."""
    item = {"email": email, "username": username, "billing": billing, "role": role}
    new = _check(0, item, *_taken_logins([item]))
    return "" if new.generated else new.username


def continue_sequences() -> None:
    """New rows made through the API get ids past those an import gave (PostgreSQL; SQLite follows on its own)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Customer, Order, CustomerMeta, Address, Download])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


#
# The pipeline
#


def _create(items: list[dict[str, Any]], *, isolated: bool) -> list[CustomerRecord | WcAPIException]:
    """`isolated`: an item failing unexpectedly is answered with an error in its place, not raised."""
    results: list[CustomerRecord | WcAPIException | None] = [None] * len(items)
    accepted = _checked(items, results, isolated=isolated)
    _settle_drawn_usernames(accepted)
    _hash_passwords(accepted)
    written = [(new, outcome) for new, outcome in zip(accepted, _written(accepted, isolated=isolated), strict=True)]
    for new, outcome in written:
        if isinstance(outcome, WcAPIException):
            results[new.index] = outcome
    successes = [(new, outcome) for new, outcome in written if not isinstance(outcome, WcAPIException)]
    for (new, _customer), record in zip(successes, _records(successes), strict=True):
        results[new.index] = record
    return results


def _checked(items: list[dict[str, Any]], results: list, *, isolated: bool) -> list[NewCustomer]:
    """The items that pass every check; each refused item's error is put in its place in `results`."""
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
        # The items after this one see its email and login taken (by its id, an import's, or 0).
        emails[new.email.upper()] = usernames[new.username.upper()] = new.own_id or 0
        accepted.append(new)
    return accepted


def _taken_logins(items: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """The emails and the logins (upper-cased) that the items would take and customers already have, with the
    id of the customer who has each."""
    emails = taken(Customer.objects.with_emails, [item.get("email") or "" for item in items])
    usernames = taken(Customer.objects.with_usernames, [_login_wanted(item) for item in items])
    return emails, usernames


def _login_wanted(item: dict[str, Any]) -> str:
    """The login an item asks for as WordPress would store it (an import's as it is: it must be valid as it is)."""
    if item.get("imported"):
        return item.get("username") or ""
    return sanitize_user(item.get("username") or username_base(item.get("email") or ""))


def _owner(taken_by: dict[str, int], value: str, own_id: int | None) -> int | None:
    """The id of another customer who has the value (0: an item before this one), or None."""
    owner = taken_by.get(value.upper())
    return None if owner is None or owner == own_id else owner


def _check(index: int, item: dict[str, Any], emails: dict[str, int], usernames: dict[str, int]) -> NewCustomer:
    """Every rule of a create, in WooCommerce's order, against the emails and logins already taken."""
    imported: Imported | None = item.get("imported")
    own_id = imported.id if imported else None
    email = item.get("email") or ""
    billing, shipping, meta_data = item.get("billing"), item.get("shipping"), item.get("meta_data")
    check_storable(billing, shipping, meta_data)
    role = item.get("role") or CustomerRole.CUSTOMER
    check_role(role, any_name=imported is not None)
    check_email(email)
    check_billing_email(billing)
    if not email:
        raise CustomerErrorCode.REGISTRATION_INVALID_EMAIL.error()
    if (owner := _owner(emails, email, own_id)) is not None:
        raise email_exists_error(email, owner if imported else None)
    check_email_length(email)
    given = item.get("username") or ""
    generated = not given and imported is None
    if generated:
        username = draw_username(username_base(email), one_of(usernames))
    else:
        username = check_username(given)
        if imported and username != given:
            # A store's login is kept as it is: one this site's rules would change cannot come over.
            raise CustomerErrorCode.REGISTRATION_INVALID_USERNAME.error(
                f"The username {given!r} is not a valid WordPress login here."
            )
        if (owner := _owner(usernames, username, own_id)) is not None:
            raise username_exists_error(username, owner if imported else None)
    fields: dict[str, Any] = {
        "first_name": clean_text(item.get("first_name")),
        "last_name": clean_text(item.get("last_name")),
    }
    fields.update(billing=billing, shipping=shipping, role=role)
    apply_internal_meta(meta_data, fields)
    for kind in AddressType.values:
        fields[kind] = address_values(fields[kind])
    if item.get("display_name") is not None:
        fields["display_name"] = item["display_name"]
    if imported is None:
        meta: MetaEntries | None = [(None, key, value) for key, value in collapse_meta(listed_meta_items(meta_data))]
    else:
        meta = imported.meta
    return NewCustomer(
        index=index,
        email=email,
        username=username,
        generated=generated,
        fields=fields,
        meta=meta,
        password=item.get("password") or "",
        imported=imported,
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
    unusable = hash_password(None)  # one per write: it matches no password, whatever its random part
    for new in accepted:
        if not new.password:
            new.password_hash = unusable
    if len(with_password) == 1:
        with_password[0].password_hash = hash_password(with_password[0].password)
    elif with_password:
        with ThreadPoolExecutor(max_workers=HASHING_THREADS) as pool:
            hashes = pool.map(hash_password, (new.password for new in with_password))
            for new, digest in zip(with_password, hashes, strict=True):
                new.password_hash = digest


def _written(accepted: list[NewCustomer], *, isolated: bool) -> list[Customer | WcAPIException]:
    """The items written together; if another writer took what one needs meanwhile, each alone."""
    try:
        return _write(accepted)
    except DatabaseError as error:
        if is_database_unavailable(error) or not (isolated or isinstance(error, IntegrityError)):
            raise
        alone = len(accepted) == 1
        return [_write_alone(new, isolated=isolated, failed=alone) for new in accepted]


def _write_alone(new: NewCustomer, *, isolated: bool, failed: bool) -> Customer | WcAPIException:
    """One item on its own after a failed write (`failed`: its own): WooCommerce's error if what it needs is
    taken now, a new login if its login was made."""
    try:
        for _attempt in range(USERNAME_ATTEMPTS):
            if failed:
                if (owner := _other_customer(Customer.objects.with_email(new.email), new)) is not None:
                    return email_exists_error(new.email, owner if new.imported else None)
                if new.generated:
                    new.username = generate_username(new.email)
                elif not new.imported:
                    return username_exists_error()
                elif (owner := _other_customer(Customer.objects.with_username(new.username), new)) is not None:
                    return username_exists_error(new.username, owner)
            try:
                return _write([new])[0]
            except IntegrityError:
                failed = True
        return username_exists_error()
    except DatabaseError as error:
        if is_database_unavailable(error) or not isolated:
            raise
        logger.exception("Batch create item %s failed unexpectedly", new.index)
        return item_failed()


def _other_customer(having: QuerySet[Customer], new: NewCustomer) -> int | None:
    """The id of a customer other than the item's own (an import's) among those `having` what it needs."""
    if new.own_id is not None:
        having = having.exclude(pk=new.own_id)
    return having.values_list("pk", flat=True).first()


@transaction.atomic
def _write(accepted: list[NewCustomer]) -> list[Customer]:
    if not accepted:
        return []
    now = timezone.now()
    imports = any(new.imported for new in accepted)
    customers = Customer.objects.bulk_create(
        [_customer(new, now) for new in accepted], **(_IMPORT_CUSTOMERS if imports else {})
    )
    Address.objects.bulk_create(
        [
            Address.build(customer.pk, kind, new.fields[kind])
            for customer, new in zip(customers, accepted, strict=True)
            for kind in AddressType.values
        ],
        **(_IMPORT_ADDRESSES if imports else {}),
    )
    _write_meta(customers, accepted)
    events.customers_created([c.pk for c, new in zip(customers, accepted, strict=True) if not _exists(new)])
    events.customers_updated([c.pk for c, new in zip(customers, accepted, strict=True) if _exists(new)])
    if imports:
        continue_sequences()
    return customers


def _exists(new: NewCustomer) -> bool:
    return bool(new.imported and new.imported.exists)


def _customer(new: NewCustomer, now: datetime) -> Customer:
    kept = new.imported
    return Customer(
        id=kept.id if kept else None,
        username=new.username,
        email=new.email,
        display_name=new.fields.get("display_name") or new.username,
        role=new.fields["role"],
        password=new.password_hash,
        date_created=kept.date_created if kept else now,
        date_modified=kept.date_modified if kept else now,
        is_paying_customer=kept.is_paying_customer if kept else False,
        first_name=new.fields.get("first_name") or "",
        last_name=new.fields.get("last_name") or "",
    )


def _write_meta(customers: list[Customer], accepted: list[NewCustomer]) -> None:
    """New customers' meta; an import's customer has the store's entries instead of its own, with the store's ids
    (an id this database gave to another customer's entry is not reused: that entry gets a new one)."""
    replaced = [
        customer.pk for customer, new in zip(customers, accepted, strict=True) if new.imported and new.meta is not None
    ]
    if replaced:
        CustomerMeta.objects.filter(customer_id__in=replaced).delete()
    wanted = [meta_id for new in accepted for meta_id, _key, _value in new.meta or () if meta_id is not None]
    elsewhere = set(CustomerMeta.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    rows = [
        CustomerMeta(
            id=None if meta_id in elsewhere else meta_id,
            customer_id=customer.pk,
            key=key,
            value=meta_rules.encode_value(value),
        )
        for customer, new in zip(customers, accepted, strict=True)
        for meta_id, key, value in new.meta or ()
    ]
    if rows:
        CustomerMeta.objects.bulk_create(rows)


def _records(written: list[tuple[NewCustomer, Customer]]) -> list[CustomerRecord]:
    """The customers as the API answers them, from what was written (their meta read back, for its ids)."""
    records = []
    for new, customer in written:
        record = CustomerRecord.from_model(customer, {kind: new.fields[kind] for kind in AddressType.values})
        record.meta = []
        records.append(record)
    if any(new.meta for new, _customer in written):
        attach_meta(records)
    return records
