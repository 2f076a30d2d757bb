"""Sending a delivery exactly as WooCommerce sends it, and what its answer does to the webhook.

    POST <delivery_url>                       (HTTP/1.0, no redirects followed, 60 s timeout)
    User-Agent: WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)
    Content-Type: application/json
    X-WC-Webhook-Source: https://shop.example/
    X-WC-Webhook-Topic: customer.updated          X-WC-Webhook-Resource: customer
    X-WC-Webhook-Event: updated                   X-WC-Webhook-ID: 7
    X-WC-Webhook-Signature: base64(HMAC-SHA256(secret, body))
    X-WC-Webhook-Delivery-ID: 3b5e…               (unique per delivery; the same on a retry)

    {"id":5,…,"_links":{"self":[{"href":"https:\\/\\/shop.example\\/wp-json\\/wc\\/v3\\/customers\\/5"}],…}}

An answer 200-302 is a success (the failure count goes back to 0); anything else, no answer included, is a
failure: after more than 5 in a row the webhook is disabled. Deliveries are retried with backoff (a
deliberate addition: WooCommerce tries once); a ping (`webhook_id=N`, unsigned) must be answered 200.
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from wcompat import conf, safe_http
from wcompat.versions import WOOCOMMERCE_VERSION, WORDPRESS_VERSION
from webhooks import conf as webhook_settings, queue, topics
from webhooks.models import Delivery, Webhook

USER_AGENT = f"WooCommerce/{WOOCOMMERCE_VERSION} Hookshot (WordPress/{WORDPRESS_VERSION})"
# woocommerce_max_webhook_delivery_failures: the 7th failure in a row disables (the count stops at 6).
MAX_FAILURES = 5
MAX_REDIRECTS = 5
SUCCESS = range(200, 303)


def site_url(webhook: Webhook) -> str:
    """The site's home URL for this webhook: WCOMPAT_SITE_URL, else the one it was created through."""
    return (conf.get("SITE_URL") or webhook.site_url or "http://localhost").rstrip("/")


def php_json(payload: Any) -> bytes:
    """PHP's json_encode() after a decode/re-encode: ASCII only, `/` escaped, empty objects as []."""
    text = _JSON.encode(payload)
    if "{}" in text:  # an empty object (or those two characters in a string): walked, to write it as []
        text = _JSON.encode(_arrays(payload))
    return text.replace("/", "\\/").encode()


_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)


def _arrays(value: Any) -> Any:
    """The value with its empty objects as empty lists (a worker's busiest walk: scalars are not called on)."""
    if isinstance(value, dict):
        if not value:
            return []
        return {key: _arrays(item) if isinstance(item, dict | list) else item for key, item in value.items()}
    if isinstance(value, list):
        return [_arrays(item) if isinstance(item, dict | list) else item for item in value]
    return value


_ENTITIES = {
    "&amp;": "&",
    "&#38;": "&",
    "&#x26;": "&",
    "&lt;": "<",
    "&#60;": "<",
    "&gt;": ">",
    "&#62;": ">",
    "&quot;": '"',
    "&#34;": '"',
    "&#x22;": '"',
    "&#39;": "'",
    "&#x27;": "'",
}
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#0*(?:38|60|62|34|39)|#x0*(?:26|22|27));", re.IGNORECASE)


def entity_decode(secret: str) -> str:
    """WordPress wp_specialchars_decode(…, ENT_QUOTES): the secret WooCommerce actually keys the HMAC with."""

    def decoded(match: re.Match) -> str:
        text = match.group().lower()
        text = re.sub(r"&#x0*", "&#x", re.sub(r"&#0*(?=\d)", "&#", text))
        return _ENTITIES[text]

    return _ENTITY.sub(decoded, secret)


