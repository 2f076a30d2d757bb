"""gunicorn, made to answer and log like the rest of the API (loaded by gunicorn.conf.py).

- Errors gunicorn answers itself, before Django sees the request (a request line or header over the
  limits, a malformed header), are WordPress-shaped JSON instead of gunicorn's HTML page.
- Its error log redacts credentials: a refused header line may be `Authorization: Basic …`.
"""

import json

from gunicorn import util
from gunicorn.glogging import Logger

from wcompat.logging import RedactCredentials

# gunicorn's own reason for each status it answers, as a WordPress error code.
ERROR_CODES = {
    400: "rest_bad_request",
    403: "rest_forbidden",
    414: "rest_request_uri_too_long",
    417: "rest_expectation_failed",
    431: "rest_request_header_fields_too_large",
    500: "rest_internal_error",
    501: "rest_not_implemented",
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error, answering {"code", "message", "data": {"status"}} (the message has no secret)."""
    body = json.dumps(
        {
            "code": ERROR_CODES.get(status_int, "rest_bad_request"),
            "message": f"{reason}.",
            "data": {"status": status_int},
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json; charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("latin1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    """Replace gunicorn's HTML error page by JSON (its workers call util.write_error)."""
    util.write_error = write_json_error


class RedactingLogger(Logger):
    """gunicorn's logger with credentials redacted from every error-log line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactCredentials) for existing in log.filters):
                log.addFilter(RedactCredentials())


__all__ = ["RedactingLogger", "install"]
