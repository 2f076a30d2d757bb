"""wcompat on its own: WordPress's REST conventions on a resource that is not WooCommerce's (a note with a title
and a count, tests/wcompat/throwaway): routing, arguments, paging, batch, errors, _fields/_envelope, OPTIONS.

This is also the template a new resource follows (webhooks did).
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import client_for
from tests.factories import UserFactory, make_api_key
from tests.wcompat.throwaway.models import Note

pytestmark = [pytest.mark.urls("tests.wcompat.throwaway.urls"), pytest.mark.django_db]
URL = "/wp-json/throwaway/v1/notes"


def client_with(*codenames: str):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="throwaway", codename__in=codenames))
    return client_for(make_api_key(user=user))


def test_wcompat_knows_nothing_of_the_resources():
    package = Path(__file__).resolve().parents[2] / "wcompat"
    for source in package.rglob("*.py"):
        text = source.read_text()
        assert not re.search(r"^\s*(from|import) (customers|webhooks)\b", text, re.MULTILINE), source


#
# Routing
#


def test_routes_are_case_insensitive_with_an_optional_slash(api):
    Note.objects.create(title="one")
    for path in (URL, URL + "/", "/wp-json/THROWAWAY/V1/Notes"):
        assert [note["title"] for note in api.get(path).json()] == ["one"], path


def test_unknown_routes_and_methods_are_rest_no_route(api):
    note = Note.objects.create(title="one")
    for method, path in [
        ("get", URL + "/nope"),
        ("put", URL),
        ("delete", URL + "/batch"),
        ("post", f"{URL}/{note.pk}x"),
    ]:
        response = getattr(api, method)(path)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "rest_no_route"


def test_the_namespace_index_lists_the_routes(anon):
    body = anon.get("/wp-json/throwaway/v1").json()
    assert list(body["routes"]) == [
        "/throwaway/v1",
        "/throwaway/v1/notes",
        "/throwaway/v1/notes/batch",
        "/throwaway/v1/notes/(?P<id>[\\d]+)",
    ]
    assert body["routes"]["/throwaway/v1/notes"]["endpoints"][1]["args"]["title"]["required"] is True
    # The URLconf is the registry: this test's URLconf serves the throwaway namespace beside the project's.
    assert anon.get("/wp-json/").json()["namespaces"] == ["throwaway/v1", "wc/v1", "wc/v2", "wc/v3", "wcompat/v1"]


#
# Arguments
#


def test_arguments_are_validated_with_wordpress_messages(api):
    assert api.post(URL, {"count": 1}, format="json").json() == {
        "code": "rest_missing_callback_param",
        "message": "Missing parameter(s): title",
        "data": {"status": 400, "params": ["title"]},
    }
    body = api.post(URL, {"title": ["x"], "count": -1}, format="json").json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["params"] == {
        "title": "title is not of type string.",
        "count": "count must be greater than or equal to 0",
    }
    assert api.get(URL, {"per_page": 101, "context": "nope"}).json()["data"]["params"] == {
        "context": "context is not one of view and edit.",
        "per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)",
    }
    assert api.post(URL, "{bad", content_type="application/json").json()["code"] == "rest_invalid_json"


def test_writes_get_the_validated_values_not_the_raw_ones(api):
    body = api.post(URL, {"title": "typed", "count": "7", "extra": "ignored"}, format="json").json()
    assert body["count"] == 7
    assert "extra" not in body
    assert Note.objects.get().count == 7


#
# Paging
#


def test_paging_headers_and_links(api):
    Note.objects.bulk_create(Note(title=f"n{number}") for number in range(25))
    response = api.get(URL, {"per_page": 10, "page": 2})
    assert [note["title"] for note in response.json()] == [f"n{number}" for number in range(10, 20)]
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("25", "3")
    assert response["Link"] == (
        f'<https://testserver{URL}?per_page=10&page=1>; rel="prev", '
        f'<https://testserver{URL}?per_page=10&page=3>; rel="next"'
    )
    assert [note["title"] for note in api.get(URL, {"per_page": 2, "offset": 24}).json()] == ["n24"]
    beyond = api.get(URL, {"page": 9})
    assert (beyond.json(), beyond["X-WP-Total"]) == ([], "25")


#
# Items, errors, capabilities
#


def test_an_item_its_update_and_its_deletion(api):
    note = Note.objects.create(title="one", count=1)
    assert api.get(f"{URL}/{note.pk}").json()["title"] == "one"
    assert api.put(f"{URL}/{note.pk}", {"count": 5}, format="json").json() == {
        "id": note.pk,
        "title": "one",
        "count": 5,
        "_links": {
            "self": [{"href": f"https://testserver{URL}/{note.pk}"}],
            "collection": [{"href": f"https://testserver{URL}"}],
        },
    }
    assert api.delete(f"{URL}/{note.pk}").json() == {
        "code": "woocommerce_rest_trash_not_supported",
        "message": "Resources do not support trashing.",
        "data": {"status": 501},
    }
    assert api.delete(f"{URL}/{note.pk}?force=true").json()["count"] == 5
    assert api.get(f"{URL}/{note.pk}").json() == {
        "code": "throwaway_invalid_id",
        "message": "Invalid note ID.",
        "data": {"status": 404},
    }


def test_capabilities_401_and_403(anon):
    assert anon.get(URL).json() == {
        "code": "woocommerce_rest_cannot_view",
        "message": "Sorry, you cannot list resources.",
        "data": {"status": 401},
    }
    reader = client_with("view_note")
    assert reader.get(URL).status_code == 200
    assert reader.post(URL, {"title": "x"}, format="json").json()["code"] == "woocommerce_rest_cannot_create"
    assert reader.post(URL, {"title": "x"}, format="json").status_code == 403


#
# Batch
#


def test_batch_items_succeed_or_fail_in_place(api):
    kept = Note.objects.create(title="kept")
    gone = Note.objects.create(title="gone")
    body = api.post(
        f"{URL}/batch",
        {
            "create": [{"title": "new"}, {"count": 1}],
            "update": [{"id": kept.pk, "count": 3}, {"id": 999, "count": 1}],
            "delete": [gone.pk, 999],
        },
        format="json",
    ).json()
    assert body["create"][0]["title"] == "new"
    assert body["create"][1] == {
        "id": 0,
        "error": {"code": "throwaway_missing_title", "message": "A note needs a title.", "data": {"status": 400}},
    }
    assert body["update"][0]["count"] == 3
    assert body["update"][1] == {
        "id": 999,
        "error": {"code": "throwaway_invalid_id", "message": "Invalid note ID.", "data": {"status": 404}},
    }
    assert body["delete"][0]["id"] == gone.pk
    assert body["delete"][1]["error"]["data"] == {"status": 404}
    assert sorted(Note.objects.values_list("title", "count")) == [("kept", 3), ("new", 0)]


def test_batch_checks_each_items_capability():
    """A key that may edit but not create: its batch's creates fail in place, its updates go through."""
    note = Note.objects.create(title="old")
    editor = client_with("change_note", "view_note")
    body = editor.post(
        f"{URL}/batch", {"create": [{"title": "sneaky"}], "update": [{"id": note.pk, "title": "new"}]}, format="json"
    ).json()
    assert body["create"] == [
        {
            "id": 0,
            "error": {
                "code": "woocommerce_rest_cannot_create",
                "message": "Sorry, you are not allowed to create resources.",
                "data": {"status": 403},
            },
        }
    ]
    assert body["update"][0]["title"] == "new"
    assert list(Note.objects.values_list("title", flat=True)) == ["new"]