def signature(body: bytes, secret: str) -> str:
    digest = hmac.new(entity_decode(secret).encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def payloads_for(deliveries: list[Delivery], webhooks: dict[int, Webhook]) -> dict[int, dict[str, Any]]:
    """What each delivery's body says, by delivery id: `{"id": N}` for a deletion, else the resource as the
    webhook's owner reads it now (one read per webhook and topic, whatever the number of deliveries)."""
    payloads: dict[int, dict[str, Any]] = {}
    groups: dict[tuple[int, str], list[Delivery]] = {}
    for delivery in deliveries:
        if delivery.kind == Delivery.Kind.PING or delivery.webhook_id not in webhooks:
            continue
        if topics.event(delivery.topic) == "deleted":
            payloads[delivery.pk] = {"id": delivery.resource_id}
        else:
            groups.setdefault((delivery.webhook_id, delivery.topic), []).append(delivery)
    for (webhook_id, topic), group in groups.items():
        webhook = webhooks[webhook_id]
        rendered = topics.render(
            topic,
            list(dict.fromkeys(delivery.resource_id for delivery in group)),
            namespace=webhook.api_version,
            owner=webhook.user,
            site_url=site_url(webhook),
        )
        payloads.update({delivery.pk: rendered[delivery.resource_id] for delivery in group})
    return payloads


def headers_for(delivery: Delivery, webhook: Webhook, body: bytes) -> dict[str, str]:
    resource, _, event = delivery.topic.partition(".")
    return {
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": f"{site_url(webhook)}/",
        "X-WC-Webhook-Topic": delivery.topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": signature(body, webhook.secret),
        "X-WC-Webhook-ID": str(webhook.pk),
        "X-WC-Webhook-Delivery-ID": delivery.delivery_id,
    }


def send(url: str, method: str, body: bytes, headers: dict[str, str], *, timeout: float) -> safe_http.Answer:
    """One request under WordPress's safe HTTP rules; the site's own host is the configured one alone (a
    webhook's stored site URL came from a request's Host header, which a client chooses)."""
    try:
        target = safe_http.check_url(
            url,
            home_url=conf.get("SITE_URL"),
            allow_private=bool(webhook_settings.get("WEBHOOK_ALLOW_PRIVATE_URLS")),
        )
    except safe_http.UnsafeURL as error:
        return safe_http.Answer(status=0, body="", headers={}, error=f"http_request_failed: {error}")
    return safe_http.request(target, method, body, headers, timeout=timeout)


@dataclass
class Outbound:
    """A claimed delivery made ready to go: the request, and the webhook as it was read for it."""

    delivery: Delivery
    webhook: Webhook
    body: bytes
    headers: dict[str, str]

    @property
    def is_ping(self) -> bool:
        return self.delivery.kind == Delivery.Kind.PING


@dataclass
class Sent:
    """What came back, and how long the attempt took."""

    outbound: Outbound
    answer: safe_http.Answer
    duration_ms: int

    @property
    def delivered(self) -> bool:
        """A delivery (not a ping) its receiver took: an answer 200-302."""
        return not self.outbound.is_ping and self.answer.status in SUCCESS


def prepare(delivery: Delivery, webhook: Webhook | None, payload: dict[str, Any] | None) -> Outbound | None:
    """The request for a claimed delivery with its payload (payloads_for(), rendered just before the send, so
    it carries the resource's latest state); None when there is nothing to send: the webhook was deleted
    meanwhile (the row goes with it), or it is paused or disabled and this would be a retry (the first attempt
    went, as in WooCommerce: it fails)."""
    if webhook is None:
        delivery.delete()
        return None
    if delivery.kind == Delivery.Kind.PING:
        body = urlencode({"webhook_id": webhook.pk}).encode()
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"}
        return Outbound(delivery, webhook, body, headers)
    if delivery.attempts and webhook.status != Webhook.Status.ACTIVE:
        queue.settle(delivery, state=Delivery.State.FAILED)
        return None
    body = php_json(payload)
    return Outbound(delivery, webhook, body, headers_for(delivery, webhook, body))


def transmit(outbound: Outbound) -> Sent:
    """The HTTP side of an attempt, and nothing else: no database, so any thread may run it."""
    started = time.monotonic()
    if outbound.is_ping:
        answer = _ping(outbound)
    else:
        timeout = webhook_settings.get("WEBHOOK_TIMEOUT")
        answer = send(outbound.webhook.delivery_url, "POST", outbound.body, outbound.headers, timeout=timeout)
    return Sent(outbound, answer, int((time.monotonic() - started) * 1000))


def record(results: list[Sent]) -> None:
    """The outcomes of attempts this worker made, in one transaction: each delivery's next state (only while
    the row is still this worker's, webhooks.queue), its log line, and the webhooks' failure counts."""
    succeeded_hooks: set[int] = set()
    with transaction.atomic():
        log, counts = [], _FailureCounts()
        delivered = queue.settle_delivered([sent.outbound.delivery for sent in results if sent.delivered])
        for sent in results:
            delivery, webhook, answer = sent.outbound.delivery, sent.outbound.webhook, sent.answer
            if sent.outbound.is_ping:
                if _settle_ping(delivery, webhook, answer):
                    log.append(_log_line(sent))
                continue
            succeeded = sent.delivered
            if succeeded:
                mine = delivery.pk in delivered
            else:
                counts.flush(webhook.pk)  # whether a failure disables the webhook depends on the count before it
                active = Webhook.objects.filter(pk=webhook.pk, status=Webhook.Status.ACTIVE).exists()
                mine = queue.retry_or_give_up(delivery, active=active)
            if not mine:
                continue  # another worker has it now: this attempt is neither logged nor counted
            log.append(_log_line(sent))
            counts.add(webhook.pk, succeeded)
            if succeeded and webhook.pending_delivery:
                succeeded_hooks.add(webhook.pk)
        counts.flush()
        _write_log(log)
    # WooCommerce pings again after each save of a webhook whose ping has not been answered yet; here after each
    # delivery too. Only webhooks read with their ping pending are looked at: one saved since queued its own.
    if succeeded_hooks:
        waiting = Webhook.objects.filter(pk__in=succeeded_hooks, pending_delivery=True, status=Webhook.Status.ACTIVE)
        for webhook in waiting:
            queue_ping(webhook)


def _log_line(sent: Sent) -> tuple:
    """A row of the delivery log (DeliveryAttempt), as _write_log() inserts it."""
    delivery, answer = sent.outbound.delivery, sent.answer
    return (
        delivery.pk,
        delivery.attempts + 1,
        answer.status,
        sent.duration_ms,
        _loggable(answer.body),
        _loggable(answer.error),
    )


def _loggable(text: str) -> str:
    """A receiver's text as the log keeps it: its start, and NUL (which PostgreSQL's text cannot hold) marked as
    an undecodable byte is."""
    return text[:2000].replace("\x00", "\ufffd")


def _write_log(lines: list[tuple]) -> None:
    """The log rows of a turn in one statement of two parameters, whatever their number (the worker's busiest
    write: neither the ORM's bulk_create nor a long VALUES list or arrays are cheap to build; JSON is)."""
    if not lines:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_LOG_SQL[connection.vendor], [now, json.dumps(lines)])


