"""docs/compatibility.md lists every route this server serves, with its methods, and no other."""

from pathlib import Path

from django.urls import get_resolver

from wcompat.routers import route_methods, served_routes

PAGE = Path(__file__).resolve().parents[1] / "docs" / "compatibility.md"


def served() -> list[tuple[str, list[str]]]:
    assert get_resolver().url_patterns  # the routes are registered as the URL configuration loads
    return [(route.wp_route, route_methods(route.actions)) for routes in served_routes().values() for route in routes]


def test_every_served_route_is_on_the_compatibility_page():
    page = PAGE.read_text()
    routes = served()
    assert len(routes) > 30
    missing = [
        f"{route} {', '.join(methods)}"
        for route, methods in routes
        if f"| `{route}` | {', '.join(methods)} |" not in page
    ]
    assert missing == []


def test_the_page_names_no_route_that_is_not_served():
    listed = {line.split("`")[1] for line in PAGE.read_text().splitlines() if line.startswith("| `/")}
    assert listed == {route for route, _methods in served()}
