"""WooCommerce 9.5.2+ role rules: the API may not change the email or password of, nor delete,
a user whose role is not customer or subscriber (woocommerce_rest_customer_allowed_roles)."""

from typing import Any

from rest_framework.request import Request

from customers.choices import EDITABLE_ROLES
from customers.models import Customer
from wcompat.permissions import denied


def check_role_rules(request: Request, action: str, customer: Customer, data: dict[str, Any]) -> None:
    if customer.role in EDITABLE_ROLES:
        return
    if action == "update":
        if "email" in data and data["email"] != customer.email:
            raise denied(
                request,
                action,
                f"Sorry, email cannot be updated via this endpoint for a user with role {customer.role}.",
            )
        if "password" in data:
            raise denied(
                request,
                action,
                f"Sorry, password cannot be updated via this endpoint for a user with role {customer.role}.",
            )
    elif action == "destroy":
        allowed = ", ".join(EDITABLE_ROLES)
        raise denied(
            request,
            action,
            f"Sorry, users with {customer.role} role cannot be deleted via this endpoint. Allowed roles: {allowed}",
        )
