"""Create, retrieve, update and delete through the HTTP API (WooCommerce's own tests, §8, as v1)."""

import hashlib

import pytest
from django.contrib.auth.hashers import check_password
from rest_framework import status

from customers.choices import CustomerRole
from customers.models import Address, Customer
from tests.conftest import ADDRESS
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

URL = "/wp-json/wc/v1/customers"


@pytest.fixture
def url(api_version) -> str:
    """The customers route in each version: what these tests check is the same in all three."""
    return f"/wp-json/{api_version.namespace}/customers"


EMPTY_BILLING = dict.fromkeys(
    (
        "first_name",
        "last_name",
        "company",
        "address_1",
        "address_2",
        "city",
        "state",
        "postcode",
        "country",
        "email",
        "phone",
    ),
    "",
)
EMPTY_SHIPPING = dict.fromkeys(list(EMPTY_BILLING)[:9], "")
HELPER_ADDRESS = {**EMPTY_BILLING, **ADDRESS}


def links(pk: int) -> dict:
    return {
        "self": [{"href": f"https://testserver{URL}/{pk}"}],
        "collection": [{"href": f"https://testserver{URL}"}],
    }


def test_create_basic_customer_returns_201_location_and_exact_body(api):
    response = api.post(
        URL,
        {"username": "create_customer_test", "password": "test123", "email": "create_customer_test@woo.local"},
        format="json",
    )
    assert response.status_code == status.HTTP_201_CREATED
    customer = Customer.objects.get(username="create_customer_test")
    assert response["Location"] == f"https://testserver{URL}/{customer.pk}"
    body = response.json()
    created = customer.date_created.strftime("%Y-%m-%dT%H:%M:%S")
    email_hash = hashlib.md5(b"create_customer_test@woo.local", usedforsecurity=False).hexdigest()
    assert body == {
        "id": customer.pk,
        "date_created": created,
        "date_modified": customer.date_modified.strftime("%Y-%m-%dT%H:%M:%S"),
        "email": "create_customer_test@woo.local",
        "first_name": "",
        "last_name": "",
        "username": "create_customer_test",
        "last_order": {"id": None, "date": None},
        "orders_count": 0,
        "total_spent": "0.00",
        "avatar_url": f"https://secure.gravatar.com/avatar/{email_hash}?s=96&d=mm&r=g",
        "billing": EMPTY_BILLING,
        "shipping": EMPTY_SHIPPING,
        "_links": links(customer.pk),
    }
    assert "password" not in body
    assert check_password("test123", customer.password)
    assert customer.role == CustomerRole.CUSTOMER


def test_create_with_names_and_partial_addresses(url, api, api_version):
    response = api.post(
        url,
        {
            "email": "t@woo.local",
            "first_name": "Test",
            "last_name": "McTestFace",
            "billing": {"country": "US", "state": "WA"},
            "shipping": {"state": "CA", "country": "US"},
        },
        format="json",
    )
    assert response.status_code == status.HTTP_201_CREATED
    body = response.json()
    assert (body["first_name"], body["last_name"]) == ("Test", "McTestFace")
    # Each version's address keys, as its declaration lists them (v2 and v3 shipping has a phone).
    assert body["billing"] == {**dict.fromkeys(api_version.billing_keys, ""), "country": "US", "state": "WA"}
    assert body["shipping"] == {**dict.fromkeys(api_version.shipping_keys, ""), "state": "CA", "country": "US"}


