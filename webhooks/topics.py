"""Webhook topics: which exist, what WooCommerce reports for each, which this project delivers.

The webhooks app knows no resource: a resource app registers its topics when Django starts, with
WooCommerce's hooks per event and how a payload is rendered (customers.apps):

    register("customer", hooks={"created": [...], "updated": [...], "deleted": [...]}, render=render_customer)

A renderer takes resource ids, the webhook's API namespace (wc/v3), its owner and the site URL, and returns
by id what a GET of each resource by the owner would answer: the object, or the error. (Several at once, so
that a worker sending many deliveries reads their resources in one query.)

WooCommerce accepts topics for coupons, orders, products and its own actions too; this project serves
customers only, so a topic for anything else is refused like an invalid topic (a deliberate difference:
a webhook that could never fire is worse than an error).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wcompat.wordpress import sanitize_text_field

Renderer = Callable[..., dict[int, dict[str, Any]]]


@dataclass(frozen=True)
class WebhookResource:
    name: str
    # WooCommerce's hooks per event (the `hooks` field of a webhook).
    hooks: dict[str, list[str]]
    render: Renderer
    # The admin page of one resource by its id (the delivery log links it), if the resource has one.
    admin_url: Callable[[int], str] | None = None


_RESOURCES: dict[str, WebhookResource] = {}


def register(
    name: str, *, hooks: dict[str, list[str]], render: Renderer, admin_url: Callable[[int], str] | None = None
) -> None:
    _RESOURCES[name] = WebhookResource(name=name, hooks=hooks, render=render, admin_url=admin_url)


def all_topics() -> list[str]:
    """Every topic a webhook may subscribe to, resource by resource, in their events' order."""
    return [f"{resource.name}.{event}" for resource in _RESOURCES.values() for event in resource.hooks]


def is_valid_topic(topic: str) -> bool:
    """wc_is_webhook_valid_topic(), for the topics this project delivers (exact and case-sensitive)."""
    return isinstance(topic, str) and topic in all_topics()


def stored_topic(topic: str) -> str:
    """What WC_Webhook::set_topic() keeps: the sanitized topic if it is valid as written, else ""."""
    topic = sanitize_text_field(topic)
    return topic if is_valid_topic(topic) else ""


def resource(topic: str) -> str:
    return topic.split(".", 1)[0] if topic else ""


def event(topic: str) -> str:
    parts = topic.split(".")
    return parts[1] if len(parts) > 1 else ""


def hooks(topic: str) -> list[str]:
    registered = _RESOURCES.get(resource(topic))
    return list(registered.hooks.get(event(topic), [])) if registered else []


def admin_url(topic: str, resource_id: int) -> str | None:
    """The admin page of the resource a delivery is about, when its resource offers one."""
    registered = _RESOURCES.get(resource(topic))
    return registered.admin_url(resource_id) if registered and registered.admin_url and resource_id else None


def render(topic: str, resource_ids: list[int], *, namespace: str, owner, site_url: str) -> dict[int, dict[str, Any]]:
    """The payloads of deliveries of `topic` for these resources, by id, as the resource renders them."""
    return _RESOURCES[resource(topic)].render(resource_ids, namespace=namespace, owner=owner, site_url=site_url)
