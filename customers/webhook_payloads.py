"""A customer as a webhook delivers it: what `GET /wc/v<N>/customers/<id>` answers the webhook's owner.

Modern WooCommerce dispatches that GET internally, as the owner: the body is the customer with its
`_links` (and meta_data when the owner is an administrator), or the error object when the customer is
gone or the owner may not view it. The same read path as the API's: the item (its 404), the capability
(401 for no owner, 403), then the rendering, with the errors built by the same code.
"""

from typing import Any

from customers.schema import VERSIONS, CustomerApiVersion
from customers.serializers import RenderContext, render_customer
from customers.views import CustomerViewSet, customer_item
from wcompat.exceptions import WcAPIException
from wcompat.permissions import denied_for, has_capability


def render_customer_for_webhook(customer_id: int, *, namespace: str, owner, site_url: str) -> dict[str, Any]:
    version = CustomerApiVersion.for_namespace(VERSIONS, namespace)
    context = RenderContext(
        version=version,
        rest_base=f"{site_url.rstrip('/')}/wp-json",
        secure=site_url.startswith("https://"),
        show_meta=bool(owner and owner.is_superuser),
    )
    try:
        record = customer_item(customer_id, version, with_meta=context.needs_meta)
        if not has_capability(owner, CustomerViewSet, "retrieve"):
            raise denied_for(owner, "retrieve")
    except WcAPIException as error:
        return error.as_dict()
    return render_customer(record, context)
