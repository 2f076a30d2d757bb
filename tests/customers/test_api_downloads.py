"""GET /customers/<id>/downloads: usable download permissions, v1 fields, no paging."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import status

from tests.factories import CustomerFactory, DownloadFactory, OrderFactory

pytestmark = pytest.mark.django_db


def url(customer) -> str:
    return f"/wp-json/wc/v1/customers/{customer.pk}/downloads"


def test_downloads_lists_usable_permissions_in_order(api, customer):
    completed = OrderFactory(customer=customer, status="completed")
    processing = OrderFactory(customer=customer, status="processing")
    pending = OrderFactory(customer=customer, status="pending")
    second = DownloadFactory(order=completed, product_id=20, downloads_remaining=3)
    first = DownloadFactory(
        order=completed, product_id=10, email="billing@woo.local", access_expires=timezone.now() + timedelta(days=2)
    )
    third = DownloadFactory(order=processing, product_id=5)
    DownloadFactory(order=pending)
    DownloadFactory(order=completed, downloads_remaining=0)
    DownloadFactory(order=completed, access_expires=timezone.now() - timedelta(days=2))
    DownloadFactory(order=completed, file_enabled=False)

    response = api.get(url(customer))
    assert response.status_code == status.HTTP_200_OK
    assert "X-WP-Total" not in response
    body = response.json()
    assert [item["download_id"] for item in body] == [first.download_id, second.download_id, third.download_id]
    assert body[0] == {
        "download_url": f"https://testserver/?download_file=10&order={completed.order_key}"
        f"&email=billing%40woo.local&key={first.download_id}",
        "download_id": first.download_id,
        "product_id": 10,
        "product_url": "https://shop.example/product/10",
        "download_name": "song.mp3",
        "order_id": completed.pk,
        "order_key": completed.order_key,
        "downloads_remaining": "unlimited",
        "access_expires": first.access_expires.strftime("%Y-%m-%dT%H:%M:%S"),
        "file": {"name": "song.mp3", "file": "https://shop.example/files/song.mp3"},
        "_links": {
            "collection": [{"href": f"https://testserver{url(customer)}"}],
            "product": [{"href": "https://testserver/wp-json/wc/v1/products/10"}],
            "order": [{"href": f"https://testserver/wp-json/wc/v1/orders/{completed.pk}"}],
        },
    }
    assert (body[1]["downloads_remaining"], body[1]["access_expires"]) == ("3", "never")


def test_processing_orders_grant_downloads_only_when_configured(api, customer, settings):
    DownloadFactory(order=OrderFactory(customer=customer, status="processing"))
    settings.WCOMPAT_DOWNLOADS_GRANT_ACCESS_AFTER_PAYMENT = False
    assert api.get(url(customer)).json() == []


def test_downloads_errors(api, anon, customer):
    response = api.get(url(customer), {"context": "edit"})
    assert response.json()["data"]["params"] == {"context": "context is not view."}
    missing = api.get("/wp-json/wc/v1/customers/999/downloads")
    assert (missing.status_code, missing.json()["code"]) == (404, "wc_user_invalid_id")
    denied = anon.get(url(customer))
    assert (denied.status_code, denied.json()["code"]) == (401, "woocommerce_rest_cannot_view")


def test_downloads_of_another_customer_are_not_listed(api, customer):
    DownloadFactory(order=OrderFactory(customer=CustomerFactory()))
    assert api.get(url(customer)).json() == []


@pytest.mark.parametrize(
    "path",
    [
        "/wp-json/wcompat/v1/orders?customer=-4829795373833001107456",
        "/wp-json/wcompat/v1/orders?customer=99999999999999999999999",
        "/wp-json/wcompat/v1/orders/99999999999999999999999",
        "/wp-json/wcompat/v1/downloads?customer_from=99999999999999999999999",
        "/wp-json/wcompat/v1/customers/99999999999999999999999/personal-data",
    ],
)
def test_ids_beyond_the_databases_integers_match_nothing(api, path):
    response = api.get(path)
    if response.status_code == 200:
        assert response.json() == []
    else:
        assert (response.status_code, response.json()["data"]) == (404, {"status": 404})
