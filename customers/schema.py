"""The customer resource, one declaration per API version (wc/v1, wc/v2, wc/v3).

Everything that differs between versions lives in its CustomerApiVersion: the output fields and their
order, the address keys, the item schema (OPTIONS, validation, OpenAPI), the writable fields and the
downloads shape. The endpoints, the serializer and the OpenAPI document all read it; the texts are
WooCommerce's own.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from customers.choices import CustomerRole
from wcompat.args import EXTENSION, EXTENSION_ENUM
from wcompat.item_schema import (
    FORCE_ARG,
    ID_ARG,
    Schema,
    context_arg,
    endpoint_args,
    item_schema,
    readonly,
    writable,
)
from wcompat.pagination import exclude_arg, include_arg, offset_arg, order_arg, search_arg
from wcompat.versions import ResourceVersion

# Address keys in each order WooCommerce has output them: the schema's (and WooCommerce 3.5.3's, which the
# v1 captures show), and current WooCommerce's WC_Customer default data.
SCHEMA_BILLING = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)
SCHEMA_SHIPPING = (*SCHEMA_BILLING[:9], "phone")
MODERN_BILLING = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "postcode",
    "country",
    "state",
    "email",
    "phone",
)
MODERN_SHIPPING = (*MODERN_BILLING[:9], "phone")

ADDRESS_DESCRIPTIONS = {
    "first_name": "First name.",
    "last_name": "Last name.",
    "company": "Company name.",
    "address_1": "Address line 1",
    "address_2": "Address line 2",
    "city": "City name.",
    "state": "ISO code or name of the state, province or district.",
    "postcode": "Postal code.",
    "country": "ISO code of the country.",
    "email": "Email address.",
    "phone": "Phone number.",
}


def address_schema(description: str, keys: tuple[str, ...], *, period_after_lines: bool) -> Schema:
    """billing/shipping: v1 ends "Address line 1." with a period, v2 and v3 do not."""
    properties = {}
    for key in keys:
        text = ADDRESS_DESCRIPTIONS[key]
        if period_after_lines and key in ("address_1", "address_2"):
            text += "."
        properties[key] = writable(text, format="email") if key == "email" else writable(text)
    return writable(description, "object", properties=properties)


COLLECTION_FILTER_ARGS: dict[str, Schema] = {
    "search": search_arg(),
    "exclude": exclude_arg(),
    "include": include_arg(),
    "offset": offset_arg(),
    "order": order_arg("asc", users_controller=True),
    "orderby": {
        "default": "name",
        "description": "Sort collection by object attribute.",
        "enum": ["id", "include", "name", "registered_date"],
        # Extension: page by modification time (with modified_after, a stable incremental sync).
        EXTENSION_ENUM: ["modified"],
        "type": "string",
    },
    "email": {
        "description": "Limit result set to resources with a specific email.",
        "type": "string",
        "format": "email",
    },
    "role": {
        "description": "Limit result set to resources with a specific role.",
        "type": "string",
        "default": "customer",
        "enum": ["all", *CustomerRole.values],
    },
    # Extensions: incremental sync (the names and rules of WooCommerce's orders filters) and phone lookup.
    "after": {
        "description": "Limit response to resources published after a given ISO8601 compliant date.",
        "type": "string",
        "format": "date-time",
        EXTENSION: True,
    },
    "before": {
        "description": "Limit response to resources published before a given ISO8601 compliant date.",
        "type": "string",
        "format": "date-time",
        EXTENSION: True,
    },
    "modified_after": {
        "description": "Limit response to resources modified after a given ISO8601 compliant date.",
        "type": "string",
        "format": "date-time",
        EXTENSION: True,
    },
    "modified_before": {
        "description": "Limit response to resources modified before a given ISO8601 compliant date.",
        "type": "string",
        "format": "date-time",
        EXTENSION: True,
    },
    "dates_are_gmt": {
        "description": "Whether to consider GMT post dates when limiting response by published or modified date.",
        "type": "boolean",
        "default": False,
        EXTENSION: True,
    },
    "phone": {
        "description": "Limit result set to customers whose billing or shipping phone has these digits "
        "(everything else, such as a leading + or spaces, is ignored).",
        "type": "string",
        EXTENSION: True,
    },
}

DELETE_ARGS: dict[str, Schema] = {
    "id": ID_ARG,
    "force": FORCE_ARG,
    "reassign": {"default": 0, "type": "integer", "description": "ID to reassign posts to."},
}


@dataclass(frozen=True, eq=False)
class CustomerApiVersion(ResourceVersion):
    """Everything that differs between wc/v1, wc/v2 and wc/v3 for customers."""

    billing_keys: tuple[str, ...] = SCHEMA_BILLING
    shipping_keys: tuple[str, ...] = SCHEMA_SHIPPING
    # v2 and v3 show date_created/date_modified in the site's time (with *_gmt twins); v1 in UTC.
    local_dates: bool = True
    downloads_schema: Schema | None = None
    # The keys of a downloads item, in WooCommerce's order for this version.
    download_fields: tuple[str, ...] = ()

    collection_filters: ClassVar[dict[str, Schema]] = COLLECTION_FILTER_ARGS
    destroy_arguments: ClassVar[dict[str, Schema]] = DELETE_ARGS

    @property
    def writable_shipping(self) -> tuple[str, ...]:
        """Address keys a client may write: the schema's (v1/v2 have no shipping phone; v3 has)."""
        return tuple(self.item_schema["properties"]["shipping"]["properties"])

    @property
    def renders_order_figures(self) -> bool:
        return bool({"orders_count", "total_spent", "last_order"} & set(self.fields))

    def service_input(self, args: dict[str, Any]) -> dict[str, Any]:
        """The validated writable fields, addresses cut to the keys this version may write."""
        values = {name: args[name] for name in self.writable_fields if name in args}
        writable_keys = {"billing": SCHEMA_BILLING, "shipping": self.writable_shipping}
        for name, keys in writable_keys.items():
            if isinstance(values.get(name), dict):
                values[name] = {key: value for key, value in values[name].items() if key in keys}
        return values

    @property
    def writable_fields(self) -> tuple[str, ...]:
        return tuple(endpoint_args(self.item_schema))

    def create_args(self, *, username_required: bool, password_required: bool) -> dict[str, Schema]:
        """Create replaces email, username and password by bare definitions, in place (no email format)."""
        args = endpoint_args(self.item_schema, creating=True)
        args["email"] = {"type": "string", "description": "New user email address.", "required": True}
        args["username"] = {"description": "New user username.", "type": "string", "required": username_required}
        args["password"] = {"description": "New user password.", "type": "string", "required": password_required}
        return args

    def downloads_args(self) -> dict[str, Schema]:
        return {"customer_id": dict(ID_ARG), "context": context_arg(self.downloads_schema)}


