"""How a customer looks on the wire: rendered field by field from its API version's declaration.

    CustomerSerializer(records, many=True, context={"render": RenderContext.for_request(request, V3)}).data

The same rendering serves the API, webhook payloads and the importer's verification, so it takes a
RenderContext (site URL, HTTPS, whether meta_data shows) rather than a request.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from customers.meta import is_listed
from customers.schema import CustomerApiVersion
from customers.selectors import CustomerRecord
from wcompat.dates import wc_date, wc_local_date
from wcompat.links import rest_url


def avatar_url(email: str, *, secure: bool) -> str:
    """WordPress get_avatar_url() with its defaults (96 px, mystery person, rated G)."""
    digest = hashlib.md5(email.strip().lower().encode("utf-8"), usedforsecurity=False).hexdigest()
    host = "https://secure.gravatar.com" if secure else f"http://{int(digest[0], 16) % 3}.gravatar.com"
    return f"{host}/avatar/{digest}?s=96&d=mm&r=g"


@dataclass(frozen=True)
class RenderContext:
    """What a rendering needs beyond the record: the version, the REST base URL, HTTPS, meta visibility."""

    version: CustomerApiVersion
    rest_base: str
    secure: bool
    # WooCommerce 9.5.2+: meta_data is shown only to administrators (a superuser here).
    show_meta: bool

    @classmethod
    def for_request(cls, request, version: CustomerApiVersion) -> "RenderContext":
        user = getattr(request, "user", None)
        return cls(
            version=version,
            rest_base=rest_url(request, ""),
            secure=request.is_secure(),
            show_meta=bool(user is not None and user.is_authenticated and user.is_superuser),
        )

    @property
    def needs_meta(self) -> bool:
        return self.show_meta and "meta_data" in self.version.fields


OMIT = object()


def _address(values: dict[str, str], keys: tuple[str, ...]) -> dict[str, str]:
    return {key: values.get(key) or "" for key in keys}


def _meta_data(record: CustomerRecord, context: RenderContext) -> Any:
    if not context.show_meta:
        return OMIT
    return [{"id": meta_id, "key": key, "value": value} for meta_id, key, value in record.meta or () if is_listed(key)]


def _date(local: Callable, attribute: str) -> Callable[[CustomerRecord, RenderContext], str | None]:
    """v1 shows its dates in UTC; v2 and v3 in the site's time, with a UTC *_gmt twin."""

    def render(record: CustomerRecord, context: RenderContext) -> str | None:
        value = getattr(record, attribute)
        return local(value) if context.version.local_dates else wc_date(value)

    return render


FIELD_RENDERERS: dict[str, Callable[[CustomerRecord, RenderContext], Any]] = {
    "id": lambda record, context: record.id,
    "date_created": _date(wc_local_date, "date_created"),
    "date_created_gmt": lambda record, context: wc_date(record.date_created),
    "date_modified": _date(wc_local_date, "date_modified"),
    "date_modified_gmt": lambda record, context: wc_date(record.date_modified),
    "email": lambda record, context: record.email,
    "first_name": lambda record, context: record.first_name,
    "last_name": lambda record, context: record.last_name,
    "role": lambda record, context: record.role,
    "username": lambda record, context: record.username,
    "last_order": lambda record, context: {"id": record.last_order_id, "date": wc_date(record.last_order_date)},
    "orders_count": lambda record, context: record.orders_count,
    "total_spent": lambda record, context: f"{record.total_spent:.2f}",
    "avatar_url": lambda record, context: avatar_url(record.email, secure=context.secure),
    "billing": lambda record, context: _address(record.billing, context.version.billing_keys),
    "shipping": lambda record, context: _address(record.shipping, context.version.shipping_keys),
    "is_paying_customer": lambda record, context: record.is_paying_customer,
    "meta_data": _meta_data,
}


def render_customer(record: CustomerRecord, context: RenderContext) -> dict[str, Any]:
    """The customer as its version shows it, then `_links`."""
    data = {}
    for name in context.version.fields:
        value = FIELD_RENDERERS[name](record, context)
        if value is not OMIT:
            data[name] = value
    route = context.version.route
    data["_links"] = {
        "self": [{"href": f"{context.rest_base}{route}/{record.id}"}],
        "collection": [{"href": f"{context.rest_base}{route}"}],
    }
    return data


class CustomerSerializer(serializers.Serializer):
    """Renders CustomerRecords; the context carries `render`, a RenderContext."""

    def to_representation(self, record: CustomerRecord) -> dict[str, Any]:
        return render_customer(record, self.context["render"])
