"""WooCommerce 9.5.2+ role rules as the API answers them: its permission errors, with WooCommerce's texts.
The rules and their texts are the services' (customers.services.roles), which every other writer runs."""

from typing import Any

from rest_framework.request import Request

from customers.models import Customer
from customers.services.roles import role_rule_message, role_rule_violations
from wcompat.permissions import denied


def check_role_rules(request: Request, action: str, customer: Customer, data: dict[str, Any]) -> None:
    broken = role_rule_violations(
        customer.role,
        action,
        changes_email="email" in data and data["email"] != customer.email,
        sets_password="password" in data,
    )
    if broken:
        raise denied(request, action, role_rule_message(customer.role, broken[0]))
