"""The customers endpoints: declarations and hand-offs; rules live in services, reads in selectors."""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from customers import services
from customers.downloads import downloads_for, render_download_v1
from customers.error_codes import INVALID_USER_ID_MESSAGE, CustomerErrorCode
from customers.filters import CustomerFilterSet, order_customers
from customers.models import Customer
from customers.permissions import check_role_rules
from customers.schema import CONTEXT_VIEW_ONLY, DELETE_ARGS, DOWNLOAD_SCHEMA_V1, ID_ARG, V1, CustomerApiVersion
from customers.selectors import complete, customer_get, customer_list, without_orders
from customers.serializers import CustomerSerializer
from wcompat import conf
from wcompat.args import MAX_ID, absint, parse_id_list, sanitize_text_field
from wcompat.batch import BatchMixin
from wcompat.exceptions import WcAPIException
from wcompat.pagination import COLLECTION_ARGS, Page, paginate
from wcompat.viewsets import WcViewSet


class CustomerViewSet(BatchMixin, WcViewSet):
    """/wc/v1/customers: list, create, retrieve, update, delete, batch, and a customer's downloads.

    GET /wp-json/wc/v1/customers?search=alice&per_page=20
    POST /wp-json/wc/v1/customers {"email": "john.doe@example.com", "billing": {"city": "Paris"}}
    """

    version: CustomerApiVersion = V1
    capabilities = {
        "list": "customers.view_customer",
        "retrieve": "customers.view_customer",
        "downloads": "customers.view_customer",
        "create": "customers.add_customer",
        "update": "customers.change_customer",
        "destroy": "customers.delete_customer",
        "batch": "customers.batch_customer",
    }
    trash_not_supported_message = "Customers do not support trashing."
    schema_name = "Customer"
    response_schemas = {"downloads": ("CustomerDownload", DOWNLOAD_SCHEMA_V1)}
    action_descriptions = {
        "list": "List customers (role `customer` unless `role` says otherwise), with paging headers.",
        "create": "Create a customer; a username and password are generated when not given.",
        "retrieve": "Retrieve a customer.",
        "update": "Update a customer; fields not sent are kept, addresses merge key by key.",
        "destroy": "Delete a customer; `force=true` is required, the answer is the customer as it was.",
        "batch": "Create, update and delete up to 100 customers; each item succeeds or fails alone.",
        "downloads": "The customer's downloadable files.",
    }

    @property
    def route(self) -> str:
        return self.version.route

    @property
    def item_schema(self) -> dict[str, Any]:
        return self.version.item_schema

    def openapi_item_schema(self) -> dict[str, Any]:
        schema = super().openapi_item_schema()
        # No order yet: last_order is {"id": null, "date": null}.
        schema["properties"]["last_order"]["properties"]["id"]["nullable"] = True
        return schema

    def args_for(self, action: str) -> dict[str, dict[str, Any]]:
        return {
            "list": self.version.collection_args,
            "create": lambda: self.version.create_args(
                username_required=not conf.get("REGISTRATION_GENERATE_USERNAME"),
                password_required=not conf.get("REGISTRATION_GENERATE_PASSWORD"),
            ),
            "retrieve": lambda: {"id": ID_ARG, "context": COLLECTION_ARGS["context"]},
            "update": self.version.update_args,
            "destroy": lambda: DELETE_ARGS,
            "batch": self.version.writable_args,
            "downloads": lambda: {"customer_id": ID_ARG, "context": CONTEXT_VIEW_ONLY},
        }.get(action, dict)()

    def sanitizers_for(self, action: str) -> dict[str, Any]:
        # include/exclude are parsed with wp_parse_id_list, never validated.
        return {"include": parse_id_list, "exclude": parse_id_list} if action == "list" else {}

    def sanitize(self, action: str, args: dict[str, Any]) -> dict[str, Any]:
        if action == "list":
            args["offset"] = absint(args.get("offset", 0))
            args["search"] = sanitize_text_field(args.get("search", ""))
        return args

    def get_item(self, pk: int) -> Customer:
        customer = customer_get(int(pk)) if 0 < int(pk) <= MAX_ID else None
        if customer is None:
            raise WcAPIException(CustomerErrorCode.INVALID_USER_ID, INVALID_USER_ID_MESSAGE, 404)
        return customer

    def check_item_permission(self, action: str, item: Customer, data: dict[str, Any]) -> None:
        check_role_rules(self.request, action, item, data)

    def get_page(self, args: dict[str, Any]) -> Page:
        filters = {
            "search": args.get("search", ""),
            "email": args.get("email", ""),
            "role": args["role"],
            "include": ",".join(map(str, args["include"])),
            "exclude": ",".join(map(str, args["exclude"])),
        }
        queryset = CustomerFilterSet(filters, queryset=customer_list()).qs
        queryset = order_customers(queryset, orderby=args["orderby"], order=args["order"], include=args["include"])
        page = paginate(queryset, page=args["page"], per_page=args["per_page"], offset=args["offset"])
        complete(page.items)
        return page

    def create_item(self, data: dict[str, Any]) -> Customer:
        if data.get("id"):
            raise WcAPIException(CustomerErrorCode.CUSTOMER_EXISTS, "Cannot create existing resource.", 400)
        customer = services.customer_create(**{"email": "", **self.version.service_input(data)})
        return without_orders(customer)

    def update_item(self, item: Customer, data: dict[str, Any]) -> Customer:
        services.customer_update(customer=item, **self.version.service_input(data))
        return customer_get(item.pk)

    def destroy_item(self, item: Customer, data: dict[str, Any]) -> None:
        services.customer_delete(customer=item, reassign=data.get("reassign", 0))

    def render_item(self, item: Customer) -> dict[str, Any]:
        return CustomerSerializer(item, context={"request": self.request, "version": self.version}).data

    def render_items(self, items: list[Customer]) -> list[dict[str, Any]]:
        return CustomerSerializer(items, many=True, context={"request": self.request, "version": self.version}).data

    def downloads(self, request: Request, *args, **kwargs) -> Response:
        rows = downloads_for(self.item)
        return Response([render_download_v1(request, self.version.namespace, row, self.item) for row in rows])
