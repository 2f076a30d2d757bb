"""WordPress's global request parameters: `_fields` (filter the body) and `_envelope` (status and headers in it).

GET /wp-json/wc/v1/customers?_fields=id,billing.city
-> [{"id": 2, "billing": {"city": "San Francisco"}}]
GET /wp-json/wc/v1/customers?_envelope
-> 200 {"body": [...], "status": 200, "headers": {"X-WP-Total": 1, "X-WP-TotalPages": 1}}
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from wcompat.args import parse_list
from wcompat.params import query_params

# The headers a route sets itself, which an envelope carries in its body.
ENVELOPED_HEADERS = ("Location", "X-WP-Total", "X-WP-TotalPages", "Link", "Allow")
INTEGER_HEADERS = ("X-WP-Total", "X-WP-TotalPages")

FieldTree = dict[str, "FieldTree | None"]


def field_tree(fields: list[str]) -> FieldTree:
    """["id", "billing.city"] -> {"id": None, "billing": {"city": None}}; None keeps the whole value."""
    tree: FieldTree = {}
    for field in fields:
        node = tree
        parts = field.split(".")
        for part in parts[:-1]:
            child = node.get(part, {})
            if child is None:  # the whole value is already wanted
                break
            node = node.setdefault(part, child)
        else:
            node[parts[-1]] = None
    return tree


def filter_fields(data: Any, tree: FieldTree) -> Any:
    """The data cut to the tree; what keeps no key is PHP's empty array, which JSON writes as []."""
    if not isinstance(data, dict):
        return data
    kept = {
        key: value if tree[key] is None else filter_fields(value, tree[key])
        for key, value in data.items()
        if key in tree
    }
    return kept or []


def apply_global_params(request: Request, response: Response) -> Response:
    query = query_params(request)
    fields = [field for field in parse_list(query.get("_fields", "")) if isinstance(field, str)]
    if fields and response.status_code < 400 and response.data is not None:
        tree = field_tree(fields)
        if isinstance(response.data, list):
            response.data = [filter_fields(item, tree) for item in response.data]
        elif isinstance(response.data, dict):
            links = response.data.get("_links")
            response.data = filter_fields(response.data, tree)
            # A single object's links are added after the filter, as WordPress embeds them.
            if links is not None:
                response.data = {**(response.data or {}), "_links": links}
    if "_envelope" in query:
        headers = {}
        for name in ENVELOPED_HEADERS:
            if name in response:
                value = response[name]
                headers[name] = int(value) if name in INTEGER_HEADERS else value
                del response[name]
        response.data = {"body": response.data, "status": response.status_code, "headers": headers}
        response.status_code = 200
    return response
