"""Customer and order writes: one function per action, shared by the API (single requests and batch items),
the admin and the importer.

Each raises WcAPIException with WooCommerce's code and text and writes all or nothing: its writes are one
transaction, and a refused request changes nothing. Passwords are hashed before the transaction opens, so
no lock is held while the (deliberately slow) hasher runs.
"""

import html
import json
import logging
import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from customers import events, meta as meta_rules
from customers.choices import EDITABLE_ROLES, LAST_ACTIVE_KEY, AddressType, CustomerRole, OrderStatus
from customers.error_codes import CustomerErrorCode
from customers.models import ADDRESS_FIELDS, Address, Customer, CustomerMeta, Order, RoleCount
from customers.selectors import CustomerRecord, customer_get
from wcompat.args import nul_character_error
from wcompat.batch import item_failed
from wcompat.conditional import Precondition
from wcompat.exceptions import WcAPIException, is_database_unavailable
from wcompat.wordpress import is_email, is_valid_username, sanitize_text_field, sanitize_user

logger = logging.getLogger(__name__)

USERNAME_MAX_LENGTH = 60
EMAIL_MAX_LENGTH = 100
# Local parts that name a role, not a person: the username is taken from the domain instead.
ROLE_ADDRESS_PREFIXES = ("sales", "hello", "mail", "contact", "info")
# A generated username that another request takes first is generated again, this many times.
USERNAME_ATTEMPTS = 10
# Passwords of a batch are hashed this many at a time.
HASHING_THREADS = 2


#
# WordPress's rules for logins and emails
#


def _random_suffix() -> str:
    return f"{secrets.randbelow(10000):04d}"


def username_base(email: str) -> str:
    """wc_create_new_customer_username(): the email's local part (the domain for sales@, info@...), lower-cased."""
    local, _, domain = email.partition("@")
    base = sanitize_user(domain if local in ROLE_ADDRESS_PREFIXES else local, strict=True).lower()
    return base[: USERNAME_MAX_LENGTH - 5] or f"woo_user_{_random_suffix()}"


def generate_username(email: str) -> str:
    """The base name, or the base with -NNNN when it is taken."""
    base = username_base(email)
    username = base
    while Customer.objects.with_username(username).exists():
        username = f"{base}-{_random_suffix()}"
    return username


def invalid_email_error() -> WcAPIException:
    return CustomerErrorCode.INVALID_EMAIL.error()


def check_email(email: str) -> None:
    """WC_Customer::set_email(): a non-empty email must be valid."""
    if email and not is_email(email):
        raise invalid_email_error()


def check_email_length(email: str) -> None:
    """wp_insert_user()'s limit: user_email is a 100-character column."""
    if len(email) > EMAIL_MAX_LENGTH:
        raise WcAPIException(
            CustomerErrorCode.EMAIL_TOO_LONG,
            f"Email address may not be longer than {EMAIL_MAX_LENGTH} characters.",
            400,
        )


def check_billing_email(billing: dict[str, Any] | None) -> None:
    """WC_Customer::set_billing_email(): route validation normally catches it first; batch items reach here."""
    email = (billing or {}).get("email")
    if isinstance(email, str) and email and not is_email(email):
        raise CustomerErrorCode.INVALID_BILLING_EMAIL.error()


def check_username(username: str) -> str:
    """A given username: sanitized, valid and short enough (wc_create_new_customer, wp_insert_user)."""
    username = sanitize_user(username)
    if not is_valid_username(username):
        raise CustomerErrorCode.REGISTRATION_INVALID_USERNAME.error()
    if len(username) > USERNAME_MAX_LENGTH:
        raise WcAPIException(CustomerErrorCode.USERNAME_TOO_LONG, "Username may not be longer than 60 characters.", 400)
    return username


def email_taken(email: str) -> bool:
    """Whether any user has this email, compared case-insensitively (MySQL's collation in WordPress)."""
    return Customer.objects.with_email(email).exists()


def email_exists_error(email: str) -> WcAPIException:
    return WcAPIException(
        CustomerErrorCode.REGISTRATION_EMAIL_EXISTS,
        f"An account is already registered with {html.escape(email)}. Please log in or use a different email address.",
        400,
    )


def username_exists_error() -> WcAPIException:
    return WcAPIException(
        CustomerErrorCode.REGISTRATION_USERNAME_EXISTS,
        "An account is already registered with that username. Please choose another.",
        400,
    )


