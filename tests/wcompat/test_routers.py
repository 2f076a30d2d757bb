"""wcompat.routers on its own: a collection's routes, their names and order, and what they serve."""

import pytest

from tests.wcompat.throwaway.views import V1, NoteViewSet
from wcompat import routers


@pytest.fixture
def routes():
    made = routers.WcRoutes("unit/v1")
    yield made
    routers.ROUTES.pop("unit/v1", None)


@pytest.mark.parametrize(
    ("batch_first", "order"),
    [
        (True, ["/unit/v1/notes", "/unit/v1/notes/batch", "/unit/v1/notes/(?P<id>[\\d]+)"]),
        (False, ["/unit/v1/notes", "/unit/v1/notes/(?P<id>[\\d]+)", "/unit/v1/notes/batch"]),
    ],
)
def test_a_collection_registers_its_three_routes_in_the_controllers_order(routes, batch_first, order):
    routes.register_collection("notes", NoteViewSet, name="unit-note", batch_first=batch_first, version=V1)
    assert [route for route, *_ in routers.ROUTES["unit/v1"]] == order
    names = {pattern.name for pattern in routes.urls}
    assert names == {"unit-note-list", "unit-note-batch", "unit-note-detail"}
    actions = {route: actions for route, _view, actions, _kwargs in routers.ROUTES["unit/v1"]}
    assert actions["/unit/v1/notes"] == {"get": "list", "post": "create"}
    assert actions["/unit/v1/notes/batch"] == {"post": "batch", "put": "batch", "patch": "batch"}
    assert set(actions["/unit/v1/notes/(?P<id>[\\d]+)"].values()) == {"retrieve", "update", "destroy"}
    assert all(kwargs["version"] is V1 for *_, kwargs in routers.ROUTES["unit/v1"])
