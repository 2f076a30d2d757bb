"""Credentials kept out of log lines, whatever shape the line has."""

import pytest

from config.gunicorn_support import refused_request_line
from wcompat.logging import REDACTED, redact

KEY = "ck_" + "a1" * 20
SECRET = "cs_" + "b2" * 20


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (f"GET /x?consumer_key={KEY}&consumer_secret={SECRET} HTTP/1.1", "GET /x?consumer_key="),
        ("POST /x?oauth_signature=abc%2Bdef&oauth_nonce=n1 HTTP/1.1", "POST /x?oauth_signature="),
        ("GET /x?secret=hook-secret-1&webhook_secret=hook-secret-2 HTTP/1.1", "GET /x?secret="),
        ("GET /x?password=pw-1&new_password=pw-2", "GET /x?password="),
        (f"Authorization: Basic {SECRET}==", "Authorization: "),
        (f"'\\x7f{SECRET}'", "'\\x7f"),
        (f"Not Found: /wp-json/wc/v3/{KEY}", "Not Found: /wp-json/wc/v3/"),
        # Whatever the case, and in text that is not ASCII (U+017F, the long s, is an "s" to a case-blind match).
        (f"GET /X?CONSUMER_SECRET={SECRET}", "GET /X?CONSUMER_SECRET="),
        (f"Pas trouvé : /wp-json/{KEY.upper()}", "Pas trouvé : /wp-json/"),
        ("GET /é?webhook_\u017fecret=hook-secret-1", "GET /é?webhook_\u017fecret="),
    ],
)
def test_redact_blanks_every_credential(line, kept):
    text = redact(line)
    assert text.startswith(kept)
    assert REDACTED in text
    for secret in (KEY, SECRET, "abc%2Bdef", "hook-secret-1", "hook-secret-2", "pw-1", "pw-2"):
        assert secret not in text


@pytest.mark.parametrize(
    ("message", "logged"),
    [
        (
            f"Invalid request from ip=10.0.0.1: Invalid HTTP Header: 'AUTHORIZATION: OAuth oauth_signature=\"s\"{KEY}'",
            "Invalid request from ip=10.0.0.1: Invalid HTTP Header",
        ),
        (
            "Invalid request from ip=10.0.0.1: Invalid HTTP request line: 'GET /?x=\\x7fsignature HTTP/1.1'",
            "Invalid request from ip=10.0.0.1: Invalid HTTP request line",
        ),
        (
            "Invalid request from ip=::1: Invalid HTTP Version: (9, 9)",
            "Invalid request from ip=::1: Invalid HTTP Version",
        ),
        (
            "Invalid request from ip=10.0.0.1: 'PROXY TCP4 secret'",
            "Invalid request from ip=10.0.0.1: malformed request",
        ),
        ("Worker exiting (pid: 7)", "Worker exiting (pid: 7)"),
    ],
)
def test_a_refused_request_is_logged_by_what_was_wrong_never_its_bytes(message, logged):
    assert refused_request_line(message) == logged
