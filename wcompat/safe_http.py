"""Outgoing HTTP requests as WordPress's wp_safe_remote_request() makes them: to public addresses only.

    check_url("https://hooks.example/in")  ->  SafeTarget(host, ip, port, ...)  or  UnsafeURL
    post(target, body, headers, timeout=60)  ->  (status, body, error)

The URL must be http(s) with a host and no credentials; the host must resolve (over IPv4, as WordPress
resolves it) to addresses outside the private, loopback, link-local, documentation, shared and multicast
ranges; an explicit port must be 80, 443 or 8080. The connection goes to the address that was checked
(no second lookup a DNS answer could change), redirects are not followed, and HTTP/1.0 is spoken.
`allow_private=True` lifts the address and port rules (the webhooks app passes its setting for development
and tests).

As in wp_http_validate_url(), the site's own host (from `WCOMPAT_SITE_URL` alone, never from a request) skips
the address check only: its port must still be 80, 443, 8080 or the site URL's own port.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

# wp_http_validate_url(): the ranges newest WordPress refuses, beside the older 127/8, 10/8, 0/8,
# 172.16/12 and 192.168/16.
BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
SAFE_PORTS = (80, 443, 8080)
# What is kept of a response body (for the delivery log).
MAX_BODY = 64 * 1024


class UnsafeURL(Exception):
    """WordPress's http_request_failed: "A valid URL was not provided."."""

    def __init__(self, reason: str = "A valid URL was not provided.") -> None:
        super().__init__(reason)


@dataclass(frozen=True)
class SafeTarget:
    url: str
    scheme: str
    host: str
    ip: str
    port: int
    path: str


def check_url(url: str, *, home_url: str = "", allow_private: bool = False) -> SafeTarget:
    """The URL, checked and resolved to the address to connect to; UnsafeURL when WordPress would refuse it.

    `home_url` is the site's configured URL (WCOMPAT_SITE_URL): a URL on its host may resolve to a private
    address, on an allowed port or the home URL's own one.
    """
    if not isinstance(url, str) or not url or url.isdigit():
        raise UnsafeURL()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise UnsafeURL()
    host = parts.hostname
    if any(char in host for char in ":#?[]"):
        raise UnsafeURL()  # IPv6 literals included, as WordPress refuses them
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL() from None
    try:
        addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)})
    except (OSError, UnicodeError):
        raise UnsafeURL() from None
    if not addresses:
        raise UnsafeURL()
    if not allow_private:
        home_host, home_port = _home(home_url)
        own_host = bool(home_host) and host.lower() == home_host
        if not own_host and any(_blocked(address) for address in addresses):
            raise UnsafeURL()
        if parts.port is not None and parts.port not in SAFE_PORTS and not (own_host and parts.port == home_port):
            raise UnsafeURL()
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return SafeTarget(url=url, scheme=parts.scheme, host=host, ip=addresses[0], port=port, path=path)


def _home(home_url: str) -> tuple[str, int | None]:
    """The configured home URL's host (lower case) and its explicit port, if any."""
    try:
        parts = urlsplit(home_url or "")
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", None


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in BLOCKED_NETWORKS)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, speaks HTTP/1.0 (as WordPress's webhooks do)."""

    _http_vsn = 10
    _http_vsn_str = "HTTP/1.0"

    def __init__(self, target: SafeTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    _http_vsn = 10
    _http_vsn_str = "HTTP/1.0"

    def __init__(self, target: SafeTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._ip = target.ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int  # 0 when no HTTP answer came (refused, timeout, TLS, DNS)
    body: str
    headers: dict[str, str]
    error: str = ""


def request(target: SafeTarget, method: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """One request to the checked address, over within `timeout` seconds in all (a receiver that drips its
    answer is cut off, as cURL's total timeout cuts it); never raises for the network's failures."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    expired = threading.Event()
    watchdog = threading.Timer(timeout, _cut_off, args=(connection, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(method, target.path, body=body, headers={"Host": _host_header(target), **headers})
        response = connection.getresponse()
        content = response.read(MAX_BODY)
        if expired.is_set():
            raise TimeoutError(f"Operation timed out after {timeout:g} seconds")
        return Answer(
            status=response.status,
            body=content.decode("utf-8", "replace"),
            headers=dict(response.getheaders()),
        )
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError):
        if expired.is_set():
            error = TimeoutError(f"Operation timed out after {timeout:g} seconds")
        return Answer(status=0, body="", headers={}, error=f"{type(error).__name__}: {error}")
    finally:
        watchdog.cancel()
        connection.close()


def _cut_off(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    """Interrupt a request that outlived its timeout: shutting the socket down wakes a blocked read."""
    expired.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _host_header(target: SafeTarget) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"