def test_batch_limits(api, settings):
    too_many = api.post(f"{URL}/batch", {"create": [{"title": str(n)} for n in range(101)]}, format="json")
    assert (too_many.status_code, too_many.json()["code"]) == (413, "woocommerce_rest_request_entity_too_large")
    assert api.post(f"{URL}/batch", {}, format="json").json() == []
    settings.WCOMPAT_BATCH_DEADLINE = 0
    late = api.post(f"{URL}/batch", {"create": [{"title": "late"}]}, format="json").json()
    assert late["create"][0]["error"] == {
        "code": "rest_batch_item_not_processed",
        "message": "The batch took too long; this item was not processed. Send it again.",
        "data": {"status": 503},
    }
    assert not Note.objects.exists()


def test_a_batch_create_with_an_id_and_an_item_failing_unexpectedly_answer_in_place(api, monkeypatch, caplog):
    from tests.wcompat.throwaway.views import NoteViewSet

    create_item = NoteViewSet.create_item

    def failing(self, args):
        if args.get("title") == "boom":
            raise RuntimeError("boom")
        return create_item(self, args)

    monkeypatch.setattr(NoteViewSet, "create_item", failing)
    body = api.post(
        f"{URL}/batch", {"create": [{"id": 5, "title": "old"}, {"title": "boom"}, {"title": "fine"}]}, format="json"
    ).json()
    assert [item.get("error") for item in body["create"]] == [
        {"code": "rest_invalid_param", "message": "Cannot create existing resource.", "data": {"status": 400}},
        {"code": "rest_internal_error", "message": "The item could not be processed.", "data": {"status": 500}},
        None,
    ]
    assert list(Note.objects.values_list("title", flat=True)) == ["fine"]
    assert [record.getMessage() for record in caplog.records if record.name == "wcompat.batch"] == [
        "Batch item failed unexpectedly"
    ]


