"""OpenAPI 3 for WooCommerce routes, generated from the same argument and item schemas the endpoints use.

drf-spectacular asks each view for its operation; WcAutoSchema answers from the view's declarations:
`args_for(action)` (query parameters or the JSON body), `item_schema` (the WordPress schema of the
resource in the view's API version) and `response_schema(action)` (other bodies, such as downloads).
Every name carries the namespace (components WcV3Customer, operations wc_v3_customers_list, tags
"wc/v3 customers"), so the versions sit side by side. The three ways WooCommerce authenticates are the
security schemes.
"""

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from wcompat.args import EXTENSION, EXTENSION_ENUM

# wc_rest_prepare_date_response(): no zone, no fraction.
WC_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
ERROR_SCHEMA = {
    "type": "object",
    "description": "A WordPress REST error.",
    "required": ["code", "message", "data"],
    "properties": {
        "code": {"type": "string", "example": "rest_invalid_param"},
        "message": {"type": "string"},
        "data": {
            "type": "object",
            "properties": {"status": {"type": "integer"}},
            "additionalProperties": True,
        },
    },
}
LINKS_SCHEMA = {
    "type": "object",
    "readOnly": True,
    "additionalProperties": {
        "type": "array",
        "items": {"type": "object", "properties": {"href": {"type": "string"}}},
    },
}
ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or body (rest_invalid_param, rest_missing_callback_param, rest_invalid_json, …).",
    401: "Not authenticated, or an authentication error (woocommerce_rest_authentication_error).",
    403: "Authenticated, but without the capability.",
    404: "Unknown id.",
    413: "More items than the batch limit.",
    501: "Deleting without force=true.",
}
ERRORS_BY_ACTION = {
    "list": (400, 401, 403),
    "create": (400, 401, 403),
    "retrieve": (400, 401, 403, 404),
    "update": (400, 401, 403, 404),
    "destroy": (400, 401, 403, 404, 501),
    "batch": (400, 401, 403, 413),
}
PAGINATION_HEADERS = {
    "X-WP-Total": {"description": "Total number of matching items.", "schema": {"type": "integer"}},
    "X-WP-TotalPages": {"description": "Total number of pages.", "schema": {"type": "integer"}},
    "Link": {"description": 'rel="prev" and rel="next" page URLs.', "schema": {"type": "string"}},
}
# What a person can fill in on the docs' Authorize form. (The server also takes the key and secret as the
# consumer_key and consumer_secret query parameters over HTTPS, and OAuth 1.0a over plain HTTP, as WooCommerce
# does; a signature is made by a client library, not typed into a form.)
SECURITY_SCHEMES = {
    "basicAuth": {
        "type": "http",
        "scheme": "basic",
        "description": "The consumer key as user name, the consumer secret as password. Over HTTPS only, as "
        "WooCommerce accepts them (a server with WCOMPAT_ALLOW_INSECURE_KEY_AUTH on, as `make serve` runs, takes "
        "them over plain HTTP too).",
    },
}


def to_openapi(schema: dict[str, Any], *, response: bool) -> dict[str, Any]:
    """A WordPress JSON schema as OpenAPI 3.0: WordPress's own types mapped, contexts dropped.

    Response schemas drop `format` (WordPress outputs "" for an unset billing email) and allow null
    dates.
    """
    result: dict[str, Any] = {}
    wp_type = schema.get("type")
    if isinstance(wp_type, list):
        # A WordPress type list: OpenAPI 3.0 has one type, or none for "any", and `nullable`.
        types = [name for name in wp_type if name != "null"]
        if "null" in wp_type:
            result["nullable"] = True
        wp_type = types[0] if len(types) == 1 else None
    if wp_type == "date-time":
        result.update(type="string", pattern=WC_DATE_PATTERN, nullable=True)
    elif wp_type == "bool":
        result["type"] = "boolean"
    elif wp_type == "mixed":
        result["nullable"] = True
    elif wp_type:
        result["type"] = wp_type
    for key in ("description", "enum", "minimum", "maximum", "default"):
        if key in schema:
            result[key] = schema[key]
    if schema.get(EXTENSION_ENUM):
        result["enum"] = [*result.get("enum", []), *schema[EXTENSION_ENUM]]
        result[EXTENSION_ENUM] = list(schema[EXTENSION_ENUM])
    if schema.get(EXTENSION):
        result[EXTENSION] = True
        result["description"] = f"Extension (not in WooCommerce): {result.get('description', '')}"
    if "format" in schema and not response:
        result["format"] = schema["format"]
    if schema.get("readonly"):
        result["readOnly"] = True
    if "properties" in schema:
        result["properties"] = {
            name: to_openapi(prop, response=response) for name, prop in schema["properties"].items()
        }
    if "items" in schema:
        result["items"] = to_openapi(schema["items"], response=response)
    return result