def email_invalid_on_update_error() -> WcAPIException:
    return CustomerErrorCode.UPDATE_EMAIL_TAKEN.error()


def hash_password(password: str | None) -> str:
    """A password hash; a generated password is never shown to anyone, so none is kept (an unusable hash)."""
    return make_password(password or None)


#
# Field values
#


def _clean_text(value: str | None) -> str | None:
    return None if value is None else sanitize_text_field(value)


def _address_values(values: dict[str, Any] | None) -> dict[str, str]:
    """The known keys that were sent, as strings; a key sent as null is left alone."""
    return {key: str(value) for key, value in (values or {}).items() if key in ADDRESS_FIELDS and value is not None}


def check_storable(
    billing: dict[str, Any] | None, shipping: dict[str, Any] | None, meta_data: list[dict[str, Any]] | None
) -> None:
    """Values WooCommerce stores as given (address keys, meta keys, what an internal meta key sets) may not
    hold a NUL character: WordPress's sanitizers would not drop it, and no column here can hold it."""
    for kind, values in (("billing", billing), ("shipping", shipping)):
        for key, value in _address_values(values).items():
            if "\x00" in value:
                raise nul_character_error(kind, f"{kind}[{key}]")
    for index, item in enumerate(meta_data or ()):
        if not isinstance(item, dict):
            continue
        key, value = item.get("key"), item.get("value")
        if isinstance(key, str) and "\x00" in key:
            raise nul_character_error("meta_data", f"meta_data[{index}][key]")
        if isinstance(key, str) and meta_rules.is_internal(key) and isinstance(value, str) and "\x00" in value:
            raise nul_character_error("meta_data", f"meta_data[{index}][value]")


def _apply_internal_meta(meta_data: list[dict[str, Any]] | None, fields: dict[str, Any]) -> None:
    """Meta items whose key is one of the customer's own fields set that field (WC_Data::update_meta_data)."""
    for item in meta_data or ():
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not meta_rules.is_internal(key) or "value" not in item:
            continue
        target = meta_rules.setter_field(key, ADDRESS_FIELDS)
        if target is None:
            continue
        field, address_key = target
        value = "" if item["value"] is None else str(item["value"])
        if address_key is None:
            fields[field] = sanitize_text_field(value)
        else:
            fields[field] = {**(fields.get(field) or {}), address_key: value}