#
# Global parameters and discovery
#


def test_fields_and_envelope(api):
    note = Note.objects.create(title="one", count=2)
    assert api.get(f"{URL}/{note.pk}", {"_fields": "title"}).json() == {
        "title": "one",
        "_links": {
            "self": [{"href": f"https://testserver{URL}/{note.pk}"}],
            "collection": [{"href": f"https://testserver{URL}"}],
        },
    }
    enveloped = api.get(URL, {"_envelope": "1", "_fields": "id"})
    assert enveloped.status_code == 200
    assert enveloped.json()["status"] == 200
    assert enveloped.json()["body"] == [{"id": note.pk}]
    assert enveloped.json()["headers"]["X-WP-Total"] == 1


def test_options_describe_the_route(api):
    response = api.options(URL)
    body = response.json()
    assert body["methods"] == ["GET", "POST"]
    assert [endpoint["methods"] for endpoint in body["endpoints"]] == [["GET"], ["POST"]]
    assert body["endpoints"][1]["args"] == {
        "title": {"description": "The note's title.", "type": "string", "required": True},
        "count": {"description": "How many.", "type": "integer", "minimum": 0, "required": False},
    }
    assert body["schema"]["title"] == "note"
    assert response["Allow"] == "GET, POST"


#
# DRF's own request steps run (throttling, versioning), after WordPress's checks
#


class NeverAllowed:
    def allow_request(self, request, view) -> bool:
        return False

    def wait(self) -> None:
        return None


def test_drf_throttles_run_after_wordpress_checks(monkeypatch):
    from tests.wcompat.throwaway.views import NoteViewSet

    monkeypatch.setattr(NoteViewSet, "throttle_classes", [NeverAllowed])
    response = client_with("view_note").get(URL)
    assert response.status_code == 429
    assert response.json() == {"code": "throttled", "message": "Request was throttled.", "data": {"status": 429}}
    # WordPress's checks come first: a bad argument is still its 400, a missing key its 401.
    assert client_with("view_note").get(URL + "?per_page=0").status_code == 400
    assert client_for(None).get(URL).status_code == 401
