"""A customer's downloadable files (GET /customers/<id>/downloads), from their download permissions."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.request import Request

from customers.choices import OrderStatus
from customers.models import Customer, Download
from wcompat import conf
from wcompat.authentication import site_base_url
from wcompat.dates import wc_date
from wcompat.links import rest_url
from wcompat.pagination import php_urlencode


def downloads_for(customer: Customer) -> QuerySet[Download]:
    """Permissions still usable: order paid, downloads left, not expired, file enabled.

    As wc_get_customer_available_downloads() selects them, in its order.
    """
    statuses = [OrderStatus.COMPLETED]
    if conf.get("DOWNLOADS_GRANT_ACCESS_AFTER_PAYMENT"):
        statuses.append(OrderStatus.PROCESSING)
    today = timezone.localdate()
    return (
        Download.objects.filter(customer=customer, order__status__in=statuses, file_enabled=True)
        .filter(Q(downloads_remaining__isnull=True) | Q(downloads_remaining__gt=0))
        .filter(Q(access_expires__isnull=True) | Q(access_expires__date__gte=today))
        .select_related("order")
        .order_by("order_id", "product_id", "id")
    )


def render_download_v1(request: Request, namespace: str, download: Download, customer: Customer) -> dict[str, Any]:
    order = download.order
    query = (
        f"download_file={download.product_id}&order={order.order_key}"
        f"&email={php_urlencode(download.email or customer.email)}&key={download.download_id}"
    )
    remaining = download.downloads_remaining
    return {
        "download_url": f"{site_base_url(request)}/?{query}",
        "download_id": download.download_id,
        "product_id": download.product_id,
        "product_url": download.product_url,
        "download_name": download.download_name,
        "order_id": order.pk,
        "order_key": order.order_key,
        "downloads_remaining": "unlimited" if remaining is None else str(remaining),
        "access_expires": wc_date(download.access_expires) if download.access_expires else "never",
        "file": {"name": download.download_name, "file": download.file_url},
        "_links": {
            "collection": [{"href": rest_url(request, f"/{namespace}/customers/{customer.pk}/downloads")}],
            "product": [{"href": rest_url(request, f"/{namespace}/products/{download.product_id}")}],
            "order": [{"href": rest_url(request, f"/{namespace}/orders/{order.pk}")}],
        },
    }
