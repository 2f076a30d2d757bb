"""The system status routes, as WooCommerce registers them, in wc/v2 and wc/v3."""

from system_status.schema import STATUS_VERSIONS, TOOL_VERSIONS
from system_status.views import SystemStatusToolViewSet, SystemStatusViewSet
from wcompat.routers import ITEM_ACTIONS, WcRouter

# The tools controller registers no DELETE.
TOOL_ACTIONS = {method: action for method, action in ITEM_ACTIONS.items() if method != "delete"}

urlpatterns = []
for status_version, tool_version in zip(STATUS_VERSIONS, TOOL_VERSIONS, strict=True):
    routes = WcRouter(status_version.namespace)
    name = status_version.slug
    routes.register(
        "system_status", SystemStatusViewSet, {"get": "status"}, f"{name}-system-status", version=status_version
    )
    routes.register(
        "system_status/tools",
        SystemStatusToolViewSet,
        {"get": "tools"},
        f"{name}-system-status-tools",
        version=tool_version,
    )
    routes.register(
        r"system_status/tools/(?P<id>[\w-]+)",
        SystemStatusToolViewSet,
        dict(TOOL_ACTIONS),
        f"{name}-system-status-tool",
        version=tool_version,
    )
    urlpatterns += routes.urls
