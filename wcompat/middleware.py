"""Headers WordPress sends on every REST response, and JSON for whatever fails below the views."""

import contextlib
import logging

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse

from wcompat import conf
from wcompat.authentication import touch_last_access
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import RETRY_AFTER, database_unavailable, drop_failed_connections, is_database_unavailable
from wcompat.links import rest_url
from wcompat.params import query_params

logger = logging.getLogger(__name__)

NO_CACHE_HEADERS = {
    "Expires": "Wed, 11 Jan 1984 05:00:00 GMT",
    "Cache-Control": "no-cache, must-revalidate, max-age=0, no-store, private",
}


class WpRestMiddleware:
    """For /wp-json/ paths: WordPress's standard headers, CORS, no-cache for authenticated callers."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not conf.is_rest_path(request.path):
            return self.get_response(request)
        # OAuth signatures cover the method actually sent; everything else sees the override.
        request.wp_real_method = request.method
        override = query_params(request).get("_method") or request.META.get("HTTP_X_HTTP_METHOD_OVERRIDE")
        if isinstance(override, str) and override:
            request.method = override.upper()
        response = self.get_response(request)
        key = getattr(request, "wc_api_key", None)
        if key is not None:
            # Bookkeeping after the answer has been sent (the server closes the response then).
            response._resource_closers.append(lambda: touch_last_access(key))
        self._add_headers(request, response)
        if request.wp_real_method == "HEAD":
            response.content = b""
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not conf.is_rest_path(request.path):
            return None
        if is_database_unavailable(exception):
            logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
            drop_failed_connections(exception)
            error = database_unavailable()
            response = JsonResponse(error.as_dict(), status=error.status_code)
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        error = WcErrorCode.INTERNAL_ERROR.error()
        return JsonResponse(error.as_dict(), status=error.status_code)

    def _add_headers(self, request: HttpRequest, response: HttpResponse) -> None:
        # With a Host the site does not serve, the answer is already its JSON 400 (config.views.bad_request).
        with contextlib.suppress(DisallowedHost):
            response.headers.setdefault("Link", f'<{rest_url(request, "/")}>; rel="https://api.w.org/"')
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Access-Control-Expose-Headers"] = "X-WP-Total, X-WP-TotalPages, Link"
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"
        )
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        origin = request.META.get("HTTP_ORIGIN")
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "OPTIONS, GET, POST, PUT, PATCH, DELETE"
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Vary"] = "Origin"
        elif request.method == "GET" and not authenticated:
            response.headers["Vary"] = "Origin"
        if authenticated:
            for name, value in NO_CACHE_HEADERS.items():
                response.headers[name] = value