def test_create_without_email_is_a_missing_parameter(url, api):
    response = api.post(url, {"username": "create_customer_test3", "first_name": "T"}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {
        "code": "rest_missing_callback_param",
        "message": "Missing parameter(s): email",
        "data": {"status": 400, "params": ["email"]},
    }
    assert not Customer.objects.exists()


def test_create_anonymous_is_401(url, anon):
    response = anon.post(url, {"email": "x@woo.local"}, format="json")
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.json()["code"] == "woocommerce_rest_cannot_create"


def test_create_ignores_role_and_unknown_fields(url, api):
    response = api.post(
        url,
        {
            "email": "test_admin@example.com",
            "role": "administrator",
            "is_paying_customer": True,
            "date_created": "2000-01-01T00:00:00",
        },
        format="json",
    )
    assert response.status_code == status.HTTP_201_CREATED
    assert Customer.objects.get().role == CustomerRole.CUSTOMER


def test_create_with_id_is_refused(url, api):
    response = api.post(url, {"email": "x@woo.local", "id": 5}, format="json")
    assert response.json()["code"] == "woocommerce_rest_customer_exists"
    assert response.status_code == status.HTTP_400_BAD_REQUEST


@pytest.mark.parametrize(
    ("payload", "code", "message"),
    [
        ({"email": "not-an-email"}, "customer_invalid_email", "Invalid email address"),
        ({"email": ""}, "registration-error-invalid-email", "Please provide a valid email address."),
        (
            {"email": "a@woo.local", "username": "bad name!"},
            "registration-error-invalid-username",
            "Please provide a valid account username.",
        ),
        (
            {"email": "a@woo.local", "username": "u" * 61},
            "user_login_too_long",
            "Username may not be longer than 60 characters.",
        ),
        (
            {"email": "a" * 95 + "@woo.local"},
            "user_email_too_long",
            "Email address may not be longer than 100 characters.",
        ),
        ({"email": 5}, "rest_invalid_param", "Invalid parameter(s): email"),
        ({"email": "a@woo.local", "first_name": ["x"]}, "rest_invalid_param", "Invalid parameter(s): first_name"),
        ({"email": "a@woo.local", "billing": "x"}, "rest_invalid_param", "Invalid parameter(s): billing"),
    ],
)
def test_create_rejects_bad_input_without_writing(url, api, payload, code, message):
    response = api.post(url, payload, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert (response.json()["code"], response.json()["message"]) == (code, message)
    assert not Customer.objects.exists()
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    ("billing", "reason"),
    [
        ({"email": ""}, "Invalid email address."),
        ({"email": "nope"}, "Invalid email address."),
        ({"phone": None}, "billing[phone] is not of type string."),
        ({"phone": 5}, "billing[phone] is not of type string."),
    ],
)
def test_create_validates_billing_fields(url, api, billing, reason):
    response = api.post(url, {"email": "a@woo.local", "billing": billing}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    body = response.json()
    assert body["message"] == "Invalid parameter(s): billing"
    assert body["data"]["params"] == {"billing": reason}
    assert not Customer.objects.exists()


def test_create_duplicate_email_is_case_insensitive(url, api, customer):
    response = api.post(url, {"email": "TEST@woo.local", "username": "other"}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {
        "code": "registration-error-email-exists",
        "message": "An account is already registered with TEST@woo.local. Please log in or use a different email "
        "address.",
        "data": {"status": 400},
    }


def test_create_duplicate_username(url, api, customer):
    response = api.post(url, {"email": "new@woo.local", "username": "testcustomer"}, format="json")
    assert response.json()["code"] == "registration-error-username-exists"


def test_create_race_on_email_becomes_woocommerce_error(url, api, customer, another_writer_first):
    # Another request registers the email between our check and our insert: the constraint answers.
    calls = another_writer_first("with_emails")
    response = api.post(url, {"email": "Test@Woo.local"}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["code"] == "registration-error-email-exists"
    assert Customer.objects.count() == 1
    assert len(calls) == 1  # the check was passed: the unique index refused the insert


@pytest.mark.parametrize(
    ("email", "username"),
    [
        ("alice.batch@example.com", "alice.batch"),
        ("info@shop.example", "shop.example"),
        ("Mixed.Case@example.com", "mixed.case"),
    ],
)
def test_create_generates_username_from_email(url, api, email, username):
    response = api.post(url, {"email": email}, format="json")
    assert response.json()["username"] == username


def test_generated_username_gets_a_suffix_when_taken(url, api, customer):
    response = api.post(url, {"email": "testcustomer@elsewhere.example"}, format="json")
    assert response.json()["username"].startswith("testcustomer-")
    assert len(response.json()["username"]) == len("testcustomer-0000")


def test_password_required_when_the_store_does_not_generate_it(url, api, settings):
    settings.WCOMPAT_REGISTRATION_GENERATE_PASSWORD = False
    response = api.post(url, {"first_name": "A"}, format="json")
    assert response.json()["message"] == "Missing parameter(s): email, password"
    assert api.post(url, {"email": "a@woo.local", "password": ""}, format="json").status_code == 201


def test_retrieve_fixture_customer(api, customer):
    response = api.get(f"{URL}/{customer.pk}")
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["first_name"] == "Justin"
    assert body["billing"] == HELPER_ADDRESS
    assert body["shipping"] == {key: HELPER_ADDRESS[key] for key in EMPTY_SHIPPING}
    assert body["avatar_url"].startswith("https://secure.gravatar.com/avatar/")
    assert body["_links"] == links(customer.pk)
    assert response["Allow"] == "GET, POST, PUT, PATCH, DELETE"


def test_retrieve_administrator_is_allowed_but_delete_is_not_offered(url, api):
    admin = CustomerFactory(admin=True)
    response = api.get(f"{url}/{admin.pk}")
    assert response.status_code == status.HTTP_200_OK
    assert response["Allow"] == "GET, POST, PUT, PATCH"


def test_retrieve_anonymous_existing_is_401_and_unknown_is_404(url, anon, customer):
    assert anon.get(f"{url}/{customer.pk}").status_code == status.HTTP_401_UNAUTHORIZED
    response = anon.get(f"{url}/{customer.pk + 1}")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"code": "wc_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}}


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999999"])
def test_retrieve_unknown_ids(url, api, pk):
    response = api.get(f"{url}/{pk}")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["code"] == "wc_user_invalid_id"
    assert "Allow" not in response


def test_retrieve_computes_order_statistics(api, customer):
    OrderFactory(customer=customer, status="completed", total="10.50")
    OrderFactory(customer=customer, status="processing", total="5.00")
    OrderFactory(customer=customer, status="refunded", total="100.00")
    last = OrderFactory(customer=customer, status="cancelled", total="7.00")
    OrderFactory(total="99.00")  # someone else's
    body = api.get(f"{URL}/{customer.pk}").json()
    assert body["orders_count"] == 4
    assert body["total_spent"] == "15.50"
    assert body["last_order"] == {"id": last.pk, "date": last.date_created.strftime("%Y-%m-%dT%H:%M:%S")}


@pytest.mark.parametrize("method", ["put", "patch", "post"])
def test_update_is_partial_and_merges_addresses(url, api, customer, method):
    response = getattr(api, method)(
        f"{url}/{customer.pk}",
        {"email": "updated_email@woo.local", "first_name": "UpdatedTest", "billing": {"city": "Oakland"}},
        format="json",
    )
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert (body["email"], body["first_name"], body["last_name"]) == ("updated_email@woo.local", "UpdatedTest", "")
    assert body["billing"] == {**HELPER_ADDRESS, "city": "Oakland"}
    customer.refresh_from_db()
    assert customer.email == "updated_email@woo.local"
    assert customer.date_modified is not None


def test_v1_cannot_write_shipping_phone(api, customer):
    api.put(f"{URL}/{customer.pk}", {"shipping": {"phone": "555", "city": "Oakland"}}, format="json")
    shipping = Address.objects.get(customer=customer, type="shipping")
    assert (shipping.phone, shipping.city) == ("", "Oakland")


def test_update_password_and_same_username(url, api, customer):
    response = api.put(f"{url}/{customer.pk}", {"password": "s3cret", "username": "testcustomer"}, format="json")
    assert response.status_code == status.HTTP_200_OK
    customer.refresh_from_db()
    assert check_password("s3cret", customer.password)


@pytest.mark.parametrize(
    ("payload", "code", "message"),
    [
        ({"username": "renamed"}, "woocommerce_rest_customer_invalid_argument", "Username isn't editable."),
        ({"email": "taken@woo.local"}, "woocommerce_rest_customer_invalid_email", "Email address is invalid."),
        ({"email": "TAKEN@woo.local"}, "woocommerce_rest_customer_invalid_email", "Email address is invalid."),
        ({"email": "nope"}, "rest_invalid_param", "Invalid parameter(s): email"),
        ({"billing": {"email": "nope"}}, "rest_invalid_param", "Invalid parameter(s): billing"),
    ],
)
def test_update_rejects_without_writing(url, api, customer, payload, code, message):
    CustomerFactory(email="taken@woo.local")
    response = api.put(f"{url}/{customer.pk}", {**payload, "first_name": "Changed"}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert (response.json()["code"], response.json()["message"]) == (code, message)
    customer.refresh_from_db()
    assert (customer.first_name, customer.email) == ("Justin", "test@woo.local")


def test_update_body_id_overrides_path_id(url, api, customer):
    other = CustomerFactory()
    response = api.put(f"{url}/{customer.pk}", {"id": other.pk, "first_name": "Moved"}, format="json")
    assert response.json()["id"] == other.pk
    other.refresh_from_db()
    assert other.first_name == "Moved"


def test_update_unknown_is_404(url, api):
    response = api.put(f"{url}/999", {"first_name": "X"}, format="json")
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["code"] == "wc_user_invalid_id"


def test_update_administrator_names_but_not_email_or_password(url, api):
    admin = CustomerFactory(admin=True, email="admin@woo.local")
    assert (
        api.put(f"{url}/{admin.pk}", {"first_name": "Boss", "email": "admin@woo.local"}, format="json").status_code
        == status.HTTP_200_OK
    )
    response = api.put(f"{url}/{admin.pk}", {"email": "admin2@woo.local"}, format="json")
    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert response.json() == {
        "code": "woocommerce_rest_cannot_edit",
        "message": "Sorry, email cannot be updated via this endpoint for a user with role administrator.",
        "data": {"status": 403},
    }
    response = api.put(f"{url}/{admin.pk}", {"password": ""}, format="json")
    assert response.json()["code"] == "woocommerce_rest_cannot_edit"
    admin.refresh_from_db()
    assert (admin.first_name, admin.email) == ("Boss", "admin@woo.local")


def test_delete_requires_force(url, api, customer):
    response = api.delete(f"{url}/{customer.pk}")
    assert response.status_code == status.HTTP_501_NOT_IMPLEMENTED
    assert response.json() == {
        "code": "woocommerce_rest_trash_not_supported",
        "message": "Customers do not support trashing.",
        "data": {"status": 501},
    }
    assert Customer.objects.filter(pk=customer.pk).exists()


@pytest.mark.parametrize("force", ["true", "True", "1"])
def test_delete_with_force_returns_the_customer_as_it_was(url, api, customer, force):
    order = OrderFactory(customer=customer)
    before = api.get(f"{url}/{customer.pk}").json()
    response = api.delete(f"{url}/{customer.pk}?force={force}")
    assert response.status_code == status.HTTP_200_OK
    assert response.json() == before
    assert not Customer.objects.filter(pk=customer.pk).exists()
    order.refresh_from_db()
    assert order.customer_id is None
    assert api.get(f"{url}/{customer.pk}").status_code == status.HTTP_404_NOT_FOUND


def test_delete_force_must_be_boolean(url, api, customer):
    response = api.delete(f"{url}/{customer.pk}?force=yes")
    assert response.json()["data"]["params"] == {"force": "force is not of type boolean."}


def test_delete_administrator_is_forbidden_before_the_force_check(url, api):
    admin = CustomerFactory(admin=True)
    response = api.delete(f"{url}/{admin.pk}")
    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert response.json()["message"] == (
        "Sorry, users with administrator role cannot be deleted via this endpoint. Allowed roles: customer, subscriber"
    )


def test_delete_unknown_and_anonymous(url, api, anon, customer):
    assert api.delete(f"{url}/0?force=true").status_code == status.HTTP_404_NOT_FOUND
    assert anon.delete(f"{url}/{customer.pk}?force=true").status_code == status.HTTP_401_UNAUTHORIZED


def test_delete_with_invalid_reassign(url, api, customer):
    response = api.delete(f"{url}/{customer.pk}?force=true&reassign={customer.pk}")
    assert response.json()["code"] == "woocommerce_rest_customer_invalid_reassign"
    assert Customer.objects.filter(pk=customer.pk).exists()
