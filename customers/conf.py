"""The customers app's settings (WooCommerce's store options), each overridable by a WCOMPAT_* Django setting or
environment variable."""

from wcompat.conf import AppSettings

_settings = AppSettings(
    {
        # woocommerce_downloads_grant_access_after_payment: processing orders grant downloads too.
        "DOWNLOADS_GRANT_ACCESS_AFTER_PAYMENT": True,
        # woocommerce_registration_generate_username / _password: when False, create requires them.
        "REGISTRATION_GENERATE_USERNAME": True,
        "REGISTRATION_GENERATE_PASSWORD": True,
        # woocommerce_erasure_request_removes_order_data / _download_data: what an erasure also removes.
        "ERASE_ORDERS": False,
        "ERASE_DOWNLOADS": False,
    }
)
get = _settings.get
