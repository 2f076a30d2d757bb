"""The system status and its tools, one declaration per API version (wc/v2, wc/v3: the same in both).

The schemas are WooCommerce's (WC_REST_System_Status_V2_Controller, WC_REST_System_Status_Tools_V2_Controller):
what OPTIONS shows and the OpenAPI document describes. wc/v1 serves neither.
"""

from typing import Any

from wcompat.item_schema import Schema, context_arg, item_schema, readonly
from wcompat.versions import ResourceVersion

VIEW = ("view",)


def _keys(declared: dict[str, tuple]) -> dict[str, Schema]:
    """{key: (description, type[, extra])} as read-only view properties."""
    return {
        key: readonly(description, type_name, context=VIEW, **(extra[0] if extra else {}))
        for key, (description, type_name, *extra) in declared.items()
    }


def _section(description: str, type_name: str, **extra: Any) -> Schema:
    return readonly(description, type_name, context=VIEW, **extra)


STRINGS = {"items": {"type": "string"}}
URI = {"format": "uri"}

ENVIRONMENT = {
    "home_url": ("Home URL.", "string", URI),
    "site_url": ("Site URL.", "string", URI),
    "store_id": ("WooCommerce Store Identifier.", "string"),
    "version": ("WooCommerce version.", "string"),
    "log_directory": ("Log directory.", "string"),
    "log_directory_writable": ("Is log directory writable?", "boolean"),
    "wp_version": ("WordPress version.", "string"),
    "wp_multisite": ("Is WordPress multisite?", "boolean"),
    "wp_memory_limit": ("WordPress memory limit.", "integer"),
    "wp_debug_mode": ("Is WordPress debug mode active?", "boolean"),
    "wp_cron": ("Are WordPress cron jobs enabled?", "boolean"),
    "language": ("WordPress language.", "string"),
    "server_info": ("Server info.", "string"),
    "php_version": ("PHP version.", "string"),
    "php_post_max_size": ("PHP post max size.", "integer"),
    "php_max_execution_time": ("PHP max execution time.", "integer"),
    "php_max_input_vars": ("PHP max input vars.", "integer"),
    "curl_version": ("cURL version.", "string"),
    "suhosin_installed": ("Is SUHOSIN installed?", "boolean"),
    "max_upload_size": ("Max upload size.", "integer"),
    "mysql_version": ("MySQL version.", "string"),
    "mysql_version_string": ("MySQL version string.", "string"),
    "default_timezone": ("Default timezone.", "string"),
    "fsockopen_or_curl_enabled": ("Is fsockopen/cURL enabled?", "boolean"),
    "soapclient_enabled": ("Is SoapClient class enabled?", "boolean"),
    "domdocument_enabled": ("Is DomDocument class enabled?", "boolean"),
    "gzip_enabled": ("Is GZip enabled?", "boolean"),
    "mbstring_enabled": ("Is mbstring enabled?", "boolean"),
    "remote_post_successful": ("Remote POST successful?", "boolean"),
    "remote_post_response": ("Remote POST response.", "string"),
    "remote_get_successful": ("Remote GET successful?", "boolean"),
    "remote_get_response": ("Remote GET response.", "string"),
}
DATABASE = {
    "wc_database_version": ("WC database version.", "string"),
    "database_prefix": ("Database prefix.", "string"),
    "maxmind_geoip_database": ("MaxMind GeoIP database.", "string"),
    "database_tables": ("Database tables.", "array", STRINGS),
}
THEME = {
    "name": ("Theme name.", "string"),
    "version": ("Theme version.", "string"),
    "version_latest": ("Latest version of theme.", "string"),
    "author_url": ("Theme author URL.", "string", URI),
    "is_child_theme": ("Is this theme a child theme?", "boolean"),
    "has_woocommerce_support": ("Does the theme declare WooCommerce support?", "boolean"),
    "has_woocommerce_file": ("Does the theme have a woocommerce.php file?", "boolean"),
    "has_outdated_templates": ("Does this theme have outdated templates?", "boolean"),
    "overrides": ("Template overrides.", "array", STRINGS),
    "parent_name": ("Parent theme name.", "string"),
    "parent_version": ("Parent theme version.", "string"),
    "parent_author_url": ("Parent theme author URL.", "string", URI),
}
SETTINGS = {
    "api_enabled": ("REST API enabled?", "boolean"),
    "force_ssl": ("SSL forced?", "boolean"),
    "currency": ("Currency.", "string"),
    "currency_symbol": ("Currency symbol.", "string"),
    "currency_position": ("Currency position.", "string"),
    "thousand_separator": ("Thousand separator.", "string"),
    "decimal_separator": ("Decimal separator.", "string"),
    "number_of_decimals": ("Number of decimals.", "integer"),
    "geolocation_enabled": ("Geolocation enabled?", "boolean"),
    "taxonomies": ("Taxonomy terms for product/order statuses.", "array", STRINGS),
    "product_visibility_terms": ("Terms in the product visibility taxonomy.", "array", STRINGS),
}
SECURITY = {
    "secure_connection": ("Is the connection to your store secure?", "boolean"),
    "hide_errors": ("Hide errors from visitors?", "boolean"),
}

STATUS_SCHEMA = item_schema(
    "system_status",
    {
        "environment": _section("Environment.", "object", properties=_keys(ENVIRONMENT)),
        "database": _section("Database.", "object", properties=_keys(DATABASE)),
        "active_plugins": _section("Active plugins.", "array", **STRINGS),
        "inactive_plugins": _section("Inactive plugins.", "array", **STRINGS),
        "dropins_mu_plugins": _section("Dropins & MU plugins.", "array", **STRINGS),
        "theme": _section("Theme.", "object", properties=_keys(THEME)),
        "settings": _section("Settings.", "object", properties=_keys(SETTINGS)),
        "security": _section("Security.", "object", properties=_keys(SECURITY)),
        "pages": _section("WooCommerce pages.", "array", **STRINGS),
        "post_type_counts": _section("Total post count.", "array", **STRINGS),
    },
)

TOOL_SCHEMA = item_schema(
    "system_status_tool",
    {
        "id": {"description": "A unique identifier for the tool.", "type": "string", "context": ["view", "edit"]},
        "name": {"description": "Tool name.", "type": "string", "context": ["view", "edit"]},
        "action": {"description": "What running the tool will do.", "type": "string", "context": ["view", "edit"]},
        "description": {"description": "Tool description.", "type": "string", "context": ["view", "edit"]},
        "success": {"description": "Did the tool run successfully?", "type": "boolean", "context": ["edit"]},
        "message": {"description": "Tool return message.", "type": "string", "context": ["edit"]},
    },
)

# get_collection_params() of both controllers: the context alone.
STATUS_ARGS = {"context": context_arg(STATUS_SCHEMA)}
TOOLS_ARGS = {"context": context_arg(TOOL_SCHEMA)}
TOOL_ID_ARG = {"id": {"description": "Unique identifier for the resource.", "type": "string"}}


STATUS_VERSIONS = tuple(
    ResourceVersion(namespace=namespace, rest_base="system_status", item_schema=STATUS_SCHEMA, fields=())
    for namespace in ("wc/v2", "wc/v3")
)
TOOL_VERSIONS = tuple(
    ResourceVersion(
        namespace=namespace,
        rest_base="system_status/tools",
        item_schema=TOOL_SCHEMA,
        fields=("id", "name", "action", "description"),
    )
    for namespace in ("wc/v2", "wc/v3")
)
