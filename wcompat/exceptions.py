"""One error shape for the whole API: {"code", "message", "data": {"status", ...}}."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import Http404
from rest_framework import exceptions as drf_exceptions, status
from rest_framework.response import Response

from wcompat.error_codes import WcErrorCode


class WcAPIException(drf_exceptions.APIException):
    """An error the API answers with, in WordPress's WP_Error shape: DRF's APIException with WordPress's code,
    message, status and data. Usually made from its code (wcompat.error_codes):

    >>> raise WcErrorCode.INVALID_ID.error()        # woocommerce_rest_invalid_id, "Invalid resource ID.", 404
    """

    def __init__(self, code: str, message: str, status_code: int = 400, **data: Any) -> None:
        super().__init__(detail=message, code=str(code))
        self.code = str(code)
        self.message = message
        self.status_code = status_code
        self.data = data

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status_code, **self.data}}


def no_route() -> WcAPIException:
    return WcErrorCode.NO_ROUTE.error()


# Seconds a client is told to wait when the database cannot be reached.
RETRY_AFTER = 5


def is_database_unavailable(exc: BaseException) -> bool:
    """The database is down, unreachable, locked or read-only: the request may succeed later."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable() -> WcAPIException:
    return WcErrorCode.DATABASE_UNAVAILABLE.error()


def drop_failed_connections(error: BaseException | None = None) -> None:
    """Close every connection that saw an error, so the next request opens a fresh one.

    Django would keep a failed SQLite connection for CONN_MAX_AGE (it counts as usable), and one opened
    on a read-only file stays read-only after the file is writable again. After a read-only, I/O or
    connection error (`error`), every connection goes, even one whose error flag a successful rollback has
    cleared since (a transaction that failed on a read-only file rolls back without trouble).
    """
    unavailable = error is not None and is_database_unavailable(error)
    for connection in connections.all(initialized_only=True):
        if unavailable or connection.errors_occurred or connection.connection is None:
            connection.close()


def database_error_response(exc: DatabaseError) -> Response:
    drop_failed_connections(exc)
    error = database_unavailable()
    return Response(error.as_dict(), status=error.status_code, headers={"Retry-After": str(RETRY_AFTER)})


def wc_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler that answers every failure in WooCommerce's error shape."""
    if isinstance(exc, WcAPIException):
        return Response(exc.as_dict(), status=exc.status_code)
    if is_database_unavailable(exc):
        return database_error_response(exc)
    if isinstance(exc, drf_exceptions.MethodNotAllowed | Http404):
        # WordPress has no 405: a wrong method is an unknown route.
        error = no_route()
        return Response(error.as_dict(), status=error.status_code)
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        error = WcAPIException(WcErrorCode.AUTHENTICATION_ERROR, str(exc.detail), status.HTTP_401_UNAUTHORIZED)
        return Response(error.as_dict(), status=error.status_code)
    if isinstance(exc, drf_exceptions.PermissionDenied | DjangoPermissionDenied):
        error = WcErrorCode.FORBIDDEN.error()
        return Response(error.as_dict(), status=error.status_code)
    if isinstance(exc, drf_exceptions.APIException):
        return Response(
            {"code": exc.default_code, "message": str(exc.detail), "data": {"status": exc.status_code}},
            status=exc.status_code,
        )
    return None
