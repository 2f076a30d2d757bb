"""How a customer looks on the wire, per API version (the field set comes from customers.schema)."""

import hashlib

from rest_framework import serializers

from customers.choices import AddressType
from customers.models import Customer
from customers.schema import V1, CustomerApiVersion
from wcompat.dates import wc_date
from wcompat.links import item_links


def avatar_url(email: str, *, secure: bool) -> str:
    """WordPress get_avatar_url() with its defaults (96 px, mystery person, rated G)."""
    digest = hashlib.md5(email.strip().lower().encode("utf-8"), usedforsecurity=False).hexdigest()
    host = "https://secure.gravatar.com" if secure else f"http://{int(digest[0], 16) % 3}.gravatar.com"
    return f"{host}/avatar/{digest}?s=96&d=mm&r=g"


class CustomerSerializer(serializers.Serializer):
    """Renders a customer completed by customers.selectors.attach_order_stats().

    The context carries `request` and `version` (a CustomerApiVersion, wc/v1 by default).
    """

    def _version(self) -> CustomerApiVersion:
        return self.context.get("version", V1)

    def to_representation(self, customer: Customer) -> dict:
        version = self._version()
        request = self.context["request"]
        addresses = customer.address_values
        values = {
            "id": customer.pk,
            "date_created": wc_date(customer.date_created),
            "date_modified": wc_date(customer.date_modified),
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "username": customer.username,
            "last_order": {"id": customer.last_order_id, "date": wc_date(customer.last_order_date)},
            "orders_count": customer.orders_count,
            "total_spent": f"{customer.total_spent:.2f}",
            "avatar_url": avatar_url(customer.email, secure=request.is_secure()),
            "billing": self._address(addresses.get(AddressType.BILLING), version.billing_fields),
            "shipping": self._address(addresses.get(AddressType.SHIPPING), version.shipping_fields),
        }
        data = {name: values[name] for name in version.fields}
        data["_links"] = item_links(request, version.route, customer.pk)
        return data

    @staticmethod
    def _address(address: dict[str, str] | None, fields: tuple[str, ...]) -> dict[str, str]:
        address = address or {}
        return {name: address.get(name, "") for name in fields}
