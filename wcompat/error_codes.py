"""Error codes that WordPress and WooCommerce use for every REST resource."""

from enum import StrEnum


class WcErrorCode(StrEnum):
    NO_ROUTE = "rest_no_route"
    INVALID_PARAM = "rest_invalid_param"
    MISSING_PARAM = "rest_missing_callback_param"
    INVALID_JSON = "rest_invalid_json"
    AUTHENTICATION_ERROR = "woocommerce_rest_authentication_error"
    AUTHENTICATION_MISSING_PARAMETER = "woocommerce_rest_authentication_missing_parameter"
    CANNOT_VIEW = "woocommerce_rest_cannot_view"
    CANNOT_CREATE = "woocommerce_rest_cannot_create"
    CANNOT_EDIT = "woocommerce_rest_cannot_edit"
    CANNOT_DELETE = "woocommerce_rest_cannot_delete"
    CANNOT_BATCH = "woocommerce_rest_cannot_batch"
    TOO_LARGE = "woocommerce_rest_request_entity_too_large"
    REQUEST_TOO_LARGE = "rest_request_too_large"
    TRASH_NOT_SUPPORTED = "woocommerce_rest_trash_not_supported"
    INTERNAL_ERROR = "rest_internal_error"
    BATCH_NOT_PROCESSED = "rest_batch_item_not_processed"
    DATABASE_UNAVAILABLE = "rest_database_unavailable"
    INVALID_HOST = "rest_invalid_host"
    BAD_REQUEST = "rest_bad_request"
    IDEMPOTENCY_MISMATCH = "rest_idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "rest_idempotency_key_in_progress"
