"""What a delivery's body is made of, per resource: the resource app registers how to render it.

    register("customer", render_customer_for_webhook)

The webhooks app knows nothing of customers; customers registers its renderer when Django starts
(customers.apps). A renderer takes the resource id, the webhook's API namespace (wc/v3), its owner and the
site URL, and returns what a GET of the resource by the owner would answer: the object, or the error.
"""

from collections.abc import Callable
from typing import Any

Renderer = Callable[..., dict[str, Any]]
_RENDERERS: dict[str, Renderer] = {}


def register(resource: str, renderer: Renderer) -> None:
    _RENDERERS[resource] = renderer


def render(resource: str, resource_id: int, *, namespace: str, owner, site_url: str) -> dict[str, Any]:
    return _RENDERERS[resource](resource_id, namespace=namespace, owner=owner, site_url=site_url)
