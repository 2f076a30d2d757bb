"""wc_is_valid_url(), esc_url_raw() and the safe HTTP rules, on their own."""

from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from tests.webhooks.receiver import Receiver, start_receiver
from wcompat import safe_http
from wcompat.url_rules import esc_url_raw, is_valid_url


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://hooks.example/in?x=1#top", True),
        ("http://localhost:8000/x", True),
        ("http://127.0.0.1/", True),  # an address is checked when sending, not here
        ("http://[::1]:8080/x", True),
        ("http://user:pass@hooks.example/", True),
        ("http://hooks.example./", True),
        ("HTTP://hooks.example/", False),  # the prefix is compared as written
        ("ftp://hooks.example/", False),
        ("hooks.example/in", False),
        ("http://", False),
        ("http://hooks_example/", False),
        ("http://-hooks.example/", False),
        ("http://hooks..example/", False),
        ("http://hooks.example:99999/", False),
        ("http://hooks.example:port/", False),
        ("http://hooks.example/a b", False),
        ("http://hooks.example/é", False),
        ("http://us@r:p@ss@hooks.example/", False),
        ("http://" + "a" * 64 + ".example/", False),
        ("http://" + "a" * 63 + ".example/", True),  # a label of 63 characters is the longest
        ("http://" + ".".join(["a" * 63] * 3 + ["b" * 61]) + "/", True),  # a host of 253 characters too
        ("http://" + ".".join(["a" * 63] * 3 + ["b" * 62]) + "/", False),
        ("http://" + ".".join(["a" * 63] * 3 + ["b" * 61]) + "./", True),  # its root dot aside
        ("http://[::1/", False),
        ("http://::1]/", False),
        ("http://[1::2:3:4:5:6:7]/", True),
    ],
)
def test_is_valid_url(url, valid):
    assert is_valid_url(url) is valid


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://hooks.example/in?x=1", "https://hooks.example/in?x=1"),
        ("https://hooks.example/in?a[]=1", "https://hooks.example/in?a%5B%5D=1"),
        ("http://[::1]:8080/a[1]", "http://[::1]:8080/a%5B1%5D"),
        ("https://hooks.example/<x>{y}", "https://hooks.example/xy"),
        ("https://hooks.example/%0%0d%0ad", "https://hooks.example/"),  # removed until none is left
        ("  https://hooks.example/a b", "https://hooks.example/a%20b"),
        ("javascript:alert(1)", ""),
        ("", ""),
        ("<>", ""),  # nothing left once cleaned
        ("hooks.example/in", "http://hooks.example/in"),  # no scheme: http:// is presumed
        ("/in", "/in"),
        ("#top", "#top"),
        ("?x=1", "?x=1"),
        ("index.php?x=1", "index.php?x=1"),  # a PHP file is relative
        ("https;//hooks.example/in", "https://hooks.example/in"),
        ("MAILTO:ops@hooks.example", ""),  # only http and https for a delivery URL
        ("#a&#58;b", ""),  # an encoded colon names a protocol too
        ("https&#58;//hooks.example/", ""),
        ("&#104;ttps://hooks.example/", ""),  # a reference in the scheme
        ("https://hooks.example/a[", "https://hooks.example/a%5B"),
        ("https://hooks.example/a]", "https://hooks.example/a%5D"),
        ("HTTPS://Hooks.example/In", "https://Hooks.example/In"),  # the scheme in lower case
        ("?a=1/?b:c", "?a=1/?b:c"),  # "/?" before the colon: no protocol
        ("/a[1]", "/a%5B1%5D"),
        ("https://hooks.example/[1]", "https://hooks.example/%5B1%5D"),
    ],
)
def test_esc_url_raw(url, stored):
    assert esc_url_raw(url) == stored


def test_mailto_urls_keep_their_line_breaks_where_mailto_is_allowed():
    protocols = ("http", "https", "mailto")
    assert esc_url_raw("mailto:ops%0A@hooks.example", protocols) == "mailto:ops%0A@hooks.example"
    assert esc_url_raw("MAILTO:ops%0A@hooks.example", protocols) == "mailto:ops%0A@hooks.example"
    assert esc_url_raw("https://hooks.example/a%0Ab", protocols) == "https://hooks.example/ab"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://93.184.215.14:8443/",  # a public address on a port WordPress does not allow
        "http://user@93.184.215.14/",
        "ftp://93.184.215.14/",
        "12345",
    ],
)
def test_unsafe_urls_are_refused(url):
    with pytest.raises(safe_http.UnsafeURL, match=r"A valid URL was not provided\."):
        safe_http.check_url(url)


def test_a_public_address_on_an_allowed_port_passes():
    target = safe_http.check_url("http://93.184.215.14:8080/in?x=1")
    assert (target.ip, target.port, target.path) == ("93.184.215.14", 8080, "/in?x=1")


def test_the_site_itself_and_the_development_setting_lift_the_address_rules():
    assert safe_http.check_url("http://localhost/in", home_url="https://LOCALHOST").ip == "127.0.0.1"
    assert safe_http.check_url("http://127.0.0.1:9/in", allow_private=True).port == 9


