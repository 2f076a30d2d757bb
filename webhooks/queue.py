"""The delivery queue's mechanics, apart from what makes a delivery WooCommerce's (webhooks.delivery):
claiming due rows, the lease each one is sent under, settling its outcome, retrying with backoff, pruning.

    batch = claim(limit)                  # due rows, leased to this worker under the claim's token, claimed
                                          # only as there is room to send them at once: the lease covers that send
    if settle(row, state=...): ...        # the outcome, only if the row is still this worker's

Every change of a claimed row is guarded by its lease token: a worker whose lease ran out (and whose row
another worker claimed) changes nothing, and says so in its log.
"""

import json
import logging
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from webhooks import conf as webhook_settings
from webhooks.models import Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)

CLAIM = 10


def lease() -> timedelta:
    """Longer than the slowest delivery (its timeout), so only a dead worker's lease runs out."""
    timeout = max(webhook_settings.get("WEBHOOK_TIMEOUT"), webhook_settings.get("WEBHOOK_PING_TIMEOUT") * (1 + 5))
    return timedelta(seconds=timeout + max(1.0, timeout / 2))


def claim(limit: int = CLAIM, *, skip_webhooks: Iterable[int] = ()) -> list[Delivery]:
    """Lease up to `limit` due deliveries for this worker, oldest first, under this claim's token; none of a
    (webhook, resource) pair another delivery of which is leased (being sent, by any worker: a receiver sees one
    resource's changes in order), nor of the webhooks in `skip_webhooks` (their receiving host has its share in
    flight). One statement picks and leases the rows; two of one pair may come in one claim (the caller sends one
    and releases the other)."""
    if limit <= 0:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    token = secrets.token_hex(16)
    skip = [int(webhook_id) for webhook_id in skip_webhooks]
    leased = [connection.ops.adapt_datetimefield_value(timezone.now() + lease()), token]
    skipping = f" AND d.webhook_id NOT IN ({', '.join(['%s'] * len(skip))})" if skip else ""
    lock = " FOR UPDATE OF d SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM.format(skip=skipping, lock=lock), [now, now, now, *skip, int(limit), *leased])
        rows = sorted(cursor.fetchall(), key=lambda row: (_utc(row[-1]), row[0]))
    claimed = [Delivery.from_db(connection.alias, _CLAIMED, (*row[:-1], token)) for row in rows]
    if connection.vendor == "postgresql" and claimed:
        # Two claims running at once each saw the other's pair free: whoever sees a rival lease gives its row back.
        claimed = _without_rivals(claimed, token, now)
    return claimed


def _without_rivals(claimed: list[Delivery], token: str, now) -> list[Delivery]:
    with connection.cursor() as cursor:
        cursor.execute(_RIVALS, [now, token])
        others = set(cursor.fetchall())  # the pairs other claims hold: a few rows, read once
    rivalled = {delivery.pk for delivery in claimed if (delivery.webhook_id, delivery.resource_id) in others}
    release([delivery for delivery in claimed if delivery.pk in rivalled])
    return [delivery for delivery in claimed if delivery.pk not in rivalled]


def _utc(value: datetime | str) -> datetime:
    """A datetime as a raw query returns it (SQLite: text, or naive), made comparable."""
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


# The (webhook, resource) pairs being sent: the rows under a live lease, read from the index of leased rows (a
# few entries whatever the queue's depth) and matched by hash, once per statement.
_LEASED = (
    "SELECT o.webhook_id, o.resource_id FROM webhooks_delivery o"
    " WHERE o.state = 'pending' AND o.lease_token > '' AND o.locked_until >= %s"
)
# Pick the due rows no live lease holds and lease them, in one statement (PostgreSQL skips the rows another
# worker's claim is locking; SQLite runs one writer at a time).
# The picking is a materialized CTE, run once: as a subquery of the UPDATE, PostgreSQL may run it again for
# each row it updates, and with SKIP LOCKED each run can pick other rows: more than `limit` were leased.
_CLAIM = (
    "WITH picked AS MATERIALIZED ("
    "SELECT d.id FROM webhooks_delivery d WHERE d.state = 'pending' AND d.next_attempt_at <= %s"
    " AND (d.locked_until IS NULL OR d.locked_until < %s)"
    f" AND (d.webhook_id, d.resource_id) NOT IN ({_LEASED}){{skip}}"
    " ORDER BY d.next_attempt_at, d.id LIMIT %s{lock})"
    " UPDATE webhooks_delivery SET locked_until = %s, lease_token = %s WHERE id IN (SELECT id FROM picked)"
    " RETURNING id, webhook_id, kind, topic, resource_id, delivery_id, state, attempts, next_attempt_at"
)
_RIVALS = f"{_LEASED} AND o.lease_token <> %s"
# What a claimed row is made of (the worker needs no more), and the lease token it was claimed under.
_CLAIMED = ["id", "webhook_id", "kind", "topic", "resource_id", "delivery_id", "state", "attempts", "lease_token"]


