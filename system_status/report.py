"""What `GET /system_status` says: WooCommerce's sections and keys, in its order, with what is true here.

WC_REST_System_Status_V2_Controller builds the answer from WordPress and PHP; this server has neither. What it
has is reported (its URLs, the WooCommerce and WordPress versions whose REST behaviour it follows, its database
engine and version, its time zone, HTTPS, the REST API on, the store's currency settings, its tables); what it
does not have (PHP limits, plugins, a theme, shop pages, posts) is there with the empty value of its type, never
an invented figure.
"""

import platform
from typing import Any

from django.conf import settings
from django.db import connection
from rest_framework.request import Request

from system_status import conf as store
from wcompat.authentication import site_base_url
from wcompat.versions import WOOCOMMERCE_VERSION, WORDPRESS_VERSION

# get_woocommerce_currency_symbol(), for the currencies stores use most (WooCommerce writes them as entities).
CURRENCY_SYMBOLS = {
    "AUD": "&#36;",
    "BRL": "&#82;&#36;",
    "CAD": "&#36;",
    "CHF": "&#67;&#72;&#70;",
    "CNY": "&yen;",
    "CZK": "&#75;&#269;",
    "DKK": "kr.",
    "EUR": "&euro;",
    "GBP": "&pound;",
    "HKD": "&#36;",
    "INR": "&#8377;",
    "JPY": "&yen;",
    "MXN": "&#36;",
    "NOK": "&#107;&#114;",
    "NZD": "&#36;",
    "PLN": "&#122;&#322;",
    "SEK": "&#107;&#114;",
    "SGD": "&#36;",
    "USD": "&#36;",
    "ZAR": "&#82;",
}


def system_status(request: Request) -> dict[str, Any]:
    return {
        "environment": environment(request),
        "database": database(),
        "active_plugins": [],
        "inactive_plugins": [],
        "dropins_mu_plugins": {"dropins": [], "mu_plugins": []},
        "theme": theme(),
        "settings": store_settings(),
        "security": {
            "secure_connection": site_base_url(request).startswith("https://"),
            "hide_errors": not settings.DEBUG,
        },
        "pages": [],
        "post_type_counts": [],
    }


def environment(request: Request) -> dict[str, Any]:
    home = site_base_url(request)
    engine, version = database_version()
    return {
        "home_url": home,
        "site_url": home,
        "store_id": "",
        "version": WOOCOMMERCE_VERSION,
        "log_directory": "",
        "log_directory_writable": False,
        "wp_version": WORDPRESS_VERSION,
        "wp_multisite": False,
        "wp_memory_limit": 0,
        "wp_debug_mode": bool(settings.DEBUG),
        "wp_cron": False,
        "language": _locale(settings.LANGUAGE_CODE),
        "external_object_cache": False,
        "server_info": f"wcompat (Python {platform.python_version()}; Django)",
        "php_version": "",
        "php_post_max_size": 0,
        "php_max_execution_time": 0,
        "php_max_input_vars": 0,
        "curl_version": "",
        "suhosin_installed": False,
        "max_upload_size": int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0),
        "mysql_version": version,
        "mysql_version_string": f"{engine} {version}",
        "default_timezone": settings.TIME_ZONE,
        "fsockopen_or_curl_enabled": True,  # what it stands for, outgoing HTTP, works here (webhooks)
        "soapclient_enabled": False,
        "domdocument_enabled": False,
        "gzip_enabled": False,
        "mbstring_enabled": False,
        # WooCommerce posts to PayPal and gets from woocommerce.com to test these; this server calls nobody.
        "remote_post_successful": False,
        "remote_post_response": "",
        "remote_get_successful": False,
        "remote_get_response": "",
    }


def database() -> dict[str, Any]:
    tables = {name: {"data": "", "index": "", "engine": connection.vendor} for name in sorted(_table_names())}
    return {
        "wc_database_version": WOOCOMMERCE_VERSION,
        "database_prefix": "",
        "maxmind_geoip_database": "",
        "database_tables": {"woocommerce": {}, "other": tables},
        "database_size": {"data": 0, "index": 0},
    }


def theme() -> dict[str, Any]:
    return {
        "name": "",
        "version": "",
        "version_latest": "",
        "author_url": "",
        "is_child_theme": False,
        "has_woocommerce_support": False,
        "has_woocommerce_file": False,
        "has_outdated_templates": False,
        "overrides": [],
        "parent_name": "",
        "parent_version": "",
        "parent_version_latest": "",
        "parent_author_url": "",
    }


def store_settings() -> dict[str, Any]:
    currency = store.get("STORE_CURRENCY")
    return {
        "api_enabled": True,
        "force_ssl": False,
        "currency": currency,
        "currency_symbol": CURRENCY_SYMBOLS.get(currency, ""),
        "currency_position": store.get("CURRENCY_POSITION"),
        "thousand_separator": store.get("THOUSAND_SEPARATOR"),
        "decimal_separator": store.get("DECIMAL_SEPARATOR"),
        "number_of_decimals": int(store.get("NUMBER_OF_DECIMALS")),
        "geolocation_enabled": False,
        "taxonomies": [],
        "product_visibility_terms": [],
        "woocommerce_com_connected": "no",
        "enforce_approved_download_dirs": False,
        "order_datastore": "",
        "HPOS_feature_screen_enabled": False,
        "HPOS_enabled": False,
        "HPOS_sync_enabled": False,
    }


def database_version() -> tuple[str, str]:
    """The engine and its version, as the server reports them (wc_get_server_database_version())."""
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return "PostgreSQL", f"{major}.{minor}"
    if connection.vendor == "sqlite":
        import sqlite3

        return "SQLite", sqlite3.sqlite_version
    return connection.display_name, ""


def _table_names() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _locale(language_code: str) -> str:
    """Django's language code as WordPress's locale: en-us -> en_US."""
    language, _, region = language_code.partition("-")
    return f"{language}_{region.upper()}" if region else language
