"""wcompat.routers on its own: a collection's routes, their names and order, and what they serve."""

import pytest
from django.urls import Resolver404, URLPattern, URLResolver
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


def test_rest_routes_serve_a_modules_routes_below_the_prefix_in_one_table():
    table = routers.rest_routes("wp-json/", "tests.wcompat.throwaway.routes")
    assert all(not isinstance(pattern, URLResolver) for pattern in table.url_patterns)
    resolver = URLResolver(RegexPattern(r"^/"), [table])
    match = resolver.resolve("/WP-JSON/Throwaway/V1/Notes/7/")  # WordPress's routes ignore case and a final /
    assert (match.url_name, match.kwargs, match.func.cls) == ("throwaway-note-detail", {"id": "7"}, NoteViewSet)
    assert (match.route, match.captured_kwargs) == (r"^wp-json/throwaway/v1/notes/(?P<id>[\d]+)/?$", {"id": "7"})
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


def route(regex: str, name: str):
    return routers.wp_path(regex, lambda request, **kwargs: None, name=name)


def test_a_route_table_finds_the_first_route_that_matches_the_whole_path():
    table = routers.RouteTable(
        [
            route(r"x/(?P<id>[\d]+)", "digits"),
            route(r"x/(?P<slug>[a-z0-9]+)", "slug"),
            route(r"x/(?P<id>[\d]+)/(?P<part>[a-z]+)", "part"),
        ]
    )
    resolver = URLResolver(RegexPattern(r"^/"), [table])
    # In the routes' order; each route's own kwargs and name; the whole path or nothing.
    assert (resolver.resolve("/x/12").url_name, resolver.resolve("/x/12").kwargs) == ("digits", {"id": "12"})
    assert (resolver.resolve("/X/a1/").url_name, resolver.resolve("/X/a1/").kwargs) == ("slug", {"slug": "a1"})
    assert resolver.resolve("/x/12/b").kwargs == {"id": "12", "part": "b"}
    for path in ("/x/12/b/c", "/x/", "/x/12\n", "/x/\u0661"):  # \u0661: an Arabic-Indic one, not PHP's [\d]
        with pytest.raises(Resolver404):
            resolver.resolve(path)
    # reverse() sees the routes as an include's without a prefix: as if they were the URLconf's own.
    flat = URLResolver(RegexPattern(r"^/"), table.url_patterns)
    assert resolver.reverse("part", id=3, part="z") == flat.reverse("part", id=3, part="z") == "x/3/z"


def test_a_route_table_refuses_a_route_it_could_not_tell_apart_or_match_alike():
    with pytest.raises(TypeError, match="name their groups"):
        routers.RouteTable([route(r"x/([\d]+)", "unnamed")])
    with pytest.raises(TypeError, match="WordPress routes"):  # Django's own pattern: its case counts
        routers.RouteTable([URLPattern(RegexPattern(r"^x$"), lambda request: None, name="django")])
