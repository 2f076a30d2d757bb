"""Events for the webhooks to deliver, queued in the writer's transaction, in one statement.

    queue({"customer.created": [5, 6], "customer.updated": [5, 6]})

One INSERT … SELECT finds the active webhooks subscribed to each topic and queues a delivery per
(webhook, resource): nothing is written when no webhook listens, and a write that rolls back takes its
deliveries with it. While a delivery of the same (webhook, topic, resource) waits for its first attempt,
another change queues nothing: the payload is rendered when it is sent, so it carries the latest state
(WooCommerce coalesces the same way). A delivery a worker has claimed may have been rendered already: a change
then queues one of its own.
"""

import json

from django.db import connection
from django.utils import timezone

_SQL = {
    "postgresql": (
        "INSERT INTO webhooks_delivery"
        " (webhook_id, kind, topic, resource_id, delivery_id, state, attempts, next_attempt_at, created, lease_token)"
        " SELECT w.id, 'event', w.topic, e.resource_id, replace(gen_random_uuid()::text, '-', ''), 'pending', 0,"
        " %s, %s, '' FROM webhooks_webhook w"
        " JOIN unnest(%s::text[], %s::bigint[]) AS e(topic, resource_id) ON e.topic = w.topic"
        " WHERE w.status = 'active' AND w.delivery_url <> '' AND NOT EXISTS (SELECT 1 FROM webhooks_delivery d"
        " WHERE d.webhook_id = w.id AND d.topic = w.topic AND d.resource_id = e.resource_id"
        " AND d.state = 'pending' AND d.attempts = 0 AND d.lease_token = '')"
    ),
    "sqlite": (
        "INSERT INTO webhooks_delivery"
        " (webhook_id, kind, topic, resource_id, delivery_id, state, attempts, next_attempt_at, created, lease_token)"
        " SELECT w.id, 'event', w.topic, e.resource_id, lower(hex(randomblob(16))), 'pending', 0, %s, %s, ''"
        " FROM webhooks_webhook w JOIN (SELECT json_extract(value, '$[0]') AS topic,"
        " json_extract(value, '$[1]') AS resource_id FROM json_each(%s)) e ON e.topic = w.topic"
        " WHERE w.status = 'active' AND w.delivery_url <> '' AND NOT EXISTS (SELECT 1 FROM webhooks_delivery d"
        " WHERE d.webhook_id = w.id AND d.topic = w.topic AND d.resource_id = e.resource_id"
        " AND d.state = 'pending' AND d.attempts = 0 AND d.lease_token = '')"
    ),
}


def queue(events: dict[str, list[int]]) -> None:
    """Queue a delivery of each (topic, resource id) to every active webhook subscribed to the topic."""
    pairs = [(topic, int(resource_id)) for topic, ids in events.items() for resource_id in ids]
    if not pairs:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # stored as the ORM stores it
    if connection.vendor == "postgresql":
        params = [now, now, [topic for topic, _ in pairs], [resource_id for _, resource_id in pairs]]
    else:
        params = [now, now, json.dumps(pairs)]
    with connection.cursor() as cursor:
        cursor.execute(_SQL[connection.vendor], params)
