from wcompat.error_codes import ErrorCode


class SystemStatusErrorCode(ErrorCode):
    TOOL_INVALID_ID = "woocommerce_rest_system_status_tool_invalid_id", "Invalid tool ID.", 404
