"""Structured request logs, and credentials kept out of every log line the project writes.

One JSON line per API request (RequestLogMiddleware), never with its query string. Whatever else is
logged (the development server's request lines, Django's warnings, gunicorn's error log) passes
through `redact()`, which blanks consumer keys and secrets, OAuth signatures and Authorization values.
"""

import json
import logging
import re
import sys
import time

from django.http import HttpRequest, HttpResponse

from wcompat import conf

logger = logging.getLogger("wcompat.requests")

REDACTED = "[redacted]"
# Query or form parameters that carry a credential (also when percent-encoded: oauth%5Fsignature).
_CREDENTIAL_PARAM = re.compile(
    r"""(?i)((?:consumer(?:_|%5f)key|oauth(?:_|%5f)[a-z_%0-9]*|_wpnonce|[a-z_%0-9]*(?:secret|password))(?:=|%3d))"""
    r"""(?:"[^"]*"|[^&\s'",]*)"""
)
# `Authorization: Basic …`, `Authorization: OAuth oauth_…="…"`, as a header line or a repr of one.
_AUTHORIZATION = re.compile(r"""(?i)(authorization['"]?\s*[:=,]\s*['"]?)[^'\r\n]*""")
_SCHEME_TOKEN = re.compile(r"""(?i)\b(basic|bearer|oauth)\s+[A-Za-z0-9+/=._~%\-,"]{6,}""")
# Plaintext WooCommerce keys wherever they appear.
# No word boundary before them: a key may follow anything (a repr's escaped byte like \x7f ends in a letter).
_KEY_TOKEN = re.compile(r"(ck|cs)_[0-9a-f]{6,}", re.IGNORECASE)
# gunicorn quotes a header line it refused: keep the header's name, drop its value.
_REFUSED_HEADER = re.compile(r"(Invalid HTTP Header: ['\"][^:'\"]*)[^'\"]*")


# A line without any of these cannot carry a credential (most lines: one test instead of five). ASCII text is
# tested lowered, several times faster than ignoring case; other text as the patterns above read it (with
# IGNORECASE, U+017F, the long s, is an "s" and U+212A, the Kelvin sign, a "k"; lower() does not make them so).
_SECRET_WORDS = "consumer|oauth|authori|basic|bearer|ck_|cs_|password|secret|wpnonce|http header"
_MAYBE_SECRET_LOWERED = re.compile(_SECRET_WORDS)
_MAYBE_SECRET = re.compile(_SECRET_WORDS, re.IGNORECASE)


def may_carry_credential(text: str) -> bool:
    if text.isascii():
        return _MAYBE_SECRET_LOWERED.search(text.lower()) is not None
    return _MAYBE_SECRET.search(text) is not None


def redact(text: str) -> str:
    """The text with every credential it carries replaced by [redacted]."""
    if not may_carry_credential(text):
        return text
    text = _REFUSED_HEADER.sub(rf"\1: {REDACTED}", text)
    text = _AUTHORIZATION.sub(rf"\1{REDACTED}", text)
    text = _SCHEME_TOKEN.sub(rf"\1 {REDACTED}", text)
    text = _CREDENTIAL_PARAM.sub(rf"\1{REDACTED}", text)
    return _KEY_TOKEN.sub(rf"\1_{REDACTED}", text)


class RedactCredentials(logging.Filter):
    """A logging filter that redacts the message (and any exception text) of each record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, as its raw template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


# json.dumps(entry, default=str) makes an encoder per call; one serves every line.
_ENCODER = json.JSONEncoder(default=str)


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", ...the record's `fields`}."""

    _second: int = -1
    _stamp: str = ""

    def _time(self, record: logging.LogRecord) -> str:
        # One line per request: the timestamp is formatted once a second, not once a line.
        second = int(record.created)
        if second != self._second:
            self._second, self._stamp = second, self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        return self._stamp

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self._time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_text or record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return _ENCODER.encode(entry)


class RequestLogMiddleware:
    """Logs method, path (never the query string), status, duration, and the key's last 7 characters."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not conf.is_rest_path(request.path):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            key = getattr(request, "wc_api_key", None)
            # The record made here, not by logger.info(): it would walk the stack to find this very line.
            record = logger.makeRecord(
                logger.name,
                logging.INFO,
                __file__,
                sys._getframe().f_lineno,
                "request",
                (),
                None,
                "__call__",
                {
                    "fields": {
                        "method": getattr(request, "wp_real_method", request.method),
                        "path": redact(request.path),
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                        "key": f"…{key.truncated_key}" if key is not None else None,
                    }
                },
            )
            logger.handle(record)
        return response