#
# The item schemas
#

_IDENTITY = {
    "email": writable("The email address for the customer.", format="email"),
    "first_name": writable("Customer first name."),
    "last_name": writable("Customer last name."),
}
_PASSWORD = {"password": {"description": "Customer password.", "type": "string", "context": ["edit"]}}
_ORDER_FIGURES = {
    "orders_count": readonly("Quantity of orders made by the customer.", "integer"),
    "total_spent": readonly("Total amount spent.", "string"),
}
_META_DATA = writable(
    "Meta data.",
    "array",
    items={
        "type": "object",
        "properties": {
            "id": readonly("Meta ID.", "integer"),
            "key": writable("Meta key."),
            "value": writable("Meta value.", "mixed"),
        },
    },
)
_DATES_LOCAL_AND_GMT = {
    "date_created": readonly("The date the customer was created, in the site's timezone.", "date-time"),
    "date_created_gmt": readonly("The date the customer was created, as GMT.", "date-time"),
    "date_modified": readonly("The date the customer was last modified, in the site's timezone.", "date-time"),
    "date_modified_gmt": readonly("The date the customer was last modified, as GMT.", "date-time"),
}


def _v1_schema() -> Schema:
    return item_schema(
        "customer",
        {
            "id": readonly("Unique identifier for the resource.", "integer"),
            "date_created": readonly("The date the customer was created, as GMT.", "date-time"),
            "date_modified": readonly("The date the customer was last modified, as GMT.", "date-time"),
            **_IDENTITY,
            "username": writable("Customer login name."),
            **_PASSWORD,
            "last_order": readonly(
                "Last order data.",
                "object",
                properties={
                    "id": readonly("Last order ID.", "integer"),
                    "date": readonly("The date of the customer last order, as GMT.", "date-time"),
                },
            ),
            **_ORDER_FIGURES,
            "avatar_url": readonly("Avatar URL.", "string"),
            "billing": address_schema("List of billing address data.", SCHEMA_BILLING, period_after_lines=True),
            "shipping": address_schema("List of shipping address data.", SCHEMA_SHIPPING[:9], period_after_lines=True),
        },
    )


