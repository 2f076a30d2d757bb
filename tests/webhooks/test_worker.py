"""The worker's claim on its own: which deliveries it leases, for how long, and which it leaves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webhooks.models import Delivery, Webhook
from webhooks.worker import claim, lease

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook() -> Webhook:
    return Webhook.objects.create(topic="customer.updated", delivery_url="https://hooks.example/in", status="active")


def delivery(webhook: Webhook, **fields) -> Delivery:
    return Delivery.objects.create(
        webhook=webhook, topic="customer.updated", delivery_id=f"d{Delivery.objects.count()}", **fields
    )


def test_claim_leases_the_due_deliveries_oldest_first_up_to_its_limit(webhook):
    now = timezone.now()
    later = delivery(webhook, next_attempt_at=now - timedelta(seconds=1))
    first = delivery(webhook, next_attempt_at=now - timedelta(seconds=5))
    delivery(webhook, next_attempt_at=now + timedelta(minutes=5))  # not due
    delivery(webhook, next_attempt_at=now - timedelta(seconds=9), state=Delivery.State.DELIVERED)
    third = delivery(webhook, next_attempt_at=now)

    claimed = claim(limit=2)
    assert [item.pk for item in claimed] == [first.pk, later.pk]
    for item in claimed:
        assert now + lease() - timedelta(seconds=5) < item.locked_until <= timezone.now() + lease()
    # Leased rows are not claimed again; the next due one is.
    assert [item.pk for item in claim(limit=2)] == [third.pk]
    assert claim() == []


def test_a_lease_that_ran_out_is_claimed_again(webhook):
    stale = delivery(webhook, next_attempt_at=timezone.now(), locked_until=timezone.now() - timedelta(seconds=1))
    assert [item.pk for item in claim()] == [stale.pk]


def test_the_lease_outlasts_the_slowest_delivery(settings):
    settings.WCOMPAT_WEBHOOK_TIMEOUT = 60
    assert lease() == timedelta(seconds=90)
