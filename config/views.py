"""Views of the project itself: JSON answers for what fails before a REST view runs, and the benchmark's
framework ceiling."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from wcompat import conf
from wcompat.error_codes import WcErrorCode


def bare_json(request):
    """The smallest JSON answer Django gives through the same server (scripts/benchmark.py)."""
    return JsonResponse({"ok": True, "name": "bare"})


def _rest_error(code: str, message: str, status: int) -> HttpResponse:
    return JsonResponse(
        {"code": code, "message": message, "data": {"status": status}},
        status=status,
        content_type="application/json; charset=UTF-8",
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 before any view: a Host header the site does not answer to (or none), a malformed request."""
    if not conf.is_rest_path(request.path):
        return defaults.bad_request(request, exception)
    if type(exception).__name__ == "DisallowedHost":
        return _rest_error(WcErrorCode.INVALID_HOST, "The Host header names a site this server does not serve.", 400)
    return _rest_error(WcErrorCode.BAD_REQUEST, "The request could not be understood.", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not conf.is_rest_path(request.path):
        return defaults.permission_denied(request, exception)
    return _rest_error("rest_forbidden", "Sorry, you are not allowed to do that.", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not conf.is_rest_path(request.path):
        return defaults.page_not_found(request, exception)
    return _rest_error(WcErrorCode.NO_ROUTE, "No route was found matching the URL and request method.", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not conf.is_rest_path(request.path):
        return defaults.server_error(request)
    return _rest_error(WcErrorCode.INTERNAL_ERROR, "Internal server error.", 500)
