"""WooCommerce 9.5.2+ role rules as the API answers them: its permission errors, with WooCommerce's texts.
The rules themselves are the services' (services.role_rule_violations), shared with the admin."""

from typing import Any

from rest_framework.request import Request

from customers.choices import EDITABLE_ROLES
from customers.models import Customer
from customers.services import role_rule_violations
from wcompat.permissions import denied

MESSAGES = {
    "email": "Sorry, email cannot be updated via this endpoint for a user with role {role}.",
    "password": "Sorry, password cannot be updated via this endpoint for a user with role {role}.",
    "delete": "Sorry, users with {role} role cannot be deleted via this endpoint. Allowed roles: {allowed}",
}


def check_role_rules(request: Request, action: str, customer: Customer, data: dict[str, Any]) -> None:
    broken = role_rule_violations(
        customer.role,
        action,
        changes_email="email" in data and data["email"] != customer.email,
        sets_password="password" in data,
    )
    if broken:
        message = MESSAGES[broken[0]].format(role=customer.role, allowed=", ".join(EDITABLE_ROLES))
        raise denied(request, action, message)
