"""One API version of a resource, declared once: what its routes serve and how its items look.

    V3 = ResourceVersion(namespace="wc/v3", rest_base="customers", item_schema=…, fields=("id", …))

A resource subclasses it with whatever else differs between its versions (address keys, a downloads
shape); views, serializers and the OpenAPI document read the declaration, never the namespace string.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from wcompat.item_schema import FORCE_ARG, ID_ARG, Schema, context_arg, endpoint_args
from wcompat.pagination import collection_args

# The WooCommerce and WordPress releases whose REST behaviour this project follows (the webhooks' User-Agent,
# the system status).
WOOCOMMERCE_VERSION = "9.8.5"
WORDPRESS_VERSION = "6.8.1"


# Compared and hashed by identity: each version is declared once, and caches are keyed by it.
@dataclass(frozen=True, eq=False)
class ResourceVersion:
    namespace: str
    rest_base: str
    # The WordPress item schema: validation, OPTIONS and the OpenAPI document.
    item_schema: dict[str, Any]
    # The keys of a rendered item, in the order WooCommerce builds them (_links comes after).
    fields: tuple[str, ...]

    # A resource's own arguments of a list, after WordPress's (context, page, per_page), in its controller's order.
    collection_filters: ClassVar[dict[str, Schema]] = {}
    # A delete's arguments (a resource may add its own, as customers add `reassign`).
    destroy_arguments: ClassVar[dict[str, Schema]] = {"id": ID_ARG, "force": FORCE_ARG}

    # The arguments of each standard route action, as WooCommerce's controllers declare them. A resource declares
    # only what differs (its list filters, a create's own required fields); OPTIONS shows them byte for byte.

    def arguments(self, action: str) -> dict[str, Schema]:
        """The route arguments of a standard action (list, create, retrieve, update, destroy, batch); {} else."""
        declared = {
            "list": self.collection_args,
            "create": self.create_args,
            "retrieve": self.retrieve_args,
            "update": self.update_args,
            "destroy": self.destroy_args,
            "batch": self.batch_args,
        }.get(action)
        return declared() if declared is not None else {}

    def collection_args(self) -> dict[str, Schema]:
        return {**collection_args(), **{name: dict(arg) for name, arg in self.collection_filters.items()}}

    def create_args(self) -> dict[str, Schema]:
        return endpoint_args(self.item_schema, creating=True)

    def retrieve_args(self) -> dict[str, Schema]:
        return {"id": dict(ID_ARG), "context": context_arg(self.item_schema)}

    def update_args(self) -> dict[str, Schema]:
        return {"id": dict(ID_ARG), **endpoint_args(self.item_schema)}

    def destroy_args(self) -> dict[str, Schema]:
        return {name: dict(arg) for name, arg in self.destroy_arguments.items()}

    def batch_args(self) -> dict[str, Schema]:
        return endpoint_args(self.item_schema)

    @property
    def route(self) -> str:
        """The collection route, e.g. /wc/v3/customers."""
        return f"/{self.namespace}/{self.rest_base}"

    @property
    def label(self) -> str:
        """The namespace as a name part: wc/v3 -> WcV3."""
        return "".join(part.capitalize() for part in self.namespace.split("/"))

    @classmethod
    def for_namespace(cls, versions: "tuple[ResourceVersion, ...]", namespace: str) -> "ResourceVersion":
        """The declaration of `versions` served under `namespace` (wc/v3); LookupError for any other."""
        for version in versions:
            if version.namespace == namespace:
                return version
        raise LookupError(f"No version is served under {namespace!r}.")

    @property
    def slug(self) -> str:
        """The namespace as an identifier part: wc/v3 -> wc_v3."""
        return self.namespace.replace("/", "_").replace("-", "_")
