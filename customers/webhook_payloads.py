"""A customer as a webhook delivers it: what `GET /wc/v<N>/customers/<id>` answers the webhook's owner.

Modern WooCommerce dispatches that GET internally, as the owner: the body is the customer with its
`_links` (and meta_data when the owner is an administrator), or the error object when the customer is
gone or the owner may not view it.
"""

from typing import Any

from customers.error_codes import CustomerErrorCode
from customers.schema import VERSIONS, CustomerApiVersion
from customers.selectors import attach_meta, customer_get
from customers.serializers import RenderContext, render_customer
from customers.views import CustomerViewSet
from wcompat.error_codes import WcErrorCode


def render_customer_for_webhook(customer_id: int, *, namespace: str, owner, site_url: str) -> dict[str, Any]:
    version = CustomerApiVersion.for_namespace(VERSIONS, namespace)
    record = customer_get(customer_id, order_figures=version.renders_order_figures)
    if record is None:
        return CustomerErrorCode.INVALID_USER_ID.error().as_dict()
    if owner is None or not owner.is_active or not owner.has_perm(CustomerViewSet.capabilities["retrieve"]):
        return WcErrorCode.CANNOT_VIEW.error(status=401 if owner is None else 403).as_dict()
    context = RenderContext(
        version=version,
        rest_base=f"{site_url.rstrip('/')}/wp-json",
        secure=site_url.startswith("https://"),
        show_meta=owner.is_superuser,
    )
    if context.needs_meta:
        attach_meta([record])
    return render_customer(record, context)
