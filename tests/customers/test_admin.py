import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, OrderFactory, UserFactory
from wcompat.models import ApiKey

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["customers_customer", "customers_order", "customers_download", "wcompat_apikey"],
)
def test_admin_changelist_and_add_pages_load(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200


def test_customer_search_and_change_page(admin_client, customer):
    OrderFactory(customer=customer)
    response = admin_client.get(reverse("admin:customers_customer_changelist"), {"q": "woo.local"})
    assert b"testcustomer" in response.content
    assert admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).status_code == 200


def test_customer_changelist_queries_are_bounded(admin_client, django_assert_max_num_queries):
    CustomerFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:customers_customer_changelist")).status_code == 200


def test_adding_an_api_key_shows_the_credentials_once(admin_client):
    owner = UserFactory()
    response = admin_client.post(
        reverse("admin:wcompat_apikey_add"),
        {"user": owner.pk, "description": "shop app", "permissions": "read"},
        follow=True,
    )
    key = ApiKey.objects.get(description="shop app")
    message = next(iter(response.context["messages"])).message
    assert "ck_" in message
    assert key.consumer_secret in message
    assert key.truncated_key in message
    assert key.consumer_key not in response.content.decode()  # the hash is never shown
