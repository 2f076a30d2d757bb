"""WordPress capabilities, played by the key owner's Django permissions.

Each viewset names the Django permission an action needs (`capabilities = {"list": "app.view_x"}`);
a failure is WooCommerce's woocommerce_rest_cannot_* error: 401 when anonymous, 403 when authenticated.
"""

from rest_framework.permissions import BasePermission

from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException

DENIED = {
    "list": (WcErrorCode.CANNOT_VIEW, "Sorry, you cannot list resources."),
    "retrieve": (WcErrorCode.CANNOT_VIEW, "Sorry, you cannot view this resource."),
    "create": (WcErrorCode.CANNOT_CREATE, "Sorry, you are not allowed to create resources."),
    "update": (WcErrorCode.CANNOT_EDIT, "Sorry, you are not allowed to edit this resource."),
    # The system status tools' (WooCommerce's wording, without "are not allowed to").
    "run": (WcErrorCode.CANNOT_UPDATE, "Sorry, you cannot update resource."),
    "destroy": (WcErrorCode.CANNOT_DELETE, "Sorry, you are not allowed to delete this resource."),
    "batch": (WcErrorCode.CANNOT_BATCH, "Sorry, you are not allowed to batch manipulate this resource."),
}


def denied(request, action: str, message: str | None = None) -> WcAPIException:
    """The error for a failed permission check; `message` overrides the action's default text."""
    return denied_for(request.user, action, message)


def denied_for(user, action: str, message: str | None = None) -> WcAPIException:
    """denied() for a user outside any request (a webhook's owner): 401 for nobody, 403 for anyone else."""
    code, default_message = DENIED.get(action, (WcErrorCode.CANNOT_VIEW, "Sorry, you cannot list resources."))
    status = 403 if user and user.is_authenticated else 401
    return WcAPIException(code, message or default_message, status)


def has_capability(user, view, action: str) -> bool:
    capability = view.capabilities.get(action)
    return bool(user and user.is_authenticated and capability and user_has_perm(user, capability))


def user_has_perm(user, permission: str) -> bool:
    """user.has_perm(permission), remembered on the user object, beside the permissions Django's ModelBackend
    already keeps there: the same answers for as long as that object lives (an API key's owner, for
    WCOMPAT_KEY_CACHE_SECONDS), where has_perm() asks each authentication backend again (2.4 µs a call for a user
    who is not a superuser, and an item's request asks four times, for the Allow header)."""
    remembered = user.__dict__.setdefault("_wc_permissions", {})
    allowed = remembered.get(permission)
    if allowed is None:
        allowed = remembered[permission] = user.has_perm(permission)
    return allowed


class CapabilityPermission(BasePermission):
    """Checks the capability for the view's action, raising WooCommerce's error itself."""

    def has_permission(self, request, view) -> bool:
        if not has_capability(request.user, view, view.action):
            raise denied(request, view.denied_like.get(view.action, view.action))
        return True
