"""POST /customers/batch: creates, then updates, then deletes; failures reported in place."""

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Permission
from rest_framework import status

from customers.models import Address, Customer
from tests.conftest import NAMESPACES, client_for
from tests.factories import CustomerFactory, UserFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(api_version) -> str:
    """The batch route in each version: batches behave the same in all three."""
    return f"/wp-json/{api_version.namespace}/customers/batch"


def test_batch_create_update_delete(api, url):
    c1, c2, c3, c4 = CustomerFactory.create_batch(4)
    response = api.post(
        url,
        {
            "update": [{"id": c1.pk, "last_name": "McTest"}],
            "delete": [c2.pk, c3.pk],
            "create": [{"username": "newuser", "password": "test123", "email": "newuser@woo.local"}],
        },
        format="json",
    )
    assert response.status_code == status.HTTP_200_OK
    assert response["Allow"] == "POST, PUT, PATCH"
    body = response.json()
    assert list(body) == ["create", "update", "delete"]
    assert body["update"][0]["last_name"] == "McTest"
    assert body["create"][0]["username"] == "newuser"
    assert body["create"][0]["last_name"] == ""
    assert body["create"][0]["_links"]["self"][0]["href"].endswith(f"/customers/{body['create'][0]['id']}")
    assert [item["id"] for item in body["delete"]] == [c2.pk, c3.pk]
    assert "error" not in body["delete"][0]
    remaining = {item["id"] for item in api.get(url.removesuffix("/batch")).json()}
    assert remaining == {c1.pk, c4.pk, body["create"][0]["id"]}


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_batch_methods(api, method, url):
    response = getattr(api, method)(url, {"create": [{"email": "a@woo.local"}]}, format="json")
    assert response.status_code == status.HTTP_200_OK
    [created] = response.json()["create"]
    assert "error" not in created
    assert created["email"] == "a@woo.local"
    assert Customer.objects.filter(pk=created["id"], email="a@woo.local").exists()


def test_batch_over_the_limit_is_413_and_does_nothing(api, url):
    response = api.post(
        url, {"create": [{"email": f"bulk{i}@woo.local"} for i in range(100)], "delete": [1]}, format="json"
    )
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {
        "code": "woocommerce_rest_request_entity_too_large",
        "message": "Unable to accept more than 100 items for this request.",
        "data": {"status": 413},
    }
    assert not Customer.objects.exists()


def test_batch_limit_is_a_setting(api, settings, url):
    settings.WCOMPAT_BATCH_LIMIT = 1
    response = api.post(url, {"delete": [1, 2]}, format="json")
    assert response.json()["message"] == "Unable to accept more than 1 items for this request."


def test_batch_item_errors_are_reported_in_place(api, customer, url):
    response = api.post(
        url,
        {
            "create": [
                {"email": "test@woo.local"},
                {"first_name": "no email"},
                {"email": "ok@woo.local"},
                {"email": "b@woo.local", "billing": {"email": "nope"}},
                {"email": "c@woo.local", "first_name": 5},
                {"email": "d@woo.local", "first_name": ["cannot", "be", "a", "name"]},
                None,
                ["x"],
            ],
            "update": [{"id": 999999, "first_name": "x"}, {"first_name": "no id"}, {"id": "abc"}],
            "delete": [999999, 0],
        },
        format="json",
    )
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    create = body["create"]
    assert [item.get("error", {}).get("code") for item in create] == [
        "registration-error-email-exists",
        "registration-error-invalid-email",
        None,
        "customer_invalid_billing_email",
        None,
        "rest_invalid_param",
        "registration-error-invalid-email",
        "registration-error-invalid-email",
    ]
    assert [item["id"] for item in create if "error" in item] == [0, 0, 0, 0, 0, 0]
    # A number where a string is expected is stored as its string, as WooCommerce stores it.
    assert create[4]["first_name"] == "5"
    assert create[5]["error"]["message"] == "Invalid parameter(s): first_name"
    assert create[6]["error"]["message"] == "Please provide a valid email address."
    assert body["update"][0] == {
        "id": 999999,
        "error": {"code": "wc_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}},
    }
    assert body["update"][1]["id"] is None
    assert body["update"][2] == {"id": "abc", "error": body["update"][0]["error"]}
    assert body["delete"] == [{"id": 999999, "error": body["update"][0]["error"]}]  # id 0 is skipped
    assert sorted(Customer.objects.values_list("email", flat=True)) == ["c@woo.local", "ok@woo.local", "test@woo.local"]


def test_batch_items_without_an_id_touch_no_customer(api, url):
    first = CustomerFactory(id=1, first_name="Kept")
    other = CustomerFactory(email="other@woo.local")
    body = api.post(
        url,
        {
            "create": [{"id": first.pk, "email": "new@woo.local"}],
            "update": [{"first_name": "Changed"}],
            "delete": [{"reassign": other.pk}],
        },
        format="json",
    ).json()
    assert body["create"] == [
        {
            "id": 0,
            "error": {
                "code": "woocommerce_rest_customer_exists",
                "message": "Cannot create existing resource.",
                "data": {"status": 400},
            },
        }
    ]
    assert [item["error"]["code"] for item in body["update"] + body["delete"]] == ["wc_user_invalid_id"] * 2
    assert Customer.objects.get(pk=1).first_name == "Kept"
    assert sorted(Customer.objects.values_list("pk", flat=True)) == sorted([1, other.pk])


def test_batch_respects_role_rules(api, url):
    admin = CustomerFactory(admin=True)
    response = api.post(
        url,
        {
            "create": [{"email": "test_customer@example.com", "role": "administrator"}],
            "update": [{"id": admin.pk, "email": "dummy_email@example.com"}],
            "delete": [admin.pk],
        },
        format="json",
    )
    body = response.json()
    assert Customer.objects.get(email="test_customer@example.com").role == "customer"
    assert body["update"][0]["error"]["code"] == "woocommerce_rest_cannot_edit"
    assert body["update"][0]["error"]["data"]["status"] == 403
    assert body["delete"][0]["error"]["code"] == "woocommerce_rest_cannot_delete"
    assert Customer.objects.filter(pk=admin.pk).exists()


def test_batch_delete_ids_are_read_as_php_casts_them(api, customer, url):
    # (int) "3.7abc" is 3 in PHP: the string's leading number, truncated.
    response = api.post(url, {"delete": [f"{customer.pk}.7abc"]}, format="json")
    assert [item["id"] for item in response.json()["delete"]] == [customer.pk]
    assert not Customer.objects.exists()


def test_batch_delete_accepts_objects(api, customer, url):
    response = api.post(url, {"delete": [{"id": customer.pk}]}, format="json")
    assert response.json()["delete"][0]["id"] == customer.pk
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "body", [{}, {"create": []}, {"create": "nonsense"}, {"delete": [0]}, {"delete": [".5", "0.9e0", "abc"]}]
)
def test_empty_batch_is_an_empty_list(api, body, url):
    response = api.post(url, body, format="json")
    assert response.status_code == status.HTTP_200_OK
    assert response.json() == []


