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


@pytest.mark.parametrize("count", [5, 40])
def test_customer_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries, count):
    for customer in CustomerFactory.create_batch(count):
        OrderFactory(customer=customer, total="4.50")
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:customers_customer_changelist"))
    assert response.status_code == 200
    assert b"4.50" in response.content


def test_customer_change_page_saves_names_and_address(admin_client, customer):
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name, "")
        for name in ("username", "email", "first_name", "last_name", "display_name", "role")
    }
    data.update({"first_name": "Edited", "date_modified_0": "", "date_modified_1": ""})
    for prefix, inline in (("addresses", customer.addresses.all()), ("meta", []), ("orders", []), ("downloads", [])):
        rows = list(inline)
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for index, row in enumerate(rows):
            data.update(
                {
                    f"{prefix}-{index}-id": row.pk,
                    f"{prefix}-{index}-customer": customer.pk,
                    f"{prefix}-{index}-type": row.type,
                    f"{prefix}-{index}-city": "Edited City",
                }
            )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    customer.refresh_from_db()
    assert customer.first_name == "Edited"
    assert set(customer.addresses.values_list("city", flat=True)) == {"Edited City"}


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
