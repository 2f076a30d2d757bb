from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerRole(models.TextChoices):
    """WordPress's stock roles plus WooCommerce's, in registration order."""

    ADMINISTRATOR = "administrator", _("Administrator")
    EDITOR = "editor", _("Editor")
    AUTHOR = "author", _("Author")
    CONTRIBUTOR = "contributor", _("Contributor")
    SUBSCRIBER = "subscriber", _("Subscriber")
    CUSTOMER = "customer", _("Customer")
    SHOP_MANAGER = "shop_manager", _("Shop manager")


class AddressType(models.TextChoices):
    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")


class OrderStatus(models.TextChoices):
    """wc_get_order_statuses(), without the wc- prefix."""

    PENDING = "pending", _("Pending payment")
    PROCESSING = "processing", _("Processing")
    ON_HOLD = "on-hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")


# wc_get_is_paid_statuses(): the orders that count towards total_spent.
PAID_STATUSES = (OrderStatus.PROCESSING, OrderStatus.COMPLETED)
# Roles whose email and password the API may change, and which it may delete
# (woocommerce_rest_customer_allowed_roles, WooCommerce 9.5.2+).
EDITABLE_ROLES = (CustomerRole.CUSTOMER, CustomerRole.SUBSCRIBER)
# The user meta where WooCommerce keeps the day a customer was last active (wc_update_user_last_active()).
LAST_ACTIVE_KEY = "wc_last_active"
