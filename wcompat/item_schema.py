"""WordPress item schemas, and the route arguments WordPress derives from them.

A resource declares its item schema once per API version with these helpers; the endpoints validate
requests against the arguments derived here, and OPTIONS and the namespace index show both:

    schema = item_schema("webhook", {"id": readonly("Unique identifier for the resource.", "integer"),
                                     "name": writable("A friendly name for the webhook.")})
    endpoint_args(schema)  ->  {"name": {"description": "A friendly name for the webhook.", "type": "string"}}
"""

from typing import Any

Schema = dict[str, Any]

VIEW_EDIT = ("view", "edit")
# rest_get_allowed_schema_keywords(), in WordPress's order: an argument lists its keywords in this order.
SCHEMA_KEYWORDS = (
    "title",
    "description",
    "default",
    "type",
    "format",
    "enum",
    "items",
    "properties",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "anyOf",
    "oneOf",
)
# WooCommerce's WP 5.5 compatibility for editable arguments: its own types become WordPress type lists.
WP55_TYPES = {
    "date-time": ["null", "string"],
    "mixed": ["null", "object", "string", "number", "boolean", "integer", "array"],
}

ID_ARG: Schema = {"description": "Unique identifier for the resource.", "type": "integer"}
FORCE_ARG: Schema = {
    "default": False,
    "type": "boolean",
    "description": "Required to be true, as resource does not support trashing.",
}
CONTEXT_DESCRIPTION = "Scope under which the request is made; determines fields present in response."


def item_schema(title: str, properties: dict[str, Schema]) -> Schema:
    """A WordPress item schema (draft 04), as get_item_schema() returns it."""
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": title,
        "type": "object",
        "properties": properties,
    }


def writable(description: str, type_name: str = "string", *, context=VIEW_EDIT, **extra: Any) -> Schema:
    """A writable schema property, keys in WooCommerce's order: description, type, keywords, context, children."""
    children = {key: extra.pop(key) for key in ("items", "properties") if key in extra}
    return {"description": description, "type": type_name, **extra, "context": list(context), **children}


def readonly(description: str, type_name: str = "string", *, context=VIEW_EDIT, **extra: Any) -> Schema:
    """A read-only schema property (never an argument), keys in WooCommerce's order like writable()'s."""
    children = {key: extra.pop(key) for key in ("items", "properties") if key in extra}
    return {
        "description": description,
        "type": type_name,
        **extra,
        "context": list(context),
        "readonly": True,
        **children,
    }


def context_arg(schema: Schema, default: str = "view") -> Schema:
    """WP_REST_Controller::get_context_param(): the contexts the schema's properties name, view first."""
    contexts: list[str] = []
    for prop_schema in schema.get("properties", {}).values():
        contexts.extend(context for context in prop_schema.get("context", ()) if context not in contexts)
    return {
        "description": CONTEXT_DESCRIPTION,
        "type": "string",
        "enum": sorted(contexts, reverse=True),
        "default": default,
    }


def _argument(prop_schema: Schema, *, creating: bool, editable: bool) -> Schema:
    arg = {key: prop_schema[key] for key in SCHEMA_KEYWORDS if key in prop_schema and key != "default"}
    if creating and "default" in prop_schema:
        arg = {"default": prop_schema["default"], **arg}
    if creating and prop_schema.get("required"):
        arg["required"] = True
    if editable:
        arg = _wp55_types(arg)
    return arg


def _wp55_types(arg: Schema) -> Schema:
    arg = dict(arg)
    if arg.get("type") in WP55_TYPES:
        arg["type"] = list(WP55_TYPES[arg["type"]])
    if "properties" in arg:
        arg["properties"] = {name: _wp55_types(sub) for name, sub in arg["properties"].items()}
    if isinstance(arg.get("items"), dict) and "properties" in arg["items"]:
        arg["items"] = {
            **arg["items"],
            "properties": {n: _wp55_types(s) for n, s in arg["items"]["properties"].items()},
        }
    return arg


def endpoint_args(schema: Schema, *, creating: bool = False) -> dict[str, Schema]:
    """get_endpoint_args_for_item_schema(): every property that is not read-only, as an argument.

    Arguments keep WordPress's schema keywords (not `context` or `readonly`) in WordPress's order;
    WooCommerce turns its `date-time` and `mixed` types into type lists on editable routes.
    """
    return {
        name: _argument(prop_schema, creating=creating, editable=True)
        for name, prop_schema in schema.get("properties", {}).items()
        if not prop_schema.get("readonly")
    }


def batch_schema() -> Schema:
    """WC_REST_Controller::get_public_batch_schema(): what OPTIONS shows on a /batch route."""
    return item_schema(
        "batch",
        {
            "create": {
                "description": "List of created resources.",
                "type": "array",
                "context": list(VIEW_EDIT),
                "items": {"type": "object"},
            },
            "update": {
                "description": "List of updated resources.",
                "type": "array",
                "context": list(VIEW_EDIT),
                "items": {"type": "object"},
            },
            "delete": {
                "description": "List of delete resources.",
                "type": "array",
                "context": list(VIEW_EDIT),
                "items": {"type": "integer"},
            },
        },
    )