def _mine(delivery: Delivery):
    return Delivery.objects.filter(pk=delivery.pk, lease_token=delivery.lease_token, state=Delivery.State.PENDING)


def release(deliveries: list[Delivery]) -> None:
    """Give claimed rows back to the queue unsent (another worker, or this one later, takes them)."""
    for token in {delivery.lease_token for delivery in deliveries if delivery.lease_token}:
        ids = [delivery.pk for delivery in deliveries if delivery.lease_token == token]
        Delivery.objects.filter(pk__in=ids, lease_token=token, state=Delivery.State.PENDING).update(
            locked_until=None, lease_token=""
        )


def settle(
    delivery: Delivery, *, state: str, attempts: int | None = None, next_attempt_at: datetime | None = None
) -> bool:
    """Record the outcome of this worker's attempt (in the caller's transaction); False, with nothing changed,
    when the row is no longer this worker's."""
    changes = {"state": state, "locked_until": None, "lease_token": ""}
    changes["attempts"] = F("attempts") + 1 if attempts is None else attempts
    if next_attempt_at is not None:
        changes["next_attempt_at"] = next_attempt_at
    settled = _mine(delivery).update(**changes)
    if not settled:
        _dropped(delivery)
    return bool(settled)


def settle_delivered(deliveries: list[Delivery]) -> set[int]:
    """Several successful attempts recorded at once, in one statement whatever the claims they came from (in the
    caller's transaction): the ids of the rows that were still this worker's; the others are left as they are."""
    mine = [(delivery.pk, delivery.lease_token) for delivery in deliveries if delivery.lease_token]
    settled: set[int] = set()
    if mine:
        params = [json.dumps(mine)]
        if connection.vendor == "postgresql":
            # The ids again, as an array the planner reads: it leads with the primary key whatever its statistics
            # say of the pending rows (stale ones had it hash every pending row to match sixty).
            params.insert(0, "{" + ",".join(str(pk) for pk, _token in mine) + "}")
        with connection.cursor() as cursor:
            cursor.execute(_SETTLE_DELIVERED[connection.vendor], params)
            settled.update(row[0] for row in cursor.fetchall())
    for delivery in deliveries:
        if delivery.pk not in settled:
            _dropped(delivery)
    return settled


_DELIVERED = "state = 'delivered', attempts = attempts + 1, locked_until = NULL, lease_token = ''"
_SETTLE_DELIVERED = {
    "postgresql": (
        f"UPDATE webhooks_delivery AS d SET {_DELIVERED} WHERE d.id = ANY(%s::bigint[]) AND d.state = 'pending'"
        " AND (d.id, d.lease_token) IN (SELECT (mine->>0)::bigint, mine->>1 FROM json_array_elements(%s::json) AS mine)"
        " RETURNING d.id"
    ),
    "sqlite": (
        f"UPDATE webhooks_delivery SET {_DELIVERED} WHERE state = 'pending' AND (id, lease_token) IN"
        " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(%s)) RETURNING id"
    ),
}


def _dropped(delivery: Delivery) -> None:
    logger.warning("Delivery %s is no longer this worker's (its lease ran out): its outcome is dropped", delivery.pk)


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt: the first wait, doubled after each failure, at most a day."""
    return timedelta(seconds=min(webhook_settings.get("WEBHOOK_RETRY_SECONDS") * 2 ** (attempts - 1), 86400))


def retry_or_give_up(delivery: Delivery, *, active: bool) -> bool:
    """After a failed attempt: try again later with backoff, or fail for good (attempts spent, or the webhook no
    longer active). False when the row is no longer this worker's."""
    attempts = delivery.attempts + 1
    if attempts >= webhook_settings.get("WEBHOOK_MAX_ATTEMPTS") or not active:
        return settle(delivery, state=Delivery.State.FAILED)
    return settle(
        delivery, state=Delivery.State.PENDING, attempts=attempts, next_attempt_at=timezone.now() + backoff(attempts)
    )


def prune() -> int:
    """Forget deliveries (and their log) finished more than WCOMPAT_WEBHOOK_LOG_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=webhook_settings.get("WEBHOOK_LOG_DAYS"))
    old = Delivery.objects.filter(created__lt=cutoff).exclude(state=Delivery.State.PENDING)
    DeliveryAttempt.objects.filter(delivery__in=old).delete()
    deleted, _ = old.delete()
    return deleted
