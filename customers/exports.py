"""What this project adds for moving stores: `/wp-json/wcompat/v1/orders` and `/downloads`, read-only.

This project serves customers, not WooCommerce's orders; but the order rows customers' figures are computed
from must move with the customers when one wcompat instance is imported into another (import_woocommerce
reads a WooCommerce store's /wc/v3/orders, and this route when the source is wcompat). It lives in its own
namespace, so no WooCommerce client ever mistakes these partial orders for WooCommerce's:

    GET /wp-json/wcompat/v1/orders?per_page=100&page=3&orderby=id&order=asc
    [{"id": 41, "customer_id": 7, "status": "completed", "total": "12.50", "order_key": "wc_order_…",
      "date_created": "2026-11-26T23:39:24", "date_created_gmt": "2026-11-26T23:39:24"}, …]

    GET /wp-json/wcompat/v1/downloads?customer_from=120&customers=50
    -> every download permission (usable or not) of the next 50 customers from id 120 that have any, by
       customer then id; X-WCompat-Next-Customer: the customer id to ask from next ("" once there is none).
       WooCommerce has only one customer's usable downloads per request.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from customers.downloads import permission_values
from customers.error_codes import CustomerErrorCode
from customers.models import Customer, Download, Order
from customers.privacy import actor_of, customer_erase, customer_export
from wcompat.args import MAX_ID
from wcompat.dates import wc_date, wc_local_date
from wcompat.item_schema import ID_ARG, Schema, context_arg, item_schema, readonly
from wcompat.models import ApiKey
from wcompat.pagination import Page, collection_args, include_arg, order_arg, orderby_arg, paginate
from wcompat.versions import ResourceVersion
from wcompat.viewsets import WcViewSet

ORDER_SCHEMA = item_schema(
    "order",
    {
        "id": readonly("Unique identifier for the resource.", "integer"),
        "customer_id": readonly("User ID who owns the order. 0 for guests.", "integer"),
        "status": readonly("Order status."),
        "total": readonly("Grand total."),
        "order_key": readonly("Order key."),
        "date_created": readonly("The date the order was created, in the site's timezone.", "date-time"),
        "date_created_gmt": readonly("The date the order was created, as GMT.", "date-time"),
    },
)
EXPORT_V1 = ResourceVersion(namespace="wcompat/v1", rest_base="orders", item_schema=ORDER_SCHEMA, fields=())
LIST_ARGS: dict[str, Schema] = {
    "customer": {"description": "Limit result set to orders assigned a specific customer.", "type": "integer"},
    "order": order_arg("desc"),
    "orderby": orderby_arg("date", ["date", "id"]),
    "include": include_arg("Limit result set to specific ids."),
}


class OrderExportViewSet(WcViewSet):
    """The orders this project keeps, for an import into another instance (list and retrieve, read-only)."""

    version = EXPORT_V1
    capabilities = {"list": "customers.view_order", "retrieve": "customers.view_order"}
    schema_name = "Order"
    action_descriptions = {
        "list": "The order rows customers' figures come from (this project's extension, for moving stores).",
        "retrieve": "One order row.",
    }

    def args_for(self, action: str) -> dict[str, Schema]:
        if action == "list":
            return {**collection_args(), **LIST_ARGS}
        if action == "retrieve":
            return {"id": dict(ID_ARG), "context": context_arg(ORDER_SCHEMA)}
        return {}

    def get_item(self, pk: int, action: str) -> Order:
        order = Order.objects.filter(pk=pk).first() if 0 < int(pk) <= MAX_ID else None
        if order is None:
            raise CustomerErrorCode.ORDER_INVALID_ID.error()
        return order

    def get_page(self, args: dict[str, Any]) -> Page:
        orders = Order.objects.all()
        customer = args.get("customer")
        if customer:
            # An id no customer can have matches nothing (and never reaches the database's integer range).
            orders = orders.filter(customer_id=customer) if 0 < customer <= MAX_ID else orders.none()
        if args["include"]:
            orders = orders.filter(pk__in=args["include"])
        sign = "-" if args["order"] == "desc" else ""
        column = "date_created" if args["orderby"] == "date" else "id"
        return paginate(orders.order_by(f"{sign}{column}", f"{sign}id"), page=args["page"], per_page=args["per_page"])

    def render_items(self, items: list[Order]) -> list[dict[str, Any]]:
        return [
            {
                "id": order.pk,
                "customer_id": order.customer_id or 0,
                "status": order.status,
                "total": f"{order.total:.2f}",
                "order_key": order.order_key,
                "date_created": wc_local_date(order.date_created),
                "date_created_gmt": wc_date(order.date_created),
            }
            for order in items
        ]


DOWNLOAD_SCHEMA = item_schema(
    "download_permission",
    {
        "customer_id": readonly("Customer ID.", "integer"),
        "order_id": readonly("Order ID.", "integer"),
        "product_id": readonly("Downloadable product ID.", "integer"),
        "product_name": readonly("Product name."),
        "product_url": readonly("Product URL."),
        "download_id": readonly("Download ID."),
        "download_name": readonly("Downloadable file name."),
        "file": readonly("File details.", "object"),
        "downloads_remaining": readonly("Number of downloads remaining."),
        "access_expires_gmt": readonly("The date when download access expires, as GMT."),
        "email": readonly("The billing email the download link carries."),
    },
)
DOWNLOADS_V1 = ResourceVersion(namespace="wcompat/v1", rest_base="downloads", item_schema=DOWNLOAD_SCHEMA, fields=())
NEXT_CUSTOMER_HEADER = "X-WCompat-Next-Customer"
# What an export carries of each permission, in this order, between its customer_id and its email.
EXPORTED_PERMISSION_VALUES = (
    "order_id",
    "product_id",
    "product_name",
    "product_url",
    "download_id",
    "download_name",
    "file",
    "downloads_remaining",
    "access_expires_gmt",
)


class DownloadExportViewSet(WcViewSet):
    """Every download permission, a block of customers at a time (for an import into another instance)."""

    version = DOWNLOADS_V1
    capabilities = {"list": "customers.view_download"}
    schema_name = "DownloadPermission"
    action_descriptions = {"list": "Download permissions of the next customers that have any (for moving stores)."}

    def args_for(self, action: str) -> dict[str, Schema]:
        return {
            "customer_from": {
                "description": "The smallest customer ID.",
                "type": "integer",
                "default": 1,
                "minimum": 1,
            },
            "customers": {
                "description": "How many customers (with downloads) to answer for.",
                "type": "integer",
                "default": 50,
                "minimum": 1,
                "maximum": 500,
            },
        }

    def list(self, request: Request, *args, **kwargs) -> Response:
        start, count = self.validated["customer_from"], self.validated["customers"]
        # Past the largest id there is nothing (and nothing the database's integers can hold).
        customer_ids = list(
            Download.objects.filter(customer_id__gte=min(start, MAX_ID))
            .values_list("customer_id", flat=True)
            .distinct()
            .order_by("customer_id")[: count + 1]
        )
        more = len(customer_ids) > count
        customer_ids = customer_ids[:count]
        downloads = Download.objects.filter(customer_id__in=customer_ids).order_by("customer_id", "id")
        data = [_exported_permission(download) for download in downloads]
        following = str(customer_ids[-1] + 1) if more else ""
        return Response(
            data, headers={NEXT_CUSTOMER_HEADER: following, "Access-Control-Expose-Headers": NEXT_CUSTOMER_HEADER}
        )


def _exported_permission(download: Download) -> dict[str, Any]:
    values = permission_values(download)
    return {
        "customer_id": download.customer_id,
        **{name: values[name] for name in EXPORTED_PERMISSION_VALUES},
        "email": download.email,
    }


PERSONAL_DATA_SCHEMA = item_schema(
    "customer_personal_data",
    {
        "customer_id": readonly("The customer's id.", "integer"),
        "exported_at": readonly("When the export was made, as GMT.", "string"),
        "items": readonly(
            "The personal data, grouped as WooCommerce's personal data exporters group it.",
            "array",
            items={
                "type": "object",
                "properties": {
                    "group_id": {"type": "string"},
                    "group_label": {"type": "string"},
                    "item_id": {"type": "string"},
                    "data": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {}}},
                    },
                },
            },
        ),
    },
)
PERSONAL_DATA_V1 = ResourceVersion(
    namespace="wcompat/v1", rest_base="customers", item_schema=PERSONAL_DATA_SCHEMA, fields=()
)


class PersonalDataViewSet(WcViewSet):
    """GET /wp-json/wcompat/v1/customers/<id>/personal-data: an access request answered (administrators only);
    every export is written to the audit trail."""

    version = PERSONAL_DATA_V1
    capabilities = {"retrieve": "customers.export_personal_data"}
    # The permission is checked before the customer is looked up: nobody else learns which ids exist.
    item_checked_with_permission = False
    schema_name = "CustomerPersonalData"
    action_summaries = {"retrieve": "Export a customer's personal data"}
    action_descriptions = {
        "retrieve": "Everything kept about one customer, for an access request (this project's extension)."
    }

    def args_for(self, action: str) -> dict[str, Schema]:
        return {"id": ID_ARG}

    def get_item(self, pk: int, action: str) -> Customer:
        customer = Customer.objects.filter(pk=int(pk)).first() if 0 < int(pk) <= MAX_ID else None
        if customer is None:
            raise CustomerErrorCode.INVALID_USER_ID.error()
        return customer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        return Response(customer_export(self.loaded_item(), actor=actor_of(request.user, key), via="api"))


ERASE_ARGS: dict[str, Schema] = {
    "id": ID_ARG,
    "delete_account": {
        "description": "Delete the account too (customer.deleted fires), not only its personal data.",
        "type": "boolean",
        "default": False,
    },
    "dry_run": {"description": "Count what would be erased; erase nothing.", "type": "boolean", "default": False},
}
ERASURE_SCHEMA = item_schema(
    "customer_erasure",
    {
        "customer_id": readonly("The customer's id.", "integer"),
        "dry_run": readonly("Whether nothing was erased, only counted.", "boolean"),
        "erased": readonly("What was erased (or would be), by kind: a count each.", "object"),
    },
)
ERASURE_V1 = ResourceVersion(namespace="wcompat/v1", rest_base="customers", item_schema=ERASURE_SCHEMA, fields=())


class ErasureViewSet(PersonalDataViewSet):
    """POST /wp-json/wcompat/v1/customers/<id>/erase: an erasure request carried out (administrators only), in
    WooCommerce's erasers' way and everywhere this project keeps a copy; audited."""

    version = ERASURE_V1
    capabilities = {"erase": "customers.erase_personal_data"}
    denied_like = {"erase": "create"}
    schema_name = "CustomerErasure"
    action_summaries = {"erase": "Erase a customer's personal data"}
    action_descriptions = {
        "erase": "Erase one customer's personal data everywhere it is kept (this project's extension)."
    }

    def args_for(self, action: str) -> dict[str, Schema]:
        return ERASE_ARGS

    def erase(self, request: Request, *args, **kwargs) -> Response:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        dry_run = bool(self.validated.get("dry_run"))
        counts = customer_erase(
            self.loaded_item(),
            actor=actor_of(request.user, key),
            via="api",
            delete_account=bool(self.validated.get("delete_account")),
            dry_run=dry_run,
        )
        return Response({"customer_id": int(self.validated["id"]), "dry_run": dry_run, "erased": counts})
