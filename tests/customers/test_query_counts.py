"""The SQL each request runs, pinned: the same whatever the page size, in every API version.

A key is read once every few seconds per process (wcompat.keycache), so an authenticated request usually
runs no key query; the first request below warms it. meta_data, shown to administrators in v2/v3, is read in
the same statement as the customers.
"""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


@contextmanager
def statements(expected: int):
    """Assert the SQL statements run, not counting the savepoints a test's own transaction adds to a write."""
    with CaptureQueriesContext(connection) as captured:
        yield
    run = [query["sql"] for query in captured if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(run) <= expected, "\n".join(run)


# version -> queries of a read: one, whatever the version (meta_data, when the version shows it to this key,
# comes in the same statement)
READ = {"wc/v1": 1, "wc/v2": 1, "wc/v3": 1}


@pytest.fixture
def store_with_orders(db):
    customers = CustomerFactory.create_batch(12)
    for customer in customers:
        OrderFactory.create_batch(2, customer=customer)
    return customers


@pytest.mark.parametrize("namespace", list(READ))
@pytest.mark.parametrize("per_page", [1, 100])
def test_list(api, store_with_orders, django_assert_num_queries, namespace, per_page):
    url = f"/wp-json/{namespace}/customers"
    api.get(url)
    with django_assert_num_queries(READ[namespace]):
        response = api.get(url, {"per_page": per_page})
    assert len(response.json()) == min(per_page, 12)
    with django_assert_num_queries(READ[namespace]):
        api.get(url, {"per_page": per_page, "search": "customer", "orderby": "registered_date"})


@pytest.mark.parametrize("namespace", list(READ))
def test_retrieve(api, store_with_orders, django_assert_num_queries, namespace):
    url = f"/wp-json/{namespace}/customers/{store_with_orders[0].pk}"
    api.get(url)
    with django_assert_num_queries(READ[namespace]):
        assert api.get(url).status_code == 200


@pytest.mark.parametrize("namespace", list(READ))
def test_update(api, store_with_orders, namespace):
    url = f"/wp-json/{namespace}/customers/{store_with_orders[0].pk}"
    api.get(url)
    # read (customer, addresses, figures, meta_data), update the row, upsert the addresses, queue webhook
    # deliveries: four in all
    with statements(4):
        response = api.put(url, {"first_name": "New", "billing": {"city": "Oslo"}}, format="json")
    assert response.json()["billing"]["city"] == "Oslo"
    assert Customer.objects.get(pk=store_with_orders[0].pk).first_name == "New"


def test_batch_of_100_creates(api):
    api.get("/wp-json/wc/v3/customers")
    body = {"create": [{"email": f"q{n}@woo.local", "billing": {"city": "Paris"}} for n in range(100)]}
    with statements(15):
        response = api.post("/wp-json/wc/v3/customers/batch", body, format="json")
    assert all("error" not in item for item in response.json()["create"])
