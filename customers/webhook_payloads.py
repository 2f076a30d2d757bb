"""A customer as a webhook delivers it: what `GET /wc/v<N>/customers/<id>` answers the webhook's owner.

Modern WooCommerce dispatches that GET internally, as the owner: the body is the customer with its
`_links` (and meta_data when the owner is an administrator), or the error object when the customer is
gone or the owner may not view it. The same read path as the API's: the item (its 404), the capability
(401 for no owner, 403), then the rendering, with the errors built by the same code.
"""

from typing import Any

from customers.error_codes import CustomerErrorCode
from customers.schema import VERSIONS, CustomerApiVersion
from customers.selectors import customer_records
from customers.serializers import RenderContext, render_customer
from customers.views import CustomerViewSet
from wcompat.args import MAX_ID
from wcompat.permissions import denied_for, has_capability


def render_customers_for_webhook(
    customer_ids: list[int], *, namespace: str, owner, site_url: str
) -> dict[int, dict[str, Any]]:
    """Each customer as its GET by `owner` answers, by id; one query for them all."""
    version = CustomerApiVersion.for_namespace(VERSIONS, namespace)
    context = RenderContext(
        version=version,
        rest_base=f"{site_url.rstrip('/')}/wp-json",
        secure=site_url.startswith("https://"),
        show_meta=bool(owner and owner.is_superuser),
    )
    ids = [int(pk) for pk in customer_ids]
    records = customer_records(
        [pk for pk in ids if 0 < pk <= MAX_ID],
        order_figures=version.renders_order_figures,
        with_meta=context.needs_meta,
    )
    found = {record.id: record for record in records}
    # As the API's read path answers: the item (its 404) first, then the capability (401 for no owner, 403).
    missing = CustomerErrorCode.INVALID_USER_ID.error().as_dict()
    denied = None if has_capability(owner, CustomerViewSet, "retrieve") else denied_for(owner, "retrieve").as_dict()
    return {pk: missing if pk not in found else denied if denied else render_customer(found[pk], context) for pk in ids}
