"""OAuth 1.0a one-legged signatures, verified exactly as WooCommerce's WC_REST_Authentication does.

>>> signature_base_string("GET", "http://shop/wp-json/wc/v1/customers", {"per_page": "2", ...})
'GET&http%3A%2F%2Fshop%2Fwp-json%2Fwc%2Fv1%2Fcustomers&oauth_consumer_key%3D...%26per_page%3D2'
"""

import base64
import hashlib
import hmac
import re
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

REQUIRED_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
SIGNATURE_METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
# WooCommerce accepts timestamps within 15 minutes either side of the server's clock.
TIMESTAMP_WINDOW = 15 * 60

_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')


def rfc3986(value: Any) -> str:
    """PHP rawurlencode(): everything but A-Z a-z 0-9 - _ . ~ is %XX."""
    return quote(str(value), safe="-_.~")


def parse_authorization_header(header: str) -> dict[str, str]:
    """The oauth_* pairs of an `Authorization: OAuth ...` header, URL-decoded (realm is ignored)."""
    header = header.strip()
    if not header.lower().startswith("oauth "):
        return {}
    params = {}
    for name, _raw, quoted, bare in _HEADER_PARAM.findall(header[6:]):
        params[name] = unquote_plus(quoted if quoted else bare)
    return params


def _flatten(key: str, value: Any) -> list[str]:
    """key=value pairs, each RFC 3986-encoded again; PHP arrays as key%5Bsub%5D=value."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        pairs = []
        for sub_key, sub_value in items:
            pairs.extend(_flatten(f"{key}%5B{sub_key}%5D", _encode_values(sub_value)))
        return pairs
    return [rfc3986(f"{key}={value}")]


def _encode_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _encode_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode_values(item) for item in value]
    return rfc3986(value)


def signature_base_string(method: str, base_uri: str, params: dict[str, Any]) -> str:
    """WooCommerce's string to sign: METHOD&encoded-URI&encoded-sorted-params (oauth_signature left out)."""
    pairs: list[str] = []
    for key in sorted((k for k in params if k != "oauth_signature"), key=lambda k: k.encode("utf-8")):
        pairs.extend(_flatten(rfc3986(key), _encode_values(params[key])))
    return f"{method.upper()}&{rfc3986(base_uri)}&{'%26'.join(pairs)}"


def sign(base_string: str, consumer_secret: str, method: str) -> str:
    digest = hmac.new(f"{consumer_secret}&".encode(), base_string.encode("utf-8"), SIGNATURE_METHODS[method])
    return base64.b64encode(digest.digest()).decode("ascii")


def signature_matches(provided: str, base_string: str, consumer_secret: str, method: str) -> bool:
    # A `+` that a query string turned into a space is repaired first, as WooCommerce does.
    provided = unquote(provided.replace(" ", "+"))
    expected = sign(base_string, consumer_secret, method)
    return hmac.compare_digest(expected.encode(), provided.encode("utf-8", "replace"))
