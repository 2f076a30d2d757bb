"""wc/v1 customer routes, as WooCommerce registers them."""

from customers.views import CustomerViewSet
from wcompat.routers import WcRoutes

ITEM = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "destroy"}
BATCH = {"post": "batch", "put": "batch", "patch": "batch"}

v1 = WcRoutes("wc/v1")
v1.register(r"customers", CustomerViewSet, {"get": "list", "post": "create"}, name="customer-list")
v1.register(r"customers/batch", CustomerViewSet, BATCH, name="customer-batch")
v1.register(r"customers/(?P<id>[\d]+)", CustomerViewSet, ITEM, name="customer-detail")
v1.register(
    r"customers/(?P<customer_id>[\d]+)/downloads", CustomerViewSet, {"get": "downloads"}, name="customer-downloads"
)

urlpatterns = v1.urls
