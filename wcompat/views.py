"""Views for what is not a resource: the namespace index and unknown routes."""

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wcompat import conf
from wcompat.authentication import check_key_scope, site_base_url
from wcompat.exceptions import no_route
from wcompat.global_params import apply_global_params
from wcompat.links import rest_url
from wcompat.parsers import WP_PARSERS, WpNegotiation
from wcompat.routers import describe_namespace, describe_namespace_route, served_routes


def is_woocommerce_path(path: str) -> bool:
    """WooCommerce authenticates only routes under wc/ or wc-, as WC_REST_Authentication decides."""
    route = path[len(conf.get("REST_PREFIX")) :].lstrip("/")
    return route.startswith(("wc/", "wc-")) or route == "wc"


class WpView(APIView):
    """A WordPress REST view: JSON whatever is accepted; WooCommerce auth and key scope on wc/ routes."""

    content_negotiation_class = WpNegotiation
    parser_classes = WP_PARSERS
    permission_classes = []
    # Discovery and errors are described by WordPress's conventions, not in the OpenAPI document.
    schema = None
    # The methods of the WordPress route this view answers, for its Allow header.
    wp_allow: tuple[str, ...] = ()

    def get_authenticators(self):
        if is_woocommerce_path(self.request.path if hasattr(self, "request") else ""):
            return super().get_authenticators()
        return []

    def initialize_request(self, request, *args, **kwargs):
        self.request = request
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request: Request, *args, **kwargs) -> None:
        self.format_kwarg = None
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(request)
        self.perform_authentication(request)
        check_key_scope(request, request.method)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # DRF advertises the view's methods; WordPress sends Allow only for matched routes.
        if "Allow" in response:
            del response["Allow"]
        if self.wp_allow and request.method in self.wp_allow:
            response["Allow"] = ", ".join(self.wp_allow)
        return apply_global_params(request, response)


class NoRouteView(WpView):
    """Any /wp-json/ path no route matches: 404 rest_no_route (OPTIONS: 200 [])."""

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request)
            if request.method == "OPTIONS":
                response = Response([])
            else:
                raise no_route()
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response


class NamespaceIndexView(WpView):
    """GET /wp-json/wc/v1: every route of the namespace with its methods and arguments."""

    # One view for every namespace the URLconf serves (wcompat.routers.served_routes(), matched in any letter
    # case, as WordPress matches routes); any other namespace is no route, as NoRouteView answers it.
    wp_allow = ("GET",)

    def get(self, request: Request, namespace: str) -> Response:
        served = _served_namespace(namespace)
        if served is None:
            raise no_route()
        return Response(describe_namespace(request, served))

    def options(self, request: Request, *args, **kwargs) -> Response:
        """WordPress answers OPTIONS with the matched route's description (rest_handle_options_request)."""
        served = _served_namespace(kwargs.get("namespace", ""))
        if served is None:
            return Response([])  # NoRouteView's answer to OPTIONS
        return Response(describe_namespace_route(request, served))


def _served_namespace(namespace: str) -> str | None:
    """The namespace as registered, whatever the letter case asked; None when the URLconf serves no such one."""
    return {name.lower(): name for name in served_routes()}.get(namespace.lower())


class RootIndexView(WpView):
    """GET /wp-json/: the site, its namespaces and every route, as WordPress's index shows them."""

    wp_allow = ("GET",)

    def get(self, request: Request) -> Response:
        routes = {
            "/": {
                "namespace": "",
                "methods": ["GET"],
                "endpoints": [{"methods": ["GET"], "args": {"context": {"default": "view", "required": False}}}],
                "_links": {"self": [{"href": rest_url(request, "/")}]},
            }
        }
        namespaces = list(served_routes())
        for namespace in namespaces:
            routes.update(describe_namespace(request, namespace)["routes"])
        return Response(
            {
                "name": conf.get("SITE_NAME"),
                "description": conf.get("SITE_DESCRIPTION"),
                "url": site_base_url(request),
                "home": site_base_url(request),
                "gmt_offset": 0,
                "timezone_string": "UTC",
                "namespaces": namespaces,
                "authentication": {},
                "routes": routes,
                "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
                "site_logo": 0,
                "site_icon": 0,
                "site_icon_url": "",
            }
        )
