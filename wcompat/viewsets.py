"""The request life cycle of a WordPress REST route, for any WooCommerce resource.

WordPress checks in this order, and so do we (a client sees the first failure):
  1. authentication (401), 2. the API key's read/write scope (401), 3. route and method (404
  rest_no_route, never 405), 4. JSON body (400 rest_invalid_json), 5. required and 6. valid arguments
  (400), 7. the permission callback: the item exists (404), the capability (401/403), resource rules,
  8. the handler.

A resource declares its routes' arguments (`args_for`), its capabilities, and a few hooks
(`get_item`, `get_page`, `create_item`, `update_item`, `destroy_item`, `render_items`); single requests
and batch items run through the same hooks, with the validated arguments, never the raw request.
"""

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from wcompat import conditional, idempotency
from wcompat.args import bounded_id_list, validate_args
from wcompat.authentication import check_key_scope
from wcompat.error_codes import ErrorCode, WcErrorCode
from wcompat.exceptions import WcAPIException, no_route
from wcompat.global_params import apply_global_params
from wcompat.links import rest_url
from wcompat.models import ApiKey
from wcompat.pagination import Page, pagination_headers
from wcompat.params import query_params
from wcompat.parsers import WP_PARSERS, WpNegotiation, request_params
from wcompat.permissions import denied, has_capability
from wcompat.routers import METHOD_ORDER, describe_route
from wcompat.schema import WcAutoSchema, to_openapi
from wcompat.versions import ResourceVersion
from wcompat.wordpress import absint, sanitize_text_field

# (view class, version, action) -> route arguments; cleared when settings change (they set defaults).
_ARGS_CACHE: dict[tuple, dict[str, dict[str, Any]]] = {}


@receiver(setting_changed)
def _forget_args(**_kwargs) -> None:
    _ARGS_CACHE.clear()


