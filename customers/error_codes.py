"""Error codes and texts of WooCommerce's customers endpoints (current WooCommerce unless noted)."""

from wcompat.error_codes import ErrorCode


class CustomerErrorCode(ErrorCode):
    INVALID_USER_ID = "wc_user_invalid_id", "Invalid user ID.", 404
    CUSTOMER_EXISTS = "woocommerce_rest_customer_exists", "Cannot create existing resource."
    INVALID_EMAIL = "customer_invalid_email", "Invalid email address"
    INVALID_BILLING_EMAIL = "customer_invalid_billing_email", "Invalid billing email address"
    REGISTRATION_INVALID_EMAIL = "registration-error-invalid-email", "Please provide a valid email address."
    REGISTRATION_EMAIL_EXISTS = "registration-error-email-exists"
    REGISTRATION_INVALID_USERNAME = "registration-error-invalid-username", "Please provide a valid account username."
    REGISTRATION_USERNAME_EXISTS = "registration-error-username-exists"
    USERNAME_TOO_LONG = "user_login_too_long"
    EMAIL_TOO_LONG = "user_email_too_long"
    UPDATE_EMAIL_TAKEN = "woocommerce_rest_customer_invalid_email", "Email address is invalid."
    USERNAME_NOT_EDITABLE = "woocommerce_rest_customer_invalid_argument", "Username isn't editable."
    INVALID_REASSIGN = "woocommerce_rest_customer_invalid_reassign", "Invalid resource id for reassignment."
    INVALID_ROLE = "woocommerce_rest_customer_invalid_role"
    # The wcompat/v1 export namespace's orders.
    ORDER_INVALID_ID = "woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404