def path_parameter_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


class WcAutoSchema(AutoSchema):
    """Operations of a WcViewSet, from its declarations rather than from DRF serializers."""

    @property
    def action(self) -> str:
        return self.view.action_map[self.method.lower()]

    def get_operation(self, *args, **kwargs) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and not self.version.namespace.startswith("wc/"):
            operation[EXTENSION] = True  # this project's own routes, in no WooCommerce namespace
        return operation

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    @property
    def version(self):
        return self.view.version

    def _item_ref(self) -> dict[str, str]:
        schema = self.view.openapi_item_schema()
        schema["properties"]["_links"] = LINKS_SCHEMA
        return self._component(f"{self.version.label}{self.view.schema_name}", schema)

    def get_operation_id(self) -> str:
        suffix = f"_{self.method.lower()}" if self.action == "update" or self.action == "batch" else ""
        return f"{self.version.slug}_{self.version.rest_base}_{self.action}{suffix}"

    def get_tags(self) -> list[str]:
        return [f"{self.version.namespace} {self.version.rest_base}"]

    def get_description(self) -> str:
        return self.view.action_descriptions.get(self.action, "")

    def get_summary(self) -> str:
        """A short name for the operation, as a reader (and a generated client) wants it: "List customers"."""
        declared = getattr(self.view, "action_summaries", {}).get(self.action)
        if declared:
            return declared
        plural = self.version.rest_base.split("/")[-1].replace("_", " ")
        singular = re.sub(r"(?<=[a-z])s$", "", plural)
        one = f"{'an' if singular[:1] in 'aeiou' else 'a'} {singular}"
        return {
            "list": f"List {plural}",
            "create": f"Create {one}",
            "retrieve": f"Retrieve {one}",
            "update": f"Update {one}",
            "destroy": f"Delete {one}",
            "batch": f"Create, update and delete {plural} in one request",
        }.get(self.action, self.action.replace("_", " ").capitalize())

    def get_auth(self) -> list[dict[str, list]]:
        return [{"basicAuth": []}]

    def _request_args(self) -> dict[str, dict[str, Any]]:
        path_names = path_parameter_names(self.path)
        return {name: arg for name, arg in self.view.args_for(self.action).items() if name not in path_names}

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
                "description": "Unique identifier for the resource.",
            }
            for name in path_parameter_names(self.path)
        ]
        if self.method in ("GET", "DELETE"):
            for name, arg in self._request_args().items():
                parameter = {"name": name, "in": "query", "required": bool(arg.get("required"))}
                parameter["schema"] = to_openapi(arg, response=False)
                if "description" in parameter["schema"]:
                    parameter["description"] = parameter["schema"]["description"]
                if arg.get(EXTENSION):
                    parameter[EXTENSION] = True
                if arg.get(EXTENSION_ENUM):
                    extra = ", ".join(arg[EXTENSION_ENUM])
                    parameter["description"] += f" Extension (not in WooCommerce): also {extra}."
                if arg.get("type") == "array":
                    parameter.update(style="form", explode=False)
                parameters.append(parameter)
        return parameters

    def _body_schema(self, action: str) -> dict[str, Any]:
        args = self.view.args_for(action)
        required = [name for name, arg in args.items() if arg.get("required")]
        body: dict[str, Any] = {
            "type": "object",
            "properties": {name: to_openapi(arg, response=False) for name, arg in args.items()},
        }
        if required:
            body["required"] = required
        return body

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        if self.method not in ("POST", "PUT", "PATCH"):
            return None
        if self.action == "batch":
            update = self._body_schema("update")
            # Batch items skip WordPress's required checks: a create without email fails in place.
            create = {key: value for key, value in self._body_schema("create").items() if key != "required"}
            schema = {
                "type": "object",
                "properties": {
                    "create": {"type": "array", "items": create},
                    "update": {"type": "array", "items": update},
                    "delete": {"type": "array", "items": self._batch_delete_item()},
                },
            }
        else:
            schema = self._body_schema(self.action)
            for name in path_parameter_names(self.path):
                schema["properties"].pop(name, None)
        if not schema.get("required"):
            schema.pop("required", None)
        # One body per operation, JSON, as a named component (WcV3CustomerCreate): a generated client gets one
        # model per body, named for what it is. WordPress also reads form bodies; clients send JSON.
        name = f"{self.version.label}{self.view.schema_name}{self.action.capitalize()}"
        return {
            "content": {"application/json": {"schema": self._component(name, schema)}},
            "required": bool(schema.get("required")),
        }

    def _batch_delete_item(self) -> dict[str, Any]:
        """A delete is an id, or an object of the delete's arguments ({"id": 5, "reassign": 3})."""
        args = {name: arg for name, arg in self.view.args_for("destroy").items() if name != "force"}
        as_object = {
            "type": "object",
            "properties": {name: to_openapi(arg, response=False) for name, arg in args.items()},
        }
        return {"oneOf": [{"type": "integer"}, as_object]}

    def _success(self) -> tuple[int, dict[str, Any], dict[str, Any]]:
        extra = self.view.response_schema(self.action)
        if extra:
            name, schema = extra
            component = self._component(f"{self.version.label}{name}", to_openapi(schema, response=True))
            return 200, {"type": "array", "items": component}, {}
        item = self._item_ref()
        if self.action == "list":
            return 200, {"type": "array", "items": item}, PAGINATION_HEADERS
        if self.action == "create":
            location = {"Location": {"description": "URL of the new item.", "schema": {"type": "string"}}}
            return 201, item, location
        if self.action == "batch":
            result = {
                "anyOf": [
                    item,
                    self._component(
                        "BatchItemError",
                        {
                            "type": "object",
                            "required": ["id", "error"],
                            "properties": {"id": {"nullable": True}, "error": self._component("Error", ERROR_SCHEMA)},
                        },
                    ),
                ]
            }
            results = {"type": "array", "items": result}
            # Named, as the bodies are: a generated client's batch answer reads WcV3CustomerBatchAnswer.
            name = f"{self.version.label}{self.view.schema_name}Batch"
            answer = {"type": "object", "properties": {"create": results, "update": results, "delete": results}}
            empty = {"type": "array", "maxItems": 0, "items": {}, "description": "An empty batch."}
            anyof = {"anyOf": [self._component(f"{name}Result", answer), empty]}
            return 200, self._component(f"{name}Answer", anyof), {}
        return 200, item, {}

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        status, schema, headers = self._success()
        success: dict[str, Any] = {"description": "", "content": {"application/json": {"schema": schema}}}
        if headers:
            success["headers"] = headers
        responses = {str(status): success}
        error = self._component("Error", ERROR_SCHEMA)
        for code in ERRORS_BY_ACTION.get(self.action, (400, 401, 403, 404)):
            responses[str(code)] = {
                "description": ERROR_DESCRIPTIONS[code],
                "content": {"application/json": {"schema": error}},
            }
        return responses


# The order the docs list the namespaces in: the newest WooCommerce version first, this project's own last.
NAMESPACE_ORDER = ("wc/v3", "wc/v2", "wc/v1")


def _namespace_rank(path: str) -> int:
    for rank, namespace in enumerate(NAMESPACE_ORDER):
        if path.startswith(f"/wp-json/{namespace}/"):
            return rank
    return len(NAMESPACE_ORDER)


def postprocess(result: dict, generator, request, public) -> dict:
    """Each route once, without its optional trailing slash (`/?`), wc/v3 first; the security scheme."""
    paths = {path.rstrip("/") or "/": item for path, item in result["paths"].items()}
    result["paths"] = dict(sorted(paths.items(), key=lambda pair: _namespace_rank(pair[0])))
    result.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    return result
