"""What a WooCommerce store's answers say, as the rows this project keeps: one function per kind of answer.

    parse_customer({"id": 2, "email": "john.doe@example.com", "billing": {...}, ...})  ->  CustomerRow(...)

Every API version is read: v1 (WooCommerce 3.5.3 included, whose shipping has no phone and whose dates are
GMT), v2 and v3 (with *_gmt dates, role, is_paying_customer and, for administrators, meta_data). A key an
answer lacks keeps what is stored (or the default for a new customer).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from customers.models import ADDRESS_FIELDS


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


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _address(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {key: _text(value.get(key)) for key in ADDRESS_FIELDS}


def _id(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadRecord(f"{what} has no id") from None
    if number <= 0:
        raise BadRecord(f"{what} has no id")
    return number


def parse_customer(data: Any) -> CustomerRow:
    if not isinstance(data, dict):
        raise BadRecord("a customer that is not an object")
    meta = None
    if isinstance(data.get("meta_data"), list):
        meta = [
            (_id(item.get("id"), "a meta data item"), _text(item.get("key")), item.get("value"))
            for item in data["meta_data"]
            if isinstance(item, dict)
        ]
    paying = data.get("is_paying_customer")
    return CustomerRow(
        id=_id(data.get("id"), "a customer"),
        email=_text(data.get("email")),
        username=_text(data.get("username")),
        first_name=_text(data.get("first_name")),
        last_name=_text(data.get("last_name")),
        role=_text(data["role"]) if "role" in data else None,
        date_created=_gmt_date(data, "date_created"),
        date_modified=_gmt_date(data, "date_modified"),
        is_paying_customer=bool(paying) if isinstance(paying, bool | int) else None,
        billing=_address(data.get("billing")),
        shipping=_address(data.get("shipping")),
        meta=meta,
    )


def parse_order(data: Any) -> OrderRow:
    if not isinstance(data, dict):
        raise BadRecord("an order that is not an object")
    try:
        total = Decimal(_text(data.get("total")) or "0").quantize(Decimal("0.01"))
    except InvalidOperation:
        raise BadRecord(f"order {data.get('id')} has a total that is not a number") from None
    return OrderRow(
        id=_id(data.get("id"), "an order"),
        customer_id=int(data.get("customer_id") or 0),
        status=_text(data.get("status")),
        total=total,
        order_key=_text(data.get("order_key")),
        date_created=_gmt_date(data, "date_created"),
    )


def parse_download(data: Any, customer_id: int) -> DownloadRow:
    if not isinstance(data, dict):
        raise BadRecord("a download that is not an object")
    remaining = data.get("downloads_remaining")
    expires = data.get("access_expires_gmt", data.get("access_expires"))
    file = data.get("file") if isinstance(data.get("file"), dict) else {}
    return DownloadRow(
        customer_id=customer_id,
        order_id=_id(data.get("order_id"), "a download's order"),
        product_id=int(data.get("product_id") or 0),
        product_name=_text(data.get("product_name")),
        product_url=_text(data.get("product_url")),
        download_id=_text(data.get("download_id")),
        download_name=_text(data.get("download_name") or file.get("name")),
        file_url=_text(file.get("file")),
        downloads_remaining=None if remaining in (None, "", "unlimited") else int(remaining),
        access_expires=None if expires in (None, "", "never") else parse_gmt(expires),
    )
