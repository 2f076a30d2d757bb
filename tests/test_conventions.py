"""WordPress REST conventions every route follows: routing, JSON everywhere, bodies, headers."""

import pytest
from rest_framework import status

from customers import views
from customers.models import Customer
from tests.conftest import NAMESPACES

pytestmark = pytest.mark.django_db

URL = "/wp-json/wc/v1/customers"
NO_ROUTE = {
    "code": "rest_no_route",
    "message": "No route was found matching the URL and request method.",
    "data": {"status": 404},
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/wp-json/wc/v1/nothing"),
        ("get", f"{URL}/abc"),
        ("delete", URL),  # a wrong method is an unknown route: there is no 405
        ("put", URL),
        ("get", f"{URL}/batch"),
        ("post", f"{URL}/1/downloads"),
        ("get", "/wp-json/wc/v9/customers"),
        ("get", "/wp-json/wp/v2/users"),
    ],
)
def test_unknown_routes_are_json_404(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response["Content-Type"] == "application/json; charset=UTF-8"
    assert response.json() == NO_ROUTE
    assert "Allow" not in response


def test_trailing_slash_and_case_are_accepted_without_redirect(api, customer):
    assert api.get(f"{URL}/").status_code == status.HTTP_200_OK
    assert api.get(f"/wp-json/WC/V1/Customers/{customer.pk}/").status_code == status.HTTP_200_OK
    created = api.post(f"{URL}/", {"email": "slash@woo.local"}, format="json")
    assert created.status_code == status.HTTP_201_CREATED


def test_json_whatever_the_client_accepts(api):
    response = api.get(URL, HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json; charset=UTF-8"


def test_standard_headers(api, anon):
    response = api.get(URL, HTTP_ORIGIN="https://app.example")
    assert response["X-Robots-Tag"] == "noindex"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Access-Control-Expose-Headers"] == "X-WP-Total, X-WP-TotalPages, Link"
    assert response["Access-Control-Allow-Origin"] == "https://app.example"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert anon.get(URL)["Vary"] == "Origin"
    assert "Vary" not in anon.post(URL, {}, format="json")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ('{"email": "bad.json@example.com",', 4, "Syntax error"),
        ("\ufeff{}", 4, "Syntax error"),  # PHP does not skip a byte-order mark
        ("   ", 4, "Syntax error"),
        ('{"a": NaN}', 4, "Syntax error"),
        (b"\xff\xfe", 5, "Malformed UTF-8 characters, possibly incorrectly encoded"),
        ('{"first_name": "a\tb"}', 3, "Control character error, possibly incorrectly encoded"),
        ('{"first_name": "a\\ud800b"}', 10, "Single unpaired UTF-16 surrogate in unicode escape"),
        ('{"\\udfff": 1}', 10, "Single unpaired UTF-16 surrogate in unicode escape"),
        ("[" * 513 + "]" * 513, 1, "Maximum stack depth exceeded"),
        ("[" * 100000 + "]" * 100000, 1, "Maximum stack depth exceeded"),
    ],
)
def test_invalid_json_body(api, customer, body, code, message):
    for method, path in (("post", URL), ("put", f"{URL}/{customer.pk}")):
        response = getattr(api, method)(path, body, content_type="application/json")
        assert response.status_code == status.HTTP_400_BAD_REQUEST
        assert response.json() == {
            "code": "rest_invalid_json",
            "message": "Invalid JSON body passed.",
            "data": {"status": 400, "json_error_code": code, "json_error_message": message},
        }
        assert "Allow" in response
    assert Customer.objects.count() == 1


def test_json_nested_512_levels_is_accepted(api):
    body = '{"email": "deep@woo.local", "x": ' + "[" * 511 + "]" * 511 + "}"
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == status.HTTP_201_CREATED


def test_an_empty_or_zero_body_is_no_json(api, customer):
    for body in ("", "0"):
        response = api.put(f"{URL}/{customer.pk}", body, content_type="application/json")
        assert response.status_code == status.HTTP_200_OK


def test_json_body_that_is_not_an_object_is_ignored(api):
    response = api.post(URL, "[1, 2]", content_type="application/json")
    assert response.json()["code"] == "rest_missing_callback_param"


