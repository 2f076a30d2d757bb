"""Conditional requests, an extension (WooCommerce has none): ETag, If-None-Match and If-Match.

    GET /wp-json/wc/v3/customers/5                        ->  200, ETag: "9c1f…"
    GET /wp-json/wc/v3/customers/5  If-None-Match: "9c1f…"  ->  304, no body
    PUT /wp-json/wc/v3/customers/5  If-Match: "0b7a…"       ->  412 rest_precondition_failed, nothing changed

The ETag is a hash of the item as the request would see it (its API version, context and the fields the
requester may see). If-Match is checked again under a lock in the write's transaction, so of two writers
holding the same ETag exactly one wins. Batch items carry it as "if_match". Without these headers nothing
changes.
"""

import hashlib
from collections.abc import Callable
from typing import Any

import orjson

from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException


def etag(representation: dict[str, Any]) -> str:
    """A strong ETag of a rendered item."""
    body = orjson.dumps(representation, default=str)
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def none_match(header: str | None, current: str) -> bool:
    """If-None-Match: whether the client's copy is current (weak comparison, `*` matches)."""
    if not header:
        return False
    tags = _tags(header)
    return "*" in tags or current in {tag.removeprefix("W/") for tag in tags}


def if_match_holds(header: Any, current: str | None) -> bool:
    """If-Match: whether the item is still what the client read (strong comparison; `*`: it exists)."""
    if not isinstance(header, str) or current is None:
        return False
    tags = _tags(header)
    return "*" in tags or current in tags


def precondition_failed() -> WcAPIException:
    return WcErrorCode.PRECONDITION_FAILED.error()


Precondition = Callable[[Any], None]


def if_match_precondition(header: Any, etag_of: Callable[[Any], str]) -> Precondition:
    """What a write runs on the item it is about to change (None when it is gone): raise 412 if stale."""

    def check(item: Any) -> None:
        if not if_match_holds(header, etag_of(item) if item is not None else None):
            raise precondition_failed()

    return check
