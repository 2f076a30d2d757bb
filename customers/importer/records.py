"""What a WooCommerce store's answers say, as the rows this project keeps: one function per kind of answer.

    parse_customer({"id": 2, "email": "john.doe@example.com", "billing": {...}, ...}, V3)  ->  CustomerRow(...)

Every API version is read: v1 (WooCommerce 3.5.3 included, whose shipping has no phone and whose dates are
GMT), v2 and v3 (with *_gmt dates, role, is_paying_customer and, for administrators, meta_data). A key an
answer lacks keeps what is stored (or the default for a new customer).

A store's answers are not trusted: names go through the sanitizer the API applies to them
(sanitize_text_field), an id that is not a whole number makes the record a BadRecord (reported, skipped), and
so does a NUL character in a text WordPress would store as given (no column here can hold one).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from customers.models import ADDRESS_FIELDS
from customers.schema import CustomerApiVersion
from wcompat.wordpress import sanitize_text_field


class BadRecord(ValueError):
    """An answer item that cannot be read as a row at all (no id, say)."""


@dataclass
class CustomerRow:
    id: int
    email: str
    username: str
    first_name: str
    last_name: str
    role: str | None
    date_created: datetime | None
    date_modified: datetime | None
    is_paying_customer: bool | None
    billing: dict[str, str]
    shipping: dict[str, str]
    # [(meta id, key, value)], or None when the answer has no meta_data (v1, or a key that is not an admin's).
    meta: list[tuple[int, str, Any]] | None


@dataclass
class OrderRow:
    id: int
    customer_id: int
    status: str
    total: Decimal
    order_key: str
    date_created: datetime | None


@dataclass
class DownloadRow:
    customer_id: int
    order_id: int
    product_id: int
    product_name: str
    product_url: str
    download_id: str
    download_name: str
    file_url: str
    downloads_remaining: int | None
    access_expires: datetime | None


def parse_gmt(value: Any) -> datetime | None:
    """A WooCommerce date known to be GMT ("2026-11-26T23:39:24"), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _gmt_date(data: dict[str, Any], name: str) -> datetime | None:
    # v2/v3 give *_gmt; v1's unsuffixed dates are GMT already.
    return parse_gmt(data.get(f"{name}_gmt")) if f"{name}_gmt" in data else parse_gmt(data.get(name))


def _plain_date(data: dict[str, Any], name: str) -> datetime | None:
    # v1's dates have no _gmt twin: they are GMT already.
    return parse_gmt(data.get(name))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _address(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {key: _text(value.get(key)) for key in ADDRESS_FIELDS}


def _whole_number(value: Any) -> int | None:
    """An id as JSON gives it (a number, or its digits as a string), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _id(value: Any, what: str) -> int:
    number = _whole_number(value)
    if number is None or number <= 0:
        raise BadRecord(f"{what} has no id")
    return number


def optional_id(value: Any, what: str = "an id") -> int:
    """An id that may be absent (0, a guest's order): 0, or a whole number; BadRecord for anything else."""
    if value in (None, "", 0, "0", False):
        return 0
    number = _whole_number(value)
    if number is None or number < 0:
        raise BadRecord(f"{what} is not a number ({str(value)[:40]!r})")
    return number


def _without_nul(row: Any, what: str) -> Any:
    """The row, or BadRecord when one of its texts holds a NUL character."""
    for name, value in vars(row).items():
        texts = value.values() if isinstance(value, dict) else [value]
        if name == "meta" and value:
            texts = [key for _id, key, _value in value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise BadRecord(f"{what} has a NUL character in {name}")
    return row


def parse_customer(data: Any, version: CustomerApiVersion) -> CustomerRow:
    """A customer as `version` answers it: its declaration says which fields a record has (v1 has no role, no
    paying flag, no meta_data, and GMT dates without a _gmt twin); a field it has but the answer lacks keeps
    what is stored."""
    if not isinstance(data, dict):
        raise BadRecord("a customer that is not an object")
    has = set(version.fields)
    meta = None
    if "meta_data" in has and isinstance(data.get("meta_data"), list):
        meta = [
            (_id(item.get("id"), "a meta data item"), _text(item.get("key")), item.get("value"))
            for item in data["meta_data"]
            if isinstance(item, dict)
        ]
    paying = data.get("is_paying_customer") if "is_paying_customer" in has else None
    dates = _gmt_date if "date_created_gmt" in has else _plain_date
    customer_id = _id(data.get("id"), "a customer")
    row = CustomerRow(
        id=customer_id,
        email=_text(data.get("email")),
        username=_text(data.get("username")),
        first_name=sanitize_text_field(_text(data.get("first_name"))),
        last_name=sanitize_text_field(_text(data.get("last_name"))),
        role=_text(data["role"]) if "role" in has and "role" in data else None,
        date_created=dates(data, "date_created"),
        date_modified=dates(data, "date_modified"),
        is_paying_customer=bool(paying) if isinstance(paying, bool | int) else None,
        billing=_address(data.get("billing")),
        shipping=_address(data.get("shipping")),
        meta=meta,
    )
    return _without_nul(row, f"customer {customer_id}")


def parse_order(data: Any) -> OrderRow:
    if not isinstance(data, dict):
        raise BadRecord("an order that is not an object")
    try:
        total = Decimal(_text(data.get("total")) or "0").quantize(Decimal("0.01"))
        if not total.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise BadRecord(f"order {str(data.get('id'))[:40]} has a total that is not a number") from None
    order_id = _id(data.get("id"), "an order")
    row = OrderRow(
        id=order_id,
        customer_id=optional_id(data.get("customer_id"), f"order {order_id}'s customer"),
        status=_text(data.get("status")),
        total=total,
        order_key=_text(data.get("order_key")),
        date_created=_gmt_date(data, "date_created"),
    )
    return _without_nul(row, f"order {order_id}")


def parse_download(data: Any, customer_id: int) -> DownloadRow:
    if not isinstance(data, dict):
        raise BadRecord("a download that is not an object")
    remaining = data.get("downloads_remaining")
    expires = data.get("access_expires_gmt", data.get("access_expires"))
    file = data.get("file") if isinstance(data.get("file"), dict) else {}
    row = DownloadRow(
        customer_id=customer_id,
        order_id=_id(data.get("order_id"), "a download's order"),
        product_id=optional_id(data.get("product_id"), "a download's product"),
        product_name=_text(data.get("product_name")),
        product_url=_text(data.get("product_url")),
        download_id=_text(data.get("download_id")),
        download_name=_text(data.get("download_name") or file.get("name")),
        file_url=_text(file.get("file")),
        downloads_remaining=None if remaining in (None, "", "unlimited") else int(remaining),
        access_expires=None if expires in (None, "", "never") else parse_gmt(expires),
    )
    return _without_nul(row, "a download")
