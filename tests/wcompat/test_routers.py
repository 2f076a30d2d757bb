"""wcompat.routers on its own: a collection's routes, their names and order, and what they serve."""

import pytest
from django.urls import Resolver404, URLResolver
from django.urls.resolvers import RegexPattern

from tests.wcompat.throwaway.views import V1, NoteViewSet
from wcompat import routers


@pytest.fixture
def routes():
    return routers.WcRouter("unit/v1")


def served(router) -> list[routers.Route]:
    """The routes a URLconf of just this router serves, as discovery reads them."""
    resolver = URLResolver(RegexPattern(r"^/"), router.urls)
    return routers._routes_of(resolver)["unit/v1"]


@pytest.mark.parametrize(
    ("batch_first", "order"),
    [
        (True, ["/unit/v1/notes", "/unit/v1/notes/batch", "/unit/v1/notes/(?P<id>[\\d]+)"]),
        (False, ["/unit/v1/notes", "/unit/v1/notes/(?P<id>[\\d]+)", "/unit/v1/notes/batch"]),
    ],
)
def test_a_collection_registers_its_three_routes_in_the_controllers_order(routes, batch_first, order):
    routes.register_collection("notes", NoteViewSet, name="unit-note", batch_first=batch_first, version=V1)
    assert [route.wp_route for route in served(routes)] == order
    names = {pattern.name for pattern in routes.urls}
    assert names == {"unit-note-list", "unit-note-batch", "unit-note-detail"}
    actions = {route.wp_route: route.actions for route in served(routes)}
    assert actions["/unit/v1/notes"] == {"get": "list", "post": "create"}
    assert actions["/unit/v1/notes/batch"] == {"post": "batch", "put": "batch", "patch": "batch"}
    assert set(actions["/unit/v1/notes/(?P<id>[\\d]+)"].values()) == {"retrieve", "update", "destroy"}
    assert all(route.initkwargs["version"] is V1 for route in served(routes))
    assert all(route.viewset is NoteViewSet for route in served(routes))


def test_rest_routes_serve_a_modules_routes_below_the_prefix_at_the_urlconfs_own_level():
    resolver = URLResolver(RegexPattern(r"^/"), routers.rest_routes("wp-json/", "tests.wcompat.throwaway.routes"))
    assert all(not isinstance(pattern, URLResolver) for pattern in resolver.url_patterns)
    match = resolver.resolve("/WP-JSON/Throwaway/V1/Notes/7/")  # WordPress's routes ignore case and a final /
    assert (match.url_name, match.kwargs, match.func.cls) == ("throwaway-note-detail", {"id": "7"}, NoteViewSet)
    assert resolver.resolve("/wp-json/throwaway/v1/notes").url_name == "throwaway-note-list"
    assert [route.wp_route for route in routers._routes_of(resolver)["throwaway/v1"]] == [
        "/throwaway/v1/notes",
        "/throwaway/v1/notes/batch",
        "/throwaway/v1/notes/(?P<id>[\\d]+)",
    ]
    with pytest.raises(Resolver404):
        resolver.resolve("/throwaway/v1/notes")


def test_rest_routes_refuse_a_pattern_that_is_not_a_wordpress_route():
    with pytest.raises(TypeError, match="only WordPress routes"):
        routers.rest_routes("wp-json/", "config.urls")
