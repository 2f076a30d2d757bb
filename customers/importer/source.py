"""Reading a WooCommerce store through its REST API with the official `woocommerce` client, patiently.

    source = StoreSource("https://shop.example", "ck_…", "cs_…", api_version="wc/v3")
    page = source.page("customers", {"role": "all", "orderby": "id", "order": "asc"}, number=3)

The client signs with OAuth 1.0a over http and sends Basic credentials over https, as it does for any user.
A 5xx, a 429 (after its Retry-After), a timeout, a dropped connection or a truncated page is retried with
exponential backoff; once the retries are spent, SourceUnavailable says what kept failing, and the import
stops where its checkpoint is. Any other 4xx is an error the import cannot get past (bad keys, say).
"""

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from woocommerce import API

from wcompat.dates import as_datetime

PER_PAGE = 100
# This project's own namespace, with the order rows (customers.exports), when the source is wcompat.
EXPORT_NAMESPACE = "wcompat/v1"


class SourceError(Exception):
    """The store refused a request in a way retrying cannot fix."""


class SourceUnavailable(SourceError):
    """The store kept failing after every retry."""


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    total_pages: int
    headers: dict[str, str]


def retry_after(response: requests.Response) -> float | None:
    """Seconds a 429 or 503 asks to wait (a number, or an HTTP date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (as_datetime(when).timestamp() - time.time()))


class StoreSource:
    def __init__(
        self,
        url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        api_version: str = "wc/v3",
        timeout: float = 30,
        retries: int = 6,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        verify_ssl: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self.api_version = api_version
        self.retries, self.backoff, self.max_wait, self.sleep = retries, backoff, max_wait, sleep
        options = {"timeout": timeout, "verify_ssl": verify_ssl, "user_agent": "wcompat-import"}
        self.api = API(
            url=self.url, consumer_key=consumer_key, consumer_secret=consumer_secret, version=api_version, **options
        )
        self.exports = API(
            url=self.url,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            version=EXPORT_NAMESPACE,
            **options,
        )
        # How many requests were retried (the import's summary reports it).
        self.retried = 0

    def get(self, endpoint: str, params: dict[str, Any] | None = None, *, api: API | None = None) -> tuple[Any, dict]:
        """The decoded answer of a GET and its headers; retried as the module says."""
        api = api or self.api
        problem = ""
        for attempt in range(1, self.retries + 2):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                response = api.get(endpoint, params=dict(params or {}))
            except requests.RequestException as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    problem = f"HTTP {status}"
                    wait = retry_after(response) or wait
                elif status >= 400:
                    raise SourceError(f"GET {endpoint}: HTTP {status}: {_error_text(response)}")
                else:
                    try:
                        return response.json(), dict(response.headers)
                    except ValueError:
                        problem = "an answer that is not complete JSON (the connection dropped?)"
            if attempt > self.retries:
                break
            self.retried += 1
            self.sleep(min(wait, self.max_wait))
        raise SourceUnavailable(f"GET {endpoint} failed {self.retries + 1} times; last: {problem}")

    def page(self, endpoint: str, params: dict[str, Any], number: int, *, api: API | None = None) -> Page:
        """One page of a collection; a failure names the page."""
        try:
            data, headers = self.get(endpoint, {**params, "per_page": PER_PAGE, "page": number}, api=api)
        except SourceError as error:
            raise type(error)(f"{error} (page {number})") from None
        if not isinstance(data, list):
            raise SourceError(f"GET {endpoint} page {number}: expected a list, got {type(data).__name__}")
        total = header_number(headers, "X-WP-Total", len(data), f"GET {endpoint} page {number}")
        pages = header_number(headers, "X-WP-TotalPages", 1, f"GET {endpoint} page {number}")
        return Page(items=data, total=total, total_pages=pages, headers=headers)

    def orders_api(self) -> API | None:
        """Where the store's orders are: WooCommerce's /orders, this project's export namespace, or nowhere."""
        for api in (self.api, self.exports):
            try:
                self.get("orders", {"per_page": 1}, api=api)
            except SourceError as error:
                if "HTTP 404" in str(error):
                    continue
                raise
            return api
        return None


def header_number(headers: dict[str, str], name: str, default: int, where: str) -> int:
    """A paging header's whole number (the default when it is absent or empty); SourceError, naming the
    request, when the store sent something else."""
    value = (headers.get(name) or "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise SourceError(f"{where}: {name} is not a number ({value[:40]!r})")
    return int(value)


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return f"{body.get('code')}: {body.get('message')}"
    return str(body)[:200]
