"""WordPress's and WooCommerce's rules for a customer's login and email, and the errors they answer with."""

import html
import secrets
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.contrib.auth.hashers import make_password

from customers.error_codes import CustomerErrorCode
from customers.models import Customer
from wcompat.exceptions import WcAPIException
from wcompat.wordpress import is_email, is_valid_username, sanitize_user

USERNAME_MAX_LENGTH = 60
EMAIL_MAX_LENGTH = 100
# Local parts that name a role, not a person: the username is taken from the domain instead.
ROLE_ADDRESS_PREFIXES = ("sales", "hello", "mail", "contact", "info")


def random_suffix() -> str:
    return f"{secrets.randbelow(10000):04d}"


def username_base(email: str) -> str:
    """wc_create_new_customer_username(): the email's local part (the domain for sales@, info@...), lower-cased."""
    local, _, domain = email.partition("@")
    base = sanitize_user(domain if local in ROLE_ADDRESS_PREFIXES else local, strict=True).lower()
    return base[: USERNAME_MAX_LENGTH - 5] or f"woo_user_{random_suffix()}"


def draw_username(base: str, taken: Callable[[str], bool]) -> str:
    """The base name, or the base with -NNNN, the first that `taken` says is free."""
    username = base
    while taken(username):
        username = f"{base}-{random_suffix()}"
    return username


def draw_again(username: str, taken: Callable[[str], bool]) -> str:
    """A drawn name (base-NNNN) that turned out taken, drawn again until `taken` says it is free."""
    base = username.rsplit("-", 1)[0]
    while taken(username):
        username = f"{base}-{random_suffix()}"
    return username


def one_of(upper_names: Collection[str]) -> Callable[[str], bool]:
    """Whether a name is one of these (upper-cased) names, in any letter case: draw_username()'s `taken`."""
    return lambda name: name.upper() in upper_names


def generate_username(email: str) -> str:
    """A login made from the email that no customer has (asked of the database one name at a time)."""
    return draw_username(username_base(email), lambda name: Customer.objects.with_username(name).exists())


def taken(lookup: Callable[[set[str]], Iterable[tuple[str, int]]], values: Iterable[str]) -> dict[str, int]:
    """{value upper-cased: the id of the customer who has it} for the values some customer already has, in one
    query. A value with a NUL character is nobody's (no stored value holds one) and is refused by its own check."""
    wanted = {value.upper() for value in values if value and "\x00" not in value}
    return dict(lookup(wanted)) if wanted else {}


def email_taken(email: str) -> bool:
    """Whether any user has this email, compared case-insensitively (MySQL's collation in WordPress)."""
    return Customer.objects.with_email(email).exists()


def check_email(email: str) -> None:
    """WC_Customer::set_email(): a non-empty email must be valid."""
    if email and not is_email(email):
        raise CustomerErrorCode.INVALID_EMAIL.error()


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


def email_exists_error(email: str, owner: int | None = None) -> WcAPIException:
    """WooCommerce's error; an import (`owner`: the customer who has the email) names the customer instead."""
    if owner is not None:
        return WcAPIException(
            CustomerErrorCode.REGISTRATION_EMAIL_EXISTS, f"Customer {owner} already has the email {email}.", 400
        )
    return WcAPIException(
        CustomerErrorCode.REGISTRATION_EMAIL_EXISTS,
        f"An account is already registered with {html.escape(email)}. Please log in or use a different email address.",
        400,
    )


def username_exists_error(username: str = "", owner: int | None = None) -> WcAPIException:
    """WooCommerce's error; an import (`owner`: the customer who has the login) names the customer instead."""
    if owner is not None:
        message = f"Customer {owner} already has the username {username}."
        return WcAPIException(CustomerErrorCode.REGISTRATION_USERNAME_EXISTS, message, 400)
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
