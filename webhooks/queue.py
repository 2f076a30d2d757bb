"""The delivery queue's mechanics, apart from what makes a delivery WooCommerce's (webhooks.delivery):
claiming due rows, the lease each one is sent under, settling its outcome, retrying with backoff, pruning.

    batch = claim()                       # due rows, leased to this worker under the claim's token
    if renew(row): ...send...             # the lease taken again just before the send: it covers that send
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


def claim(
    limit: int = CLAIM, *, busy: Iterable[tuple[int, int]] = (), skip_webhooks: Iterable[int] = ()
) -> list[Delivery]:
    """Lease up to `limit` due deliveries for this worker, oldest first, under this claim's token; none of a
    (webhook, resource) pair in `busy` (being sent already) nor of the webhooks in `skip_webhooks` (their
    receiving host has its share in flight). One statement picks and leases the rows."""
    if limit <= 0:
        return []
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    conditions, params = [], [adapt(now + lease()), secrets.token_hex(16), adapt(now), adapt(now)]
    skip = [int(webhook_id) for webhook_id in skip_webhooks]
    if skip:
        conditions.append(f" AND webhook_id NOT IN ({', '.join(['%s'] * len(skip))})")
        params.extend(skip)
    for webhook_id, resource_id in busy:
        conditions.append(" AND NOT (webhook_id = %s AND resource_id = %s)")
        params.extend([int(webhook_id), int(resource_id)])
    params.append(int(limit))
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM.format(conditions="".join(conditions), lock=lock), params)
        rows = sorted(cursor.fetchall(), key=lambda row: (_utc(row[-1]), row[0]))
    token = params[1]
    return [Delivery.from_db(connection.alias, _CLAIMED, (*row[:-1], token)) for row in rows]


def _utc(value: datetime | str) -> datetime:
    """A datetime as a raw query returns it (SQLite: text, or naive), made comparable."""
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


# Pick the due rows no live lease holds and lease them, in one statement (PostgreSQL skips the rows another
# worker's claim is locking; SQLite runs one writer at a time).
_CLAIM = (
    "UPDATE webhooks_delivery SET locked_until = %s, lease_token = %s WHERE id IN ("
    "SELECT id FROM webhooks_delivery WHERE state = 'pending' AND next_attempt_at <= %s"
    " AND (locked_until IS NULL OR locked_until < %s){conditions}"
    " ORDER BY next_attempt_at, id LIMIT %s{lock})"
    " RETURNING id, webhook_id, kind, topic, resource_id, delivery_id, state, attempts, next_attempt_at"
)
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


def renew(delivery: Delivery) -> bool:
    """Take the lease again for one send (a batch's later rows wait while earlier ones are sent); False when
    another worker has the row now."""
    if not delivery.lease_token:
        return False
    renewed = _mine(delivery).update(locked_until=timezone.now() + lease())
    if not renewed:
        logger.warning("Delivery %s is no longer this worker's (its lease ran out): not sent", delivery.pk)
    return bool(renewed)


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
    """Several successful attempts recorded at once (in the caller's transaction): the ids of the rows that were
    still this worker's; the others are left as they are."""
    by_token: dict[str, list[int]] = {}
    for delivery in deliveries:
        if delivery.lease_token:
            by_token.setdefault(delivery.lease_token, []).append(delivery.pk)
    settled: set[int] = set()
    with connection.cursor() as cursor:
        for token, ids in by_token.items():
            cursor.execute(_SETTLE_DELIVERED[connection.vendor], [token, ids_param(ids)])
            settled.update(row[0] for row in cursor.fetchall())
    for delivery in deliveries:
        if delivery.pk not in settled:
            _dropped(delivery)
    return settled


_SETTLE = (
    "UPDATE webhooks_delivery SET state = 'delivered', attempts = attempts + 1, locked_until = NULL,"
    " lease_token = '' WHERE state = 'pending' AND lease_token = %s AND "
)
_SETTLE_DELIVERED = {
    "postgresql": _SETTLE + "id = ANY(%s) RETURNING id",
    "sqlite": _SETTLE + "id IN (SELECT value FROM json_each(%s)) RETURNING id",
}


def ids_param(ids: list[int]):
    """A list of ids as one parameter: an array on PostgreSQL, JSON text for SQLite's json_each()."""
    return list(ids) if connection.vendor == "postgresql" else json.dumps(list(ids))


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
