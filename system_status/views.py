"""/wc/v2|v3/system_status (GET) and /system_status/tools (GET list, GET one, PUT/POST/PATCH to run one)."""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from system_status import report, tools
from system_status.error_codes import SystemStatusErrorCode
from system_status.schema import STATUS_ARGS, TOOL_ID_ARG, TOOL_SCHEMA, TOOLS_ARGS
from wcompat.links import rest_url
from wcompat.schema import to_openapi
from wcompat.versions import ResourceVersion
from wcompat.viewsets import WcViewSet

VIEW = "system_status.view_system_status"


class SystemStatusViewSet(WcViewSet):
    """GET /wp-json/wc/v3/system_status: the environment, database, settings and security of this server."""

    version: ResourceVersion
    capabilities = {"status": VIEW}
    denied_like = {"status": "list"}
    schema_name = "SystemStatus"
    action_summaries = {"status": "Retrieve the system status"}
    action_descriptions = {"status": "This server's system status, in WooCommerce's sections and keys."}

    def args_for(self, action: str) -> dict[str, dict[str, Any]]:
        return STATUS_ARGS

    def openapi_item_schema(self) -> dict[str, Any]:
        """WooCommerce's schema, but where it says "array of strings" for what it answers as an object (PHP's
        keyed arrays): the document describes the answer."""
        schema = to_openapi(self.item_schema, response=True)
        properties = schema["properties"]
        for section, key in (("dropins_mu_plugins", None), ("database", "database_tables")):
            target = properties[section] if key is None else properties[section]["properties"][key]
            target["type"] = "object"
            target.pop("items", None)
        return schema

    def status(self, request: Request, *args, **kwargs) -> Response:
        return Response(report.system_status(request))


class SystemStatusToolViewSet(WcViewSet):
    """GET /wp-json/wc/v3/system_status/tools, GET …/tools/<id>, PUT …/tools/<id> (runs it)."""

    version: ResourceVersion
    capabilities = {"tools": VIEW, "retrieve": VIEW, "update": "system_status.run_system_status_tools"}
    denied_like = {"tools": "list", "update": "run"}
    # WordPress checks the permission first; the tool's id is looked up by the callback (its 404 comes after).
    item_checked_with_permission = False
    schema_name = "SystemStatusTool"
    action_summaries = {
        "tools": "List the system status tools",
        "retrieve": "Retrieve a system status tool",
        "update": "Run a system status tool",
    }
    action_descriptions = {
        "tools": "The tools this server offers.",
        "retrieve": "One tool.",
        "update": "Run a tool: the answer says whether it succeeded and what it did.",
    }

    def args_for(self, action: str) -> dict[str, dict[str, Any]]:
        return TOOLS_ARGS if action == "tools" else TOOL_ID_ARG

    def response_schema(self, action: str) -> tuple[str, dict[str, Any]] | None:
        return ("SystemStatusTool", TOOL_SCHEMA) if action == "tools" else None

    def get_item(self, pk: str, action: str) -> tools.Tool:
        tool = tools.TOOLS.get(str(pk))
        if tool is None:
            raise SystemStatusErrorCode.TOOL_INVALID_ID.error()
        return tool

    def render_items(self, items: list[tools.Tool]) -> list[dict[str, Any]]:
        return [self._render(tool) for tool in items]

    def _render(self, tool: tools.Tool, **outcome: Any) -> dict[str, Any]:
        href = rest_url(self.request, f"{self.route}/{tool.id}")
        data = {"id": tool.id, "name": tool.name, "action": tool.action, "description": tool.description}
        return {**data, **outcome, "_links": {"item": [{"href": href, "embeddable": True}]}}

    def tools(self, request: Request, *args, **kwargs) -> Response:
        return Response(self.render_items(list(tools.TOOLS.values())))

    def update(self, request: Request, *args, **kwargs) -> Response:
        tool = self.loaded_item()
        return Response(self._render(tool, **tools.run(tool)))
