"""Error codes and texts of WooCommerce's customers endpoints (current WooCommerce unless noted)."""

from enum import StrEnum


class CustomerErrorCode(StrEnum):
    INVALID_USER_ID = "wc_user_invalid_id"
    CUSTOMER_EXISTS = "woocommerce_rest_customer_exists"
    INVALID_EMAIL = "customer_invalid_email"
    INVALID_BILLING_EMAIL = "customer_invalid_billing_email"
    REGISTRATION_INVALID_EMAIL = "registration-error-invalid-email"
    REGISTRATION_EMAIL_EXISTS = "registration-error-email-exists"
    REGISTRATION_INVALID_USERNAME = "registration-error-invalid-username"
    REGISTRATION_USERNAME_EXISTS = "registration-error-username-exists"
    USERNAME_TOO_LONG = "user_login_too_long"
    EMAIL_TOO_LONG = "user_email_too_long"
    UPDATE_EMAIL_TAKEN = "woocommerce_rest_customer_invalid_email"
    USERNAME_NOT_EDITABLE = "woocommerce_rest_customer_invalid_argument"
    INVALID_REASSIGN = "woocommerce_rest_customer_invalid_reassign"


INVALID_USER_ID_MESSAGE = "Invalid user ID."
