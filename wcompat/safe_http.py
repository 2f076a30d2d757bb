"""Outgoing HTTP requests as WordPress's wp_safe_remote_request() makes them: to public addresses only.

    check_url("https://hooks.example/in")  ->  SafeTarget(host, ip, port, ...)  or  UnsafeURL
    request(target, "POST", body, headers, timeout=60)  ->  Answer(status, body, headers, error)

The URL must be http(s) with a host and no credentials; the host must resolve (over IPv4, as WordPress
resolves it) to addresses outside the private, loopback, link-local, documentation, shared and multicast
ranges; an explicit port must be 80, 443 or 8080. The connection goes to the address that was checked
(no second lookup a DNS answer could change), redirects are not followed, and HTTP/1.0 is spoken.
`allow_private=True` lifts the address and port rules (the webhooks app passes its setting for development
and tests).

As in wp_http_validate_url(), the site's own host (from `WCOMPAT_SITE_URL` alone, never from a request) skips
the address check only: its port must still be 80, 443, 8080 or the site URL's own port.
"""

import ipaddress
import re
import socket
import ssl
import time
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


@dataclass(frozen=True)
class Answer:
    status: int  # 0 when no HTTP answer came (refused, timeout, TLS, DNS)
    body: str
    headers: dict[str, str]  # names in lower case
    error: str = ""


def request(target: SafeTarget, method: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """One HTTP/1.0 request to the checked address, over within `timeout` seconds in all (a receiver that drips
    its answer is cut off, as cURL's total timeout cuts it); never raises for the network's failures.

    HTTP/1.0 without keep-alive is one request per connection and an answer that ends when the connection does,
    so the exchange is a few socket calls, each given what is left of the time."""
    deadline = time.monotonic() + timeout
    sock = None
    try:
        request_bytes = _request_bytes(target, method, body, headers)
        sock = socket.create_connection((target.ip, target.port), _left(deadline, timeout))
        if target.scheme == "https":
            sock = _TLS.wrap_socket(sock, server_hostname=target.host)
        sock.settimeout(_left(deadline, timeout))
        sock.sendall(request_bytes)
        return _read_answer(sock, deadline, timeout)
    except (OSError, ValueError) as error:
        if isinstance(error, TimeoutError | socket.timeout) or time.monotonic() >= deadline:
            error = TimeoutError(f"Operation timed out after {timeout:g} seconds")
        return Answer(status=0, body="", headers={}, error=f"{type(error).__name__}: {error}")
    finally:
        if sock is not None:
            sock.close()


_TLS = ssl.create_default_context()
# What is read of an answer's status line and headers.
MAX_HEAD = 64 * 1024


def _left(deadline: float, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(f"Operation timed out after {timeout:g} seconds")
    return left


def _request_bytes(target: SafeTarget, method: str, body: bytes, headers: dict[str, str]) -> bytes:
    """The request as sent: control characters in its path or headers are refused, as http.client refuses them."""
    fields = {"Host": _host_header(target), **headers, "Content-Length": str(len(body))}
    if _CONTROL.search(target.path) or any(
        _CONTROL.search(f"{name}{value}".replace(" ", "")) for name, value in fields.items()
    ):
        raise ValueError("The request's path or a header holds a control character")
    head = f"{method} {target.path} HTTP/1.0\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    return (head + "\r\n").encode("latin-1") + body


_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_BAD_FIELD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_END_OF_HEAD = re.compile(rb"\r?\n\r?\n")


def _read_answer(sock: socket.socket, deadline: float, timeout: float) -> Answer:
    """Status line, headers and (up to MAX_BODY of) the body, read until the connection ends or the answer's
    Content-Length is in."""
    data = b""
    while not (end := _END_OF_HEAD.search(data)):
        if len(data) > MAX_HEAD:
            raise ValueError("The answer's headers are too long")
        chunk = _recv(sock, deadline, timeout)
        if not chunk:
            raise ConnectionError("Remote end closed connection without response")
        data += chunk
    status, headers = _parse_head(data[: end.start()].decode("latin-1"))
    length = headers.get("content-length", "")
    wanted = min(int(length), MAX_BODY) if length.isdigit() else MAX_BODY
    chunks, size = [data[end.end() :]], len(data) - end.end()
    while size < wanted:
        chunk = _recv(sock, deadline, timeout)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    content = b"".join(chunks)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        content = _unchunked(content)
    return Answer(status=status, body=content[:MAX_BODY].decode("utf-8", "replace"), headers=headers)


def _recv(sock: socket.socket, deadline: float, timeout: float) -> bytes:
    sock.settimeout(_left(deadline, timeout))
    return sock.recv(65536)


def _parse_head(head: str) -> tuple[int, dict[str, str]]:
    status_line, *lines = head.replace("\r\n", "\n").split("\n")
    version, _, rest = status_line.strip().partition(" ")
    code = rest.strip()[:3]
    if not version.startswith("HTTP/") or not (code.isdigit() and len(code) == 3):
        raise ConnectionError(f"Bad status line: {status_line.strip()[:100]!r}")
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers[name.strip().lower()] = value.strip()
    return int(code), headers


def _unchunked(content: bytes) -> bytes:
    """A chunked body's data (an HTTP/1.1 server may answer so even to HTTP/1.0); what cannot be parsed is kept."""
    parts, rest = [], content
    while rest:
        size_line, sep, rest = rest.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip() or b"x", 16)
        except ValueError:
            return content
        if not sep or size == 0:
            break
        parts.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(parts)


def _host_header(target: SafeTarget) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"
