"""The store's settings the system status reports, each overridable by a WCOMPAT_* setting or variable."""

from wcompat.conf import AppSettings

# WooCommerce's defaults for a new store.
_settings = AppSettings(
    {
        "STORE_CURRENCY": "USD",
        # left, right, left_space or right_space
        "CURRENCY_POSITION": "left",
        "THOUSAND_SEPARATOR": ",",
        "DECIMAL_SEPARATOR": ".",
        "NUMBER_OF_DECIMALS": 2,
    }
)
get = _settings.get
