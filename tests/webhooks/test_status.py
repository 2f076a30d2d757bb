"""`manage.py webhooks_status`: the queue's health as people and monitoring read it."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import CustomerFactory
from webhooks.models import Delivery, DeliveryAttempt, Webhook

pytestmark = pytest.mark.django_db


def status(**options) -> dict:
    out = StringIO()
    call_command("webhooks_status", json=True, stdout=out, stderr=StringIO(), **options)
    return json.loads(out.getvalue())


@pytest.fixture
def queue():
    now = timezone.now()
    busy = Webhook.objects.create(topic="customer.updated", delivery_url="https://a.example/in", status="active")
    quiet = Webhook.objects.create(topic="customer.created", delivery_url="https://b.example/in", status="active")

    def delivery(webhook, **fields):
        return Delivery.objects.create(webhook=webhook, topic=webhook.topic, delivery_id=next_delivery_id(), **fields)

    waiting = delivery(busy, next_attempt_at=now - timedelta(seconds=600))
    delivery(busy, next_attempt_at=now + timedelta(hours=1))  # a retry that is not due yet
    delivery(
        busy, next_attempt_at=now - timedelta(seconds=5), locked_until=now + timedelta(seconds=60), lease_token="a" * 32
    )
    done = delivery(busy, state=Delivery.State.DELIVERED)
    DeliveryAttempt.objects.create(delivery=waiting, attempt=1, response_code=500)
    DeliveryAttempt.objects.create(delivery=waiting, attempt=2, response_code=0)
    DeliveryAttempt.objects.create(delivery=done, attempt=1, response_code=200)
    DeliveryAttempt.objects.create(delivery=done, attempt=1, response_code=500, time=now - timedelta(hours=2))
    return busy, quiet


_counter = iter(range(10**6))


def next_delivery_id() -> str:
    return f"{next(_counter):032x}"


def test_the_figures_per_webhook_and_in_all(queue):
    busy, quiet = queue
    health = status(max_age=3600)
    age = health["webhooks"][0].pop("oldest_due_seconds")
    assert 600 <= age < 660
    assert health["webhooks"] == [
        {"webhook": busy.pk, "depth": 3, "in_flight": 1, "failures_1h": 2},
        {"webhook": quiet.pk, "depth": 0, "oldest_due_seconds": None, "in_flight": 0, "failures_1h": 0},
    ]
    assert (health["depth"], health["in_flight"], health["failures_1h"], health["stuck"]) == (3, 1, 2, False)
    assert health["oldest_due_seconds"] == age


def test_a_stuck_queue_exits_non_zero(queue):
    errors = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("webhooks_status", max_age=60, stdout=StringIO(), stderr=errors)
    assert exited.value.code == 1
    assert "The oldest due delivery has waited" in errors.getvalue()


def test_an_empty_queue_is_healthy():
    out = StringIO()
    call_command("webhooks_status", stdout=out)
    assert out.getvalue().splitlines()[-1].split() == ["all", "0", "-", "0", "0"]


#
# The same in the admin
#


def test_the_webhooks_list_shows_the_queue_and_why_a_webhook_was_disabled(admin_client, queue):
    _busy, quiet = queue
    Webhook.objects.filter(pk=quiet.pk).update(status="disabled", failure_count=6)
    html = admin_client.get(reverse("admin:webhooks_webhook_changelist")).content.decode()
    assert "Delivery queue" in html
    assert "3 waiting;" in html
    assert "1 in flight;" in html
    assert "Disabled after 6 failed deliveries in a row" in html

    response = admin_client.post(
        reverse("admin:webhooks_webhook_changelist"), {"action": "enable_and_ping", "_selected_action": [quiet.pk]}
    )
    assert response.status_code == 302
    quiet.refresh_from_db()
    assert (quiet.status, quiet.failure_count) == ("active", 0)
    assert Delivery.objects.filter(webhook=quiet, kind=Delivery.Kind.PING, state="pending").count() == 1


def test_the_delivery_log_names_each_delivery_and_links_its_customer(admin_client, api):
    customer = CustomerFactory()
    webhook = Webhook.objects.create(topic="customer.updated", delivery_url="https://a.example/in", status="active")
    delivery = Delivery.objects.create(
        webhook=webhook, topic="customer.updated", resource_id=customer.pk, delivery_id="feed" * 8
    )
    DeliveryAttempt.objects.create(delivery=delivery, attempt=1, response_code=0, error="TimeoutError: too slow")
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=1)
    log = admin_client.get(reverse("admin:webhooks_deliveryattempt_changelist")).content.decode()
    assert "feed" * 8 in log
    assert reverse("admin:customers_customer_change", args=[customer.pk]) in log
    page = admin_client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).content.decode()
    assert "Failed for good after 1 attempt(s); the last one: TimeoutError: too slow." in page
    assert "<td>1</td>" in page
