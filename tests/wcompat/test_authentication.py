"""WooCommerce key authentication and key scope, as a client sees them on the customers routes."""

import base64
import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from rest_framework import status
from rest_framework.test import APIClient

from tests.conftest import basic_auth, client_for
from tests.factories import CustomerFactory, UserFactory, make_api_key
from tests.oauth_client import client_signature
from wcompat.models import ApiKey, OAuthNonce, hash_consumer_key

pytestmark = pytest.mark.django_db

URL = "/wp-json/wc/v1/customers"


def error(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


AUTH_ERROR = "woocommerce_rest_authentication_error"


def test_a_consumer_key_is_stored_as_woocommerce_s_wc_api_hash():
    # hash_hmac('sha256', $consumer_key, 'wc-api'), as WooCommerce stores it: a store's keys table imports as is.
    assert hash_consumer_key("ck_4c5f0b8b5b4f4c3f9c1a2b3c4d5e6f708192a3b4") == (
        "079d1845370815e2e1d0af19406ee8a50d5fef0a0ff90eea01637b9a9cb3e1cc"
    )
    for key in ("", "ck_", "ck_" + "f" * 200, "clé ✓", "\x00"):
        assert hash_consumer_key(key) == hmac.new(b"wc-api", key.encode(), hashlib.sha256).hexdigest()


def test_wrong_secret_is_401_on_every_woocommerce_route(admin_key):
    client = APIClient(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
    credentials = base64.b64encode(f"{admin_key.plain_key}:cs_wrong".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    for path in (URL, "/wp-json/wc/v1/nothing-here"):
        assert error(client.get(path)) == (401, AUTH_ERROR, "Consumer secret is invalid.")


def test_unknown_key_is_anonymous(admin_key):
    client = APIClient(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"ck_unknown:cs_x").decode())
    response = client.get(URL)
    assert error(response) == (401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    assert response["Vary"] == "Origin"
    assert "Cache-Control" not in response


def test_basic_auth_needs_https_unless_allowed(admin_key, settings):
    client = APIClient(HTTP_HOST="testserver")
    client.credentials(HTTP_AUTHORIZATION=basic_auth(admin_key))
    assert client.get(URL).status_code == status.HTTP_401_UNAUTHORIZED
    settings.WCOMPAT_ALLOW_INSECURE_KEY_AUTH = True
    assert client.get(URL).status_code == status.HTTP_200_OK


def test_query_string_keys_over_https(admin_key):
    client = APIClient(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
    query = urlencode({"consumer_key": admin_key.plain_key, "consumer_secret": admin_key.consumer_secret})
    response = client.get(f"{URL}?{query}")
    assert response.status_code == status.HTTP_200_OK
    assert response["Cache-Control"] == "no-cache, must-revalidate, max-age=0, no-store, private"
    assert response["Expires"] == "Wed, 11 Jan 1984 05:00:00 GMT"
    assert "Vary" not in response


def test_read_key_cannot_write_even_on_unknown_routes(db):
    client = client_for(make_api_key(ApiKey.Permissions.READ))
    expected = (401, AUTH_ERROR, "The API key provided does not have write permissions.")
    assert error(client.post(URL, {"email": "a@woo.local"}, format="json")) == expected
    assert error(client.post("/wp-json/wc/v1/typo", {}, format="json")) == expected
    response = client.get(URL)
    assert response.status_code == status.HTTP_200_OK
    assert response["Allow"] == "GET, POST"  # the user's capabilities, not the key's scope
    assert client.options(URL).status_code == status.HTTP_200_OK


def test_write_key_cannot_read(db):
    client = client_for(make_api_key(ApiKey.Permissions.WRITE))
    assert error(client.get(URL)) == (401, AUTH_ERROR, "The API key provided does not have read permissions.")
    assert client.post(URL, {"email": "a@woo.local"}, format="json").status_code == status.HTTP_201_CREATED


def test_method_override_is_what_the_key_scope_sees(db):
    client = client_for(make_api_key(ApiKey.Permissions.READ))
    response = client.get(f"{URL}/1?_method=DELETE")
    assert error(response)[2] == "The API key provided does not have write permissions."


@pytest.mark.parametrize(
    ("codenames", "method", "code"),
    [
        ([], "get", "woocommerce_rest_cannot_view"),
        (["view_customer"], "post", "woocommerce_rest_cannot_create"),
    ],
)
def test_authenticated_user_without_capability_gets_403(codenames, method, code):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    response = getattr(client_for(make_api_key(user=user)), method)(URL, {"email": "a@woo.local"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, code)
    assert "Allow" not in response or "POST" not in response["Allow"]


class CountingBackend(ModelBackend):
    asked: list[str] = []

    def has_perm(self, user_obj, perm, obj=None):
        self.asked.append(perm)
        return super().has_perm(user_obj, perm, obj)


def test_a_key_owner_s_capabilities_are_asked_once_while_the_key_is_cached_and_again_when_they_change(settings):
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_customer", "change_customer"]))
    client, customer = client_for(make_api_key(user=user)), CustomerFactory()
    CountingBackend.asked.clear()
    for _ in range(2):
        response = client.get(f"{URL}/{customer.pk}")
        assert (response.status_code, response["Allow"]) == (200, "GET, POST, PUT, PATCH")
    # The read's own check, then update's and destroy's for the Allow header: each once, for both requests.
    assert sorted(CountingBackend.asked) == [
        "customers.change_customer",
        "customers.delete_customer",
        "customers.view_customer",
    ]
    user.user_permissions.remove(*Permission.objects.filter(codename="view_customer"))  # clears the key cache
    assert client.get(f"{URL}/{customer.pk}").status_code == 403


def test_last_access_is_recorded(admin_key, api):
    assert admin_key.last_access is None
    api.get(URL)
    admin_key.refresh_from_db()
    assert admin_key.last_access is not None


def oauth_get(client: APIClient, key: ApiKey, params: dict, *, method="HMAC-SHA256", secret=None, **overrides):
    signed = {
        **params,
        "oauth_consumer_key": key.plain_key,
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": overrides.pop("nonce", "nonce-1"),
        "oauth_signature_method": method,
        **overrides,
    }
    algorithm = method if method in ("HMAC-SHA1", "HMAC-SHA256") else "HMAC-SHA1"
    signed["oauth_signature"] = client_signature(
        "GET", f"http://testserver{URL}", signed, secret or key.consumer_secret, algorithm
    )
    return client.get(f"{URL}?{urlencode(signed)}")


@pytest.mark.parametrize("method", ["HMAC-SHA1", "HMAC-SHA256"])
def test_oauth_over_plain_http(admin_key, method):
    client = APIClient(HTTP_HOST="testserver")
    response = oauth_get(client, admin_key, {"per_page": "1", "search": "a b"}, method=method)
    assert response.status_code == status.HTTP_200_OK
    assert OAuthNonce.objects.filter(api_key=admin_key, nonce="nonce-1").exists()


def test_oauth_nonce_cannot_be_replayed(admin_key):
    client = APIClient(HTTP_HOST="testserver")
    assert oauth_get(client, admin_key, {}).status_code == status.HTTP_200_OK
    replay = oauth_get(client, admin_key, {})
    assert error(replay) == (401, AUTH_ERROR, "Invalid nonce - nonce has already been used.")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": "cs_wrong"}, "Invalid signature - provided signature does not match."),
        ({"method": "PLAINTEXT"}, "Invalid signature - signature method is invalid."),
        ({"oauth_timestamp": "1000"}, "Invalid timestamp."),
    ],
)
def test_oauth_failures(admin_key, kwargs, message):
    response = oauth_get(APIClient(HTTP_HOST="testserver"), admin_key, {}, **kwargs)
    assert error(response) == (401, AUTH_ERROR, message)


def test_oauth_missing_parameters_and_unknown_key(admin_key):
    client = APIClient(HTTP_HOST="testserver")
    response = client.get(f"{URL}?oauth_consumer_key=ck_x&oauth_timestamp=1")
    assert error(response) == (
        401,
        "woocommerce_rest_authentication_missing_parameter",
        "Missing OAuth parameters oauth_nonce, oauth_signature, oauth_signature_method",
    )
    response = client.get(
        f"{URL}?oauth_consumer_key=ck_x&oauth_timestamp=1&oauth_nonce=n&oauth_signature=s"
        "&oauth_signature_method=HMAC-SHA1"
    )
    assert error(response) == (401, AUTH_ERROR, "Consumer key is invalid.")


def test_oauth_in_the_authorization_header_with_a_signed_form_body(admin_key):
    body = {"email": "form@woo.local", "first_name": "Form"}
    oauth_params = {
        "oauth_consumer_key": admin_key.plain_key,
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": "header-nonce",
        "oauth_signature_method": "HMAC-SHA1",
    }
    oauth_params["oauth_signature"] = client_signature(
        "POST", f"http://testserver{URL}", {**body, **oauth_params}, admin_key.consumer_secret, "HMAC-SHA1"
    )
    header = "OAuth " + ", ".join(f'{key}="{quote(value, safe="~")}"' for key, value in oauth_params.items())
    client = APIClient(HTTP_HOST="testserver")
    response = client.post(
        URL, urlencode(body), content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == status.HTTP_201_CREATED, response.content
    assert response.json()["first_name"] == "Form"


def test_expired_nonces_are_pruned(admin_key):
    OAuthNonce.objects.create(api_key=admin_key, nonce="ancient", timestamp=int(time.time()) - 3600)
    assert oauth_get(APIClient(HTTP_HOST="testserver"), admin_key, {}).status_code == status.HTTP_200_OK
    assert list(OAuthNonce.objects.values_list("nonce", flat=True)) == ["nonce-1"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("oauth_consumer_key", "Consumer key is invalid."),
        ("oauth_signature_method", "Invalid signature - signature method is invalid."),
        ("oauth_signature", "Invalid signature - provided signature does not match."),
        ("oauth_timestamp", "Invalid signature - provided signature does not match."),
        ("oauth_nonce", "Invalid signature - provided signature does not match."),
    ],
)
def test_oauth_parameter_sent_as_an_array_is_401(admin_key, name, message):
    params = {
        "oauth_consumer_key": admin_key.plain_key,
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": "array-nonce",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_signature": "c2lnbmF0dXJl",
    }
    value = params.pop(name)
    query = urlencode(params) + f"&{name}%5B%5D={value}"
    response = APIClient(HTTP_HOST="testserver").get(f"{URL}?{query}")
    assert error(response) == (401, AUTH_ERROR, message)
    assert not OAuthNonce.objects.exists()
