"""One API version of a resource, declared once: what its routes serve and how its items look.

    V3 = ResourceVersion(namespace="wc/v3", rest_base="customers", item_schema=…, fields=("id", …))

A resource subclasses it with whatever else differs between its versions (address keys, a downloads
shape); views, serializers and the OpenAPI document read the declaration, never the namespace string.
"""

from dataclasses import dataclass
from typing import Any

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
