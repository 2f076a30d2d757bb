"""Views of the project itself: JSON answers for what fails before a REST view runs, and the benchmark's
framework ceiling."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from wcompat import conf
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import RETRY_AFTER, drop_failed_connections


def bare_json(request):
    """The smallest JSON answer Django gives through the same server (scripts/benchmark.py)."""
    return JsonResponse({"ok": True, "name": "bare"})


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """GET /healthz, for load balancers and monitors: 200 when the database answers, 503 when it does not.

    No authentication and nothing secret: the status of the process and of its database, in JSON."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        drop_failed_connections(error)
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    response["Cache-Control"] = "no-store"
    return response


def _rest_error(code: WcErrorCode) -> HttpResponse:
    """The code's own error, as every REST answer is shaped."""
    return JsonResponse(code.error().as_dict(), status=code.status, content_type="application/json; charset=UTF-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 before any view: a Host header the site does not answer to (or none), a malformed request."""
    if not conf.is_rest_path(request.path):
        return defaults.bad_request(request, exception)
    if type(exception).__name__ == "DisallowedHost":
        return _rest_error(WcErrorCode.INVALID_HOST)
    return _rest_error(WcErrorCode.BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not conf.is_rest_path(request.path):
        return defaults.permission_denied(request, exception)
    return _rest_error(WcErrorCode.FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not conf.is_rest_path(request.path):
        return defaults.page_not_found(request, exception)
    return _rest_error(WcErrorCode.NO_ROUTE)


def server_error(request: HttpRequest) -> HttpResponse:
    if not conf.is_rest_path(request.path):
        return defaults.server_error(request)
    return _rest_error(WcErrorCode.INTERNAL_ERROR)


# The docs pages load nothing from outside this server: Redoc's footer shows a logo from a CDN, which this policy
# keeps the browser from fetching (the page hides a logo that fails to load).
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self' 'unsafe-inline'",
        "worker-src 'self' blob:",
        "connect-src 'self'",
    ]
)


class SelfContained:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


class SwaggerView(SelfContained, SpectacularSwaggerView):
    """Swagger UI, from drf-spectacular-sidecar's static files."""


class RedocView(SelfContained, SpectacularRedocView):
    """Redoc, from drf-spectacular-sidecar's static files."""


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page: Swagger UI's, rather than a 404."""
    return HttpResponseRedirect(static("drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png"))
