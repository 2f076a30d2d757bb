"""wcompat.parsers on its own: which body WordPress reads, and how, through DRF's Request."""

import pytest
from rest_framework.request import Empty, Request
from rest_framework.test import APIRequestFactory

from wcompat.exceptions import WcAPIException
from wcompat.parsers import WP_PARSERS, WpNegotiation, body_params, form_params, request_params

factory = APIRequestFactory()


def drf_request(method: str, body: bytes = b"", content_type: str | None = None, path: str = "/x") -> Request:
    django_request = factory.generic(method, path, data=body, content_type=content_type or "")
    if content_type is None:
        django_request.META.pop("CONTENT_TYPE", None)
    return Request(django_request, parsers=[parser() for parser in WP_PARSERS], negotiator=WpNegotiation())


@pytest.mark.parametrize(
    ("method", "content_type", "body", "params"),
    [
        # JSON whatever the method, a +json type included; an array or a scalar has no keys.
        ("POST", "application/json", b'{"a": 1, "b": null}', {"a": 1, "b": None}),
        ("GET", "application/json; charset=utf-8", b'{"a": 1}', {"a": 1}),
        ("PUT", "application/vnd.api+json", b'{"a": [1]}', {"a": [1]}),
        ("POST", "application/json", b"[1, 2]", {}),
        ("POST", "application/json", b"0", {}),  # PHP's empty(): no JSON at all
        # A form as PHP's $_POST, except on GET; no type at all is a form.
        ("POST", "application/x-www-form-urlencoded", b"a=1&a=2&b[c]=3", {"a": "2", "b": {"c": "3"}}),
        ("PATCH", None, b"billing[city]=Paris", {"billing": {"city": "Paris"}}),
        ("GET", "application/x-www-form-urlencoded", b"a=1", {}),
        # Any other body is ignored: never a 415.
        ("POST", "text/plain", b"a=1", {}),
        ("POST", "application/xml", b"<a>1</a>", {}),
    ],
)
def test_the_body_wordpress_reads(method, content_type, body, params):
    assert body_params(drf_request(method, body, content_type)) == params


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", None])
@pytest.mark.parametrize("length", [None, "0", "not a number"])
def test_no_body_has_no_parameters_and_reads_nothing(content_type, length):
    request = drf_request("POST", b"", content_type)
    request._request.META.pop("CONTENT_LENGTH", None)
    if length is not None:
        request._request.META["CONTENT_LENGTH"] = length
    assert body_params(request) == {}
    assert request_params(request, {"id": 5}) == {"id": 5}
    # DRF's parsing is left alone: nothing was read from the stream.
    assert not request._request._read_started
    assert request._full_data is Empty


def test_a_declared_length_reads_the_body():
    request = drf_request("POST", b'{"a": 1}', "application/json")
    assert request._request.META["CONTENT_LENGTH"] == "8"
    assert body_params(request) == {"a": 1}


def test_a_multipart_form_is_php_s_post():
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="a[]"\r\n\r\n1\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="a[]"\r\n\r\n2\r\n--XX--\r\n'
    )
    request = drf_request("POST", body, "multipart/form-data; boundary=XX")
    assert body_params(request) == {"a": ["1", "2"]}
    # A multipart body PHP cannot parse (no boundary) has no fields.
    assert body_params(drf_request("POST", body, "multipart/form-data")) == {}


def test_only_a_form_body_is_read_for_oauth():
    # A broken JSON body is not read for OAuth's parameters; it fails where WordPress reads it.
    broken = drf_request("POST", b"{", "application/json")
    assert form_params(broken) == {}
    with pytest.raises(WcAPIException) as raised:
        body_params(broken)
    assert (raised.value.code, raised.value.status_code) == ("rest_invalid_json", 400)
    assert form_params(drf_request("POST", b"oauth_nonce=n", None)) == {"oauth_nonce": "n"}


def test_the_body_is_read_within_the_size_limit_whichever_parser_reads_it(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    for content_type in ("application/json", "application/x-www-form-urlencoded", "text/plain"):
        with pytest.raises(WcAPIException) as raised:
            body_params(drf_request("POST", b'{"a": "0123456789"}', content_type))
        assert raised.value.status_code == 413, content_type


def test_parameters_merge_with_wordpress_s_precedence():
    request = drf_request("POST", b'{"a": "body", "c": null}', "application/json", path="/x?a=query&b=query&c=1")
    assert request_params(request, {"a": "path", "id": 5}) == {"a": "body", "b": "query", "id": 5}
