"""Customer writes: one function per action, shared by single requests and batch items.

Each raises WcAPIException with WooCommerce's code and text, and writes all or nothing.
"""

import html
import re
import secrets
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.choices import AddressType, CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import ADDRESS_FIELDS, Address, Customer
from wcompat.args import is_email, sanitize_text_field
from wcompat.exceptions import WcAPIException

USERNAME_MAX_LENGTH = 60
EMAIL_MAX_LENGTH = 100
# Local parts that name a role, not a person: the username is taken from the domain instead.
ROLE_ADDRESS_PREFIXES = ("sales", "hello", "mail", "contact", "info")


def sanitize_user(username: str, *, strict: bool = False) -> str:
    """WordPress sanitize_user()."""
    username = re.sub(r"<[^>]*>", "", username)
    username = unicodedata.normalize("NFKD", username).encode("ascii", "ignore").decode("ascii")
    username = re.sub(r"%[a-fA-F0-9]{2}", "", username)
    username = re.sub(r"&.+?;", "", username)
    if strict:
        username = re.sub(r"[^a-z0-9 _.\-@]", "", username, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", username.strip())


def is_valid_username(username: str) -> bool:
    """WordPress validate_username(): unchanged by strict sanitising, and not empty."""
    return bool(username) and sanitize_user(username, strict=True) == username


def _random_suffix() -> str:
    return f"{secrets.randbelow(10000):04d}"


def generate_username(email: str) -> str:
    """wc_create_new_customer_username(): the email's local part, lower-cased, made unique with -NNNN."""
    local, _, domain = email.partition("@")
    base = sanitize_user(domain if local in ROLE_ADDRESS_PREFIXES else local, strict=True).lower()
    base = base[: USERNAME_MAX_LENGTH - 5] or f"woo_user_{_random_suffix()}"
    username = base
    while Customer.objects.with_username(username).exists():
        username = f"{base}-{_random_suffix()}"
    return username


def _clean_email(email: str, code: CustomerErrorCode = CustomerErrorCode.INVALID_EMAIL) -> str:
    if email and not is_email(email):
        message = (
            "Invalid email address" if code == CustomerErrorCode.INVALID_EMAIL else "Invalid billing email address"
        )
        raise WcAPIException(code, message, 400)
    return email


def _check_email_length(email: str) -> None:
    """wp_insert_user()'s limit: user_email is a 100-character column."""
    if len(email) > EMAIL_MAX_LENGTH:
        raise WcAPIException(
            CustomerErrorCode.EMAIL_TOO_LONG,
            f"Email address may not be longer than {EMAIL_MAX_LENGTH} characters.",
            400,
        )


def _check_address_emails(billing: dict[str, Any] | None) -> None:
    if billing and isinstance(billing.get("email"), str):
        _clean_email(billing["email"], CustomerErrorCode.INVALID_BILLING_EMAIL)


def email_taken(email: str) -> bool:
    """Whether any user has this email, compared case-insensitively (MySQL's collation in WordPress)."""
    return Customer.objects.with_email(email).exists()


def email_exists_error(email: str) -> WcAPIException:
    return WcAPIException(
        CustomerErrorCode.REGISTRATION_EMAIL_EXISTS,
        f"An account is already registered with {html.escape(email)}. Please log in or use a different email address.",
        400,
    )


def _username_exists_error() -> WcAPIException:
    return WcAPIException(
        CustomerErrorCode.REGISTRATION_USERNAME_EXISTS,
        "An account is already registered with that username. Please choose another.",
        400,
    )


def _set_names(customer: Customer, first_name: str | None, last_name: str | None) -> None:
    if first_name is not None:
        customer.first_name = sanitize_text_field(first_name)
    if last_name is not None:
        customer.last_name = sanitize_text_field(last_name)


def _save_addresses(customer: Customer, addresses: dict[str, dict[str, Any] | None], *, created: bool) -> None:
    """Merge each address key by key: only known keys that were sent are written."""
    new_rows = []
    for address_type in AddressType.values:
        values = {
            key: str(value).replace("\x00", "")
            for key, value in (addresses.get(address_type) or {}).items()
            if key in ADDRESS_FIELDS and value is not None
        }
        if created:
            new_rows.append(Address(customer=customer, type=address_type, **values))
        elif values:
            updated = Address.objects.filter(customer=customer, type=address_type).update(**values)
            if not updated:
                Address.objects.create(customer=customer, type=address_type, **values)
    if new_rows:
        Address.objects.bulk_create(new_rows)
        # What the API renders next, known without reading it back.
        customer.address_values = {row.type: {name: getattr(row, name) for name in ADDRESS_FIELDS} for row in new_rows}


def customer_create(*, email: str, **fields: Any) -> Customer:
    """Register a customer (see _create_customer), all or nothing.

    Another request may register the same email or username between our checks and our insert; the
    database constraint then answers, and the client gets WooCommerce's error for it.
    """
    try:
        return _create_customer(email=email, **fields)
    except IntegrityError:
        if email_taken(email):
            raise email_exists_error(email) from None
        raise _username_exists_error() from None


@transaction.atomic
def _create_customer(
    *,
    email: str,
    username: str = "",
    password: str = "",
    first_name: str | None = None,
    last_name: str | None = None,
    billing: dict[str, Any] | None = None,
    shipping: dict[str, Any] | None = None,
) -> Customer:
    """Register a customer as WooCommerce's REST create does (wc_create_new_customer)."""
    _clean_email(email)
    _check_address_emails(billing)
    if not email:
        raise WcAPIException(CustomerErrorCode.REGISTRATION_INVALID_EMAIL, "Please provide a valid email address.", 400)
    if email_taken(email):
        raise email_exists_error(email)
    _check_email_length(email)
    if username:
        username = sanitize_user(username)
        if not is_valid_username(username):
            raise WcAPIException(
                CustomerErrorCode.REGISTRATION_INVALID_USERNAME, "Please provide a valid account username.", 400
            )
        if Customer.objects.with_username(username).exists():
            raise _username_exists_error()
        if len(username) > USERNAME_MAX_LENGTH:
            raise WcAPIException(
                CustomerErrorCode.USERNAME_TOO_LONG, "Username may not be longer than 60 characters.", 400
            )
    else:
        username = generate_username(email)
    now = timezone.now()
    customer = Customer(
        username=username,
        email=email,
        display_name=username,
        role=CustomerRole.CUSTOMER,
        date_created=now,
        date_modified=now,
    )
    # A generated password is never shown to anyone, so none is kept (an unusable hash).
    customer.set_password(password or None)
    _set_names(customer, first_name, last_name)
    customer.save()
    _save_addresses(customer, {"billing": billing, "shipping": shipping}, created=True)
    return customer


def customer_update(*, customer: Customer, **fields: Any) -> Customer:
    """Update a customer (see _update_customer), all or nothing; an email taken meanwhile is refused."""
    try:
        return _update_customer(customer=customer, **fields)
    except IntegrityError:
        raise WcAPIException(CustomerErrorCode.UPDATE_EMAIL_TAKEN, "Email address is invalid.", 400) from None


@transaction.atomic
def _update_customer(
    *,
    customer: Customer,
    email: str | None = None,
    username: str | None = None,
    password: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    billing: dict[str, Any] | None = None,
    shipping: dict[str, Any] | None = None,
) -> Customer:
    """Partial update; fields not given are kept, addresses merge key by key."""
    if email and email != customer.email and email_taken(email):
        raise WcAPIException(CustomerErrorCode.UPDATE_EMAIL_TAKEN, "Email address is invalid.", 400)
    if username and sanitize_user(username) != customer.username:
        raise WcAPIException(CustomerErrorCode.USERNAME_NOT_EDITABLE, "Username isn't editable.", 400)
    if email:
        customer.email = _clean_email(email)
        _check_email_length(email)
    _check_address_emails(billing)
    if password:
        customer.set_password(password)
    _set_names(customer, first_name, last_name)
    customer.date_modified = timezone.now()
    customer.save()
    _save_addresses(customer, {"billing": billing, "shipping": shipping}, created=False)
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer, reassign: int = 0) -> None:
    """Delete the customer; their orders stay, with no customer (WooCommerce sets customer id 0)."""
    if reassign and (reassign == customer.pk or not Customer.objects.filter(pk=reassign).exists()):
        raise WcAPIException(CustomerErrorCode.INVALID_REASSIGN, "Invalid resource id for reassignment.", 400)
    customer.delete()
