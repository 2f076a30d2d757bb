"""The webhook routes, as WooCommerce registers them, in wc/v1, wc/v2 and wc/v3 (deliveries: v1, v2)."""

from wcompat.routers import WcRoutes
from webhooks.schema import VERSIONS
from webhooks.views import WebhookViewSet

ITEM = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "destroy"}
BATCH = {"post": "batch", "put": "batch", "patch": "batch"}

urlpatterns = []
for version in VERSIONS:
    routes = WcRoutes(version.namespace)
    name = version.slug
    routes.register(
        r"webhooks", WebhookViewSet, {"get": "list", "post": "create"}, f"{name}-webhook-list", version=version
    )
    routes.register(r"webhooks/(?P<id>[\d]+)", WebhookViewSet, ITEM, f"{name}-webhook-detail", version=version)
    routes.register(r"webhooks/batch", WebhookViewSet, BATCH, f"{name}-webhook-batch", version=version)
    if version.deliveries_schema is not None:
        deliveries = r"webhooks/(?P<webhook_id>[\d]+)/deliveries"
        routes.register(
            deliveries, WebhookViewSet, {"get": "deliveries"}, f"{name}-webhook-deliveries", version=version
        )
        routes.register(
            rf"{deliveries}/(?P<id>[\d]+)",
            WebhookViewSet,
            {"get": "delivery"},
            f"{name}-webhook-delivery",
            version=version,
        )
    urlpatterns += routes.urls
