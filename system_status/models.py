from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemStatus(models.Model):
    """No table: the holder of the permissions WooCommerce checks as `manage_woocommerce` for these routes
    (superusers have them; grant them to a shop manager's user)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_system_status", _("Can view the system status and its tools (WooCommerce's manage_woocommerce)")),
            ("run_system_status_tools", _("Can run the system status tools (WooCommerce's manage_woocommerce)")),
        ]

    def __str__(self) -> str:
        return "system status"
