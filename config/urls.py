"""URLs: the admin, the OpenAPI schema and its docs, the WooCommerce REST API under /wp-json/ (JSON 404s for
anything else there)."""

from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from config.views import RedocView, SwaggerView, bare_json, favicon, healthz
from wcompat.routers import rest_routes, wp_path
from wcompat.views import NamespaceIndexView, NoRouteView, RootIndexView

# The admin's pages use the whole width (its sections are on the home page): the customer list fits 1,400 px.
admin.site.enable_nav_sidebar = False
admin.site.site_header = "wcompat administration"
admin.site.site_title = "wcompat"
# The admin's "View site": the API's docs (the API has no pages of its own).
admin.site.site_url = "/api/docs/"

# The resources' routes in their namespaces (wc/v1, wc/v2, wc/v3): the site's and namespaces' indexes list them.
resources = rest_routes("wp-json/", "customers.urls", "webhooks.urls", "system_status.urls")

# The API first: most requests are its, and each pattern before a match is a match tried.
urlpatterns = [
    resources,
    wp_path("wp-json", RootIndexView.as_view(), name="wp-json-index"),
    # A namespace's index (wc/v3): the routes the resources above registered in it.
    wp_path(r"wp-json/(?P<namespace>[^/]+/[^/]+)", NamespaceIndexView.as_view(), name="wp-json-namespace-index"),
    # Any other path below wp-json, newlines included, is an unknown route.
    re_path(r"^wp-json(?:/[\s\S]*)?$", NoRouteView.as_view()),
    path("admin/", admin.site.urls),
    # For load balancers and monitors: 200 when the database answers, 503 otherwise (no authentication).
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("favicon.ico", favicon),
]

# Under /wp-json/, what fails before a view runs (a Host not in ALLOWED_HOSTS, say) answers JSON too.
handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

if settings.WCOMPAT_BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("bench/bare", bare_json))