_LOG_COLUMNS = "time, delivery_id, attempt, response_code, duration_ms, response_body, error"
_LOG_SQL = {
    "postgresql": (
        f"INSERT INTO webhooks_deliveryattempt ({_LOG_COLUMNS}) SELECT %s, (line->>0)::bigint, (line->>1)::smallint,"
        " (line->>2)::smallint, (line->>3)::integer, line->>4, line->>5 FROM json_array_elements(%s::json) AS line"
    ),
    "sqlite": (
        f"INSERT INTO webhooks_deliveryattempt ({_LOG_COLUMNS}) SELECT %s, json_extract(value, '$[0]'),"
        " json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),"
        " json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM json_each(%s)"
    ),
}


class _FailureCounts:
    """WC_Webhook's failure bookkeeping, done in the database so that parallel workers count right: a success
    sets a webhook's count of failures in a row back to 0; a failure adds one, and one more than
    MAX_FAILURES + 1 disables the webhook. The outcomes of one batch are written per webhook, in order."""

    def __init__(self) -> None:
        self.pending: dict[int, list[bool]] = {}

    def add(self, webhook_id: int, succeeded: bool) -> None:
        self.pending.setdefault(webhook_id, []).append(succeeded)

    def flush(self, webhook_id: int | None = None) -> None:
        for pk in [webhook_id] if webhook_id is not None else list(self.pending):
            outcomes = self.pending.pop(pk, [])
            if outcomes:
                _count(pk, outcomes)


def _count(webhook_id: int, outcomes: list[bool]) -> None:
    """Outcomes in a row, oldest first, in one UPDATE: the failures after the last success count from 0 if there
    was one; each failure when the count is above MAX_FAILURES disables the webhook instead of counting."""
    cap = MAX_FAILURES + 1
    changes: dict[str, Any] = {"date_modified": timezone.now()}
    if True in outcomes:
        failures = outcomes[::-1].index(True)
        changes["failure_count"] = min(failures, cap)
        if failures > cap:
            changes["status"] = Webhook.Status.DISABLED
    else:
        failures = len(outcomes)
        changes["failure_count"] = Least(F("failure_count") + failures, Value(cap))
        too_many = When(failure_count__gt=cap - failures, then=Value(Webhook.Status.DISABLED))
        changes["status"] = Case(too_many, default=F("status"))
    Webhook.objects.filter(pk=webhook_id).update(**changes)


#
# Pings
#


def queue_ping(webhook: Webhook) -> None:
    """A ping for the worker to send (WooCommerce pings in the request; here it never slows a client).

    One waiting ping is enough: it reads the webhook's delivery URL when it is sent."""
    waiting = Delivery.objects.filter(webhook=webhook, kind=Delivery.Kind.PING, state=Delivery.State.PENDING)
    if waiting.filter(attempts=0).exists():
        return
    Delivery.objects.create(webhook=webhook, kind=Delivery.Kind.PING, topic="ping", delivery_id=secrets.token_hex(16))


def _ping(outbound: Outbound) -> safe_http.Answer:
    """WC_Webhook::deliver_ping()'s request: `webhook_id=N`, unsigned, up to 5 redirects followed."""
    url, method, body, headers = outbound.webhook.delivery_url, "POST", outbound.body, outbound.headers
    answer = safe_http.Answer(status=0, body="", headers={}, error="too many redirects")
    for _redirect in range(MAX_REDIRECTS + 1):
        answer = send(url, method, body, headers, timeout=webhook_settings.get("WEBHOOK_PING_TIMEOUT"))
        location = answer.headers.get("location")
        if answer.status not in (301, 302, 303, 307, 308) or not location:
            break
        url = urljoin(url, location)
        if answer.status in (302, 303):
            method, body, headers = "GET", b"", {"User-Agent": USER_AGENT}
    return answer


def _settle_ping(delivery: Delivery, webhook: Webhook, answer: safe_http.Answer) -> bool:
    """Only a final 200 clears the webhook's pending ping; False when the row is no longer this worker's."""
    if not queue.settle(delivery, state=Delivery.State.DELIVERED if answer.status == 200 else Delivery.State.FAILED):
        return False
    if answer.status == 200:
        Webhook.objects.filter(pk=webhook.pk).update(pending_delivery=False, date_modified=timezone.now())
    return True
