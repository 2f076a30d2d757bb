"""The signature base string against the worked examples of the official clients (secret cs_test)."""

import pytest

from wcompat import oauth
from wcompat.params import php_parse_qs

BASE = "http://127.0.0.1:8000/wp-json/wc/v1/customers"
PYTHON_CLIENT = (
    "per_page=2&search=a+b&oauth_consumer_key=ck_test&oauth_timestamp=1700000000"
    "&oauth_nonce=6e3d5a2b1c0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d&oauth_signature_method=HMAC-SHA256"
    "&oauth_signature=RHAD63SxOqxTE%2Fun%2BNfPAOY3ubvTX6tMStjQWrUekEo%3D&per_page=2&search=a+b"
)
JS_CLIENT = (
    "include[0]=5&include[1]=7&per_page=2&search=a%20b%2Fc&oauth_consumer_key=ck_test"
    "&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA256"
    "&oauth_timestamp=1700000000&oauth_version=1.0&include%5B0%5D=5&include%5B1%5D=7&per_page=2&search=a+b%2Fc"
    "&oauth_signature=KTHCyDQScpeE07ZNeO1gJ5Iaq9LKDqrs9TDziiCLiPE%3D"
)
HEADER = (
    'OAuth oauth_consumer_key="ck_test", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", '
    'oauth_signature="nBLZQK%2BEz8hOw0aPKWuCLuwQZLd9t1IGXvDyhXY89CE%3D", oauth_signature_method="HMAC-SHA256", '
    'oauth_timestamp="1700000000", oauth_version="1.0"'
)


@pytest.mark.parametrize(
    ("params", "base_string"),
    [
        (
            php_parse_qs(PYTHON_CLIENT),
            "GET&http%3A%2F%2F127.0.0.1%3A8000%2Fwp-json%2Fwc%2Fv1%2Fcustomers&oauth_consumer_key%3Dck_test"
            "%26oauth_nonce%3D6e3d5a2b1c0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d%26oauth_signature_method%3DHMAC-SHA256"
            "%26oauth_timestamp%3D1700000000%26per_page%3D2%26search%3Da%2520b",
        ),
        (
            php_parse_qs(JS_CLIENT),
            "GET&http%3A%2F%2F127.0.0.1%3A8000%2Fwp-json%2Fwc%2Fv1%2Fcustomers&include%255B0%255D%3D5"
            "%26include%255B1%255D%3D7%26oauth_consumer_key%3Dck_test%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm"
            "ZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0"
            "%26per_page%3D2%26search%3Da%2520b%252Fc",
        ),
        (
            {"per_page": "2", **oauth.parse_authorization_header(HEADER)},
            "GET&http%3A%2F%2F127.0.0.1%3A8000%2Fwp-json%2Fwc%2Fv1%2Fcustomers&oauth_consumer_key%3Dck_test"
            "%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA256"
            "%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26per_page%3D2",
        ),
    ],
    ids=["python-client", "js-client", "authorization-header"],
)
def test_base_string_and_signature_match_the_clients(params, base_string):
    built = oauth.signature_base_string("get", BASE, params)
    assert built == base_string
    assert oauth.signature_matches(params["oauth_signature"], built, "cs_test", "HMAC-SHA256")
    assert not oauth.signature_matches(params["oauth_signature"], built, "cs_other", "HMAC-SHA256")


@pytest.mark.parametrize(
    ("params", "pairs"),
    [
        ({"b": "2", "a": "1"}, "a%3D1%26b%3D2"),  # sorted by key
        ({"B": "1", "a": "2"}, "B%3D1%26a%3D2"),  # byte order: upper case first
        ({"q": "x~y"}, "q%3Dx~y"),  # ~ is never encoded
        ({"q": ""}, "q%3D"),  # an empty value is still signed
        ({"q": "é"}, "q%3D%25C3%25A9"),  # UTF-8 bytes, encoded twice
        ({"q": "a b+c"}, "q%3Da%2520b%252Bc"),
        ({"a": {"x": "1"}}, "a%255Bx%255D%3D1"),
    ],
)
def test_base_string_parameters(params, pairs):
    assert oauth.signature_base_string("POST", "http://h/p", params) == f"POST&http%3A%2F%2Fh%2Fp&{pairs}"


def test_signature_with_space_for_plus_is_repaired():
    base = oauth.signature_base_string("GET", "http://h/p", {"a": "1"})
    signature = oauth.sign(base, "cs", "HMAC-SHA1")
    assert oauth.signature_matches(signature.replace("+", " "), base, "cs", "HMAC-SHA1")


def test_authorization_header_parsing_ignores_realm_and_other_schemes():
    assert oauth.parse_authorization_header('OAuth realm="x", oauth_nonce="a%20b"') == {"oauth_nonce": "a b"}
    assert oauth.parse_authorization_header("Basic abc") == {}
