"""Error codes and texts of WooCommerce's webhooks endpoints."""

from wcompat.error_codes import ErrorCode


class WebhookErrorCode(ErrorCode):
    INVALID_TOPIC = "woocommerce_rest_shop_webhook_invalid_topic"
    INVALID_DELIVERY_URL = (
        "woocommerce_rest_shop_webhook_invalid_delivery_url",
        "Webhook delivery URL must be a valid URL starting with http:// or https://.",
    )
    INVALID_STATUS = "woocommerce_rest_shop_webhook_invalid_status", "Webhook status must be valid."
    # WooCommerce answers a missing webhook with one code and several texts and statuses, by action.
    INVALID_ID = "woocommerce_rest_shop_webhook_invalid_id", "ID is invalid."
    EXISTS = "woocommerce_rest_shop_webhook_exists", "Cannot create existing shop_webhook."
    # The deprecated deliveries routes of wc/v1 and wc/v2.
    WEBHOOK_INVALID_ID = "woocommerce_rest_webhook_invalid_id", "Invalid webhook ID.", 404
