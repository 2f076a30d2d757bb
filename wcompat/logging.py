"""Structured request logs: one JSON line per API request, with nothing secret in it."""

import json
import logging
import time

from django.http import HttpRequest, HttpResponse

from wcompat import conf

logger = logging.getLogger("wcompat.requests")


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", ...the record's `fields`}."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestLogMiddleware:
    """Logs method, path (never the query string), status, duration, and the key's last 7 characters."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not conf.is_rest_path(request.path):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        key = getattr(request, "wc_api_key", None)
        logger.info(
            "request",
            extra={
                "fields": {
                    "method": getattr(request, "wp_real_method", request.method),
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "key": f"…{key.truncated_key}" if key is not None else None,
                }
            },
        )
        return response
