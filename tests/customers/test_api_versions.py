"""What differs between wc/v1, wc/v2 and wc/v3, and what they share, through the HTTP API.

WooCommerce's own v2/v3 cases (spec §8.1, §8.2, §8.4, §8.5) are here: property counts, the created
object's exact key set, meta_data and its protected keys, reassign, role and paying-customer output.
Behaviours shared by every version are parametrised over the three namespaces.
"""

import pytest
from django.contrib.auth.models import Permission
from rest_framework import status

from customers.models import Address, Customer, CustomerMeta
from customers.services import order_save
from tests.conftest import ADDRESS, NAMESPACES, client_for
from tests.factories import CustomerFactory, DownloadFactory, OrderFactory, UserFactory, make_api_key

pytestmark = pytest.mark.django_db

VERSIONS = NAMESPACES
MODERN = ("wc/v2", "wc/v3")
BILLING_V3 = ("first_name", "last_name", "company", "address_1", "address_2", "city", "postcode", "country", "state")
EMPTY_BILLING = dict.fromkeys((*BILLING_V3, "email", "phone"), "")
EMPTY_SHIPPING = dict.fromkeys((*BILLING_V3, "phone"), "")


def url(namespace: str, suffix: str = "") -> str:
    return f"/wp-json/{namespace}/customers{suffix}"


@pytest.fixture
def manager_api(db):
    """A key whose owner may do everything with customers but is not an administrator (a shop manager)."""
    user = UserFactory(username="manager")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="customers"))
    return client_for(make_api_key(user=user))


#
# Field sets and order
#


@pytest.mark.parametrize(
    ("namespace", "keys"),
    [
        (
            "wc/v2",
            [
                "id",
                "date_created",
                "date_created_gmt",
                "date_modified",
                "date_modified_gmt",
                "email",
                "first_name",
                "last_name",
                "role",
                "username",
                "billing",
                "shipping",
                "is_paying_customer",
                "avatar_url",
                "meta_data",
                "orders_count",
                "total_spent",
                "_links",
            ],
        ),
        (
            "wc/v3",
            [
                "id",
                "date_created",
                "date_created_gmt",
                "date_modified",
                "date_modified_gmt",
                "email",
                "first_name",
                "last_name",
                "role",
                "username",
                "billing",
                "shipping",
                "is_paying_customer",
                "avatar_url",
                "meta_data",
                "_links",
            ],
        ),
    ],
)
def test_create_basic_customer_has_the_versions_exact_keys(api, namespace, keys):
    response = api.post(
        url(namespace),
        {"username": "create_customer_test", "password": "test123", "email": "create_customer_test@woo.local"},
        format="json",
    )
    assert response.status_code == status.HTTP_201_CREATED
    body = response.json()
    assert list(body) == keys
    customer = Customer.objects.get()
    created = customer.date_created.strftime("%Y-%m-%dT%H:%M:%S")
    expected = {
        "id": customer.pk,
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": created,
        "date_modified_gmt": created,
        "email": "create_customer_test@woo.local",
        "first_name": "",
        "last_name": "",
        "role": "customer",
        "username": "create_customer_test",
        "billing": EMPTY_BILLING,
        "shipping": EMPTY_SHIPPING,
        "is_paying_customer": False,
        "avatar_url": "https://secure.gravatar.com/avatar/81de07c8a8c1119f6da021a178aa1718?s=96&d=mm&r=g",
        "meta_data": [],
        "orders_count": 0,
        "total_spent": "0.00",
        "_links": {
            "self": [{"href": f"https://testserver{url(namespace)}/{customer.pk}"}],
            "collection": [{"href": f"https://testserver{url(namespace)}"}],
        },
    }
    assert body == {key: expected[key] for key in keys}
    assert list(body["billing"]) == [*BILLING_V3, "email", "phone"]
    assert list(body["shipping"]) == [*BILLING_V3, "phone"]
    assert response["Location"] == f"https://testserver{url(namespace)}/{customer.pk}"


@pytest.mark.parametrize("namespace", MODERN)
def test_list_item_matches_woocommerce_fixture(api, customer, namespace):
    CustomerFactory(username="test2")
    CustomerFactory(admin=True, username="boss")
    response = api.get(url(namespace), {"orderby": "id"})
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert len(body) == 2  # the administrator is not listed by default
    item = body[0]
    assert item["role"] == "customer"
    assert item["billing"] == {**EMPTY_BILLING, **ADDRESS}
    assert item["shipping"] == {**EMPTY_SHIPPING, **ADDRESS}
    assert item["is_paying_customer"] is False
    assert item["meta_data"] == []
    assert ("orders_count" in item) is (namespace == "wc/v2")