def test_batch_needs_the_batch_permission(anon, db, url):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_customer", "view_customer"]))
    client = client_for(make_api_key(user=user))
    response = client.post(url, {"create": [{"email": "a@woo.local"}]}, format="json")
    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert response.json()["code"] == "woocommerce_rest_cannot_batch"
    assert anon.post(url, {}, format="json").status_code == status.HTTP_401_UNAUTHORIZED


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_batch_creates_as_if_one_after_the_other(api, customer, namespace):
    response = api.post(
        f"/wp-json/{namespace}/customers/batch",
        {
            "create": [
                {"email": "dup@woo.local", "username": "first"},
                {"email": "DUP@woo.local", "username": "second"},  # the same email, in another case
                {"email": "other@woo.local", "username": "first"},  # a username the first item took
                {"email": "taken-name@woo.local", "username": "bad name!", "first_name": "x"},
                {"email": "free@woo.local", "username": "free"},
                {"email": "testcustomer@elsewhere.example"},  # generated: testcustomer is taken
                {"email": "testcustomer@another.example"},  # generated: so are testcustomer and the first suffix
                {"email": "dup@woo.local"},
            ]
        },
        format="json",
    )
    create = response.json()["create"]
    assert [item.get("error", {}).get("code") for item in create] == [
        None,
        "registration-error-email-exists",
        "registration-error-username-exists",
        "registration-error-invalid-username",
        None,
        None,
        None,
        "registration-error-email-exists",
    ]
    generated = [create[5]["username"], create[6]["username"]]
    assert all(name.startswith("testcustomer-") and len(name) == len("testcustomer-0000") for name in generated)
    assert len(set(generated)) == 2
    assert sorted(Customer.objects.values_list("username", flat=True)) == sorted(
        ["testcustomer", "first", "free", *generated]
    )
    assert all(Address.objects.filter(customer_id=item["id"]).count() == 2 for item in create if item.get("id"))


def test_batch_creates_with_addresses_meta_and_passwords(api):
    response = api.post(
        "/wp-json/wc/v3/customers/batch",
        {
            "create": [
                {
                    "email": f"bulk{n}@woo.local",
                    "password": f"secret-{n}",
                    "first_name": f"Bulk {n}",
                    "billing": {"city": "Lisbon", "phone": "555"},
                    "shipping": {"phone": "777"},
                    "meta_data": [
                        {"key": "n", "value": n},
                        {"key": "_hidden", "value": 1},
                        {"key": "n", "value": n + 1},
                    ],
                }
                for n in range(3)
            ]
        },
        format="json",
    )
    create = response.json()["create"]
    assert [item["first_name"] for item in create] == ["Bulk 0", "Bulk 1", "Bulk 2"]
    assert create[1]["billing"]["city"] == "Lisbon"
    assert create[1]["shipping"]["phone"] == "777"
    assert [(meta["key"], meta["value"]) for meta in create[1]["meta_data"]] == [("n", 2)]
    stored = Customer.objects.get(email="bulk1@woo.local")
    assert check_password("secret-1", stored.password)
    assert api.get(f"/wp-json/wc/v3/customers/{stored.pk}").json() == create[1]


def test_batch_creates_fall_back_one_by_one_when_another_writer_wins(api, monkeypatch, url):
    # Another request registers an email after the batch checked it: the bulk insert fails, and each item
    # then goes through the single-create path, failing or succeeding on its own.
    real = Customer.objects.with_emails

    def too_early(upper_emails):
        CustomerFactory(email="late@woo.local", username="late")
        return real(upper_emails - {"LATE@WOO.LOCAL"})

    monkeypatch.setattr(Customer.objects, "with_emails", too_early)
    response = api.post(url, {"create": [{"email": "early@woo.local"}, {"email": "late@woo.local"}]}, format="json")
    create = response.json()["create"]
    assert create[0]["email"] == "early@woo.local"
    assert create[1]["error"]["code"] == "registration-error-email-exists"
    assert Customer.objects.filter(email="early@woo.local").count() == 1
