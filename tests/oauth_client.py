"""OAuth 1.0a signatures made the way the official `woocommerce` Python client makes them, not with the server's
own code: a base string that is wrong on the server's side cannot also be wrong here."""

import hashlib
from collections import OrderedDict
from contextlib import contextmanager

from woocommerce import oauth as client_oauth


@contextmanager
def _hash(algorithm: str):
    """The client signs with HMAC-SHA256 only; HMAC-SHA1 swaps its hash function for the duration."""
    original = client_oauth.sha256
    client_oauth.sha256 = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
    try:
        yield
    finally:
        client_oauth.sha256 = original


def client_signature(method: str, url: str, params: dict, secret: str, algorithm: str = "HMAC-SHA256") -> str:
    """The signature the official client computes for these parameters (oauth_* included, the signature not)."""
    signer = client_oauth.OAuth(url=url, consumer_key="", consumer_secret=secret, version="wc/v3", method=method)
    with _hash(algorithm):
        return signer.generate_oauth_signature(OrderedDict(params), url)