def _modern_schema(*, order_figures: bool, shipping_phone: bool) -> Schema:
    """v2 (with orders_count and total_spent, no shipping phone) and v3 (without them, with the phone)."""
    shipping = SCHEMA_SHIPPING if shipping_phone else SCHEMA_SHIPPING[:9]
    return item_schema(
        "customer",
        {
            "id": readonly("Unique identifier for the resource.", "integer"),
            **_DATES_LOCAL_AND_GMT,
            **_IDENTITY,
            "role": readonly("Customer role.", "string"),
            "username": writable("Customer login name."),
            **_PASSWORD,
            "billing": address_schema("List of billing address data.", SCHEMA_BILLING, period_after_lines=False),
            "shipping": address_schema("List of shipping address data.", shipping, period_after_lines=False),
            "is_paying_customer": readonly("Is the customer a paying customer?", "bool"),
            **(_ORDER_FIGURES if order_figures else {}),
            "avatar_url": readonly("Avatar URL.", "string"),
            "meta_data": _META_DATA,
        },
    )


def _download_property(description: str, type_name: str = "string", **extra: Any) -> Schema:
    return readonly(description, type_name, context=("view",), **extra)


_DOWNLOAD_FILE = _download_property(
    "File details.",
    "object",
    properties={"name": _download_property("File name."), "file": _download_property("File URL.")},
)


def _downloads_schema(*, modern: bool) -> Schema:
    """customer_download: v2 and v3 add product_name and access_expires_gmt and order the keys differently."""
    properties = {
        "download_id": _download_property("Download ID." if modern else "Download ID (MD5)."),
        "download_url": _download_property("Download file URL."),
        "product_id": _download_property("Downloadable product ID.", "integer"),
        "product_name": _download_property("Product name."),
        "download_name": _download_property("Downloadable file name."),
        "order_id": _download_property("Order ID.", "integer"),
        "order_key": _download_property("Order key."),
        "downloads_remaining": _download_property("Number of downloads remaining."),
        "access_expires": _download_property("The date when download access expires, in the site's timezone."),
        "access_expires_gmt": _download_property("The date when download access expires, as GMT."),
        "file": _DOWNLOAD_FILE,
    }
    order = (
        MODERN_DOWNLOAD_FIELDS
        if modern
        else (
            "download_url",
            "download_id",
            "product_id",
            "download_name",
            "order_id",
            "order_key",
            "downloads_remaining",
            "access_expires",
            "file",
        )
    )
    return item_schema("customer_download", {name: properties[name] for name in order})


MODERN_DOWNLOAD_FIELDS = (
    "download_id",
    "download_url",
    "product_id",
    "product_name",
    "download_name",
    "order_id",
    "order_key",
    "downloads_remaining",
    "access_expires",
    "access_expires_gmt",
    "file",
)

_V2_V3_HEAD = (
    "id",
    "date_created",
    "date_created_gmt",
    "date_modified",
    "date_modified_gmt",
    "email",
    "first_name",
    "last_name",
    "role",
    "username",
    "billing",
    "shipping",
    "is_paying_customer",
    "avatar_url",
    "meta_data",
)

V1 = CustomerApiVersion(
    namespace="wc/v1",
    rest_base="customers",
    item_schema=_v1_schema(),
    fields=(
        "id",
        "date_created",
        "date_modified",
        "email",
        "first_name",
        "last_name",
        "username",
        "last_order",
        "orders_count",
        "total_spent",
        "avatar_url",
        "billing",
        "shipping",
    ),
    # The captures of WooCommerce 3.5.3 show v1 addresses in schema order, and shipping without a phone.
    billing_keys=SCHEMA_BILLING,
    shipping_keys=SCHEMA_SHIPPING[:9],
    local_dates=False,
    downloads_schema=_downloads_schema(modern=False),
    # v1 removes only product_name from the raw download; product_url, outside its schema, stays.
    download_fields=(
        "download_url",
        "download_id",
        "product_id",
        "product_url",
        "download_name",
        "order_id",
        "order_key",
        "downloads_remaining",
        "access_expires",
        "file",
    ),
)
V2 = CustomerApiVersion(
    namespace="wc/v2",
    rest_base="customers",
    item_schema=_modern_schema(order_figures=True, shipping_phone=False),
    # Current WooCommerce appends the order figures after meta_data.
    fields=(*_V2_V3_HEAD, "orders_count", "total_spent"),
    billing_keys=MODERN_BILLING,
    shipping_keys=MODERN_SHIPPING,
    downloads_schema=_downloads_schema(modern=True),
    download_fields=MODERN_DOWNLOAD_FIELDS,
)
V3 = CustomerApiVersion(
    namespace="wc/v3",
    rest_base="customers",
    item_schema=_modern_schema(order_figures=False, shipping_phone=True),
    fields=_V2_V3_HEAD,
    billing_keys=MODERN_BILLING,
    shipping_keys=MODERN_SHIPPING,
    downloads_schema=_downloads_schema(modern=True),
    download_fields=MODERN_DOWNLOAD_FIELDS,
)
VERSIONS = (V1, V2, V3)
