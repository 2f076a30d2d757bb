"""The webhooks endpoints: declarations and hand-offs; rules live in services, reads in selectors.

    POST /wp-json/wc/v3/webhooks {"topic": "customer.created", "delivery_url": "https://crm.example/in",
                                  "secret": "s3cret"}

Unlike customers, WooCommerce checks only the capability in the permission step: whether the webhook
exists is the handler's business, so an anonymous request for a missing webhook is a 401, and a
DELETE without force is a 501 whether the webhook exists or not.
"""

from datetime import UTC
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from wcompat.authentication import site_base_url
from wcompat.batch import BatchMixin
from wcompat.dates import wc_date, wc_local_date
from wcompat.error_codes import WcErrorCode
from wcompat.item_schema import batch_schema
from wcompat.links import item_links
from wcompat.pagination import Page
from wcompat.viewsets import WcViewSet
from webhooks import services
from webhooks.error_codes import WebhookErrorCode
from webhooks.models import Webhook
from webhooks.schema import V3, WebhookApiVersion
from webhooks.selectors import webhook_get, webhook_page


class WebhookViewSet(BatchMixin, WcViewSet):
    """/wc/v{1,2,3}/webhooks: list, create, retrieve, update, delete, batch; v1 and v2 also the deliveries.

    The secret is write-only: WooCommerce never shows it, so a client verifies signatures with the
    secret it chose.
    """

    version: WebhookApiVersion = V3
    capabilities = dict.fromkeys(
        ("list", "retrieve", "create", "update", "destroy", "batch", "deliveries", "delivery"),
        "webhooks.manage_webhooks",
    )
    denied_like = {"deliveries": "list", "delivery": "retrieve"}
    exists_error = WebhookErrorCode.EXISTS
    trash_not_supported_message = "Webhooks do not support trashing."
    item_checked_with_permission = False
    schema_name = "Webhook"
    action_summaries = {
        "deliveries": "List a webhook's deliveries (deprecated)",
        "delivery": "Retrieve a webhook delivery (deprecated)",
    }
    action_descriptions = {
        "list": "List webhooks, with paging headers.",
        "create": "Subscribe to a topic (customer.created, customer.updated, customer.deleted); always active.",
        "retrieve": "Retrieve a webhook (its secret is never shown).",
        "update": "Update a webhook; fields not sent (or empty) are kept.",
        "destroy": "Delete a webhook; `force=true` is required, the answer is the webhook as it was.",
        "batch": "Create, update and delete up to 100 webhooks; each item succeeds or fails alone.",
        "deliveries": "Deprecated since WooCommerce 3.3: always an empty list.",
        "delivery": "Deprecated since WooCommerce 3.3: never found.",
    }

    def args_for(self, action: str) -> dict[str, dict[str, Any]]:
        if action == "deliveries":
            return self.version.deliveries_args()
        if action == "delivery":
            return self.version.delivery_args()
        return super().args_for(action)

    def sanitize(self, action: str, args: dict[str, Any]) -> dict[str, Any]:
        args = super().sanitize(action, args)
        if action == "list":
            for name in ("after", "before"):
                # MySQL reads the date's wall-clock value; a zone, if any, is ignored.
                args[name] = args[name].instant.replace(tzinfo=UTC) if args.get(name) else None
        if action == "update":
            # delivery_url is read-only in the schema, yet WooCommerce's update reads it from the request.
            args["delivery_url"] = self.params.get("delivery_url")
        return args

    def item_args(self, action: str, data: Any) -> dict[str, Any]:
        args = super().item_args(action, data)
        if action == "update":
            args["delivery_url"] = data.get("delivery_url") if isinstance(data, dict) else None
        return args

    def wp_schema_for(self, action: str) -> dict[str, Any]:
        if action == "batch":
            return batch_schema()
        if action in ("deliveries", "delivery"):
            return self.version.deliveries_schema
        return self.item_schema

    def openapi_item_schema(self) -> dict[str, Any]:
        schema = super().openapi_item_schema()
        schema["properties"]["secret"]["writeOnly"] = True  # never in an answer
        return schema

    def get_item(self, pk: int, action: str) -> Webhook:
        webhook = webhook_get(int(pk))
        if webhook is not None:
            return webhook
        if action == "update":
            raise WebhookErrorCode.INVALID_ID.error()
        if action == "retrieve" and pk:
            raise WebhookErrorCode.INVALID_ID.error(status=404)
        raise WebhookErrorCode.INVALID_ID.error("Invalid ID.", 404)

    def get_page(self, args: dict[str, Any]) -> Page:
        return webhook_page(
            search=args["search"],
            include=args["include"],
            exclude=args["exclude"],
            after=args["after"],
            before=args["before"],
            status=args["status"],
            orderby=args["orderby"],
            order=args["order"],
            page=args["page"],
            per_page=args["per_page"],
            offset=args["offset"],
        )

    def create_item(self, args: dict[str, Any]) -> Webhook:
        # WooCommerce ignores the status sent: a webhook created through the API is active.
        return services.webhook_create(
            owner=self.request.user,
            topic=args.get("topic"),
            delivery_url=args.get("delivery_url"),
            name=args.get("name"),
            secret=args.get("secret"),
            api_version=self.version.namespace,
            site_url=site_base_url(self.request),
        )

    def update_item(self, item: Webhook, args: dict[str, Any]) -> Webhook:
        fields = ("name", "status", "topic", "delivery_url", "secret")
        return services.webhook_update(
            webhook=item, editor=self.request.user, **{name: args.get(name) for name in fields}
        )

    def destroy_item(self, item: Webhook, args: dict[str, Any]) -> None:
        services.webhook_delete(webhook=item)

    def render_items(self, items: list[Webhook]) -> list[dict[str, Any]]:
        return [render_webhook(self.request, self.version, webhook) for webhook in items]

    def deliveries(self, request: Request, *args, **kwargs) -> Response:
        self._webhook_for_deliveries()
        return Response([])

    def delivery(self, request: Request, *args, **kwargs) -> Response:
        self._webhook_for_deliveries()
        raise WcErrorCode.INVALID_ID.error()

    def _webhook_for_deliveries(self) -> Webhook:
        webhook = webhook_get(int(self.validated.get("webhook_id", 0)))
        if webhook is None:
            raise WebhookErrorCode.WEBHOOK_INVALID_ID.error()
        return webhook


def render_webhook(request: Request, version: WebhookApiVersion, webhook: Webhook) -> dict[str, Any]:
    """A webhook as WooCommerce's prepare_item_for_response() shows it (never with its secret)."""
    local = wc_local_date if version.local_dates else wc_date
    values = {
        "id": webhook.pk,
        "name": webhook.name,
        "status": webhook.status,
        "topic": webhook.topic,
        "resource": webhook.resource,
        "event": webhook.event,
        "hooks": webhook.hooks,
        "delivery_url": webhook.delivery_url,
        "date_created": local(webhook.date_created),
        "date_created_gmt": wc_date(webhook.date_created),
        "date_modified": local(webhook.date_modified),
        "date_modified_gmt": wc_date(webhook.date_modified),
    }
    data = {name: values[name] for name in version.fields}
    data["_links"] = item_links(request, version.route, webhook.pk)
    return data
