"""URLs: the admin, the WooCommerce REST API under /wp-json/, and JSON 404s for anything else there."""

from django.contrib import admin
from django.urls import include, path, re_path

from wcompat.routers import wp_path
from wcompat.views import NamespaceIndexView, NoRouteView

urlpatterns = [
    path("admin/", admin.site.urls),
    wp_path("wp-json/wc/v1", NamespaceIndexView.as_view(namespace="wc/v1"), name="wc-v1-index"),
    path("wp-json/", include("customers.urls")),
    re_path(r"^wp-json(?:/.*)?$", NoRouteView.as_view()),
]
