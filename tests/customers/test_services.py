"""customers.services on their own: the rules every write path shares (API, batch, admin, import)."""

import pytest

from customers import services
from customers.models import Customer, Order
from customers.selectors import customer_get
from tests.factories import CustomerFactory, OrderFactory
from wcompat.exceptions import WcAPIException

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(WcAPIException) as raised:
        call()
    return raised.value.code


def test_an_update_checks_the_billing_email(customer):
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_update(customer=record, billing={"email": "nope"})) == (
        "customer_invalid_billing_email"
    )
    assert customer.addresses.get(type="billing").email == ""


def test_an_update_refuses_an_email_another_customer_has(customer):
    CustomerFactory(email="TAKEN@example.com")
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_update(customer=record, email="taken@example.com")) == (
        "woocommerce_rest_customer_invalid_email"
    )


def test_an_update_that_loses_the_email_race_answers_woocommerces_error(customer, monkeypatch):
    """Another writer takes the email between the check and the write: the unique index answers, as the
    check would have, and nothing of the update is kept."""
    CustomerFactory(email="raced@example.com")
    monkeypatch.setattr(services, "email_taken", lambda email: False)  # the check ran before the other writer
    record = customer_get(customer.pk)
    call = lambda: services.customer_update(customer=record, email="raced@example.com", first_name="Lost")  # noqa: E731
    assert code_of(call) == "woocommerce_rest_customer_invalid_email"
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.email, stored.first_name) == ("test@woo.local", "Justin")


def test_a_create_that_loses_the_email_race_answers_woocommerces_error(monkeypatch):
    CustomerFactory(email="raced@example.com")
    real = services.email_taken
    calls = []

    def taken_only_after_the_insert(email):
        calls.append(email)
        return len(calls) > 1 and real(email)

    monkeypatch.setattr(services, "email_taken", taken_only_after_the_insert)
    assert code_of(lambda: services.customer_create(email="raced@example.com")) == "registration-error-email-exists"
    assert Customer.objects.filter(email__iexact="raced@example.com").count() == 1


@pytest.mark.parametrize("reassign", ["self", 987654])
def test_delete_refuses_to_reassign_to_itself_or_an_unknown_user(customer, reassign):
    target = customer.pk if reassign == "self" else reassign
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_delete(customer=record, reassign=target)) == (
        "woocommerce_rest_customer_invalid_reassign"
    )
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_delete_keeps_the_orders_without_a_customer(customer):
    order = OrderFactory(customer=customer)
    other = CustomerFactory()
    services.customer_delete(customer=customer_get(customer.pk), reassign=other.pk)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert Order.objects.get(pk=order.pk).customer_id is None


def test_only_a_paid_order_makes_a_paying_customer(customer):
    services.order_save(Order(customer=customer, status="pending", total="1"))
    assert Customer.objects.get(pk=customer.pk).is_paying_customer is False
    order = services.order_save(Order(customer=customer, status="processing", total="1"))
    assert Customer.objects.get(pk=customer.pk).is_paying_customer is True
    order.status = "refunded"
    services.order_save(order)
    assert Customer.objects.get(pk=customer.pk).is_paying_customer is True  # for good, as WooCommerce keeps it


def test_bulk_create_refuses_a_duplicate_inside_the_batch_as_sequential_creates_would():
    outcomes = services.customers_create_bulk(
        [{"email": "dup@example.com"}, {"email": "DUP@example.com"}, {"email": "other@example.com", "username": "x"}]
    )
    assert not isinstance(outcomes[0], WcAPIException)
    assert outcomes[1].code == "registration-error-email-exists"
    assert outcomes[2].username == "x"
