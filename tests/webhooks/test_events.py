"""Which writes queue deliveries: in the writer's transaction, for what succeeded, in one statement."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from customers import services
from customers.models import Order
from tests.factories import CustomerFactory
from tests.webhooks.conftest import subscribe
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db


def queued() -> list[tuple[str, int]]:
    events = Delivery.objects.filter(kind=Delivery.Kind.EVENT).order_by("id")
    return list(events.values_list("topic", "resource_id"))


@pytest.fixture
def subscribed(api, receiver):
    for topic in ("customer.created", "customer.updated", "customer.deleted"):
        subscribe(api, receiver, topic)


class CallerFailed(Exception):
    pass


def create_then_fail() -> None:
    with transaction.atomic():
        services.customer_create(email="gone@example.com")
        assert len(queued()) == 2  # queued inside the transaction...
        raise CallerFailed("the caller's transaction fails after the create")


def test_a_write_that_rolls_back_queues_nothing(subscribed):
    with pytest.raises(CallerFailed):
        create_then_fail()
    assert queued() == []  # ...and gone with it


def test_a_refused_request_queues_nothing(api, subscribed):
    CustomerFactory(email="taken@example.com")
    customer = CustomerFactory()
    response = api.put(f"/wp-json/wc/v3/customers/{customer.pk}", {"email": "taken@example.com"}, format="json")
    assert response.status_code == 400
    assert queued() == []


def test_a_batch_queues_for_the_items_that_succeeded_only(api, subscribed):
    existing = CustomerFactory(email="taken@example.com")
    response = api.post(
        "/wp-json/wc/v3/customers/batch",
        {
            "create": [{"email": "new@example.com"}, {"email": "taken@example.com"}],
            "update": [{"id": existing.pk, "first_name": "Ok"}, {"id": 999, "first_name": "No"}],
            "delete": [999],
        },
        format="json",
    )
    created = response.json()["create"][0]["id"]
    assert "error" in response.json()["create"][1]
    assert queued() == [
        ("customer.created", created),
        ("customer.updated", created),
        ("customer.updated", existing.pk),
    ]


def test_a_batch_of_100_creates_queues_its_deliveries_in_one_statement(api, subscribed):
    body = {"create": [{"email": f"bulk{number}@example.com"} for number in range(100)]}
    with CaptureQueriesContext(connection) as captured:
        response = api.post("/wp-json/wc/v3/customers/batch", body, format="json")
    assert all("error" not in item for item in response.json()["create"])
    inserts = [query["sql"] for query in captured if "INSERT INTO webhooks_delivery" in query["sql"]]
    assert len(inserts) == 1
    assert len(queued()) == 200


def test_a_customer_becoming_a_paying_customer_is_updated(subscribed):
    customer = CustomerFactory()
    services.order_save(Order(customer=customer, status="pending", total="5"))
    assert queued() == []
    services.order_save(Order(customer=customer, status="completed", total="5"))
    assert queued() == [("customer.updated", customer.pk)]


def test_nothing_is_queued_without_an_active_subscriber(api, receiver):
    webhook = subscribe(api, receiver, "customer.created")
    api.put(f"/wp-json/wc/v3/webhooks/{webhook['id']}", {"status": "disabled"}, format="json")
    services.customer_create(email="quiet@example.com")
    assert queued() == []