@pytest.mark.parametrize(("namespace", "count"), [("wc/v1", 14), ("wc/v2", 18), ("wc/v3", 16)])
def test_options_counts_the_schema_properties(api, namespace, count):
    schema = api.options(url(namespace)).json()["schema"]
    properties = schema["properties"]
    assert len(properties) == count
    assert ("phone" in properties["shipping"]["properties"]) is (namespace == "wc/v3")
    assert properties["billing"]["properties"]["address_1"]["description"] == (
        "Address line 1." if namespace == "wc/v1" else "Address line 1"
    )
    if namespace != "wc/v1":
        assert properties["is_paying_customer"] == {
            "description": "Is the customer a paying customer?",
            "type": "bool",
            "context": ["view", "edit"],
            "readonly": True,
        }
        assert properties["date_created"]["description"] == "The date the customer was created, in the site's timezone."


@pytest.mark.parametrize("namespace", VERSIONS)
def test_options_on_batch_describes_the_batch(api, namespace):
    body = api.options(url(namespace, "/batch")).json()
    assert body["schema"]["title"] == "batch"
    assert list(body["schema"]["properties"]) == ["create", "update", "delete"]
    assert body["schema"]["properties"]["delete"]["items"] == {"type": "integer"}
    assert body["methods"] == ["POST", "PUT", "PATCH"]


@pytest.mark.parametrize("namespace", VERSIONS)
def test_namespace_index_of_each_version(anon, namespace):
    body = anon.get(f"/wp-json/{namespace}").json()
    assert body["namespace"] == namespace
    assert list(body["routes"]) == [
        f"/{namespace}",
        f"/{namespace}/customers",
        f"/{namespace}/customers/batch",
        f"/{namespace}/customers/(?P<id>[\\d]+)",
        f"/{namespace}/customers/(?P<customer_id>[\\d]+)/downloads",
        f"/{namespace}/webhooks",
        f"/{namespace}/webhooks/(?P<id>[\\d]+)",
        f"/{namespace}/webhooks/batch",
        # Deliveries: deprecated, still registered in wc/v1 and wc/v2.
        *(
            [
                f"/{namespace}/webhooks/(?P<webhook_id>[\\d]+)/deliveries",
                f"/{namespace}/webhooks/(?P<webhook_id>[\\d]+)/deliveries/(?P<id>[\\d]+)",
            ]
            if namespace != "wc/v3"
            else []
        ),
        # The system status: wc/v2 and wc/v3 only.
        *(
            [
                f"/{namespace}/system_status",
                f"/{namespace}/system_status/tools",
                f"/{namespace}/system_status/tools/(?P<id>[\\w-]+)",
            ]
            if namespace != "wc/v1"
            else []
        ),
    ]


def test_meta_data_argument_takes_any_json_value(api):
    endpoint = api.options(url("wc/v3")).json()["endpoints"][1]
    value = endpoint["args"]["meta_data"]["items"]["properties"]["value"]
    assert value["type"] == ["null", "object", "string", "number", "boolean", "integer", "array"]


#
# Addresses
#


@pytest.mark.parametrize(("namespace", "written"), [("wc/v1", ""), ("wc/v2", ""), ("wc/v3", "555-0100")])
def test_shipping_phone_is_writable_in_v3_only(api, customer, namespace, written):
    response = api.put(url(namespace, f"/{customer.pk}"), {"shipping": {"phone": "555-0100"}}, format="json")
    assert response.status_code == status.HTTP_200_OK
    assert Address.objects.get(customer=customer, type="shipping").phone == written


@pytest.mark.parametrize("namespace", VERSIONS)
@pytest.mark.parametrize("value", [["x"], [], "", [{"city": "Nowhere"}]])
def test_an_address_sent_as_a_list_or_empty_string_changes_nothing(api, customer, namespace, value):
    response = api.put(url(namespace, f"/{customer.pk}"), {"billing": value, "first_name": "Kept"}, format="json")
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["billing"]["city"] == "San Francisco"
    assert Address.objects.get(customer=customer, type="billing").city == "San Francisco"
    customer.refresh_from_db()
    assert customer.first_name == "Kept"


