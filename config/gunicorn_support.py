"""gunicorn, made to answer and log like the rest of the API (loaded by gunicorn.conf.py).

- Errors gunicorn answers itself, before Django sees the request (a request line or header over the
  limits, a malformed header), are WordPress-shaped JSON instead of gunicorn's HTML page.
- Its error log carries no credential: a refused request is logged by what was wrong with it, never with
  the bytes gunicorn echoes (a refused header line may be `Authorization: OAuth oauth_signature=…`).
"""

import json
import re

from gunicorn import util
from gunicorn.glogging import Logger

from wcompat.error_codes import WcErrorCode
from wcompat.logging import RedactCredentials

# gunicorn's own reason for each status it answers, as a WordPress error code.
ERROR_CODES = {
    400: WcErrorCode.BAD_REQUEST,
    403: WcErrorCode.FORBIDDEN,
    414: WcErrorCode.REQUEST_URI_TOO_LONG,
    417: WcErrorCode.EXPECTATION_FAILED,
    431: WcErrorCode.HEADER_FIELDS_TOO_LARGE,
    500: WcErrorCode.INTERNAL_ERROR,
    501: WcErrorCode.NOT_IMPLEMENTED,
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error, answering {"code", "message", "data": {"status"}} (the message has no secret)."""
    body = json.dumps(
        {
            "code": str(ERROR_CODES.get(status_int, WcErrorCode.BAD_REQUEST)),
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


# gunicorn's warning for a request it refused: "Invalid request from ip=1.2.3.4: <what> <the bytes>".
_REFUSED = re.compile(r"^(Invalid request from ip=\S*: )(.*)$", re.DOTALL)
# The description that opens the error, before any quoted or echoed part of the request.
_DESCRIPTION = re.compile(r"^[A-Za-z][A-Za-z0-9 \-]*")


def refused_request_line(message: str) -> str:
    """gunicorn's refusal warning without the part of the request it echoes (a header's value, the request
    line, a header name: any of them may be a credential, in any shape), keeping what was wrong."""
    match = _REFUSED.match(message)
    if match is None:
        return message
    description = _DESCRIPTION.match(match.group(2))
    return match.group(1) + (description.group().strip() if description else "malformed request")


class RedactingLogger(Logger):
    """gunicorn's logger, with no credential in any line: a refused request is logged by what was wrong with
    it (never its bytes), a failed one by its method and path (never its query string), and every line
    passes the credential filter as well."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactCredentials) for existing in log.filters):
                log.addFilter(RedactCredentials())

    def warning(self, msg, *args, **kwargs) -> None:
        if isinstance(msg, str) and not args:
            msg = refused_request_line(msg)
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs) -> None:
        if isinstance(msg, str) and msg.startswith("Error handling request") and args:
            args = tuple(str(arg).split("?", 1)[0] for arg in args)
        super().exception(msg, *args, **kwargs)


__all__ = ["RedactingLogger", "install"]
