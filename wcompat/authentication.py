"""WooCommerce API-key authentication: Basic / query-string keys on HTTPS, OAuth 1.0a on HTTP.

GET /wp-json/wc/v1/customers                     Authorization: Basic base64(ck_…:cs_…)   (HTTPS)
GET /wp-json/wc/v1/customers?consumer_key=ck_…&consumer_secret=cs_…                      (HTTPS)
GET /wp-json/wc/v1/customers?oauth_consumer_key=ck_…&oauth_signature=…&…                 (HTTP)
"""

import base64
import binascii
import logging
import time
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from wcompat import conf, oauth
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException, drop_failed_connections
from wcompat.keycache import find_key
from wcompat.models import ApiKey, OAuthNonce
from wcompat.params import query_params
from wcompat.parsers import form_params

logger = logging.getLogger(__name__)
# last_access is written at most this often per key, so reads do not each cost a write.
LAST_ACCESS_RESOLUTION = timedelta(seconds=60)


def auth_error(message: str, code: str = WcErrorCode.AUTHENTICATION_ERROR) -> WcAPIException:
    return WcAPIException(code, message, 401)


def site_base_url(request) -> str:
    """scheme://host[:port] of the site: the configured public URL, else the request's own."""
    configured = conf.get("SITE_URL")
    if configured:
        return configured.rstrip("/")
    # Every link of a response starts with it: worked out once per request (on Django's request, which
    # DRF's wraps).
    request = getattr(request, "_request", request)
    cached = getattr(request, "_wc_site_base_url", None)
    if cached is None:
        cached = f"{request.scheme}://{request.get_host()}"
        request._wc_site_base_url = cached
    return cached


def now() -> float:
    return time.time()


class ConsumerKeyAuthentication(BaseAuthentication):
    """Authenticates WooCommerce routes with an ApiKey; request.auth is the key."""

    def authenticate(self, request: Request):
        django_request = request._request
        key = None
        if django_request.is_secure() or conf.get("ALLOW_INSECURE_KEY_AUTH"):
            key = self._basic(django_request)
        if key is None:
            key = self._oauth(request)
        if key is None:
            return None
        # For the request log, which names the key by its last characters only, and for last_access, which
        # is written after the response has gone (wcompat.middleware).
        django_request.wc_api_key = key
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return 'Basic realm="WooCommerce API"'

    def _basic(self, request) -> ApiKey | None:
        query = query_params(request)
        consumer_key, consumer_secret = query.get("consumer_key"), query.get("consumer_secret")
        if not (
            isinstance(consumer_key, str) and consumer_key and isinstance(consumer_secret, str) and consumer_secret
        ):
            consumer_key, consumer_secret = _basic_credentials(request.META.get("HTTP_AUTHORIZATION", ""))
        if not consumer_key or not consumer_secret:
            return None
        key = find_key(consumer_key)
        if key is None:
            # An unknown key is not an error: the request goes on anonymously, as in WooCommerce.
            return None
        if not key.secret_matches(consumer_secret):
            raise auth_error("Consumer secret is invalid.")
        return key

    def _oauth(self, request: Request) -> ApiKey | None:
        params = {**query_params(request), **form_params(request)}
        params.update(oauth.parse_authorization_header(request.META.get("HTTP_AUTHORIZATION", "")))
        missing = [name for name in oauth.REQUIRED_PARAMS if not params.get(name)]
        if len(missing) == len(oauth.REQUIRED_PARAMS):
            return None
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            raise auth_error(f"Missing OAuth {noun} {', '.join(missing)}", WcErrorCode.AUTHENTICATION_MISSING_PARAMETER)
        # A parameter sent as an array (oauth_signature_method[]=…) fails the check it first reaches.
        consumer_key = params["oauth_consumer_key"]
        key = find_key(consumer_key) if isinstance(consumer_key, str) else None
        if key is None:
            raise auth_error("Consumer key is invalid.")
        method = params["oauth_signature_method"]
        if not isinstance(method, str) or method not in oauth.SIGNATURE_METHODS:
            raise auth_error("Invalid signature - signature method is invalid.")
        if not all(isinstance(params[name], str) for name in ("oauth_signature", "oauth_timestamp", "oauth_nonce")):
            raise auth_error("Invalid signature - provided signature does not match.")
        base_uri = site_base_url(request) + request.path
        method_sent = getattr(request, "wp_real_method", request.method)
        base_string = oauth.signature_base_string(method_sent, base_uri, params)
        if not oauth.signature_matches(params["oauth_signature"], base_string, key.consumer_secret, method):
            raise auth_error("Invalid signature - provided signature does not match.")
        self._use_nonce(key, params["oauth_timestamp"], params["oauth_nonce"])
        return key

    def _use_nonce(self, key: ApiKey, timestamp: str, nonce: str) -> None:
        current = now()
        try:
            stamp = int(timestamp)
        except ValueError:
            raise auth_error("Invalid timestamp.") from None
        if abs(stamp - current) > oauth.TIMESTAMP_WINDOW:
            raise auth_error("Invalid timestamp.")
        try:
            with transaction.atomic():
                # PostgreSQL text cannot hold NUL characters.
                OAuthNonce.objects.create(api_key=key, nonce=nonce.replace("\x00", "")[:255], timestamp=stamp)
        except IntegrityError:
            raise auth_error("Invalid nonce - nonce has already been used.") from None
        prune_expired_nonces(current)


def prune_expired_nonces(current: float | None = None) -> int:
    """Expired nonces can never be replayed (their timestamp is refused): forget them; how many."""
    current = now() if current is None else current
    deleted, _ = OAuthNonce.objects.filter(timestamp__lt=current - oauth.TIMESTAMP_WINDOW).delete()
    return deleted


def touch_last_access(key: ApiKey) -> None:
    """Record that the key was used, at most once a minute; a bookkeeping write never fails a request."""
    moment = timezone.now()
    if key.last_access is not None and moment - key.last_access <= LAST_ACCESS_RESOLUTION:
        return
    try:
        ApiKey.objects.filter(pk=key.pk).update(last_access=moment)
    except DatabaseError as error:
        logger.warning("Could not record the last access of API key …%s: %s", key.truncated_key, error)
        # A connection that failed (a read-only SQLite file, say) is not kept for the next request.
        drop_failed_connections(error)
        return
    key.last_access = moment


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    username, _, password = decoded.partition(":")
    return username, password


def check_key_scope(request: Request, method: str) -> None:
    """A key may only read or only write (WooCommerce check_permissions; before routing, 401)."""
    key = request.auth
    if not isinstance(key, ApiKey):
        return
    if method in ("GET", "HEAD"):
        if not key.can_read:
            raise auth_error("The API key provided does not have read permissions.")
    elif method in ("POST", "PUT", "PATCH", "DELETE"):
        if not key.can_write:
            raise auth_error("The API key provided does not have write permissions.")
    elif method != "OPTIONS":
        raise auth_error("Unknown request method.")