@pytest.mark.parametrize("namespace", VERSIONS)
def test_an_address_sent_as_another_string_is_refused(api, customer, namespace):
    response = api.put(url(namespace, f"/{customer.pk}"), {"billing": "x"}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["data"]["params"] == {"billing": "billing is not of type object."}


#
# meta_data
#

META = [{"key": "test_key", "value": "test_value"}, {"key": "_internal_test_key", "value": "_internal_test_value"}]


@pytest.mark.parametrize("namespace", MODERN)
def test_create_with_meta_data_skips_protected_keys(api, namespace):
    response = api.post(
        url(namespace), {"email": "test_customer_create_metadata@example.com", "meta_data": META}, format="json"
    )
    assert response.status_code == status.HTTP_201_CREATED
    customer = Customer.objects.get()
    assert list(CustomerMeta.objects.values_list("key", flat=True)) == ["test_key"]
    meta = CustomerMeta.objects.get()
    assert response.json()["meta_data"] == [{"id": meta.pk, "key": "test_key", "value": "test_value"}]
    assert customer.password  # generated: a hash, unusable


@pytest.mark.parametrize("namespace", MODERN)
def test_update_an_administrator_with_meta_data(api, namespace):
    admin = CustomerFactory(admin=True)
    response = api.put(url(namespace, f"/{admin.pk}"), {"meta_data": META}, format="json")
    assert response.status_code == status.HTTP_200_OK
    assert list(CustomerMeta.objects.filter(customer=admin).values_list("key", flat=True)) == ["test_key"]


def test_meta_data_updates_by_key_by_id_and_deletes_with_null(api, customer):
    path = url("wc/v3", f"/{customer.pk}")
    first = api.put(
        path, {"meta_data": [{"key": "a", "value": 1}, {"key": "b", "value": {"z": 1, "y": [2]}}]}, format="json"
    )
    ids = {item["key"]: item["id"] for item in first.json()["meta_data"]}
    assert first.json()["meta_data"][1]["value"] == {"z": 1, "y": [2]}
    response = api.put(
        path,
        {
            "meta_data": [
                {"key": "a", "value": "by key"},
                {"id": ids["b"], "key": "renamed", "value": True},
                {"key": "c", "value": None},
            ]
        },
        format="json",
    )
    assert response.json()["meta_data"] == [
        {"id": ids["a"], "key": "a", "value": "by key"},
        {"id": ids["b"], "key": "renamed", "value": True},
    ]
    response = api.put(path, {"meta_data": [{"key": "a", "value": None}]}, format="json")
    assert [item["key"] for item in response.json()["meta_data"]] == ["renamed"]
    assert api.get(path).json()["meta_data"] == response.json()["meta_data"]


def test_meta_data_with_an_unknown_id_is_added(api, customer):
    response = api.put(
        url("wc/v3", f"/{customer.pk}"), {"meta_data": [{"id": 999, "key": "k", "value": "v"}]}, format="json"
    )
    assert [(item["key"], item["value"]) for item in response.json()["meta_data"]] == [("k", "v")]


@pytest.mark.parametrize("namespace", MODERN)
@pytest.mark.parametrize("hidden_key", ["_protected", "wp_capabilities", "session_tokens", "billing_city"])
@pytest.mark.parametrize("through", ["single", "batch"])
def test_meta_rows_the_api_does_not_list_cannot_be_targeted_by_id(api, customer, namespace, hidden_key, through):
    hidden = CustomerMeta.objects.create(customer=customer, key=hidden_key, value='"kept"')
    items = [{"id": hidden.pk, "key": "renamed", "value": "new"}, {"id": hidden.pk, "key": "gone", "value": None}]
    if through == "single":
        response = api.put(url(namespace, f"/{customer.pk}"), {"meta_data": items}, format="json")
        body = response.json()
    else:
        response = api.post(
            url(namespace, "/batch"), {"update": [{"id": customer.pk, "meta_data": items}]}, format="json"
        )
        [body] = response.json()["update"]
    assert response.status_code == status.HTTP_200_OK
    hidden.refresh_from_db()
    assert (hidden.key, hidden.value) == (hidden_key, '"kept"')
    # As in WC_Data, an id that matches no listed entry adds one under the item's key.
    assert [(item["key"], item["value"]) for item in body["meta_data"]] == [("renamed", "new")]
    stored = CustomerMeta.objects.filter(customer=customer).order_by("id").values_list("key", "value")
    assert list(stored) == [(hidden_key, '"kept"'), ("renamed", '"new"')]


def test_meta_data_with_an_internal_key_sets_the_field(api, customer):
    response = api.put(
        url("wc/v3", f"/{customer.pk}"),
        {"meta_data": [{"key": "billing_city", "value": "Lisbon"}, {"key": "first_name", "value": "Meta"}]},
        format="json",
    )
    body = response.json()
    assert (body["billing"]["city"], body["first_name"]) == ("Lisbon", "Meta")
    assert body["meta_data"] == []
    assert not CustomerMeta.objects.exists()


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("nope", "meta_data[0] is not of type object."),
        ([{"key": 5, "value": 1}], "meta_data[0][key] is not of type string."),
        ([{"id": "x", "key": "k", "value": 1}], "meta_data[0][id] is not of type integer."),
        ({"key": "k"}, "meta_data is not of type array."),
    ],
)
def test_meta_data_types_are_checked(api, customer, meta, reason):
    response = api.put(url("wc/v3", f"/{customer.pk}"), {"meta_data": meta}, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["data"]["params"] == {"meta_data": reason}


@pytest.mark.parametrize("namespace", MODERN)
def test_meta_data_is_shown_to_administrators_only(api, manager_api, customer, namespace):
    CustomerMeta.objects.create(customer=customer, key="visible", value='"yes"')
    CustomerMeta.objects.create(customer=customer, key="_protected", value='"no"')
    CustomerMeta.objects.create(customer=customer, key="billing_city", value='"internal"')
    as_admin = api.get(url(namespace, f"/{customer.pk}")).json()
    assert [(item["key"], item["value"]) for item in as_admin["meta_data"]] == [("visible", "yes")]
    as_manager = manager_api.get(url(namespace, f"/{customer.pk}")).json()
    assert "meta_data" not in as_manager
    assert "meta_data" not in manager_api.get(url(namespace)).json()[0]


def test_v1_has_no_meta_data(api, customer):
    api.put(url("wc/v1", f"/{customer.pk}"), {"meta_data": META}, format="json")
    assert not CustomerMeta.objects.exists()
    assert "meta_data" not in api.get(url("wc/v1", f"/{customer.pk}")).json()


#
# is_paying_customer and the order figures
#


# WooCommerce marks a paying customer when an order is completed or paid (order_payment_complete): an order
# saved as processing makes none (captured from a real store).
@pytest.mark.parametrize(("status_", "paying"), [("pending", False), ("processing", False), ("completed", True)])
def test_is_paying_customer_follows_completed_orders(api, customer, status_, paying):
    OrderFactory(customer=customer, status=status_)
    assert api.get(url("wc/v3", f"/{customer.pk}")).json()["is_paying_customer"] is paying


def test_an_order_shows_the_customers_last_activity_in_meta_data_to_administrators(api, customer):
    OrderFactory(customer=customer, status="pending")
    meta = api.get(url("wc/v3", f"/{customer.pk}")).json()["meta_data"]
    [last_active] = [item for item in meta if item["key"] == "wc_last_active"]
    assert int(last_active["value"]) % 86400 == 0  # a UTC midnight, as a string of seconds


def test_is_paying_customer_stays_once_set_and_cannot_be_written(api, customer):
    order = OrderFactory(customer=customer, status="completed")
    order.status = "refunded"
    order_save(order)
    response = api.put(url("wc/v3", f"/{customer.pk}"), {"is_paying_customer": False}, format="json")
    assert response.json()["is_paying_customer"] is True
    fresh = CustomerFactory()
    response = api.put(url("wc/v2", f"/{fresh.pk}"), {"is_paying_customer": True}, format="json")
    assert response.json()["is_paying_customer"] is False


def test_order_figures_in_v2_and_not_v3(api, customer):
    OrderFactory(customer=customer, status="completed", total="10.50")
    OrderFactory(customer=customer, status="cancelled", total="3.00")
    v2 = api.get(url("wc/v2", f"/{customer.pk}")).json()
    assert (v2["orders_count"], v2["total_spent"]) == (2, "10.50")
    v3 = api.get(url("wc/v3", f"/{customer.pk}")).json()
    assert "orders_count" not in v3
    assert "total_spent" not in v3
    assert "last_order" not in v2


#
# Delete with reassign, in every version
#


@pytest.mark.parametrize("namespace", VERSIONS)
def test_delete_with_reassign(api, customer, namespace):
    other = CustomerFactory()
    for reassign in (customer.pk, 999999):
        response = api.delete(url(namespace, f"/{customer.pk}?force=true&reassign={reassign}"))
        assert response.status_code == status.HTTP_400_BAD_REQUEST
        assert response.json() == {
            "code": "woocommerce_rest_customer_invalid_reassign",
            "message": "Invalid resource id for reassignment.",
            "data": {"status": 400},
        }
    assert Customer.objects.filter(pk=customer.pk).exists()
    response = api.delete(url(namespace, f"/{customer.pk}?force=true&reassign={other.pk}"))
    assert response.status_code == status.HTTP_200_OK
    assert not Customer.objects.filter(pk=customer.pk).exists()


@pytest.mark.parametrize("namespace", VERSIONS)
def test_delete_reassign_must_be_an_integer(api, customer, namespace):
    response = api.delete(url(namespace, f"/{customer.pk}?force=true&reassign=x"))
    assert response.json()["data"]["params"] == {"reassign": "reassign is not of type integer."}


@pytest.mark.parametrize("namespace", VERSIONS)
def test_batch_delete_objects_with_reassign(api, customer, namespace):
    other = CustomerFactory()
    response = api.post(
        url(namespace, "/batch"),
        {"delete": [{"id": customer.pk, "reassign": customer.pk}, {"id": other.pk, "reassign": 0}]},
        format="json",
    )
    deleted = response.json()["delete"]
    # A failed object delete echoes the object, with the force that batch always adds.
    assert deleted[0] == {
        "id": {"id": customer.pk, "reassign": customer.pk, "force": True},
        "error": {
            "code": "woocommerce_rest_customer_invalid_reassign",
            "message": "Invalid resource id for reassignment.",
            "data": {"status": 400},
        },
    }
    assert deleted[1]["id"] == other.pk
    assert list(Customer.objects.values_list("pk", flat=True)) == [customer.pk]


#
# Downloads
#


@pytest.mark.parametrize("namespace", MODERN)
def test_downloads_in_the_v2_v3_shape(api, customer, namespace):
    download = DownloadFactory(order=OrderFactory(customer=customer), downloads_remaining=3)
    response = api.get(url(namespace, f"/{customer.pk}/downloads"))
    assert response.status_code == status.HTTP_200_OK
    [item] = response.json()
    assert list(item) == [
        "download_id",
        "download_url",
        "product_id",
        "product_name",
        "download_name",
        "order_id",
        "order_key",
        "downloads_remaining",
        "access_expires",
        "access_expires_gmt",
        "file",
        "_links",
    ]
    assert item["product_name"] == "Album"
    assert (item["downloads_remaining"], item["access_expires"], item["access_expires_gmt"]) == ("3", "never", "never")
    assert item["_links"]["order"] == [{"href": f"https://testserver/wp-json/{namespace}/orders/{download.order_id}"}]
    assert "X-WP-Total" not in response


@pytest.mark.parametrize("namespace", VERSIONS)
def test_downloads_schema_texts(api, customer, namespace):
    properties = api.options(url(namespace, f"/{customer.pk}/downloads")).json()["schema"]["properties"]
    assert properties["downloads_remaining"]["description"] == "Number of downloads remaining."
    assert properties["access_expires"]["description"] == (
        "The date when download access expires, in the site's timezone."
    )
    assert properties["download_id"]["description"] == (
        "Download ID (MD5)." if namespace == "wc/v1" else "Download ID."
    )
    assert ("access_expires_gmt" in properties) is (namespace != "wc/v1")


@pytest.mark.parametrize("namespace", VERSIONS)
def test_downloads_context_may_only_be_view(api, customer, namespace):
    response = api.get(url(namespace, f"/{customer.pk}/downloads"), {"context": "edit"})
    assert response.json()["data"]["params"] == {"context": "context is not view."}


#
# Paging links, _fields
#


def test_link_urls_carry_the_sanitized_parameters(api):
    CustomerFactory.create_batch(3)
    response = api.get("/wp-json/wc/v3/customers?include=1,2,3&offset=-1&per_page=1&search=%20x%20&role=all")
    link = response["Link"]
    assert "include%5B0%5D=1&include%5B1%5D=2&include%5B2%5D=3" in link
    assert "offset=1&" in link
    assert "search=x&" in link


@pytest.mark.parametrize("namespace", VERSIONS)
def test_fields_that_match_nothing_give_empty_arrays(api, customer, namespace):
    assert api.get(url(namespace), {"_fields": "nothing"}).json() == [[]]
    single = api.get(url(namespace, f"/{customer.pk}"), {"_fields": "nothing"}).json()
    assert list(single) == ["_links"]
    assert api.get(url(namespace), {"_fields": "billing.nothing"}).json() == [{"billing": []}]
