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
from typing import Any
from urllib.parse import urlencode, urljoin

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from wcompat import conf, safe_http
from webhooks import conf as webhook_settings, queue, topics
from webhooks.models import Delivery, DeliveryAttempt, Webhook

WOOCOMMERCE_VERSION = "9.8.5"
WORDPRESS_VERSION = "6.8.1"
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

    def arrays(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: arrays(item) for key, item in value.items()} if value else []
        if isinstance(value, list):
            return [arrays(item) for item in value]
        return value

    return json.dumps(arrays(payload), separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


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


def payload_for(delivery: Delivery, webhook: Webhook) -> dict[str, Any]:
    """What the body says: `{"id": N}` for a deletion, else the resource as the webhook's owner reads it."""
    if topics.event(delivery.topic) == "deleted":
        return {"id": delivery.resource_id}
    return topics.render(
        delivery.topic,
        delivery.resource_id,
        namespace=webhook.api_version,
        owner=webhook.user,
        site_url=site_url(webhook),
    )


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


def deliver(delivery: Delivery) -> None:
    """One attempt at a delivery this worker claimed, recorded; then its next state, and the webhook's.

    The lease is taken again just before the send, and the outcome is recorded only while the row is still
    this worker's (webhooks.queue): a worker whose lease ran out sends nothing, or records nothing."""
    webhook = Webhook.objects.select_related("user").filter(pk=delivery.webhook_id).first()
    if webhook is None:
        delivery.delete()  # the webhook was deleted meanwhile: nothing to send it to
        return
    if not queue.renew(delivery):
        return
    if delivery.kind == Delivery.Kind.PING:
        ping(delivery, webhook)
        return
    if delivery.attempts and webhook.status != Webhook.Status.ACTIVE:
        # A paused or disabled webhook gets no retries (the first attempt went, as in WooCommerce).
        queue.settle(delivery, state=Delivery.State.FAILED)
        return
    body = php_json(payload_for(delivery, webhook))
    started = time.monotonic()
    answer = send(
        webhook.delivery_url,
        "POST",
        body,
        headers_for(delivery, webhook, body),
        timeout=webhook_settings.get("WEBHOOK_TIMEOUT"),
    )
    succeeded = answer.status in SUCCESS
    with transaction.atomic():
        if succeeded:
            mine = queue.settle(delivery, state=Delivery.State.DELIVERED)
        else:
            active = Webhook.objects.filter(pk=webhook.pk, status=Webhook.Status.ACTIVE).exists()
            mine = queue.retry_or_give_up(delivery, active=active)
        if not mine:
            return  # another worker has it now: this attempt is neither logged nor counted
        _log(delivery, answer, started)
        _count(webhook, succeeded)
    # WooCommerce pings again after each save of a webhook whose ping has not been answered yet.
    if (
        succeeded
        and Webhook.objects.filter(pk=webhook.pk, pending_delivery=True, status=Webhook.Status.ACTIVE).exists()
    ):
        queue_ping(webhook)


def _log(delivery: Delivery, answer: safe_http.Answer, started: float) -> None:
    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempt=delivery.attempts + 1,
        response_code=answer.status,
        duration_ms=int((time.monotonic() - started) * 1000),
        response_body=answer.body[:2000],
        error=answer.error[:2000],
    )


def _count(webhook: Webhook, succeeded: bool) -> None:
    """WC_Webhook's failure bookkeeping, done in the database so that parallel workers count right."""
    now = timezone.now()
    if succeeded:
        Webhook.objects.filter(pk=webhook.pk).update(failure_count=0, date_modified=now)
        return
    too_many = When(failure_count__gt=MAX_FAILURES, then=Value(Webhook.Status.DISABLED))
    Webhook.objects.filter(pk=webhook.pk).update(
        status=Case(too_many, default=F("status")),
        failure_count=Case(
            When(failure_count__gt=MAX_FAILURES, then=F("failure_count")), default=F("failure_count") + 1
        ),
        date_modified=now,
    )


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


def ping(delivery: Delivery, webhook: Webhook) -> None:
    """WC_Webhook::deliver_ping(): `webhook_id=N`, unsigned, up to 5 redirects; only a final 200 clears it."""
    started = time.monotonic()
    url, method = webhook.delivery_url, "POST"
    body = urlencode({"webhook_id": webhook.pk}).encode()
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"}
    answer = safe_http.Answer(status=0, body="", headers={}, error="too many redirects")
    for _redirect in range(MAX_REDIRECTS + 1):
        answer = send(url, method, body, headers, timeout=webhook_settings.get("WEBHOOK_PING_TIMEOUT"))
        location = answer.headers.get("Location") or answer.headers.get("location")
        if answer.status not in (301, 302, 303, 307, 308) or not location:
            break
        url = urljoin(url, location)
        if answer.status in (302, 303):
            method, body, headers = "GET", b"", {"User-Agent": USER_AGENT}
    with transaction.atomic():
        if not queue.settle(
            delivery, state=Delivery.State.DELIVERED if answer.status == 200 else Delivery.State.FAILED
        ):
            return
        _log(delivery, answer, started)
        if answer.status == 200:
            Webhook.objects.filter(pk=webhook.pk).update(pending_delivery=False, date_modified=timezone.now())
