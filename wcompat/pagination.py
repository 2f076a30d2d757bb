"""WooCommerce collection paging: page/per_page/offset, X-WP-Total, X-WP-TotalPages and Link.

GET /wp-json/wc/v1/customers?per_page=1&page=2
X-WP-Total: 3
X-WP-TotalPages: 3
Link: <…/customers?per_page=1&page=1>; rel="prev", <…/customers?per_page=1&page=3>; rel="next"
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from django.db.models import QuerySet, Subquery
from rest_framework.request import Request

from wcompat import conf
from wcompat.args import MAX_ID
from wcompat.links import rest_url
from wcompat.params import php_parse_qs, query_params

COLLECTION_ARGS = {
    "context": {
        "description": "Scope under which the request is made; determines fields present in response.",
        "type": "string",
        "enum": ["view", "edit"],
        "default": "view",
    },
    "page": {
        "description": "Current page of the collection.",
        "type": "integer",
        "default": 1,
        "minimum": 1,
    },
    "per_page": {
        "description": "Maximum number of items to be returned in result set.",
        "type": "integer",
        "default": 10,
        "minimum": 1,
        "maximum": 100,
    },
}


def collection_args() -> dict[str, dict[str, Any]]:
    """WordPress's get_collection_params() with the configured page sizes."""
    args = {name: dict(schema) for name, schema in COLLECTION_ARGS.items()}
    args["per_page"]["default"] = conf.get("PER_PAGE")
    args["per_page"]["maximum"] = conf.get("MAX_PER_PAGE")
    return args


# WooCommerce's filter arguments of a collection, as its controllers write them: OPTIONS shows their wording and
# key order, so a resource takes these and declares only what differs.
def search_arg() -> dict[str, Any]:
    return {"description": "Limit results to those matching a string.", "type": "string"}


def exclude_arg() -> dict[str, Any]:
    return {
        "description": "Ensure result set excludes specific IDs.",
        "type": "array",
        "items": {"type": "integer"},
        "default": [],
    }


def include_arg(description: str = "Limit result set to specific IDs.") -> dict[str, Any]:
    return {"description": description, "type": "array", "items": {"type": "integer"}, "default": []}


def offset_arg() -> dict[str, Any]:
    return {"description": "Offset the result set by a specific number of items.", "type": "integer"}


def order_arg(default: str, *, users_controller: bool = False) -> dict[str, Any]:
    """`order`; WordPress's users controller (WooCommerce's customers) writes its keys in another order."""
    description = "Order sort attribute ascending or descending."
    if users_controller:
        return {"default": default, "description": description, "enum": ["asc", "desc"], "type": "string"}
    return {"description": description, "type": "string", "default": default, "enum": ["asc", "desc"]}


def orderby_arg(default: str, choices: list[str]) -> dict[str, Any]:
    return {
        "description": "Sort collection by object attribute.",
        "type": "string",
        "default": default,
        "enum": choices,
    }


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    per_page: int
    offset: int
    # What X-WP-TotalPages says when a resource computes it its own way (else ceil(total / per_page)).
    max_pages: int | None = None

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.max_pages is None else self.max_pages

    @property
    def number(self) -> int:
        """The page the Link header counts from: ceil(offset / per_page + 1), as WooCommerce computes it."""
        return math.ceil(self.offset / self.per_page + 1)


def paginate(queryset: QuerySet, *, page: int, per_page: int, offset: int = 0) -> Page:
    """One page of an ordered queryset; a non-zero `offset` wins over `page`."""
    if not queryset.ordered:
        raise ValueError("paginate() needs an ordered queryset for stable pages")
    start = offset or (page - 1) * per_page
    if start > MAX_ID - per_page:
        # No database holds that many rows; the page is past the end.
        return Page(items=[], total=queryset.count(), per_page=per_page, offset=start)
    # The page's ids are chosen first, so per-row annotations run for the page only, not for every row an
    # OFFSET skips (PostgreSQL computes the select list before discarding them).
    page_ids = queryset.order_by(*queryset.query.order_by).values("pk")[start : start + per_page]
    items = list(queryset.filter(pk__in=Subquery(page_ids)))
    # A short, non-empty page is the last one: its end is the total, no COUNT needed.
    total = start + len(items) if items and len(items) < per_page else queryset.count()
    return Page(items=items, total=total, per_page=per_page, offset=start)


def php_urlencode(value: str) -> str:
    """PHP urlencode(): space is +, everything but A-Z a-z 0-9 - _ . is %XX."""
    return quote_plus(value, safe="").replace("~", "%7E")


def build_query(params: dict[str, Any], encode: Callable[[str], str], prefix: str = "") -> str:
    """WordPress build_query(): nested arrays as key%5Bsub%5D=value, keys never encoded."""
    pairs = []
    items = params.items() if isinstance(params, dict) else enumerate(params)
    for key, value in items:
        name = f"{prefix}%5B{key}%5D" if prefix else str(key)
        if isinstance(value, dict | list):
            pairs.append(build_query(value, encode, name))
        else:
            pairs.append(f"{name}={encode(php_scalar(value))}")
    return "&".join(pair for pair in pairs if pair)


def php_scalar(value: Any) -> str:
    """A sanitized value as PHP writes it in a URL: true is 1, false is empty, numbers as they are."""
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


_HEADER_UNSAFE = re.compile(r'[^\x21-\x7e]|[<>"]')


def _drop_empty_equals(query: str) -> str:
    return re.sub(r"=(&|$)", r"\1", query)


def page_url(request: Request, route: str, page: int, query: dict[str, Any] | None = None) -> str:
    """The collection URL with the query (WordPress sanitizes the declared arguments in it first) and `page`
    set, via two add_query_arg passes."""
    original = query_params(request) if query is None else query
    base = rest_url(request, route)
    # Most lists are asked with the same few queries (per_page=10): a query of plain values is rebuilt once.
    # Each value's type is part of the key, as 1, 1.0 and True are equal keys but are written differently.
    key = tuple((name, type(value), value) for name, value in original.items())
    try:
        hash(key)
    except TypeError:  # arrays
        return _page_url(base, page, original)
    return _remembered_page_url(base, page, key)


@lru_cache(maxsize=256)
def _remembered_page_url(base: str, page: int, key: tuple[tuple[str, type, Any], ...]) -> str:
    return _page_url(base, page, {name: value for name, _type, value in key})


def _page_url(base: str, page: int, query: dict[str, Any]) -> str:
    first = _drop_empty_equals(build_query(query, lambda value: value))
    params = php_parse_qs(first)
    params["page"] = str(page)
    second = _drop_empty_equals(build_query(params, php_urlencode))
    # Parameter names are never encoded by WordPress; a header may only carry visible ASCII, and a Link
    # target no <, > or ".
    return _HEADER_UNSAFE.sub(lambda match: quote(match.group()), f"{base}?{second}")


def pagination_headers(request: Request, route: str, page: Page, query: dict[str, Any] | None = None) -> dict[str, str]:
    headers = {"X-WP-Total": str(page.total), "X-WP-TotalPages": str(page.total_pages)}
    links = []
    if page.number > 1:
        previous = min(page.number - 1, page.total_pages)
        links.append(f'<{page_url(request, route, previous, query)}>; rel="prev"')
    if page.total_pages > page.number:
        links.append(f'<{page_url(request, route, page.number + 1, query)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers
