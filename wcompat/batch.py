"""Batch create/update/delete, as WooCommerce's WC_REST_Controller::batch_items() answers it.

    POST /wp-json/wc/v1/customers/batch
    {"create": [{...}], "update": [{"id": 2, ...}], "delete": [3]}
    -> 200 {"create": [{...}], "update": [{...}], "delete": [{...}]}

Creates run first, then updates, then deletes; each item succeeds or fails alone (its writes are one
transaction, in the resource's services) and a failed one is reported in place as
{"id": …, "error": {code, message, data}}.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from wcompat import conf
from wcompat.args import absint, validate_args
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


class BatchMixin:
    """Adds the `batch` action to a WcViewSet; items go through the viewset's single-item hooks."""

    def batch(self, request: Request, *args, **kwargs) -> Response:
        items = {name: _as_list(self.params.get(name)) for name in ("create", "update", "delete")}
        limit = conf.get("BATCH_LIMIT")
        if sum(len(values) for values in items.values()) > limit:
            raise WcAPIException(
                WcErrorCode.TOO_LARGE, f"Unable to accept more than {limit} items for this request.", 413
            )
        result: dict[str, list[Any]] = {}
        for data in items["create"]:
            result.setdefault("create", []).append(self._run(0, self._batch_create, data))
        for data in items["update"]:
            item_id = data.get("id") if isinstance(data, dict) else None
            result.setdefault("update", []).append(self._run(item_id, self._batch_update, data))
        for entry in items["delete"]:
            data = dict(entry) if isinstance(entry, dict) else {"id": entry}
            item_id = absint(data.get("id", 0))
            if not item_id:
                continue
            error_id = entry if isinstance(entry, dict) else item_id
            result.setdefault("delete", []).append(self._run(error_id, self._batch_delete, {**data, "id": item_id}))
        # An empty PHP array is what WordPress encodes for an empty batch: a JSON list.
        return Response(result or [])

    def _run(self, error_id: Any, operation, data: Any) -> dict[str, Any]:
        try:
            if not isinstance(data, dict):
                raise WcAPIException(WcErrorCode.INVALID_PARAM, "Invalid parameter(s): item", 400)
            # Each item's writes are one transaction of its own, in the resource's services.
            return operation(data)
        except WcAPIException as error:
            return {"id": error_id, "error": error.as_dict()}

    def _item_args(self, action: str, data: dict[str, Any]) -> dict[str, Any]:
        # Batch items skip WordPress's route validation; types are still checked so nothing malformed is stored.
        return validate_args(self.args_for(action), data, check_required=False, check_format=False)

    def _batch_create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require("create")
        self._item_args("create", data)
        return self.render_item(self.create_item(data))

    def _batch_update(self, data: dict[str, Any]) -> dict[str, Any]:
        args = self._item_args("update", data)
        item = self.get_item(args.get("id", 0))
        self.require("update", item, data)
        return self.render_item(self.update_item(item, data))

    def _batch_delete(self, data: dict[str, Any]) -> dict[str, Any]:
        args = self._item_args("destroy", data)
        item = self.get_item(args["id"])
        self.require("destroy", item, data)
        rendered = self.render_item(item)
        self.destroy_item(item, {**args, "force": True})
        return rendered
