"""The customers endpoints: declarations and hand-offs; rules live in services, reads in selectors.

One viewset serves every API version; the version it is routed with (customers.urls) is the
CustomerApiVersion that says what differs.
"""

import time
from functools import cached_property
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from customers import conf as customer_settings, services
from customers.downloads import downloads_for, render_download
from customers.error_codes import CustomerErrorCode
from customers.models import phone_digits
from customers.permissions import check_role_rules
from customers.schema import V1, CustomerApiVersion
from customers.selectors import CustomerFilters, CustomerRecord, attach_meta, customer_get, customer_page
from customers.serializers import RenderContext, customer_renderer
from wcompat.args import MAX_ID
from wcompat.authentication import site_base_url
from wcompat.batch import BatchMixin, not_processed
from wcompat.dates import wp_date_query_bound
from wcompat.exceptions import WcAPIException
from wcompat.item_schema import batch_schema
from wcompat.links import rest_url
from wcompat.pagination import Page
from wcompat.viewsets import WcViewSet


def customer_item(pk: int, version: CustomerApiVersion, *, with_meta: bool) -> CustomerRecord:
    """One customer as `version` reads it, or WooCommerce's 404: the API's read and a webhook payload's."""
    pk = int(pk)
    figures = version.renders_order_figures
    customer = customer_get(pk, order_figures=figures, with_meta=with_meta) if 0 < pk <= MAX_ID else None
    if customer is None:
        raise CustomerErrorCode.INVALID_USER_ID.error()
    return customer