def test_form_encoded_bodies_work_like_json(api):
    response = api.post(
        URL,
        "email=form%40woo.local&first_name=Form&billing%5Bcity%5D=Paris",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == status.HTTP_201_CREATED
    assert (response.json()["first_name"], response.json()["billing"]["city"]) == ("Form", "Paris")


def test_json_body_wins_over_query_string(api):
    response = api.post(f"{URL}?first_name=Query", {"email": "a@woo.local", "first_name": "Body"}, format="json")
    assert response.json()["first_name"] == "Body"


def test_method_override(api, customer):
    response = api.post(f"{URL}/{customer.pk}?_method=DELETE&force=true")
    assert response.status_code == status.HTTP_200_OK
    assert not Customer.objects.exists()


def test_head_has_headers_and_no_body(api, customer):
    response = api.head(URL)
    assert response.status_code == status.HTTP_200_OK
    assert response["X-WP-Total"] == "1"
    assert response.content == b""


def test_options_describes_the_route(api, anon):
    response = anon.options(URL)
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert list(body) == ["namespace", "methods", "endpoints", "schema", "_links"]
    assert body["methods"] == ["GET", "POST"]
    assert len(body["schema"]["properties"]) == 14
    assert api.options("/wp-json/wc/v1/nothing").json() == []


def test_an_unexpected_error_is_still_json(api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "customer_page", broken)
    api.raise_request_exception = False
    response = api.get(URL)
    assert response.status_code == status.HTTP_500_INTERNAL_SERVER_ERROR
    assert response.json() == {
        "code": "rest_internal_error",
        "message": "Internal server error.",
        "data": {"status": 500},
    }


def test_unknown_route_with_control_characters_is_json(api):
    response = api.get(f"{URL}/a%0A%40")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == NO_ROUTE


def test_root_index_lists_namespaces_and_routes(anon):
    body = anon.get("/wp-json/").json()
    # WooCommerce's namespaces, and this project's own (its export routes for moving stores).
    assert body["namespaces"] == ["wc/v1", "wc/v2", "wc/v3", "wcompat/v1"]
    for namespace in NAMESPACES:
        assert {"/", f"/{namespace}", f"/{namespace}/customers", f"/{namespace}/customers/batch"} <= set(body["routes"])
    assert body["url"] == "https://testserver"


def test_a_namespace_index_answers_in_any_letter_case_and_an_unknown_namespace_is_no_route(anon):
    assert anon.get("/wp-json/WC/V3").json()["namespace"] == "wc/v3"
    assert "/wc/v3/system_status/tools" in anon.get("/wp-json/wc/v3/").json()["routes"]
    for unknown in ("/wp-json/wc/v9", "/wp-json/nope/v1", "/wp-json/wc/v3x"):
        response = anon.get(unknown)
        assert response.status_code == 404, unknown
        assert response.json() == NO_ROUTE
        assert anon.options(unknown).json() == []  # as any path no route matches


def test_options_on_a_namespace_describes_its_route_as_wordpress_does(anon):
    assert anon.options("/wp-json/wc/v3").json() == {
        "namespace": "wc/v3",
        "methods": ["GET"],
        "endpoints": [
            {
                "methods": ["GET"],
                "args": {
                    "namespace": {"default": "wc/v3", "required": False},
                    "context": {"default": "view", "required": False},
                },
            }
        ],
        "_links": {"self": [{"href": "https://testserver/wp-json/wc/v3"}]},
    }
    assert anon.options("/wp-json/wc/v3").json() == anon.get("/wp-json/wc/v3").json()["routes"]["/wc/v3"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("_fields=id,email", {"id", "email"}),
        ("_fields=id+billing.city", {"id", "billing"}),
        ("_fields[]=id&_fields[]=_links", {"id", "_links"}),
    ],
)
def test_fields_filters_collections(api, customer, fields, expected):
    item = api.get(f"{URL}?{fields}").json()[0]
    assert set(item) == expected
    if "billing" in item:
        assert item["billing"] == {"city": "San Francisco"}


def test_fields_on_a_single_object_keeps_links(api, customer):
    assert set(api.get(f"{URL}/{customer.pk}", {"_fields": "email"}).json()) == {"email", "_links"}


def test_fields_leaves_errors_alone(api):
    assert api.get(f"{URL}/999", {"_fields": "id"}).json()["code"] == "wc_user_invalid_id"


def test_envelope_moves_status_and_headers_into_the_body(api, customer):
    response = api.get(f"{URL}?_envelope&per_page=1")
    assert response.status_code == status.HTTP_200_OK
    assert "X-WP-Total" not in response
    body = response.json()
    assert body["status"] == 200
    assert body["headers"] == {"X-WP-Total": 1, "X-WP-TotalPages": 1, "Allow": "GET, POST"}
    assert body["body"][0]["id"] == customer.pk
    missing = api.get(f"{URL}/999?_envelope=1")
    assert missing.status_code == status.HTTP_200_OK
    assert missing.json()["status"] == 404


def test_method_override_header(api, customer):
    response = api.post(
        f"{URL}/{customer.pk}", {"first_name": "Over"}, format="json", HTTP_X_HTTP_METHOD_OVERRIDE="PUT"
    )
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["first_name"] == "Over"
    get_as_delete = api.get(f"{URL}/{customer.pk}", HTTP_X_HTTP_METHOD_OVERRIDE="DELETE")
    assert get_as_delete.status_code == status.HTTP_501_NOT_IMPLEMENTED


def test_a_body_over_the_upload_limit_is_413_json(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(URL, {"email": "big@woo.local", "first_name": "x" * 2000}, format="json")
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert response.json()["code"] == "rest_request_too_large"
