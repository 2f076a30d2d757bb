"""Roles: which exist, WooCommerce's rules on what may be done to a user of each, and the per-role totals."""

from django.db import transaction
from django.db.models import Count

from customers.choices import EDITABLE_ROLES, CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import Customer, RoleCount
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException

# WooCommerce's texts for each broken rule (the API answers them as permission errors).
RULE_MESSAGES = {
    "email": "Sorry, email cannot be updated via this endpoint for a user with role {role}.",
    "password": "Sorry, password cannot be updated via this endpoint for a user with role {role}.",
    "delete": "Sorry, users with {role} role cannot be deleted via this endpoint. Allowed roles: {allowed}",
}


class RoleRuleBroken(WcAPIException):
    """A write a role rule forbids; `rule` says which ("email", "password" or "delete")."""

    def __init__(self, role: str, rule: str) -> None:
        code = WcErrorCode.CANNOT_DELETE if rule == "delete" else WcErrorCode.CANNOT_EDIT
        super().__init__(code, role_rule_message(role, rule), 403)
        self.role, self.rule = role, rule


ROLE_MAX_LENGTH = Customer._meta.get_field("role").max_length


def check_role(role: str, *, any_name: bool = False) -> None:
    """A role WooCommerce's API may give; `any_name`: a store's role, kept whatever it is called (an import)."""
    if any_name:
        if not 0 < len(role) <= ROLE_MAX_LENGTH:
            raise CustomerErrorCode.INVALID_ROLE.error(f"The role {role!r} is not one this project can keep.")
    elif role not in CustomerRole.values:
        raise CustomerErrorCode.INVALID_ROLE.error(f"{role} is not a role.")


def role_rule_violations(
    role: str, action: str, *, changes_email: bool = False, sets_password: bool = False
) -> list[str]:
    """WooCommerce 9.5.2+ role rules (woocommerce_rest_customer_allowed_roles), for every writer: the email and
    password of a user whose role is not customer or subscriber stay, and such a user is not deleted.

    The broken rules: "email", "password" (an update), "delete" (a deletion)."""
    if role in EDITABLE_ROLES:
        return []
    if action == "destroy":
        return ["delete"]
    return [rule for rule, broken in (("email", changes_email), ("password", sets_password)) if broken]


def role_rule_message(role: str, rule: str) -> str:
    return RULE_MESSAGES[rule].format(role=role, allowed=", ".join(EDITABLE_ROLES))


def check_role_rules(role: str, action: str, *, changes_email: bool = False, sets_password: bool = False) -> None:
    """RoleRuleBroken for the first rule the write breaks."""
    broken = role_rule_violations(role, action, changes_email=changes_email, sets_password=sets_password)
    if broken:
        raise RoleRuleBroken(role, broken[0])


@transaction.atomic
def recount_role_totals() -> int:
    """Count the customers of each role again and keep those counts (the triggers keep them between recounts);
    how many roles' counts were wrong."""
    actual = dict(Customer.objects.values_list("role").annotate(count=Count("id")).order_by())
    kept = dict(RoleCount.objects.select_for_update().values_list("role", "count"))
    wrong = {role for role in set(actual) | set(kept) if actual.get(role, 0) != kept.get(role, 0)}
    for role in wrong:
        RoleCount.objects.update_or_create(role=role, defaults={"count": actual.get(role, 0)})
    return len(wrong)
