"""The customer routes, as WooCommerce registers them, in wc/v1, wc/v2 and wc/v3."""

from customers.exports import (
    DOWNLOADS_V1,
    ERASURE_V1,
    EXPORT_V1,
    PERSONAL_DATA_V1,
    DownloadExportViewSet,
    ErasureViewSet,
    OrderExportViewSet,
    PersonalDataViewSet,
)
from customers.schema import VERSIONS
from customers.views import CustomerViewSet
from wcompat.routers import WcRouter

urlpatterns = []
for version in VERSIONS:
    routes = WcRouter(version.namespace)
    name = version.slug
    routes.register_collection("customers", CustomerViewSet, name=f"{name}-customer", version=version)
    routes.register(
        r"customers/(?P<customer_id>[\d]+)/downloads",
        CustomerViewSet,
        {"get": "downloads"},
        f"{name}-customer-downloads",
        version=version,
    )
    urlpatterns += routes.urls

# This project's own namespace: the order rows, read-only, for moving to another instance (customers.exports),
# and a customer's personal data (an access request, an erasure request).
exports = WcRouter(EXPORT_V1.namespace)
exports.register(r"orders", OrderExportViewSet, {"get": "list"}, "wcompat_v1-order-list", version=EXPORT_V1)
exports.register(
    r"orders/(?P<id>[\d]+)", OrderExportViewSet, {"get": "retrieve"}, "wcompat_v1-order-detail", version=EXPORT_V1
)
exports.register(r"downloads", DownloadExportViewSet, {"get": "list"}, "wcompat_v1-download-list", version=DOWNLOADS_V1)
# An access request answered (customers.privacy).
exports.register(
    r"customers/(?P<id>[\d]+)/personal-data",
    PersonalDataViewSet,
    {"get": "retrieve"},
    "wcompat_v1-customer-personal-data",
    version=PERSONAL_DATA_V1,
)
exports.register(
    r"customers/(?P<id>[\d]+)/erase",
    ErasureViewSet,
    {"post": "erase"},
    "wcompat_v1-customer-erase",
    version=ERASURE_V1,
)
urlpatterns += exports.urls
