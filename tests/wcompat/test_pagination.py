import pytest
from rest_framework.test import APIRequestFactory

from wcompat.pagination import Page, page_url, pagination_headers

ROUTE = "/wc/v1/customers"


def get(query: str, secure: bool = False):
    return APIRequestFactory().get(f"/wp-json{ROUTE}?{query}", HTTP_HOST="testserver", secure=secure)


def test_page_url_reencodes_like_two_add_query_arg_passes():
    # The request of capture 38: the signature's "/" is re-encoded and its trailing "=" dropped.
    query = (
        "per_page=1&oauth_consumer_key=ck_x&oauth_signature_method=HMAC-SHA256"
        "&oauth_signature=ixFJXO5YP%2F0gFWb1JZz3u1tpq0r62Kgqd8etQeJh61s%3D"
    )
    assert page_url(get(query), ROUTE, 2) == (
        "http://testserver/wp-json/wc/v1/customers?per_page=1&oauth_consumer_key=ck_x"
        "&oauth_signature_method=HMAC-SHA256&oauth_signature=ixFJXO5YP%2F0gFWb1JZz3u1tpq0r62Kgqd8etQeJh61s&page=2"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("page=3&per_page=1", "page=2&per_page=1"),  # page replaced in place
        ("search=&per_page=1", "search&per_page=1&page=2"),  # an empty value loses its "="
        ("email=a@b.co&per_page=1", "email=a%40b.co&per_page=1&page=2"),
        ("include[]=1&include[]=2", "include%5B0%5D=1&include%5B1%5D=2&page=2"),
        ("search=a+b~", "search=a+b%7E&page=2"),
    ],
)
def test_page_url_keeps_every_parameter(query, expected):
    assert page_url(get(query), ROUTE, 2) == f"http://testserver/wp-json{ROUTE}?{expected}"


def test_page_url_is_a_valid_header_value_whatever_the_parameter_names():
    request = APIRequestFactory().get(
        "/wp-json/wc/v1/customers", {'a\nb é<"': "x", "per_page": "1"}, HTTP_HOST="testserver"
    )
    assert page_url(request, ROUTE, 2) == (
        "http://testserver/wp-json/wc/v1/customers?a%0Ab_%C3%A9%3C%22=x&per_page=1&page=2"
    )


def test_page_url_writes_each_value_as_its_type_says_even_when_values_are_equal():
    # Rebuilt URLs are remembered per query: 1, 1.0 and True are equal (and hash alike) but are written apart.
    request = get("")
    written = [page_url(request, ROUTE, 2, {"x": value}) for value in (1, True, 1.0, 0, False, "1")]
    queries = [url.split("?", 1)[1] for url in written]
    assert queries == ["x=1&page=2", "x=1&page=2", "x=1.0&page=2", "x=0&page=2", "x&page=2", "x=1&page=2"]
    assert page_url(request, ROUTE, 3, {"x": [1, 2]}).endswith("?x%5B0%5D=1&x%5B1%5D=2&page=3")  # arrays too


def link(page: int, query: str = "per_page=1") -> str:
    return f"<https://testserver/wp-json{ROUTE}?{query}&page={page}>"


@pytest.mark.parametrize(
    ("offset", "total", "expected_link"),
    [
        (0, 3, f'{link(2)}; rel="next"'),
        (1, 3, f'{link(1)}; rel="prev", {link(3)}; rel="next"'),
        (2, 3, f'{link(2)}; rel="prev"'),
        (98, 3, f'{link(3)}; rel="prev"'),  # past the end: prev is capped at the last page
        (0, 1, None),
        (0, 0, None),
    ],
)
def test_pagination_headers(offset, total, expected_link):
    headers = pagination_headers(get("per_page=1", secure=True), ROUTE, Page([], total, 1, offset))
    assert headers["X-WP-Total"] == str(total)
    assert headers["X-WP-TotalPages"] == str(total)
    assert headers.get("Link") == expected_link


def test_current_page_follows_offset():
    assert Page([], 30, 10, 5).number == 2
