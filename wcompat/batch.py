"""Batch create/update/delete, as WooCommerce's WC_REST_Controller::batch_items() answers it.

    POST /wp-json/wc/v3/customers/batch
    {"create": [{...}], "update": [{"id": 2, ...}], "delete": [3, {"id": 4, "reassign": 5}]}
    -> 200 {"create": [{...}], "update": [{...}], "delete": [{...}]}

Creates run first, then updates, then deletes; each item succeeds or fails alone (its writes are one
transaction, in the resource's services) and a failed one is reported in place as
{"id": …, "error": {code, message, data}}. An item that fails unexpectedly is reported in place too, and
the others still answer. Items not started before the deadline are answered as not processed, so the
client always gets an answer within the server's timeout.
"""

import logging
import time
from typing import Any

from django.db import DatabaseError
from rest_framework.request import Request
from rest_framework.response import Response

from wcompat import conf
from wcompat.args import validate_args
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException
from wcompat.wordpress import php_int

logger = logging.getLogger(__name__)


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
        self.batch_deadline = time.monotonic() + conf.get("BATCH_DEADLINE")
        self.if_match = None  # items carry their own ("if_match"); the request's header is not theirs
        result: dict[str, list[Any]] = {}
        if items["create"]:
            result["create"] = self.batch_create(items["create"])
        if items["update"]:
            result["update"] = [self._run(self._update_id(data), self._batch_update, data) for data in items["update"]]
        deletes = []
        for entry in items["delete"]:
            if isinstance(entry, dict | list):
                # An object's keys become the delete's parameters; force is always true (and echoed on error).
                data = {**(entry if isinstance(entry, dict) else dict(enumerate(entry))), "force": True}
                deletes.append(self._run(data, self._batch_delete, data))
            elif item_id := php_int(entry):
                deletes.append(self._run(item_id, self._batch_delete, {"id": item_id, "force": True}))
        if deletes:
            result["delete"] = deletes
        # An empty PHP array is what WordPress encodes for an empty batch: a JSON list.
        return Response(result or [])

    def batch_create(self, entries: list[Any]) -> list[dict[str, Any]]:
        """The creates, item by item; a resource may override this to insert them in bulk."""
        return [self._run(0, self._batch_create, data) for data in entries]

    @staticmethod
    def _update_id(data: Any) -> Any:
        return data.get("id") if isinstance(data, dict) else None

    def _run(self, error_id: Any, operation, data: Any) -> dict[str, Any]:
        if time.monotonic() > self.batch_deadline:
            return {"id": error_id, "error": not_processed().as_dict()}
        try:
            return operation(data)
        except WcAPIException as error:
            return {"id": error_id, "error": error.as_dict()}
        except DatabaseError:
            raise  # the database is down or read-only: the whole request answers that (503)
        except Exception:
            # Whatever went wrong with this item, the others still answer; its own writes were rolled back.
            logger.exception("Batch item failed unexpectedly")
            return {"id": error_id, "error": item_failed().as_dict()}

    def item_args(self, action: str, data: Any) -> dict[str, Any]:
        """An item's arguments. Items skip WordPress's route validation: types are coerced as WooCommerce
        stores them (a number where a string is expected becomes its string), and only values that cannot
        be represented are refused."""
        data = data if isinstance(data, dict) else {}
        return validate_args(self.route_args(action), data, check_required=False, lenient=True)

    def _batch_create(self, data: Any) -> dict[str, Any]:
        self.require("create")
        if isinstance(data, dict) and data.get("id"):
            raise self.existing_id_error()
        return self.render_item(self.create_item(self.item_args("create", data)))

    def _batch_update(self, data: Any) -> dict[str, Any]:
        args = self.item_args("update", data)
        item = self.get_item(args.get("id", 0), "update")
        self.require("update", item, args)
        self.if_match = data.get("if_match") if isinstance(data, dict) else None
        self.check_precondition(item)
        return self.render_item(self.update_item(item, args))

    def _batch_delete(self, data: dict[str, Any]) -> dict[str, Any]:
        args = self.item_args("destroy", data)
        item = self.get_item(args.get("id", 0), "destroy")
        self.require("destroy", item, args)
        self.if_match = data.get("if_match")
        self.check_precondition(item)
        rendered = self.render_item(item)
        self.destroy_item(item, {**args, "force": True})
        return rendered


def item_failed() -> WcAPIException:
    return WcErrorCode.INTERNAL_ERROR.error("The item could not be processed.")


def not_processed() -> WcAPIException:
    return WcErrorCode.BATCH_NOT_PROCESSED.error()
