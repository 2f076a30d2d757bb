"""The webhook resource, one declaration per API version (wc/v1, wc/v2, wc/v3).

v2 adds the `*_gmt` dates to v1; v3 is v2 in another namespace. The namespace a webhook is created
through fixes the API version its payloads are rendered in. v1 and v2 still serve the deliveries routes,
deprecated since WooCommerce 3.3 (an empty list). The texts are WooCommerce's own.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from wcompat.item_schema import FORCE_ARG, ID_ARG, Schema, context_arg, endpoint_args, item_schema, readonly, writable
from wcompat.pagination import (
    exclude_arg,
    include_arg,
    offset_arg,
    order_arg,
    orderby_arg,
    search_arg,
)
from wcompat.versions import ResourceVersion
from webhooks.models import Webhook

# WooCommerce's secret description is stale (it generates 50 random characters), but it is the text.
SECRET_DESCRIPTION = (
    "Secret key used to generate a hash of the delivered webhook and provided in the request headers. "
    "This will default to a MD5 hash from the current user's ID|username if not provided."
)

COLLECTION_FILTER_ARGS: dict[str, Schema] = {
    "search": search_arg(),
    "after": {
        "description": "Limit response to resources published after a given ISO8601 compliant date.",
        "type": "string",
        "format": "date-time",
    },
    "before": {
        "description": "Limit response to resources published before a given ISO8601 compliant date.",
        "type": "string",
        "format": "date-time",
    },
    "exclude": exclude_arg(),
    "include": include_arg("Limit result set to specific ids."),
    "offset": offset_arg(),
    "order": order_arg("desc"),
    "orderby": orderby_arg("date", ["date", "id", "title"]),
    "status": {
        "default": "all",
        "description": "Limit result set to webhooks assigned a specific status.",
        "type": "string",
        "enum": ["all", *Webhook.Status.values],
    },
}

DELETE_ARGS: dict[str, Schema] = {"id": ID_ARG, "force": FORCE_ARG}
WEBHOOK_ID_ARG: Schema = {"description": "Unique identifier for the webhook.", "type": "integer"}


@dataclass(frozen=True, eq=False)
class WebhookApiVersion(ResourceVersion):
    """Everything that differs between wc/v1, wc/v2 and wc/v3 for webhooks."""

    # v1 shows date_created/date_modified in UTC; v2 and v3 in the site's time, with *_gmt twins.
    local_dates: bool = True
    # wc/v1 and wc/v2 still register /webhooks/<id>/deliveries (answering with no deliveries).
    deliveries_schema: Schema | None = None

    collection_filters: ClassVar[dict[str, Schema]] = COLLECTION_FILTER_ARGS

    def create_args(self) -> dict[str, Schema]:
        """Create requires topic and delivery_url, replaced by bare definitions (topic in place)."""
        args = endpoint_args(self.item_schema, creating=True)
        args["topic"] = {"required": True, "type": "string", "description": "Webhook topic."}
        args["delivery_url"] = {"required": True, "type": "string", "description": "Webhook delivery URL."}
        return args

    def deliveries_args(self) -> dict[str, Schema]:
        return {"webhook_id": dict(WEBHOOK_ID_ARG), "context": context_arg(self.deliveries_schema)}

    def delivery_args(self) -> dict[str, Schema]:
        return {**self.deliveries_args(), "id": dict(ID_ARG)}


def _schema(*, gmt_dates: bool) -> Schema:
    dates = {
        "date_created": readonly("The date the webhook was created, in the site's timezone.", "date-time"),
        "date_created_gmt": readonly("The date the webhook was created, as GMT.", "date-time"),
        "date_modified": readonly("The date the webhook was last modified, in the site's timezone.", "date-time"),
        "date_modified_gmt": readonly("The date the webhook was last modified, as GMT.", "date-time"),
    }
    if not gmt_dates:
        dates = {name: schema for name, schema in dates.items() if not name.endswith("_gmt")}
    return item_schema(
        "webhook",
        {
            "id": readonly("Unique identifier for the resource.", "integer"),
            "name": writable("A friendly name for the webhook."),
            "status": writable("Webhook status.", default="active", enum=list(Webhook.Status.values)),
            "topic": writable("Webhook topic."),
            "resource": readonly("Webhook resource."),
            "event": readonly("Webhook event."),
            "hooks": readonly(
                "WooCommerce action names associated with the webhook.", "array", items={"type": "string"}
            ),
            "delivery_url": readonly("The URL where the webhook payload is delivered.", format="uri"),
            "secret": writable(SECRET_DESCRIPTION, context=("edit",)),
            **dates,
        },
    )


def _delivery_property(description: str, type_name: str = "string", **extra: Any) -> Schema:
    return readonly(description, type_name, context=("view",), **extra)


def _deliveries_schema(*, gmt_dates: bool) -> Schema:
    properties = {
        "id": _delivery_property("Unique identifier for the resource.", "integer"),
        "duration": _delivery_property("The delivery duration, in seconds."),
        "summary": _delivery_property(
            "A friendly summary of the response including the HTTP response code, message, and body."
        ),
        "request_url": _delivery_property("The URL where the webhook was delivered.", format="uri"),
        "request_headers": _delivery_property("Request headers.", "array", items={"type": "string"}),
        "request_body": _delivery_property("Request body."),
        "response_code": _delivery_property("The HTTP response code from the receiving server."),
        "response_message": _delivery_property("The HTTP response message from the receiving server."),
        "response_headers": _delivery_property(
            "Array of the response headers from the receiving server.", "array", items={"type": "string"}
        ),
        "response_body": _delivery_property("The response body from the receiving server."),
        "date_created": readonly("The date the webhook delivery was logged, in the site's timezone.", "date-time"),
    }
    if gmt_dates:
        properties["date_created_gmt"] = readonly("The date the webhook delivery was logged, as GMT.", "date-time")
    return item_schema("webhook_delivery", properties)


_FIELDS = ("id", "name", "status", "topic", "resource", "event", "hooks", "delivery_url")

V1 = WebhookApiVersion(
    namespace="wc/v1",
    rest_base="webhooks",
    item_schema=_schema(gmt_dates=False),
    fields=(*_FIELDS, "date_created", "date_modified"),
    local_dates=False,
    deliveries_schema=_deliveries_schema(gmt_dates=False),
)
_MODERN_FIELDS = (*_FIELDS, "date_created", "date_created_gmt", "date_modified", "date_modified_gmt")
V2 = WebhookApiVersion(
    namespace="wc/v2",
    rest_base="webhooks",
    item_schema=_schema(gmt_dates=True),
    fields=_MODERN_FIELDS,
    deliveries_schema=_deliveries_schema(gmt_dates=True),
)
V3 = WebhookApiVersion(
    namespace="wc/v3", rest_base="webhooks", item_schema=_schema(gmt_dates=True), fields=_MODERN_FIELDS
)
VERSIONS = (V1, V2, V3)
