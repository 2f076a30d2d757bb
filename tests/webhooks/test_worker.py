"""The worker's claim on its own: which deliveries it leases, for how long, and which it leaves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webhooks.models import Delivery, Webhook
from webhooks.queue import claim, lease, settle_delivered
from webhooks.worker import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook() -> Webhook:
    return Webhook.objects.create(topic="customer.updated", delivery_url="https://hooks.example/in", status="active")


def delivery(webhook: Webhook, **fields) -> Delivery:
    """A queued delivery, of a resource of its own unless told."""
    number = Delivery.objects.count()
    fields.setdefault("resource_id", 1000 + number)
    return Delivery.objects.create(webhook=webhook, topic="customer.updated", delivery_id=f"d{number}", **fields)


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


#
# The lease guards every change: a worker whose lease ran out changes nothing
#


@pytest.fixture
def subscribed(api, receiver):
    from tests.webhooks.conftest import subscribe

    webhook = subscribe(api, receiver, "customer.updated")
    Delivery.objects.filter(kind=Delivery.Kind.PING).delete()
    return Webhook.objects.get(pk=webhook["id"])


def attempt(delivery: Delivery) -> None:
    """One attempt as the worker makes it (webhooks.worker): the request made ready, sent, its outcome recorded."""
    from webhooks.delivery import record, transmit
    from webhooks.worker import _prepare

    webhooks = Webhook.objects.select_related("user").in_bulk([delivery.webhook_id])
    record([transmit(outbound) for outbound in _prepare([delivery], webhooks)])


def test_a_row_another_worker_claimed_after_this_ones_lease_ran_out_is_theirs(api, subscribed, receiver):
    customer = api.post("/wp-json/wc/v3/customers", {"email": "ada@example.com"}, format="json").json()
    [mine] = claim()
    # This worker's send took longer than its lease: another worker claimed the row and sends it too.
    Delivery.objects.filter(pk=mine.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    [theirs] = claim()
    attempt(mine)
    stored = Delivery.objects.get(pk=mine.pk)
    # This worker's outcome is not recorded: the row, its attempts and its log are the other worker's.
    assert (stored.attempts, stored.state, stored.lease_token) == (0, "pending", theirs.lease_token)
    assert not stored.log.exists()
    attempt(theirs)
    assert [request.headers["X-WC-Webhook-Resource"] for request in receiver.deliveries()] == ["customer"] * 2
    stored = Delivery.objects.get(pk=mine.pk)
    assert (stored.attempts, stored.state, stored.log.count()) == (1, "delivered", 1)
    assert customer["id"] == stored.resource_id


def test_an_outcome_that_arrives_after_the_lease_ran_out_changes_nothing(api, subscribed, receiver, monkeypatch):
    from webhooks import delivery as delivery_module

    receiver.statuses = [500]
    api.post("/wp-json/wc/v3/customers", {"email": "ada@example.com"}, format="json")
    [mine] = claim()
    real_send = delivery_module.send
    taken = []

    def send_then_lose_the_lease(*args, **kwargs):
        answer = real_send(*args, **kwargs)  # the real receiver answers 500 ...
        # ... after so long that the lease ran out and another worker claimed the row.
        Delivery.objects.filter(pk=mine.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
        taken.extend(claim())
        return answer

    monkeypatch.setattr(delivery_module, "send", send_then_lose_the_lease)
    attempt(mine)
    assert (len(receiver.deliveries()), len(taken)) == (1, 1)
    stored = Delivery.objects.get(pk=mine.pk)
    # Neither the attempt nor the failure is recorded: the other worker will make (and count) its own.
    assert (stored.attempts, stored.state, stored.lease_token) == (0, "pending", taken[0].lease_token)
    assert not stored.log.exists()
    assert Webhook.objects.get(pk=subscribed.pk).failure_count == 0


#
# Sending several at once
#


def test_claim_leaves_what_is_being_sent_and_full_hosts(webhook):
    other = Webhook.objects.create(topic="customer.updated", delivery_url="https://b.example/in", status="active")
    sending = delivery(webhook, resource_id=2)
    [leased] = claim(1)  # another worker is sending it
    assert leased.pk == sending.pk
    first = delivery(webhook, resource_id=1)
    delivery(webhook, resource_id=2)  # a later change of the resource being sent waits for that send
    elsewhere = delivery(other, resource_id=1)
    assert {item.pk for item in claim(10)} == {first.pk, elsewhere.pk}
    Delivery.objects.exclude(pk=sending.pk).update(locked_until=None, lease_token="")
    assert {item.pk for item in claim(10, skip_webhooks=[webhook.pk])} == {elsewhere.pk}


def test_a_pair_whose_send_outlived_its_lease_is_claimed_again(webhook):
    sending = delivery(webhook, resource_id=2)
    claim(1)
    later = delivery(webhook, resource_id=2)
    Delivery.objects.filter(pk=sending.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert {item.pk for item in claim(10)} == {sending.pk, later.pk}  # the caller sends one, gives one back


def test_successes_of_several_claims_settle_at_once_and_only_while_still_this_workers(webhook):
    rows = [delivery(webhook, next_attempt_at=timezone.now()) for _ in range(3)]
    first = claim(limit=2)
    [second] = claim(limit=1)
    assert first[0].lease_token != second.lease_token
    # The second claim's lease ran out and another worker took the row: this worker's success is not recorded.
    Delivery.objects.filter(pk=second.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    [theirs] = claim(limit=1)
    settled = settle_delivered([*first, second])
    assert settled == {row.pk for row in first}
    stored = {
        row.pk: (row.state, row.attempts, row.lease_token)
        for row in Delivery.objects.filter(pk__in=[r.pk for r in rows])
    }
    assert stored[first[0].pk] == stored[first[1].pk] == ("delivered", 1, "")
    assert stored[second.pk] == ("pending", 0, theirs.lease_token)


def test_one_host_gets_half_the_worker_unless_told(webhook, settings):
    for _ in range(4):
        delivery(webhook)

    class Pool:
        """The worker's thread pool, keeping what it is handed instead of sending it."""

        def __init__(self) -> None:
            self.handed = []

        def submit(self, _send, outbound) -> None:
            self.handed.append(outbound)

    pool, in_flight = Pool(), {}
    worker = Worker(concurrency=4)
    worker._start(pool, in_flight)
    assert len(pool.handed) == len(in_flight) == 2  # a dead host would hold half the threads, no more
    settings.WCOMPAT_WEBHOOK_PER_HOST = 3
    worker._start(pool, in_flight)
    assert len(pool.handed) == len(in_flight) == 3
