"""WordPress routes for Django: case-insensitive, optional trailing slash, one view per route pattern.

    routes = WcRoutes("wc/v1")
    routes.register(r"customers", CustomerViewSet, {"get": "list", "post": "create"})
    urlpatterns = [path("wp-json/", include(routes.urls))]

The registry also answers discovery: the namespace index and OPTIONS describe each route from the
same argument definitions the endpoints validate with.
"""

import re
from functools import cached_property
from typing import Any

from django.urls import URLPattern
from django.urls.resolvers import RegexPattern
from rest_framework.request import Request

from wcompat.args import EXTENSION
from wcompat.links import rest_url


class CaseInsensitivePattern(RegexPattern):
    r"""WordPress matches routes case-insensitively (`/WC/V1/CUSTOMERS` works); reverse() still works.

    PHP's `[\d]` is ASCII digits only: `/customers/` followed by an Arabic-Indic or a full-width six is no route.
    """

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(str(self._regex), re.IGNORECASE | re.ASCII)


def wp_path(regex: str, view, name: str | None = None) -> URLPattern:
    """A URL pattern matched without regard to case, with an optional trailing slash."""
    return URLPattern(CaseInsensitivePattern(rf"^{regex}/?$", name=name, is_endpoint=True), view, name=name)


# namespace -> [(WordPress route, viewset, actions, the view's init arguments)], in registration order.
ROUTES: dict[str, list[tuple[str, type, dict[str, str], dict[str, Any]]]] = {}
# Methods in the order WordPress lists them.
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


COLLECTION_ACTIONS = {"get": "list", "post": "create"}
ITEM_ACTIONS = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "destroy"}
BATCH_ACTIONS = {"post": "batch", "put": "batch", "patch": "batch"}


class WcRoutes:
    """The routes of one namespace, such as wc/v1."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.patterns: list[URLPattern] = []
        ROUTES.setdefault(namespace, [])

    def register(self, pattern: str, viewset: type, actions: dict[str, str], name: str, **initkwargs: Any) -> None:
        """Serve `pattern` (a WordPress route regex below the namespace) with the viewset's actions."""
        wp_route = f"/{self.namespace}/{pattern}"
        initkwargs = {"wp_route": wp_route, **initkwargs}
        ROUTES[self.namespace].append((wp_route, viewset, actions, initkwargs))
        view = viewset.as_view(actions, **initkwargs)
        self.patterns.append(wp_path(f"{re.escape(self.namespace)}/{pattern}", view, name=name))

    def register_collection(
        self, rest_base: str, viewset: type, *, name: str, batch_first: bool = True, **initkwargs: Any
    ) -> None:
        """WooCommerce's three routes of a collection, named `<name>-list`, `-batch` and `-detail`:

            /wc/v3/customers             GET (list), POST (create)
            /wc/v3/customers/batch       POST, PUT, PATCH
            /wc/v3/customers/<id>        GET, POST, PUT, PATCH, DELETE

        in the order the resource's controller registers them (its index lists them so: `batch_first`)."""
        # Each route its own mapping: DRF's view adds HEAD to the one it is given when first called.
        batch = (rf"{rest_base}/batch", viewset, dict(BATCH_ACTIONS), f"{name}-batch")
        item = (rf"{rest_base}/(?P<id>[\d]+)", viewset, dict(ITEM_ACTIONS), f"{name}-detail")
        self.register(rest_base, viewset, dict(COLLECTION_ACTIONS), f"{name}-list", **initkwargs)
        for route in (batch, item) if batch_first else (item, batch):
            self.register(*route, **initkwargs)

    @property
    def urls(self) -> list[URLPattern]:
        return self.patterns


def wordpress_keys(schema: dict[str, Any]) -> dict[str, Any]:
    """An argument as WordPress shows it: without this project's extension marks."""
    return {key: value for key, value in schema.items() if not key.startswith("x-wcompat-")}


def route_methods(actions: dict[str, str]) -> list[str]:
    return [method for method in METHOD_ORDER if method.lower() in actions]


def describe_route(request: Request, view, wp_route: str, actions: dict[str, str], *, with_schema: bool) -> dict:
    """A route as WordPress's index and OPTIONS show it: methods, endpoints with args, schema, links."""
    namespace = wp_route.strip("/").split("/", 2)
    endpoints = []
    by_action: dict[str, list[str]] = {}
    for method in route_methods(actions):
        by_action.setdefault(actions[method.lower()], []).append(method)
    for action, methods in by_action.items():
        args = {
            name: {**wordpress_keys(schema), "required": bool(schema.get("required", False))}
            for name, schema in view.args_for(action).items()
            if not schema.get(EXTENSION)
        }
        endpoints.append({"methods": methods, "args": args})
    description: dict[str, Any] = {
        "namespace": "/".join(namespace[:2]),
        "methods": route_methods(actions),
        "endpoints": endpoints,
    }
    schema = view.wp_schema_for(next(iter(actions.values())))
    if with_schema and schema:
        description["schema"] = schema
    if "(?P<" not in wp_route:
        description["_links"] = {"self": [{"href": rest_url(request, wp_route)}]}
    return description


def describe_namespace(request: Request, namespace: str) -> dict[str, Any]:
    routes: dict[str, Any] = {
        f"/{namespace}": {
            "namespace": namespace,
            "methods": ["GET"],
            "endpoints": [
                {
                    "methods": ["GET"],
                    "args": {
                        "namespace": {"default": namespace, "required": False},
                        "context": {"default": "view", "required": False},
                    },
                }
            ],
            "_links": {"self": [{"href": rest_url(request, f"/{namespace}")}]},
        }
    }
    for wp_route, viewset, actions, initkwargs in ROUTES.get(namespace, []):
        routes[wp_route] = describe_route(request, viewset(**initkwargs), wp_route, actions, with_schema=False)
    return {"namespace": namespace, "routes": routes, "_links": {"up": [{"href": rest_url(request, "/")}]}}