class WcViewSet(GenericViewSet):
    """Base viewset for a WooCommerce resource collection in one API version (`version`)."""

    version: ResourceVersion | None = None
    capabilities: dict[str, str] = {}
    # Set per URL pattern by wcompat.routers: the WordPress route pattern this view serves.
    wp_route: str = ""
    content_negotiation_class = WpNegotiation
    parser_classes = WP_PARSERS
    pagination_class = None
    filter_backends = []

    schema = WcAutoSchema()
    # The resource's name in the OpenAPI document, one line per action for the docs, and the WordPress
    # schemas of response bodies that are not the item ({action: (component name, WordPress schema)}).
    schema_name: str = ""
    action_descriptions: dict[str, str] = {}
    # The OpenAPI operations' summaries, where the action's own ("List customers") would not read well.
    action_summaries: dict[str, str] = {}
    # A create request that names an id is refused with this code and its message (None: WordPress's
    # rest_invalid_param "Cannot create existing resource.").
    exists_error: ErrorCode | None = None
    trash_not_supported_message = "Resources do not support trashing."
    # WooCommerce's customers check that the item exists in the permission step (before the capability);
    # most resources (webhooks) only in the handler, after it.
    item_checked_with_permission = True
    # Actions whose permission failure reads like another's ({"deliveries": "list"}).
    denied_like: dict[str, str] = {}
    # The conditional-requests extension (wcompat.conditional): ETag on items, If-None-Match, If-Match.
    conditional_requests = False

    params: dict[str, Any]
    validated: dict[str, Any]
    item: Any = None
    # The If-Match of the write under way (the header, or a batch item's "if_match").
    if_match: Any = None
    routed = False
    replayed = False
    idempotency_claim: idempotency.Claim | None = None

    @property
    def default_response_headers(self) -> dict[str, str]:
        # WordPress's Allow header is worked out in finalize_response; DRF's own (every method) is not sent.
        return {}

    # Resource hooks -------------------------------------------------------------------------------

    def args_for(self, action: str) -> dict[str, dict[str, Any]]:
        """The route arguments (WordPress JSON-schema dicts) of an action: the version's declaration of the
        standard ones; a resource adds its own actions' (a customer's downloads)."""
        return self.version.arguments(action)

    def sanitizers_for(self, action: str) -> dict[str, Any]:
        """Arguments WordPress only sanitizes, never validates: {name: callable(raw) -> value}.

        By default a list's `include` and `exclude` (wp_parse_id_list, bounded), when the route declares them."""
        if action != "list":
            return {}
        declared = self.route_args(action)
        return {
            name: lambda value, name=name: bounded_id_list(value, name)
            for name in ("include", "exclude")
            if name in declared
        }

    def sanitize(self, action: str, args: dict[str, Any]) -> dict[str, Any]:
        """Sanitize validated arguments (sanitize_callback). By default a list's `offset` (absint) and `search`
        (sanitize_text_field), when the route declares them; a resource adds its own after these."""
        if action == "list":
            declared = self.route_args(action)
            if "offset" in declared:
                args["offset"] = absint(args.get("offset", 0))
            if "search" in declared:
                args["search"] = sanitize_text_field(args.get("search", ""))
        return args

    def get_item(self, pk: int, action: str) -> Any:
        """The item with this id, or raise the resource's error for this action (a 404, mostly)."""
        raise NotImplementedError

    def check_item_permission(self, action: str, item: Any, args: dict[str, Any]) -> None:
        """Resource rules beyond the capability; raise wcompat.permissions.denied(...)."""

    def get_page(self, args: dict[str, Any]) -> Page:
        raise NotImplementedError

    def create_item(self, args: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update_item(self, item: Any, args: dict[str, Any]) -> Any:
        raise NotImplementedError

    def destroy_item(self, item: Any, args: dict[str, Any]) -> None:
        raise NotImplementedError

    def render_items(self, items: list[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def render_item(self, item: Any) -> dict[str, Any]:
        return self.render_items([item])[0]

    def item_id(self, item: Any) -> int:
        return item.pk

    @property
    def item_schema(self) -> dict[str, Any]:
        return self.version.item_schema

    def wp_schema_for(self, action: str) -> dict[str, Any]:
        """The schema OPTIONS shows for the route of this action."""
        return self.item_schema

    def response_schema(self, action: str) -> tuple[str, dict[str, Any]] | None:
        """(component name, WordPress schema) of an action whose answer is a list of something else."""
        return None

    def openapi_item_schema(self) -> dict[str, Any]:
        return to_openapi(self.item_schema, response=True)

    @property
    def route(self) -> str:
        return self.version.route

    # Life cycle -----------------------------------------------------------------------------------

    @property
    def item_param(self) -> str | None:
        """The path parameter naming the item (`id`, `customer_id`), on item routes."""
        return next(iter(self.kwargs), None)

    def check_permissions(self, request: Request) -> None:
        """WordPress's checks, in its order (see the module's docstring), as the permission step of DRF's own
        `initial` (after content negotiation, versioning and authentication; before throttling)."""
        kwargs, method = self.kwargs, request.method
        check_key_scope(request, method)
        self.idempotency_claim = idempotency.begin(request, request.auth if isinstance(request.auth, ApiKey) else None)
        if method == "OPTIONS":
            self.routed = True
            return
        if method.lower() not in self.action_map:
            raise no_route()
        self.routed = True
        # From META: request.headers would build a mapping of every header for the one wanted.
        self.if_match = request.META.get("HTTP_IF_MATCH")
        self.params = request_params(request, kwargs)
        validated = validate_args(self.route_args(), self.params, sanitizers=self.sanitizers_for(self.action))
        self.validated = self.sanitize(self.action, validated)
        if self.item_param and self.item_checked_with_permission:
            self.item = self.get_item(self.validated.get(self.item_param, 0), self.action)
        super().check_permissions(request)
        if self.item is not None:
            self.check_item_permission(self.action, self.item, self.validated)

    def route_args(self, action: str | None = None) -> dict[str, dict[str, Any]]:
        """args_for(action), worked out once per view class, version and action (settings may change them)."""
        key = (type(self), self.version, action or self.action)
        args = _ARGS_CACHE.get(key)
        if args is None:
            args = _ARGS_CACHE[key] = self.args_for(key[2])
        return args

    def link_query(self) -> dict[str, Any]:
        """The query string as WordPress rebuilds paging links from it: declared arguments sanitized."""
        query = dict(query_params(self.request))
        for name in self.route_args():
            if name in query and name in self.validated:
                query[name] = self.validated[name]
        return query

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.IdempotentReplay):
            self.replayed = True
            return exc.response
        try:
            return super().handle_exception(exc)
        except BaseException:
            if self.idempotency_claim is not None:
                idempotency.abandon(self.idempotency_claim)
            raise

    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        if self.replayed:
            return response
        response = super().finalize_response(request, response, *args, **kwargs)
        allowed = self.allowed_methods_for_user(request) if self.routed else []
        if allowed:
            response["Allow"] = ", ".join(allowed)
        elif "Allow" in response:
            del response["Allow"]
        response = apply_global_params(request, response)
        if self.idempotency_claim is not None:
            idempotency.finish(self.idempotency_claim, response)
        return response

    def allowed_methods_for_user(self, request: Request) -> list[str]:
        """The route's methods whose permission check passes for this user (WordPress's Allow header)."""
        if not (request.user and request.user.is_authenticated):
            return []
        item = self.item
        if self.item_param and item is None and self.item_checked_with_permission:
            try:
                item = self.get_item(self.kwargs[self.item_param], self.action)
            except WcAPIException:
                return []
        # Methods share actions (POST, PUT and PATCH update an item): each action is checked once.
        permitted: dict[str, bool] = {}
        allowed = []
        for method in METHOD_ORDER:
            action = self.action_map.get(method.lower())
            if not action:
                continue
            if action not in permitted:
                permitted[action] = self.action_permitted(request.user, action, item)
            if permitted[action]:
                allowed.append(method)
        return allowed

    def action_permitted(self, user, action: str, item: Any) -> bool:
        if not has_capability(user, self, action):
            return False
        if item is not None:
            try:
                self.check_item_permission(action, item, getattr(self, "validated", {}))
            except WcAPIException:
                return False
        return True

    # Handlers -------------------------------------------------------------------------------------

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.get_page(self.validated)
        data = self.render_items(page.items)
        return Response(data, headers=pagination_headers(request, self.route, page, self.link_query()))

    def refuse_existing_id(self) -> None:
        """A create that names an id (body or query) is refused, as WooCommerce refuses it."""
        if self.params.get("id"):
            raise self.existing_id_error()

    def existing_id_error(self) -> WcAPIException:
        if self.exists_error is None:
            return WcErrorCode.INVALID_PARAM.error("Cannot create existing resource.")
        return self.exists_error.error()

    def create(self, request: Request, *args, **kwargs) -> Response:
        self.refuse_existing_id()
        item = self.create_item(self.validated)
        location = rest_url(request, f"{self.route}/{self.item_id(item)}")
        return self.item_response(
            self.render_item(item), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def loaded_item(self) -> Any:
        """The route's item, looked up now if the permission step did not."""
        if self.item is None:
            self.item = self.get_item(self.validated.get(self.item_param, 0), self.action)
        return self.item

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        data = self.render_item(self.loaded_item())
        if not self.conditional_requests:
            return Response(data)
        tag = conditional.etag(data)
        if conditional.none_match(request.META.get("HTTP_IF_NONE_MATCH"), tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    def update(self, request: Request, *args, **kwargs) -> Response:
        item = self.loaded_item()
        self.check_precondition(item)
        return self.item_response(self.render_item(self.update_item(item, self.validated)))

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        if not self.validated.get("force"):
            raise WcAPIException(WcErrorCode.TRASH_NOT_SUPPORTED, self.trash_not_supported_message, 501)
        item = self.loaded_item()
        self.check_precondition(item)
        data = self.render_item(item)
        self.destroy_item(item, self.validated)
        return Response(data)

    # Conditional requests --------------------------------------------------------------------------

    def item_response(self, data: dict[str, Any], **kwargs: Any) -> Response:
        """An item's answer, with its ETag when the resource offers conditional requests."""
        if self.conditional_requests:
            kwargs["headers"] = {**kwargs.get("headers", {}), "ETag": conditional.etag(data)}
        return Response(data, **kwargs)

    def precondition(self) -> conditional.Precondition | None:
        """The If-Match check a write runs under its lock (services take it as `precondition`), or None."""
        if not self.conditional_requests or self.if_match is None:
            return None
        return conditional.if_match_precondition(self.if_match, lambda item: conditional.etag(self.render_item(item)))

    def check_precondition(self, item: Any) -> None:
        """If-Match against the item as read: a stale ETag fails before anything else is checked."""
        check = self.precondition()
        if check is not None:
            check(item)

    def options(self, request: Request, *args, **kwargs) -> Response:
        return Response(describe_route(request, self, self.wp_route, self.action_map, with_schema=True))

    # Used by batch and by tests of permission rules.
    def require(self, action: str, item: Any = None, args: dict[str, Any] | None = None) -> None:
        if not has_capability(self.request.user, self, action):
            raise denied(self.request, self.denied_like.get(action, action))
        if item is not None:
            self.check_item_permission(action, item, args or {})
