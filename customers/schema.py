"""The customer resource as WordPress describes it: item schema and route arguments, per API version.

These dicts are the wire contract. The endpoints validate requests against them and show them in
OPTIONS answers, so each text here is WooCommerce's own.
"""

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from customers.choices import CustomerRole
from customers.models import ADDRESS_FIELDS
from wcompat.pagination import collection_args

VIEW_EDIT = ["view", "edit"]
WRITABLE_FIELDS = ("email", "username", "password", "first_name", "last_name", "billing", "shipping")
ID_ARG = {"description": "Unique identifier for the resource.", "type": "integer"}
CONTEXT_VIEW_ONLY = {
    "description": "Scope under which the request is made; determines fields present in response.",
    "type": "string",
    "enum": ["view"],
    "default": "view",
}

_ADDRESS_DESCRIPTIONS = {
    "first_name": "First name.",
    "last_name": "Last name.",
    "company": "Company name.",
    "address_1": "Address line 1.",
    "address_2": "Address line 2.",
    "city": "City name.",
    "state": "ISO code or name of the state, province or district.",
    "postcode": "Postal code.",
    "country": "ISO code of the country.",
    "email": "Email address.",
    "phone": "Phone number.",
}


def _address_schema(description: str, fields: tuple[str, ...]) -> dict[str, Any]:
    properties = {}
    for name in fields:
        prop: dict[str, Any] = {"description": _ADDRESS_DESCRIPTIONS[name], "type": "string"}
        if name == "email":
            prop["format"] = "email"
        prop["context"] = VIEW_EDIT
        properties[name] = prop
    return {"description": description, "type": "object", "context": VIEW_EDIT, "properties": properties}


def _readonly(description: str, type_name: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "type": type_name, "context": VIEW_EDIT, "readonly": True, **extra}


def _writable(description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "type": "string", **extra, "context": VIEW_EDIT}


@dataclass(frozen=True)
class CustomerApiVersion:
    """Everything that differs between wc/v1, wc/v2 and wc/v3 for customers, in one place."""

    namespace: str
    fields: tuple[str, ...]
    billing_fields: tuple[str, ...]
    shipping_fields: tuple[str, ...]
    item_schema: dict[str, Any]

    @property
    def route(self) -> str:
        return f"/{self.namespace}/customers"

    def service_input(self, data: dict[str, Any]) -> dict[str, Any]:
        """The writable fields of a request body, addresses cut to this version's keys, for the services."""
        values = {name: data[name] for name in WRITABLE_FIELDS if name in data}
        for name, fields in (("billing", self.billing_fields), ("shipping", self.shipping_fields)):
            if isinstance(values.get(name), dict):
                values[name] = {key: value for key, value in values[name].items() if key in fields}
        return values

    def writable_args(self) -> dict[str, dict[str, Any]]:
        """Every writable schema property as a route argument (get_endpoint_args_for_item_schema)."""
        args = {}
        for name, prop in self.item_schema["properties"].items():
            if prop.get("readonly"):
                continue
            arg = {key: value for key, value in prop.items() if key not in ("context", "readonly")}
            args[name] = arg
        return args

    def create_args(self, *, username_required: bool, password_required: bool) -> dict[str, dict[str, Any]]:
        """Create replaces email, username and password by bare definitions, in place (no email format)."""
        args = self.writable_args()
        args["email"] = {"type": "string", "description": "New user email address.", "required": True}
        args["username"] = {"description": "New user username.", "type": "string", "required": username_required}
        args["password"] = {"description": "New user password.", "type": "string", "required": password_required}
        return args

    def update_args(self) -> dict[str, dict[str, Any]]:
        return {"id": dict(ID_ARG), **self.writable_args()}

    def collection_args(self) -> dict[str, dict[str, Any]]:
        args = collection_args()
        args.update(deepcopy(COLLECTION_FILTER_ARGS))
        return args


COLLECTION_FILTER_ARGS = {
    "search": {"description": "Limit results to those matching a string.", "type": "string"},
    "exclude": {
        "description": "Ensure result set excludes specific IDs.",
        "type": "array",
        "items": {"type": "integer"},
        "default": [],
    },
    "include": {
        "description": "Limit result set to specific IDs.",
        "type": "array",
        "items": {"type": "integer"},
        "default": [],
    },
    "offset": {"description": "Offset the result set by a specific number of items.", "type": "integer"},
    "order": {
        "default": "asc",
        "description": "Order sort attribute ascending or descending.",
        "enum": ["asc", "desc"],
        "type": "string",
    },
    "orderby": {
        "default": "name",
        "description": "Sort collection by object attribute.",
        "enum": ["id", "include", "name", "registered_date"],
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
}


def _download_property(description: str, type_name: str = "string", **extra: Any) -> dict[str, Any]:
    return {"description": description, "type": type_name, "context": ["view"], "readonly": True, **extra}


# The v1 customer_download schema (WC_REST_Customer_Downloads_V1_Controller).
DOWNLOAD_SCHEMA_V1 = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "customer_download",
    "type": "object",
    "properties": {
        "download_url": _download_property("Download file URL."),
        "download_id": _download_property("Download ID (MD5)."),
        "product_id": _download_property("Downloadable product ID.", "integer"),
        "download_name": _download_property("Downloadable file name."),
        "order_id": _download_property("Order ID.", "integer"),
        "order_key": _download_property("Order key."),
        "downloads_remaining": _download_property("Amount of downloads remaining."),
        "access_expires": _download_property("The date when the download access expires, in the site's timezone."),
        "file": _download_property(
            "File details.",
            "object",
            properties={
                "name": _download_property("File name."),
                "file": _download_property("File URL."),
            },
        ),
    },
}

DELETE_ARGS = {
    "id": ID_ARG,
    "force": {
        "default": False,
        "type": "boolean",
        "description": "Required to be true, as resource does not support trashing.",
    },
    "reassign": {"default": 0, "type": "integer", "description": "ID to reassign posts to."},
}

# The address keys WooCommerce 3.5.3 outputs for v1, in its order (the captures and the v1 docs agree:
# shipping has no phone in v1).
V1_BILLING_FIELDS = ADDRESS_FIELDS
V1_SHIPPING_FIELDS = V1_BILLING_FIELDS[:9]

V1 = CustomerApiVersion(
    namespace="wc/v1",
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
    billing_fields=V1_BILLING_FIELDS,
    shipping_fields=V1_SHIPPING_FIELDS,
    item_schema={
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "customer",
        "type": "object",
        "properties": {
            "id": _readonly("Unique identifier for the resource.", "integer"),
            "date_created": _readonly("The date the customer was created, as GMT.", "date-time"),
            "date_modified": _readonly("The date the customer was last modified, as GMT.", "date-time"),
            "email": _writable("The email address for the customer.", format="email"),
            "first_name": _writable("Customer first name."),
            "last_name": _writable("Customer last name."),
            "username": _writable("Customer login name."),
            "password": {"description": "Customer password.", "type": "string", "context": ["edit"]},
            "last_order": _readonly(
                "Last order data.",
                "object",
                properties={
                    "id": _readonly("Last order ID.", "integer"),
                    "date": _readonly("The date of the customer last order, as GMT.", "date-time"),
                },
            ),
            "orders_count": _readonly("Quantity of orders made by the customer.", "integer"),
            "total_spent": _readonly("Total amount spent.", "string"),
            "avatar_url": _readonly("Avatar URL.", "string"),
            "billing": _address_schema("List of billing address data.", V1_BILLING_FIELDS),
            "shipping": _address_schema("List of shipping address data.", V1_SHIPPING_FIELDS),
        },
    },
)