class CustomerViewSet(BatchMixin, WcViewSet):
    """/wc/v{1,2,3}/customers: list, create, retrieve, update, delete, batch, and a customer's downloads.

    GET /wp-json/wc/v3/customers?search=alice&per_page=20
    POST /wp-json/wc/v3/customers {"email": "john.doe@example.com", "billing": {"city": "Paris"}}
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
    exists_error = CustomerErrorCode.CUSTOMER_EXISTS
    trash_not_supported_message = "Customers do not support trashing."
    conditional_requests = True
    schema_name = "Customer"
    action_summaries = {"downloads": "List a customer's downloads"}
    action_descriptions = {
        "list": "List customers (role `customer` unless `role` says otherwise), with paging headers.",
        "create": "Create a customer; a username and password are generated when not given.",
        "retrieve": "Retrieve a customer.",
        "update": "Update a customer; fields not sent are kept, addresses merge key by key.",
        "destroy": "Delete a customer; `force=true` is required, the answer is the customer as it was.",
        "batch": "Create, update and delete up to 100 customers; each item succeeds or fails alone.",
        "downloads": "The customer's downloadable files.",
    }

    def args_for(self, action: str) -> dict[str, dict[str, Any]]:
        if action == "create":
            return self.version.create_args(
                username_required=not customer_settings.get("REGISTRATION_GENERATE_USERNAME"),
                password_required=not customer_settings.get("REGISTRATION_GENERATE_PASSWORD"),
            )
        if action == "downloads":
            return self.version.downloads_args()
        return super().args_for(action)

    def wp_schema_for(self, action: str) -> dict[str, Any]:
        if action == "batch":
            return batch_schema()
        if action == "downloads":
            return self.version.downloads_schema
        return self.item_schema

    def response_schema(self, action: str) -> tuple[str, dict[str, Any]] | None:
        if action == "downloads":
            return "CustomerDownload", self.version.downloads_schema
        return None

    def openapi_item_schema(self) -> dict[str, Any]:
        schema = super().openapi_item_schema()
        schema["properties"]["password"]["writeOnly"] = True  # never in an answer
        if "last_order" in schema["properties"]:
            # No order yet: last_order is {"id": null, "date": null}.
            schema["properties"]["last_order"]["properties"]["id"]["nullable"] = True
        return schema

    @cached_property
    def render_context(self) -> RenderContext:
        """How this request renders customers: worked out once, for the reads and for the answer."""
        return RenderContext.for_request(self.request, self.version)

    @property
    def shows_meta(self) -> bool:
        """Whether this request's answers carry meta_data (read with the customers, in the same statement)."""
        return self.render_context.needs_meta

    def get_item(self, pk: int, action: str) -> CustomerRecord:
        return customer_item(pk, self.version, with_meta=self.shows_meta)

    def item_id(self, item: CustomerRecord) -> int:
        return item.id

    def check_item_permission(self, action: str, item: CustomerRecord, args: dict[str, Any]) -> None:
        check_role_rules(self.request, action, item, args)

    def get_page(self, args: dict[str, Any]) -> Page:
        # Extensions: dates bound as WooCommerce's orders filters bind them; the phone by its digits.
        bounds = {
            name: wp_date_query_bound(args[name], gmt=args["dates_are_gmt"]) if args.get(name) else None
            for name in ("after", "before", "modified_after", "modified_before")
        }
        filters = CustomerFilters(
            search=args.get("search", ""),
            email=args.get("email", ""),
            role=args["role"],
            include=tuple(args["include"]),
            exclude=tuple(args["exclude"]),
            created_after=bounds["after"],
            created_before=bounds["before"],
            modified_after=bounds["modified_after"],
            modified_before=bounds["modified_before"],
            phone_digits=phone_digits(args["phone"]) if args.get("phone") else None,
        )
        return customer_page(
            filters,
            orderby=args["orderby"],
            order=args["order"],
            page=args["page"],
            per_page=args["per_page"],
            offset=args["offset"],
            order_figures=self.version.renders_order_figures,
            with_meta=self.shows_meta,
        )

    def create_item(self, args: dict[str, Any]) -> CustomerRecord:
        return services.customer_create(**{"email": "", **self.version.service_input(args)})

    def batch_create(self, entries: list[Any]) -> list[dict[str, Any]]:
        """The batch's creates in bulk (services.customers_create_bulk); each still fails or succeeds alone."""
        if time.monotonic() > self.batch_deadline:
            return [{"id": 0, "error": not_processed().as_dict()} for _ in entries]
        answers: list[dict[str, Any] | None] = [None] * len(entries)
        accepted: list[tuple[int, dict[str, Any]]] = []
        for index, data in enumerate(entries):
            try:
                self.require("create")
                if isinstance(data, dict) and data.get("id"):
                    raise self.existing_id_error()
                args = self.item_args("create", data)
            except WcAPIException as error:
                answers[index] = {"id": 0, "error": error.as_dict()}
                continue
            accepted.append((index, {"email": "", **self.version.service_input(args)}))
        outcomes = services.customers_create_bulk([fields for _, fields in accepted])
        created = [outcome for outcome in outcomes if isinstance(outcome, CustomerRecord)]
        rendered = iter(self.render_items(created))
        for (index, _fields), outcome in zip(accepted, outcomes, strict=True):
            is_error = isinstance(outcome, WcAPIException)
            answers[index] = {"id": 0, "error": outcome.as_dict()} if is_error else next(rendered)
        return answers

    def update_item(self, item: CustomerRecord, args: dict[str, Any]) -> CustomerRecord:
        return services.customer_update(
            customer=item, precondition=self.precondition(), **self.version.service_input(args)
        )

    def destroy_item(self, item: CustomerRecord, args: dict[str, Any]) -> None:
        services.customer_delete(customer=item, reassign=args.get("reassign", 0), precondition=self.precondition())

    def render_items(self, items: list[CustomerRecord]) -> list[dict[str, Any]]:
        context = self.render_context
        if context.needs_meta:
            attach_meta([item for item in items if item.meta is None])
        render = customer_renderer(context)
        return [render(item) for item in items]

    def downloads(self, request: Request, *args, **kwargs) -> Response:
        rows = downloads_for(self.item.id)
        site_url, rest_base = site_base_url(request), rest_url(request, "")
        return Response(
            [render_download(row, version=self.version, site_url=site_url, rest_base=rest_base) for row in rows]
        )
