"""The webhook routes, as WooCommerce registers them, in wc/v1, wc/v2 and wc/v3 (deliveries: v1, v2)."""

from wcompat.routers import WcRouter
from webhooks.schema import VERSIONS
from webhooks.views import WebhookViewSet

urlpatterns = []
for version in VERSIONS:
    routes = WcRouter(version.namespace)
    name = version.slug
    # WooCommerce's webhooks controller registers the item route before the batch one.
    routes.register_collection("webhooks", WebhookViewSet, name=f"{name}-webhook", batch_first=False, version=version)
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