@pytest.mark.parametrize(
    ("url", "home_url", "allowed"),
    [
        # wp_http_validate_url(): the own host skips the address check only, never the port rule.
        ("http://localhost:8080/in", "http://localhost", True),
        ("http://localhost:9/in", "http://localhost", False),
        ("http://localhost:9/in", "http://localhost:8000", False),
        ("http://localhost:8000/in", "http://localhost:8000", True),
        ("http://127.0.0.1:8000/in", "http://localhost:8000", False),  # another name is another host
        ("http://localhost/in", "", False),  # no configured site: no exemption
        ("http://localhost/in", "not a url", False),
        ("http://localhost/in", "http://[::1", False),
    ],
)
def test_the_own_host_keeps_the_port_rule(url, home_url, allowed):
    if allowed:
        assert safe_http.check_url(url, home_url=home_url).ip == "127.0.0.1"
    else:
        with pytest.raises(safe_http.UnsafeURL):
            safe_http.check_url(url, home_url=home_url)


def test_a_target_defaults_to_its_schemes_port_and_the_root_path():
    secure = safe_http.check_url("https://93.184.215.14")
    plain = safe_http.check_url("http://93.184.215.14?x=1")
    assert (secure.url, secure.scheme, secure.port, secure.path) == ("https://93.184.215.14", "https", 443, "/")
    assert (plain.scheme, plain.port, plain.path) == ("http", 80, "/?x=1")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://hooks.example/", "hooks.example"),
        ("https://hooks.example/", "hooks.example"),
        ("http://hooks.example:443/", "hooks.example:443"),
        ("https://hooks.example:80/", "hooks.example:80"),
        ("http://hooks.example:8080/", "hooks.example:8080"),
    ],
)
def test_the_host_header_names_a_port_only_when_it_is_not_the_schemes(url, host):
    parts = urlsplit(url)
    target = safe_http.SafeTarget(
        url=url, scheme=parts.scheme, host=parts.hostname, ip="93.184.215.14", port=parts.port or 0, path="/"
    )
    if parts.port is None:
        target = replace(target, port=443 if parts.scheme == "https" else 80)
    assert safe_http._host_header(target) == host


def test_a_request_reaches_a_real_receiver_with_its_host_path_and_body():
    receiver = start_receiver(Receiver(statuses=[201]))
    try:
        target = safe_http.check_url(f"{receiver.url}/in?x=1", allow_private=True)
        answer = safe_http.request(target, "POST", b'{"a":1}', {"Content-Type": "application/json"}, timeout=5)
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
    [received] = receiver.requests
    port = receiver.server.server_address[1]
    assert (received.path, received.headers["Host"], received.body) == ("/in?x=1", f"127.0.0.1:{port}", b'{"a":1}')
    assert (answer.status, answer.body, answer.error) == (201, "answered 201", "")


#
# The HTTP/1.0 exchange, against raw sockets that answer as told
#


def raw_server(answer) -> tuple[safe_http.SafeTarget, list[bytes]]:
    """A one-connection server: `answer(connection)` speaks to the client; what the client sent is kept."""
    import contextlib
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection, listener:
            received.append(connection.recv(65536))
            with contextlib.suppress(OSError):  # the client hung up (a cut-off)
                answer(connection)

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    return safe_http.check_url(f"http://127.0.0.1:{port}/in", allow_private=True), received


def test_an_answer_dripped_past_the_timeout_is_cut_off():
    import time

    def drip(connection) -> None:
        connection.sendall(b"HTTP/1.0 200 OK\r\n")
        for _ in range(30):
            time.sleep(0.1)
            connection.sendall(b"X-Drip: 1\r\n")

    target, _ = raw_server(drip)
    started = time.monotonic()
    answer = safe_http.request(target, "POST", b"{}", {}, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert (answer.status, answer.error) == (0, "TimeoutError: Operation timed out after 0.5 seconds")


def test_a_chunked_answer_is_read_as_its_data_and_headers_in_lower_case():
    def chunked(connection) -> None:
        connection.sendall(b"HTTP/1.1 302 Found\r\nLocation: /next\r\nTransfer-Encoding: chunked\r\n\r\n")
        connection.sendall(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")

    target, received = raw_server(chunked)
    answer = safe_http.request(target, "POST", b'{"a":1}', {"Content-Type": "application/json"}, timeout=5)
    assert (answer.status, answer.body, answer.headers["location"], answer.error) == (302, "hello world", "/next", "")
    assert received[0].startswith(b"POST /in HTTP/1.0\r\nHost: 127.0.0.1:")
    assert received[0].endswith(b'Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}')


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (b"", "ConnectionError: Remote end closed connection without response"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "ConnectionError: Bad status line: 'SSH-2.0-OpenSSH'"),
    ],
)
def test_no_answer_or_not_http_is_an_error(reply, error):
    target, _ = raw_server(lambda connection: connection.sendall(reply))
    answer = safe_http.request(target, "POST", b"{}", {}, timeout=5)
    assert (answer.status, answer.error) == (0, error)


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent():
    target = safe_http.SafeTarget(url="http://x/", scheme="http", host="x", ip="127.0.0.1", port=9, path="/")
    answer = safe_http.request(target, "POST", b"", {"X-Evil": "a\r\nInjected: 1"}, timeout=1)
    assert (answer.status, answer.error) == (0, "ValueError: The request's path or a header holds a control character")
