"""The customers' figures table (customers_customerstats), kept by the database's triggers: whatever writes
customers, orders and `wc_last_active` rows, the kept figures are the API's and a rebuild finds nothing wrong."""

import os
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from customers import figures, services
from customers.choices import LAST_ACTIVE_KEY
from customers.models import CustomerMeta, CustomerStats, Order
from customers.selectors import customer_get
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def kept(customer_id: int) -> tuple:
    stats = CustomerStats.objects.get(customer_id=customer_id)
    return stats.orders_count, stats.paid_orders_count, stats.total_spent, stats.last_order_id, stats.last_active


def test_a_new_customer_has_figures_of_nothing_and_a_deleted_one_none(api):
    created = api.post("/wp-json/wc/v3/customers", {"email": "new@example.com"}, format="json").json()
    assert kept(created["id"]) == (0, 0, Decimal("0.00"), None, None)
    api.delete(f"/wp-json/wc/v3/customers/{created['id']}", {"force": True}, format="json")
    assert not CustomerStats.objects.filter(customer_id=created["id"]).exists()
    assert figures.rebuild() == 0


def test_orders_move_the_figures_as_the_api_counts_them(api):
    alice, bob = CustomerFactory(), CustomerFactory()
    paid = OrderFactory(customer=alice, status="completed", total=Decimal("10.10"))
    OrderFactory(customer=alice, status="processing", total=Decimal("5.05"))
    pending = OrderFactory(customer=alice, status="pending", total=Decimal("100.00"))
    assert kept(alice.pk)[:4] == (3, 2, Decimal("15.15"), pending.pk)

    pending.status = "completed"  # a status change counts its total
    services.order_save(pending)
    paid.total = Decimal("20.10")  # a paid order's new total replaces the old one
    services.order_save(paid)
    assert kept(alice.pk)[:3] == (3, 3, Decimal("125.15"))

    pending.customer = bob  # moved to another customer: the last order is looked for again
    services.order_save(pending)
    assert kept(alice.pk)[:4] == (2, 2, Decimal("25.15"), paid.pk + 1)
    assert kept(bob.pk)[:4] == (1, 1, Decimal("100.00"), pending.pk)

    services.order_delete(Order.objects.get(pk=paid.pk + 1))
    assert kept(alice.pk)[:4] == (1, 1, Decimal("20.10"), paid.pk)
    Order.objects.filter(pk=paid.pk).delete()  # a raw delete, not through the services: the same
    assert kept(alice.pk)[:4] == (0, 0, Decimal("0.00"), None)

    v2 = api.get(f"/wp-json/wc/v2/customers/{bob.pk}").json()
    assert (v2["orders_count"], v2["total_spent"]) == (1, "100.00")
    assert figures.rebuild() == 0


def test_deleting_a_customer_keeps_their_orders_out_of_every_figure():
    alice = CustomerFactory()
    OrderFactory(customer=alice, status="completed", total=Decimal("3.00"))
    services.customer_delete(customer=customer_get(alice.pk))
    assert not CustomerStats.objects.filter(customer_id=alice.pk).exists()
    assert figures.rebuild() == 0


def test_last_active_follows_the_first_wc_last_active_row_and_ignores_what_is_not_a_number():
    alice = CustomerFactory()
    services.mark_active_today(alice.pk)
    seconds = int(CustomerMeta.objects.get(customer=alice, key=LAST_ACTIVE_KEY).value.strip('"'))
    assert seconds % 86400 == 0
    assert kept(alice.pk)[4] == seconds
    CustomerMeta.objects.filter(customer=alice, key=LAST_ACTIVE_KEY).update(value="1700000000")  # a JSON number
    assert kept(alice.pk)[4] == 1700000000
    for value in ('"yesterday"', '"-5"', "null", '"1e9"', '"12', "[1]"):
        CustomerMeta.objects.filter(customer=alice, key=LAST_ACTIVE_KEY).update(value=value)
        assert kept(alice.pk)[4] is None, value
    CustomerMeta.objects.filter(customer=alice, key=LAST_ACTIVE_KEY).update(key="other")
    CustomerMeta.objects.create(customer=alice, key=LAST_ACTIVE_KEY, value='"1764547200"')
    assert kept(alice.pk)[4] == 1764547200
    CustomerMeta.objects.filter(customer=alice, key=LAST_ACTIVE_KEY).delete()
    assert kept(alice.pk)[4] is None
    assert figures.rebuild() == 0


def test_a_rebuild_corrects_figures_written_behind_the_triggers_back():
    alice, bob = CustomerFactory(), CustomerFactory()
    order = OrderFactory(customer=alice, status="completed", total=Decimal("7.50"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customerstats SET orders_count = 9 WHERE customer_id = %s", [alice.pk])
        cursor.execute("DELETE FROM customers_customerstats WHERE customer_id = %s", [bob.pk])
    assert figures.rebuild() == 2
    assert kept(alice.pk)[:4] == (1, 1, Decimal("7.50"), order.pk)
    assert kept(bob.pk)[:4] == (0, 0, Decimal("0.00"), None)
    assert figures.rebuild() == 0


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite has one writer at a time"
)
@pytest.mark.django_db(transaction=True)
def test_orders_of_one_customer_placed_at_the_same_time_each_count():
    alice = CustomerFactory()
    start = threading.Barrier(4)

    def place_orders() -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    Order.objects.create(customer_id=alice.pk, status="completed", total=Decimal("1.25"))
        finally:
            connection.close()

    threads = [threading.Thread(target=place_orders) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert kept(alice.pk)[:4] == (20, 20, Decimal("25.00"), Order.objects.latest("id").pk)
    assert figures.rebuild() == 0
