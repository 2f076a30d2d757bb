"""The one customer a privacy command is about: `--customer ID` or `--email EMAIL`, one of them."""

from django.core.management.base import CommandError, CommandParser

from customers.models import Customer
from customers.privacy import find_customer


def add_customer_options(parser: CommandParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", type=int, help="The customer's id.")
    who.add_argument("--email", help="The customer's email (any letter case).")


def customer_from_options(customer: int | None, email: str | None) -> Customer:
    """The customer the options name; a CommandError that says why when there is none."""
    try:
        return find_customer(customer_id=customer, email=email)
    except LookupError as error:
        raise CommandError(str(error)) from None
