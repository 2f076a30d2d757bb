"""GET /customers: filters, ordering, paging and computed fields through the real endpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import status

from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(api_version) -> str:
    """The list in each version: filters, paging and ordering are the same in all three."""
    return f"/wp-json/{api_version.namespace}/customers"


def ids(response) -> list[int]:
    assert response.status_code == status.HTTP_200_OK, response.content
    return [item["id"] for item in response.json()]


@pytest.fixture
def people():
    now = timezone.now()
    return {
        "carol": CustomerFactory(
            username="carol",
            email="carol@shop.example",
            display_name="Carol",
            first_name="Zed",
            date_created=now - timedelta(days=1),
        ),
        "alice": CustomerFactory(
            username="alice", email="alice@shop.example", display_name="Alice", date_created=now - timedelta(days=3)
        ),
        "bob": CustomerFactory(
            username="bob123", email="bob@other.example", display_name="Bob", date_created=now - timedelta(days=2)
        ),
        "admin": CustomerFactory(username="admin", email="admin@shop.example", display_name="Admin", admin=True),
    }


def test_default_lists_customers_by_name_hiding_other_roles(api, people, url):
    response = api.get(url)
    assert ids(response) == [people["alice"].pk, people["bob"].pk, people["carol"].pk]
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("3", "1")
    assert response["Link"] == '<https://testserver/wp-json/>; rel="https://api.w.org/"'


def test_role_all_includes_administrators(api, people, url):
    assert len(ids(api.get(url, {"role": "all"}))) == 4
    assert ids(api.get(url, {"role": "administrator"})) == [people["admin"].pk]


@pytest.mark.parametrize(
    ("params", "order"),
    [
        ({"orderby": "id"}, ["carol", "alice", "bob"]),
        ({"orderby": "id", "order": "desc"}, ["bob", "alice", "carol"]),
        ({"orderby": "registered_date"}, ["alice", "bob", "carol"]),
        ({"orderby": "name", "order": "desc"}, ["carol", "bob", "alice"]),
        ({"orderby": "include"}, ["alice", "bob", "carol"]),  # without include: by login
    ],
)
def test_orderby(api, people, params, order, url):
    assert ids(api.get(url, params)) == [people[name].pk for name in order]


def test_orderby_include_follows_the_given_order(api, people, url):
    wanted = [people["carol"].pk, people["alice"].pk]
    assert ids(api.get(url, {"orderby": "include", "include": ",".join(map(str, wanted))})) == wanted


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("ali", ["alice"]),
        ("ALICE", ["alice"]),
        ("shop.example", ["alice", "carol"]),
        ("@other", ["bob"]),  # an @ searches emails only
        ("123", ["bob"]),  # digits search logins and the exact id
        ("Zed", []),  # first and last names are not searched
        ("%", []),  # LIKE wildcards are literal
        ("", ["alice", "bob", "carol"]),
    ],
)
def test_search(api, people, search, names, url):
    assert ids(api.get(url, {"search": search})) == [people[name].pk for name in names]


def test_search_numeric_matches_id(api, people, url):
    found = ids(api.get(url, {"search": str(people["carol"].pk), "role": "all"}))
    assert people["carol"].pk in found


def test_email_filter_is_exact_case_insensitive_and_replaces_search(api, people, url):
    assert ids(api.get(url, {"email": "ALICE@shop.example", "search": "bob"})) == [people["alice"].pk]
    assert ids(api.get(url, {"email": "alice@shop.exampl"})) == []


@pytest.mark.parametrize(
    "query",
    ["include=ID1,ID2", "include[]=ID1&include[]=ID2", "include[0]=ID1&include[1]=ID2", "include=ID1 ID2"],
)
def test_include_accepts_every_list_form(api, people, query, url):
    query = query.replace("ID1", str(people["alice"].pk)).replace("ID2", str(people["bob"].pk))
    assert ids(api.get(f"{url}?{query}")) == [people["alice"].pk, people["bob"].pk]


def test_include_disables_exclude_and_garbage_matches_nothing(api, people, url):
    alice = people["alice"].pk
    assert ids(api.get(url, {"include": alice, "exclude": alice})) == [alice]
    assert ids(api.get(url, {"exclude": alice})) == [people["bob"].pk, people["carol"].pk]
    assert ids(api.get(url, {"include": "abc"})) == []
    assert ids(api.get(url, {"include": "99999999999999999999999"})) == []


def test_pages_and_links(api, people, url):
    response = api.get(url, {"per_page": 1, "page": 2})
    assert ids(response) == [people["bob"].pk]
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("3", "3")
    base = f"https://testserver{url}?per_page=1"
    assert response["Link"] == f'<{base}&page=1>; rel="prev", <{base}&page=3>; rel="next"'


def test_page_past_the_end_is_empty_with_headers(api, people, url):
    response = api.get(url, {"per_page": 1, "page": 99})
    assert response.json() == []
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("3", "3")
    assert response["Link"] == f'<https://testserver{url}?per_page=1&page=3>; rel="prev"'
    assert api.get(url, {"page": 10**30}).json() == []


def test_offset_wins_over_page(api, people, url):
    assert ids(api.get(url, {"offset": 1, "per_page": 1, "page": 3})) == [people["bob"].pk]
    assert ids(api.get(url, {"offset": -1, "per_page": 1})) == [people["bob"].pk]  # absint


@pytest.mark.parametrize(
    ("params", "name", "reason"),
    [
        ({"per_page": 0}, "per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)"),
        ({"per_page": -1}, "per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)"),
        ({"page": 0}, "page", "page must be greater than or equal to 1"),
        ({"page": "x"}, "page", "page is not of type integer."),
        ({"offset": "1.5"}, "offset", "offset is not of type integer."),
        ({"order": "DESC"}, "order", "order is not one of asc and desc."),
        ({"orderby": "foo"}, "orderby", "orderby is not one of id, include, name, and registered_date."),
        ({"context": "embed"}, "context", "context is not one of view and edit."),
        ({"email": "nope"}, "email", "Invalid email address."),
        (
            {"role": "king"},
            "role",
            "role is not one of all, administrator, editor, author, contributor, subscriber, customer, and "
            "shop_manager.",
        ),
    ],
)
def test_invalid_parameters(anon, params, name, reason, url):
    # Validation comes before authentication: an anonymous caller sees the 400.
    response = anon.get(url, params)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    body = response.json()
    assert body["code"] == "rest_invalid_param"
    assert body["message"] == f"Invalid parameter(s): {name}"
    assert body["data"]["params"] == {name: reason}
    assert body["data"]["details"][name]["message"] == reason


def test_context_edit_is_the_same_as_view(api, people, url):
    assert api.get(url, {"context": "edit"}).json() == api.get(url).json()


def test_repeated_parameters_last_one_wins(api, people, url):
    assert ids(api.get(f"{url}?per_page=100&per_page=1")) == [people["alice"].pk]


def test_order_statistics_in_the_list(api, people):
    OrderFactory(customer=people["alice"], status="completed", total="12.00")
    OrderFactory(customer=people["alice"], status="failed", total="3.00")
    first = api.get("/wp-json/wc/v1/customers").json()[0]
    assert (first["orders_count"], first["total_spent"]) == (2, "12.00")
