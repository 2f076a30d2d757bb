"""A customer's downloadable files (GET /customers/<id>/downloads), from their download permissions."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from customers import conf as customer_settings
from customers.choices import OrderStatus
from customers.models import Download
from customers.schema import CustomerApiVersion
from wcompat.dates import wc_date, wc_local_date
from wcompat.pagination import php_urlencode


def downloads_for(customer_id: int) -> QuerySet[Download]:
    """Permissions still usable: order paid, downloads left, not expired, file enabled.

    As wc_get_customer_available_downloads() selects them, in its order.
    """
    statuses = [OrderStatus.COMPLETED]
    if customer_settings.get("DOWNLOADS_GRANT_ACCESS_AFTER_PAYMENT"):
        statuses.append(OrderStatus.PROCESSING)
    today = timezone.localdate()
    return (
        Download.objects.filter(customer_id=customer_id, order__status__in=statuses, file_enabled=True)
        .filter(Q(downloads_remaining__isnull=True) | Q(downloads_remaining__gt=0))
        .filter(Q(access_expires__isnull=True) | Q(access_expires__date__gte=today))
        .select_related("order", "customer")
        .order_by("order_id", "product_id", "id")
    )


def permission_values(download: Download) -> dict[str, Any]:
    """A permission's values as WooCommerce writes them ("unlimited" downloads, "never" expires)."""
    remaining, expires = download.downloads_remaining, download.access_expires
    return {
        "download_id": download.download_id,
        "product_id": download.product_id,
        "product_url": download.product_url,
        "product_name": download.product_name,
        "download_name": download.download_name,
        "order_id": download.order_id,
        "downloads_remaining": "unlimited" if remaining is None else str(remaining),
        "access_expires": wc_local_date(expires) if expires else "never",
        "access_expires_gmt": wc_date(expires) if expires else "never",
        "file": {"name": download.download_name, "file": download.file_url},
    }


def render_download(
    download: Download, *, version: CustomerApiVersion, site_url: str, rest_base: str
) -> dict[str, Any]:
    """One download in the version's shape (v1 keeps product_url; v2/v3 add product_name and a GMT expiry)."""
    order = download.order
    query = (
        f"download_file={download.product_id}&order={order.order_key}"
        f"&email={php_urlencode(download.email or download.customer.email)}&key={download.download_id}"
    )
    values = {**permission_values(download), "download_url": f"{site_url}/?{query}", "order_key": order.order_key}
    data = {name: values[name] for name in version.download_fields}
    namespace = version.namespace
    data["_links"] = {
        "collection": [{"href": f"{rest_base}/{namespace}/customers/{download.customer_id}/downloads"}],
        "product": [{"href": f"{rest_base}/{namespace}/products/{download.product_id}"}],
        "order": [{"href": f"{rest_base}/{namespace}/orders/{order.pk}"}],
    }
    return data
