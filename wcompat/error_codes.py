"""Error codes, each with the message and status it is answered with when those do not vary.

    raise WcErrorCode.NO_ROUTE.error()                                   # its own message and status
    raise WcErrorCode.INVALID_PARAM.error("Invalid parameter(s): page", params={...})

An app declares its own codes the same way (customers.error_codes, webhooks.error_codes).
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wcompat.exceptions import WcAPIException


class ErrorCode(StrEnum):
    """A WordPress error code (the member's value), with its usual message and HTTP status."""

    message: str
    status: int

    def __new__(cls, code: str, message: str = "", status: int = 400) -> "ErrorCode":
        member = str.__new__(cls, code)
        member._value_ = code
        member.message = message
        member.status = status
        return member

    def error(self, message: str | None = None, status: int | None = None, **data: Any) -> "WcAPIException":
        """The exception answering with this code (its own message and status unless others are given)."""
        from wcompat.exceptions import WcAPIException

        return WcAPIException(
            self, self.message if message is None else message, self.status if status is None else status, **data
        )


class WcErrorCode(ErrorCode):
    """Error codes that WordPress and WooCommerce use for every REST resource."""

    NO_ROUTE = "rest_no_route", "No route was found matching the URL and request method.", 404
    INVALID_PARAM = "rest_invalid_param"
    MISSING_PARAM = "rest_missing_callback_param"
    # rest_validate_value_from_schema()'s, one per argument (their messages name it): under rest_invalid_param.
    INVALID_TYPE = "rest_invalid_type"
    INVALID_EMAIL = "rest_invalid_email", "Invalid email address."
    INVALID_DATE = "rest_invalid_date", "Invalid date."
    NOT_IN_ENUM = "rest_not_in_enum"
    OUT_OF_BOUNDS = "rest_out_of_bounds"
    TOO_MANY_ITEMS = "rest_too_many_items"
    INVALID_JSON = "rest_invalid_json", "Invalid JSON body passed."
    FORBIDDEN = "rest_forbidden", "Sorry, you are not allowed to do that.", 403
    INVALID_ID = "woocommerce_rest_invalid_id", "Invalid resource ID.", 404
    AUTHENTICATION_ERROR = "woocommerce_rest_authentication_error", "", 401
    AUTHENTICATION_MISSING_PARAMETER = "woocommerce_rest_authentication_missing_parameter", "", 401
    CANNOT_VIEW = "woocommerce_rest_cannot_view"
    CANNOT_CREATE = "woocommerce_rest_cannot_create"
    CANNOT_EDIT = "woocommerce_rest_cannot_edit"
    CANNOT_UPDATE = "woocommerce_rest_cannot_update"
    CANNOT_DELETE = "woocommerce_rest_cannot_delete"
    CANNOT_BATCH = "woocommerce_rest_cannot_batch"
    TOO_LARGE = "woocommerce_rest_request_entity_too_large", "", 413
    REQUEST_TOO_LARGE = "rest_request_too_large", "", 413
    TRASH_NOT_SUPPORTED = "woocommerce_rest_trash_not_supported", "", 501
    INTERNAL_ERROR = "rest_internal_error", "Internal server error.", 500
    BATCH_NOT_PROCESSED = (
        "rest_batch_item_not_processed",
        "The batch took too long; this item was not processed. Send it again.",
        503,
    )
    DATABASE_UNAVAILABLE = "rest_database_unavailable", "The database is unavailable. Please try again shortly.", 503
    INVALID_HOST = "rest_invalid_host", "The Host header names a site this server does not serve."
    BAD_REQUEST = "rest_bad_request", "The request could not be understood."
    # What the HTTP server refuses before the application sees the request (config.gunicorn_support).
    REQUEST_URI_TOO_LONG = "rest_request_uri_too_long", "", 414
    EXPECTATION_FAILED = "rest_expectation_failed", "", 417
    HEADER_FIELDS_TOO_LARGE = "rest_request_header_fields_too_large", "", 431
    NOT_IMPLEMENTED = "rest_not_implemented", "", 501
    # The extensions' own (WooCommerce has neither conditional requests nor Idempotency-Key).
    PRECONDITION_FAILED = (
        "rest_precondition_failed",
        "The resource has changed since it was read: its ETag no longer matches If-Match.",
        412,
    )
    IDEMPOTENCY_MISMATCH = "rest_idempotency_key_reused", "", 409
    IDEMPOTENCY_IN_PROGRESS = "rest_idempotency_key_in_progress", "", 409