def _listed_meta_items(meta_data: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The meta items that are stored as meta: a string key that is neither protected nor internal."""
    return [
        item
        for item in meta_data or ()
        if isinstance(item, dict) and isinstance(item.get("key"), str) and meta_rules.is_listed(item["key"])
    ]


def _write_meta(customer_id: int, items: list[dict[str, Any]], existing: list[tuple[int, str, Any]]) -> None:
    """Apply meta items as WC_Data does: by id, else by key (duplicates collapse to one); null deletes.

    Only the rows the API lists can be targeted, by id as by key: WC_Data reads protected and internal rows
    out of its meta data, so an id naming one matches nothing and the item adds an entry under its key."""
    rows = [[meta_id, key, value] for meta_id, key, value in existing if meta_rules.is_listed(key)]
    new_rows: list[list[Any]] = []
    for item in items:
        key, value, meta_id = item["key"], item.get("value"), item.get("id")
        target = next((row for row in rows if meta_id and row[0] == meta_id), None) if meta_id else None
        if target is None and not meta_id:
            matches = [row for row in rows if row[1] == key]
            for row in matches[1:]:
                row[2] = None
            target = matches[0] if matches else None
        if target is None:
            # add_meta_data(..., unique=true): a new entry replaces every entry with its key.
            for row in rows:
                if row[1] == key:
                    row[2] = None
            new_rows = [row for row in new_rows if row[1] != key]
            new_rows.append([None, key, value])
        else:
            target[1], target[2] = key, value
    deleted = [row[0] for row in rows if row[2] is None]
    if deleted:
        CustomerMeta.objects.filter(customer_id=customer_id, pk__in=deleted).delete()
    original = {meta_id: (key, value) for meta_id, key, value in existing}
    changed = [
        CustomerMeta(pk=row[0], customer_id=customer_id, key=row[1], value=meta_rules.encode_value(row[2]))
        for row in rows
        if row[2] is not None and original.get(row[0]) != (row[1], row[2])
    ]
    if changed:
        CustomerMeta.objects.bulk_update(changed, ["key", "value"])
    added = [
        CustomerMeta(customer_id=customer_id, key=key, value=meta_rules.encode_value(value))
        for _, key, value in new_rows
    ]
    added = [row for row in added if row.value != "null"]
    if added:
        CustomerMeta.objects.bulk_create(added)


def _existing_meta(customer_id: int) -> list[tuple[int, str, Any]]:
    return [
        (pk, key, json.loads(value))
        for pk, key, value in CustomerMeta.objects.filter(customer_id=customer_id)
        .order_by("id")
        .values_list("id", "key", "value")
    ]


#
# Create
#


def check_create(*, email: str, username: str, billing: dict[str, Any] | None, role: str) -> str:
    """customer_create()'s checks, in WooCommerce's order, without writing; returns the username as it would
    be stored ("" when one is to be generated). The admin's forms run them to show their errors."""
    check_role(role)
    check_email(email)
    check_billing_email(billing)
    if not email:
        raise CustomerErrorCode.REGISTRATION_INVALID_EMAIL.error()
    if email_taken(email):
        raise email_exists_error(email)
    check_email_length(email)
    if username:
        username = check_username(username)
        if Customer.objects.with_username(username).exists():
            raise username_exists_error()
    return username


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
    """Register a customer as WooCommerce's REST create does (wc_create_new_customer), all or nothing.

    Checks run in WooCommerce's order, so a client sees the error it would see there first. Another
    request may take the email or the username between the checks and the insert: the database's unique
    constraints then answer with WooCommerce's error, and a generated username is generated again.

    `role` and `display_name` are the admin's to set (WooCommerce's API registers customers, named by login).
    """
    check_storable(billing, shipping, meta_data)
    username = check_create(email=email, username=username, billing=billing, role=role)
    generated = not username
    fields: dict[str, Any] = {"first_name": _clean_text(first_name), "last_name": _clean_text(last_name)}
    fields.update(billing=billing, shipping=shipping, role=role)
    _apply_internal_meta(meta_data, fields)
    if display_name is not None:
        fields["display_name"] = display_name
    password_hash = hash_password(password)
    for _attempt in range(USERNAME_ATTEMPTS):
        name = generate_username(email) if generated else username
        try:
            return _insert_customer(email, name, password_hash, fields, _listed_meta_items(meta_data))
        except IntegrityError:
            if email_taken(email):
                raise email_exists_error(email) from None
            if not generated:
                raise username_exists_error() from None
    raise username_exists_error()


@transaction.atomic
def _insert_customer(
    email: str, username: str, password_hash: str, fields: dict[str, Any], meta_items: list[dict[str, Any]]
) -> CustomerRecord:
    now = timezone.now()
    customer = Customer(
        username=username,
        email=email,
        display_name=fields.get("display_name") or username,
        role=fields["role"],
        password=password_hash,
        date_created=now,
        date_modified=now,
        first_name=fields.get("first_name") or "",
        last_name=fields.get("last_name") or "",
    )
    customer.save(force_insert=True)
    addresses = {kind: _address_values(fields.get(kind)) for kind in AddressType.values}
    Address.objects.bulk_create(Address.build(customer.pk, kind, values) for kind, values in addresses.items())
    if meta_items:
        _write_meta(customer.pk, meta_items, [])
    record = CustomerRecord.from_model(customer, addresses)
    record.meta = _existing_meta(customer.pk) if meta_items else []
    events.customers_created([customer.pk])
    return record


#
# Create in bulk (batch creates)
#


@dataclass
class _Pending:
    """A batch create that passed every check so far: what will be inserted."""

    index: int
    email: str
    username: str
    generated: bool
    fields: dict[str, Any]
    meta_items: list[dict[str, Any]]
    password: str = ""
    password_hash: str = ""


def customers_create_bulk(items: list[dict[str, Any]]) -> list[CustomerRecord | WcAPIException]:
    """Register many customers as customer_create() would one after the other, in a handful of statements.

    Every item is checked first, in order, with WooCommerce's rules and error precedence, against the
    database and the items before it that pass (so a duplicate inside the batch fails as it would have
    sequentially); then the valid ones are inserted with their addresses and meta in a few multi-row
    INSERTs, in one transaction. If another writer takes an email or a username meanwhile, the bulk insert
    is abandoned and those items go one by one through customer_create(), each succeeding or failing alone.
    Returns, in order, each item's record or its error.
    """
    results: list[CustomerRecord | WcAPIException | None] = [None] * len(items)
    emails = _taken(Customer.objects.with_emails, [item.get("email") or "" for item in items])
    candidates = [item.get("username") or username_base(item.get("email") or "") for item in items]
    usernames = _taken(Customer.objects.with_usernames, [sanitize_user(name) for name in candidates])
    pending: list[_Pending] = []
    for index, item in enumerate(items):
        try:
            accepted = _check_for_bulk(index, item, emails, usernames)
        except WcAPIException as error:
            results[index] = error
            continue
        except Exception:
            # Whatever went wrong with this item, the others still go in.
            logger.exception("Batch create item %s failed unexpectedly", index)
            results[index] = item_failed()
            continue
        emails.add(accepted.email.upper())
        usernames.add(accepted.username.upper())
        pending.append(accepted)
    _settle_generated_usernames(pending)
    _hash_passwords(pending)
    try:
        records = _insert_bulk(pending)
    except DatabaseError as error:
        if is_database_unavailable(error):
            raise
        # Another request took an email or a username after our checks: each item on its own.
        for accepted in pending:
            results[accepted.index] = _create_alone(items[accepted.index])
    else:
        for accepted, record in zip(pending, records, strict=True):
            results[accepted.index] = record
    return results


def _taken(lookup, values: list[str]) -> set[str]:
    """The values (upper-cased) some customer already has, in one query. A value with a NUL character is
    nobody's (no stored value holds one) and is refused later by its own check."""
    wanted = {value.upper() for value in values if value and "\x00" not in value}
    return set(lookup(wanted)) if wanted else set()


def _check_for_bulk(index: int, item: dict[str, Any], emails: set[str], usernames: set[str]) -> _Pending:
    """customer_create()'s checks, in its order, against the emails and usernames already taken."""
    email = item.get("email") or ""
    billing, shipping, meta_data = item.get("billing"), item.get("shipping"), item.get("meta_data")
    check_storable(billing, shipping, meta_data)
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
        username = base = username_base(email)
        while username.upper() in usernames:
            username = f"{base}-{_random_suffix()}"
    else:
        username = check_username(username)
        if username.upper() in usernames:
            raise username_exists_error()
    fields: dict[str, Any] = {
        "first_name": _clean_text(item.get("first_name")),
        "last_name": _clean_text(item.get("last_name")),
        "billing": billing,
        "shipping": shipping,
    }
    _apply_internal_meta(meta_data, fields)
    return _Pending(
        index=index,
        email=email,
        username=username,
        generated=generated,
        fields=fields,
        meta_items=_listed_meta_items(meta_data),
        password=item.get("password") or "",
    )


def _settle_generated_usernames(pending: list[_Pending]) -> None:
    """A generated name with a random -NNNN was not among those checked: check them, and draw again on a clash."""
    drawn = {
        item.username.upper(): item for item in pending if item.generated and item.username != username_base(item.email)
    }
    while drawn:
        clashes = _taken(Customer.objects.with_usernames, list(drawn))
        taken = {item.username.upper() for item in pending}
        redraw = [drawn[name] for name in clashes]
        drawn = {}
        for item in redraw:
            base = item.username.rsplit("-", 1)[0]
            while item.username.upper() in taken:
                item.username = f"{base}-{_random_suffix()}"
            taken.add(item.username.upper())
            drawn[item.username.upper()] = item


def _hash_passwords(pending: list[_Pending]) -> None:
    """The hashes, before any transaction opens: two at a time (the hasher releases the GIL)."""
    with_password = [item for item in pending if item.password]
    for item in pending:
        if not item.password:
            item.password_hash = hash_password(None)
    if with_password:
        with ThreadPoolExecutor(max_workers=HASHING_THREADS) as pool:
            for item, digest in zip(
                with_password, pool.map(hash_password, (i.password for i in with_password)), strict=True
            ):
                item.password_hash = digest


@transaction.atomic
def _insert_bulk(pending: list[_Pending]) -> list[CustomerRecord]:
    if not pending:
        return []
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        [
            Customer(
                username=item.username,
                email=item.email,
                display_name=item.fields.get("display_name") or item.username,
                role=CustomerRole.CUSTOMER,
                password=item.password_hash,
                date_created=now,
                date_modified=now,
                first_name=item.fields.get("first_name") or "",
                last_name=item.fields.get("last_name") or "",
            )
            for item in pending
        ]
    )
    addresses = [{kind: _address_values(item.fields.get(kind)) for kind in AddressType.values} for item in pending]
    Address.objects.bulk_create(
        Address.build(customer.pk, kind, values)
        for customer, by_kind in zip(customers, addresses, strict=True)
        for kind, values in by_kind.items()
    )
    metas = [
        CustomerMeta(customer_id=customer.pk, key=key, value=meta_rules.encode_value(value))
        for customer, item in zip(customers, pending, strict=True)
        for key, value in _collapse_meta(item.meta_items)
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


def _collapse_meta(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """A new customer's meta items as _write_meta() would store them: one entry per key, nulls dropped."""
    values: dict[str, Any] = {}
    for item in items:
        values.pop(item["key"], None)
        values[item["key"]] = item.get("value")
    return [(key, value) for key, value in values.items() if value is not None]


def _create_alone(item: dict[str, Any]) -> CustomerRecord | WcAPIException:
    try:
        return customer_create(**{"email": "", **item})
    except WcAPIException as error:
        return error
    except DatabaseError as error:
        if is_database_unavailable(error):
            raise
        logger.exception("Batch create item failed unexpectedly")
        return item_failed()


#
# Update
#


def check_update(
    *,
    customer: CustomerRecord,
    email: str | None = None,
    username: str | None = None,
    billing: dict[str, Any] | None = None,
    role: str | None = None,
) -> None:
    """customer_update()'s checks, without writing (the admin's forms run them to show their errors)."""
    changing_email = bool(email) and email != customer.email
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


def role_rule_violations(
    role: str, action: str, *, changes_email: bool = False, sets_password: bool = False
) -> list[str]:
    """WooCommerce 9.5.2+ role rules (woocommerce_rest_customer_allowed_roles), for every writer: the email and
    password of a user whose role is not customer or subscriber stay, and such a user is not deleted.

    The broken rules: "email", "password" (an update), "delete" (a deletion); the caller words its error."""
    if role in EDITABLE_ROLES:
        return []
    if action == "destroy":
        return ["delete"]
    return [rule for rule, broken in (("email", changes_email), ("password", sets_password)) if broken]


def check_role(role: str) -> None:
    if role not in CustomerRole.values:
        raise CustomerErrorCode.INVALID_ROLE.error(f"{role} is not a role.")


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
    check_update(customer=customer, email=email, username=username, billing=billing, role=role)
    fields: dict[str, Any] = {"first_name": _clean_text(first_name), "last_name": _clean_text(last_name)}
    fields.update(billing=billing, shipping=shipping)
    _apply_internal_meta(meta_data, fields)
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
            customer, changes, fields, _listed_meta_items(meta_data), meta_data is not None, precondition
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
        precondition(_locked(customer.id))
    # Every save moves date_modified, as WordPress's profile_update does, changed or not.
    changes["date_modified"] = timezone.now()
    Customer.objects.filter(pk=customer.id).update(**changes)
    given = {kind: values for kind in AddressType.values if (values := _address_values(fields.get(kind)))}
    _write_address_keys(customer.id, given)
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
        _write_meta(customer.id, meta_items, _existing_meta(customer.id))
    if meta_sent:
        customer.meta = None  # read again when rendered
    events.customers_updated([customer.id])
    return customer


def _write_address_keys(customer_id: int, given: dict[str, dict[str, str]]) -> None:
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


def _locked(customer_id: int) -> CustomerRecord | None:
    """The customer as stored, its row locked until the transaction ends (so a check made on it holds)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id FROM customers_customer WHERE id = %s FOR UPDATE", [customer_id])
        else:  # SQLite: a write takes the database's write lock
            cursor.execute("UPDATE customers_customer SET id = id WHERE id = %s", [customer_id])
    return customer_get(customer_id)


#
# Delete
#


@transaction.atomic
def customer_delete(*, customer: CustomerRecord, reassign: int = 0, precondition: Precondition | None = None) -> None:
    """Delete the customer; their orders stay, with no customer (WooCommerce sets customer id 0).

    `reassign` must name another existing user, as WordPress requires; customers own no posts here, so
    nothing else moves. `precondition` (If-Match) runs on the customer as stored, locked.
    """
    if precondition is not None:
        precondition(_locked(customer.id))
    if reassign and (reassign == customer.id or not Customer.objects.filter(pk=reassign).exists()):
        raise CustomerErrorCode.INVALID_REASSIGN.error()
    Order.objects.filter(customer_id=customer.id).update(customer=None)
    Customer.objects.filter(pk=customer.id).delete()
    if customer.role == CustomerRole.CUSTOMER:
        # WooCommerce's customer.deleted fires for users whose role is customer only.
        events.customers_deleted([customer.id])


#
# Orders: what the customer's figures are computed from
#


@transaction.atomic
def order_save(order: Order) -> Order:
    """Save an order; the customers it belongs to (before and after) are modified by it, because orders_count,
    total_spent and is_paying_customer change with orders.

    As WooCommerce does for the customer:
    - an order reaching `completed` (created so, or moved to it) makes its customer a paying customer, for good
      (wc_paying_customer() on woocommerce_order_status_completed); an order saved as `processing` does not:
      a payment does (order_payment_complete());
    - an order created for a customer, or moved to one, marks the customer active today (`wc_last_active`).
    """
    before = Order.objects.filter(pk=order.pk).values_list("customer_id", "status").first() if order.pk else None
    previous_customer, previous_status = before or (None, None)
    order.save()
    touched = {previous_customer, order.customer_id} - {None}
    if touched:
        Customer.objects.filter(pk__in=touched).update(date_modified=timezone.now())
    if order.customer_id and order.status == OrderStatus.COMPLETED and previous_status != OrderStatus.COMPLETED:
        _mark_paying(order.customer_id)
    if order.customer_id and order.customer_id != previous_customer:
        mark_active_today(order.customer_id)
    return order


# woocommerce_valid_order_statuses_for_payment_complete: the orders a payment completes.
PAYMENT_COMPLETES = (OrderStatus.PENDING, OrderStatus.ON_HOLD, OrderStatus.FAILED, OrderStatus.CANCELLED)


@transaction.atomic
def order_payment_complete(order: Order) -> bool:
    """WC_Order::payment_complete(), for what it does to the customer: an order pending, on hold, failed or
    cancelled is paid: it moves to `processing` and its customer becomes a paying customer (woocommerce_payment_
    complete -> wc_paying_customer()). An order in any other status is left as it is: False."""
    status = Order.objects.select_for_update().filter(pk=order.pk).values_list("status", flat=True).first()
    if status not in PAYMENT_COMPLETES:
        return False
    order.status = OrderStatus.PROCESSING
    order_save(order)
    if order.customer_id:
        _mark_paying(order.customer_id)
    return True


def _mark_paying(customer_id: int) -> None:
    if Customer.objects.filter(pk=customer_id, is_paying_customer=False).update(is_paying_customer=True):
        # wc_paying_customer() saves the customer: customer.updated.
        events.customers_updated([customer_id])


def mark_active_today(customer_id: int) -> None:
    """wc_update_user_last_active(): the user meta `wc_last_active` set to the UTC midnight of today, as a string
    of seconds (update_user_meta: every row of the key, or a new one). Bookkeeping: no customer.updated."""
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    value = json.dumps(str(int(midnight.timestamp())))
    rows = CustomerMeta.objects.filter(customer_id=customer_id, key=LAST_ACTIVE_KEY)
    if not rows.update(value=value):
        CustomerMeta.objects.create(customer_id=customer_id, key=LAST_ACTIVE_KEY, value=value)


@transaction.atomic
def order_delete(order: Order) -> None:
    customer_id = order.customer_id
    order.delete()
    if customer_id:
        Customer.objects.filter(pk=customer_id).update(date_modified=timezone.now())


def orders_touch_customers(customer_ids: Iterable[int]) -> None:
    """Bulk order writes (imports) call this for the customers whose orders they wrote."""
    ids = set(customer_ids) - {None}
    if ids:
        Customer.objects.filter(pk__in=ids).update(date_modified=timezone.now())


@transaction.atomic
def recount_role_totals() -> int:
    """Count the customers of each role again and keep those counts (the triggers keep them between recounts);
    how many roles' counts were wrong."""
    actual = dict(Customer.objects.values_list("role").annotate(count=Count("id")).order_by())
    kept = dict(RoleCount.objects.select_for_update().values_list("role", "count"))
    wrong = {role for role in set(actual) | set(kept) if actual.get(role, 0) != kept.get(role, 0)}
    for role in wrong:
        RoleCount.objects.update_or_create(role=role, defaults={"count": actual.get(role, 0)})
    return len(wrong)
