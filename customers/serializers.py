"""How a customer looks on the wire: rendered field by field from its API version's declaration.

    render = customer_renderer(RenderContext.for_request(request, V3));  [render(record) for record in records]
    render_customer(record, RenderContext(version=V3, rest_base="https://shop.example/wp-json", ...))

The same rendering serves the API, webhook payloads and the importer's verification, so it takes a
RenderContext (site URL, HTTPS, whether meta_data shows) rather than a request.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

from django.utils import timezone

from customers.meta import is_listed
from customers.models import ADDRESS_FIELDS
from customers.schema import CustomerApiVersion
from customers.selectors import CustomerRecord
from wcompat.dates import local_date_for, wc_date
from wcompat.links import rest_url


@lru_cache(maxsize=8192)
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
    # The site's time zone (Django's current one), for the dates in site time.
    time_zone: str = field(default_factory=timezone.get_current_timezone_name)

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


Renderer = Callable[[CustomerRecord], Any]


def _address(attribute: str, keys: tuple[str, ...]) -> Renderer:
    """An address in the version's key order ("" for a key never set)."""
    pick = itemgetter(*keys)
    empty = dict.fromkeys(keys, "")

    def render(record: CustomerRecord) -> dict[str, str]:
        values = getattr(record, attribute)
        if len(values) == len(ADDRESS_FIELDS):  # a stored address has every key
            return dict(zip(keys, pick(values)))  # noqa: B905 (same length by construction)
        return {**empty, **{key: values[key] or "" for key in keys if key in values}}

    return render


def _meta_data(record: CustomerRecord) -> list[dict[str, Any]]:
    return [{"id": meta_id, "key": key, "value": value} for meta_id, key, value in record.meta or () if is_listed(key)]


def field_renderers(context: RenderContext) -> dict[str, Renderer]:
    """How each field a customer may have is rendered, in this context."""
    version = context.version
    # v1 shows its dates in UTC; v2 and v3 in the site's time, with a UTC *_gmt twin.
    local = local_date_for(context.time_zone) if version.local_dates else wc_date
    secure = context.secure
    return {
        "id": attrgetter("id"),
        "date_created": lambda record: local(record.date_created),
        "date_created_gmt": lambda record: wc_date(record.date_created),
        "date_modified": lambda record: local(record.date_modified),
        "date_modified_gmt": lambda record: wc_date(record.date_modified),
        "email": attrgetter("email"),
        "first_name": attrgetter("first_name"),
        "last_name": attrgetter("last_name"),
        "role": attrgetter("role"),
        "username": attrgetter("username"),
        "last_order": lambda record: {"id": record.last_order_id, "date": wc_date(record.last_order_date)},
        "orders_count": attrgetter("orders_count"),
        "total_spent": lambda record: f"{record.total_spent:.2f}",
        "avatar_url": lambda record: avatar_url(record.email, secure=secure),
        "billing": _address("billing", version.billing_keys),
        "shipping": _address("shipping", version.shipping_keys),
        "is_paying_customer": attrgetter("is_paying_customer"),
        "meta_data": _meta_data,
    }


@lru_cache(maxsize=64)
def customer_renderer(context: RenderContext) -> Callable[[CustomerRecord], dict[str, Any]]:
    """render(record) for the context's version: its fields in its order (meta_data only when shown), then
    `_links`. Built once per context, as every item of a page is rendered the same way."""
    renderers = field_renderers(context)
    fields = tuple(
        (name, renderers[name]) for name in context.version.fields if name != "meta_data" or context.show_meta
    )
    collection = f"{context.rest_base}{context.version.route}"
    links = {"collection": [{"href": collection}]}

    def render(record: CustomerRecord) -> dict[str, Any]:
        data = {name: value(record) for name, value in fields}
        data["_links"] = {"self": [{"href": f"{collection}/{record.id}"}], **links}
        return data

    return render


def render_customer(record: CustomerRecord, context: RenderContext) -> dict[str, Any]:
    """The customer as its version shows it, then `_links`."""
    return customer_renderer(context)(record)
