"""Safe retries of writes with an `Idempotency-Key` header (as Stripe offers them; WooCommerce does not).

    POST /wp-json/wc/v3/customers/batch      Idempotency-Key: 6f1c…      {"create": [...]}

- The same key with the same request replays the stored answer (`Idempotent-Replayed: true`), without
  running the write again.
- The same key with a different request (method, path, parameters or body) is 409
  `rest_idempotency_key_reused`.
- A retry that arrives while the first request still runs waits for its answer (up to WAIT_SECONDS,
  then 409 `rest_idempotency_key_in_progress`): the write runs exactly once.
- Keys belong to the API key that sent them and are kept 24 hours. Answers of 5xx are not kept, so a
  retry after a failure runs again. Without the header nothing changes.
- The store is bounded: an API key's kept answers total at most WCOMPAT_IDEMPOTENCY_MAX_BYTES_PER_KEY (the
  oldest are evicted first; a retry of an evicted key runs again), and expired records are pruned by the
  requests that claim keys, with no job to schedule.
"""

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.request import Request

from wcompat import conf
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException
from wcompat.models import ApiKey, IdempotencyRecord
from wcompat.params import query_params, read_body
from wcompat.parsers import body_media_type, form_params

HEADER = "Idempotency-Key"
METHODS = ("POST", "PUT", "PATCH", "DELETE")
KEEP = timedelta(hours=24)
WAIT_SECONDS = 25
MAX_KEY_LENGTH = 255
# Answer headers a replay carries.
KEPT_HEADERS = ("Content-Type", "Location", "X-WP-Total", "X-WP-TotalPages", "Link", "Allow", "ETag")
# Credentials change on every retry (OAuth nonces, timestamps, signatures): they are not the request.
_CREDENTIALS = ("oauth_", "consumer_key", "consumer_secret")


class IdempotentReplay(Exception):
    """The stored answer of an earlier request with the same key and the same content."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("replay")
        self.response = response


@dataclass
class Claim:
    record: IdempotencyRecord


def _fingerprint(request: Request) -> str:
    body = read_body(request._request)

    def without_credentials(params: dict) -> dict:
        return {name: value for name, value in params.items() if not name.startswith(_CREDENTIALS)}

    parts = {
        "method": request.method,
        "path": request.path,
        "query": without_credentials(query_params(request)),
        "form": without_credentials(form_params(request)),
        "content_type": body_media_type(request),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode())
    if not parts["form"]:
        digest.update(body)
    return digest.hexdigest()


def begin(request, api_key: ApiKey | None) -> Claim | None:
    """Claim the request's idempotency key, or raise IdempotentReplay / a 409; None without a key."""
    django_request = getattr(request, "_request", request)
    key = django_request.META.get("HTTP_IDEMPOTENCY_KEY")
    if not key or api_key is None or django_request.method not in METHODS:
        return None
    if "\x00" in key:
        raise WcAPIException(WcErrorCode.INVALID_PARAM, f"The {HEADER} header may not contain a NUL character.", 400)
    if len(key) > MAX_KEY_LENGTH:
        raise WcAPIException(
            WcErrorCode.INVALID_PARAM, f"The {HEADER} header may not be longer than {MAX_KEY_LENGTH} characters.", 400
        )
    fingerprint = _fingerprint(request)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(api_key=api_key, key=key, fingerprint=fingerprint)
            prune_expired()
            return Claim(record)
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
        if record is None:
            continue  # it expired or its request failed meanwhile: claim it again
        if record.fingerprint != fingerprint:
            raise WcAPIException(
                WcErrorCode.IDEMPOTENCY_MISMATCH,
                f"This {HEADER} was already used with a different request.",
                409,
            )
        if record.state == IdempotencyRecord.State.DONE:
            raise IdempotentReplay(_replay(record))
        # A record still `processing` this long after it was made belongs to a request that died (its worker
        # was killed): no request outlives gunicorn's timeout.
        if timezone.now() - record.created > timedelta(seconds=conf.get("IDEMPOTENCY_ABANDONED_SECONDS")):
            IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.State.PROCESSING).delete()
            continue
        if time.monotonic() > deadline:
            raise WcAPIException(
                WcErrorCode.IDEMPOTENCY_IN_PROGRESS,
                f"A request with this {HEADER} is still being processed. Retry later.",
                409,
            )
        time.sleep(0.05)


def finish(claim: Claim, response: HttpResponse) -> None:
    """Keep the answer for the key's retries (a 5xx is forgotten, so a retry runs again)."""
    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=claim.record.pk).delete()
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    body = bytes(response.content)
    IdempotencyRecord.objects.filter(pk=claim.record.pk).update(
        state=IdempotencyRecord.State.DONE,
        status=response.status_code,
        headers=headers,
        body=body,
        size=len(body) + len(json.dumps(headers)),
    )
    _evict_over_budget(claim.record.api_key_id, keep=claim.record.pk)


def _evict_over_budget(api_key_id: int, *, keep: int) -> None:
    """Delete the API key's oldest kept answers until their total fits its budget (the newest stays)."""
    records = IdempotencyRecord.objects.filter(api_key_id=api_key_id, state=IdempotencyRecord.State.DONE)
    excess = (records.aggregate(total=Sum("size"))["total"] or 0) - conf.get("IDEMPOTENCY_MAX_BYTES_PER_KEY")
    if excess <= 0:
        return
    doomed = []
    for pk, size in records.exclude(pk=keep).order_by("created", "id").values_list("pk", "size").iterator():
        doomed.append(pk)
        excess -= size
        if excess <= 0:
            break
    IdempotencyRecord.objects.filter(pk__in=doomed).delete()


def abandon(claim: Claim) -> None:
    IdempotencyRecord.objects.filter(pk=claim.record.pk).delete()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def prune_expired() -> int:
    """Forget the records older than KEEP; how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created__lt=timezone.now() - KEEP).delete()
    return deleted
