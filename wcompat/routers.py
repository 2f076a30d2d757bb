"""WordPress routes for Django: case-insensitive, optional trailing slash, one view per route pattern.

    router = WcRouter("wc/v1")
    router.register(r"customers", CustomerViewSet, {"get": "list", "post": "create"}, "wc_v1-customer-list")
    urlpatterns = [path("wp-json/", include(router.urls))]

The URLconf is the registry: discovery (the namespace index, the site index, OPTIONS) reads the routes the
URLconf in use serves (served_routes()), each described from the same argument definitions its endpoints
validate with. Nothing is kept at import time, so a test's URLconf lists exactly its own routes.
"""

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import import_module
from typing import Any

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, get_urlconf
from django.urls.resolvers import RegexPattern
from rest_framework.request import Request
from rest_framework.routers import BaseRouter

from wcompat.args import EXTENSION
from wcompat.links import rest_url

# How WordPress matches a route: without regard to case, and PHP's `[\d]` is ASCII digits only (`/customers/`
# followed by an Arabic-Indic or a full-width six is no route).
ROUTE_FLAGS = re.IGNORECASE | re.ASCII


class CaseInsensitivePattern(RegexPattern):
    """A route matched as WordPress matches it (ROUTE_FLAGS: `/WC/V1/CUSTOMERS` works); reverse() still works."""

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(str(self._regex), ROUTE_FLAGS)


def wp_path(regex: str, view, name: str | None = None) -> URLPattern:
    """A URL pattern matched without regard to case, with an optional trailing slash."""
    return URLPattern(CaseInsensitivePattern(rf"^{regex}/?$", name=name, is_endpoint=True), view, name=name)


def rest_routes(prefix: str, *modules: str) -> "RouteTable":
    """The routes of these URL modules below `prefix` (a plain path: "wp-json/"), as one RouteTable.

    What `path(prefix, include(module))` serves, without a resolver level per module (Django resolves every
    include as a level of its own) and without a pattern tried after another."""
    routes = []
    for module in modules:
        for pattern in import_module(module).urlpatterns:
            if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, CaseInsensitivePattern):
                raise TypeError(f"{module}: only WordPress routes (wp_path) can be served below {prefix}")
            regex = f"^{prefix}{str(pattern.pattern).removeprefix('^')}"  # a path without regex characters
            routes.append(
                URLPattern(
                    CaseInsensitivePattern(regex, name=pattern.name, is_endpoint=True),
                    pattern.callback,
                    pattern.default_args,
                    pattern.name,
                )
            )
    return RouteTable(routes)


# A named group of a route's expression, made a plain group in the table's (its names repeat from route to route).
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class RouteTable(URLResolver):
    """WordPress routes found with one regular expression, where Django tries a URLconf's patterns one by one.

    A URLconf's patterns are each a call and a match: a wc/v3 item, eleventh in line, cost a GET more to find
    than the bare view spends on its whole resolving. The table joins its routes' expressions into one
    alternation (in their order and with their flags, so the first route that matches the whole path is the one
    found, as before), then answers that route's own resolve(): the same view, kwargs, name and route string.
    To reverse() and to discovery it is an include without a prefix."""

    def __init__(self, routes: list[URLPattern]) -> None:
        super().__init__(RegexPattern(""), routes)
        alternatives = [
            f"(?P<route_{index}>{_NAMED_GROUP.sub('(?:', route.pattern.regex.pattern[1:-1])})"
            for index, route in enumerate(routes)
            if isinstance(route.pattern, CaseInsensitivePattern)  # the table's flags are theirs
            and route.pattern.regex.pattern.startswith("^")
            and route.pattern.regex.pattern.endswith("$")
        ]
        self.table = re.compile("|".join(alternatives), ROUTE_FLAGS)
        if len(alternatives) != len(routes) or self.table.groups != len(routes):
            raise TypeError("a route table's routes are WordPress routes (wp_path) that name their groups (?P<name>…)")

    def resolve(self, path: str):
        found = self.table.fullmatch(path)
        if found is None:
            raise Resolver404({"tried": [[route] for route in self.url_patterns], "path": path})
        return self.url_patterns[int(found.lastgroup.removeprefix("route_"))].resolve(path)


# Methods in the order WordPress lists them.
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


COLLECTION_ACTIONS = {"get": "list", "post": "create"}
ITEM_ACTIONS = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "destroy"}
BATCH_ACTIONS = {"post": "batch", "put": "batch", "patch": "batch"}


class WcRouter(BaseRouter):
    """The routes of one namespace, such as wc/v1: DRF's router, with WordPress's route patterns and each route's
    own methods-to-actions map (a WordPress route is registered whole, not derived from a prefix)."""

    def __init__(self, namespace: str) -> None:
        super().__init__()
        self.namespace = namespace

    def register(  # type: ignore[override]
        self, pattern: str, viewset: type, actions: dict[str, str], name: str, **initkwargs: Any
    ) -> None:
        """Serve `pattern` (a WordPress route regex below the namespace) with the viewset's actions."""
        self.registry.append((pattern, viewset, name, actions, initkwargs))
        self.__dict__.pop("_urls", None)  # DRF's cache of get_urls()

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

    def get_urls(self) -> list[URLPattern]:
        patterns = []
        for pattern, viewset, name, actions, initkwargs in self.registry:
            view = viewset.as_view(actions, wp_route=f"/{self.namespace}/{pattern}", **initkwargs)
            patterns.append(wp_path(f"{re.escape(self.namespace)}/{pattern}", view, name=name))
        return patterns


@dataclass(frozen=True)
class Route:
    """A WordPress route the URLconf serves: its pattern, its viewset, its actions, the view's init arguments."""

    wp_route: str
    viewset: type
    actions: dict[str, str]
    initkwargs: dict[str, Any]

    @property
    def namespace(self) -> str:
        return "/".join(self.wp_route.strip("/").split("/", 2)[:2])


def served_routes() -> dict[str, list[Route]]:
    """The WordPress routes of the URLconf in use, by namespace, in its order (namespaces as first served)."""
    return _routes_of(get_resolver(get_urlconf()))


@lru_cache(maxsize=8)
def _routes_of(resolver: URLResolver) -> dict[str, list[Route]]:
    routes: dict[str, list[Route]] = {}

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            initkwargs = getattr(pattern.callback, "initkwargs", None) or {}
            if "wp_route" in initkwargs:
                route = Route(initkwargs["wp_route"], pattern.callback.cls, pattern.callback.actions, initkwargs)
                routes.setdefault(route.namespace, []).append(route)

    walk(resolver.url_patterns)
    return routes


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


def describe_namespace_route(request: Request, namespace: str) -> dict[str, Any]:
    """The namespace's own route (/wc/v3), as its index and OPTIONS show it."""
    return {
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


def describe_namespace(request: Request, namespace: str) -> dict[str, Any]:
    routes: dict[str, Any] = {f"/{namespace}": describe_namespace_route(request, namespace)}
    for route in served_routes().get(namespace, []):
        view = route.viewset(**route.initkwargs)
        routes[route.wp_route] = describe_route(request, view, route.wp_route, route.actions, with_schema=False)
    return {"namespace": namespace, "routes": routes, "_links": {"up": [{"href": rest_url(request, "/")}]}}
