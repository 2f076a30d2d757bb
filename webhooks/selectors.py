"""Reads of webhooks, as WooCommerce's webhook data store answers them."""

from datetime import datetime, timedelta

from django.db.models import Count, F, Min
from django.db.models.functions import Lower
from django.utils import timezone

from wcompat.args import MAX_ID
from wcompat.pagination import Page, paginate
from webhooks.filters import WebhookFilterSet
from webhooks.models import Delivery, DeliveryAttempt, Webhook

ORDERBY_COLUMNS = {"date": "date_created", "id": "id"}


def webhook_get(webhook_id: int) -> Webhook | None:
    return Webhook.objects.filter(pk=webhook_id).first() if 0 < webhook_id <= MAX_ID else None


def webhook_page(
    *,
    search: str = "",
    include: list[int] | None = None,
    exclude: list[int] | None = None,
    after: datetime | None = None,
    before: datetime | None = None,
    status: str = "all",
    orderby: str = "date",
    order: str = "desc",
    page: int = 1,
    per_page: int = 10,
    offset: int = 0,
) -> Page:
    """One page of webhooks, with WooCommerce's quirks: a non-zero `offset` does not offset, it makes the
    page the first one (its handler then skips computing one); X-WP-TotalPages is 1 when per_page is 1.

    `after`/`before` bound the creation date inclusively, at whole seconds, as MySQL's BETWEEN does.
    """
    data = {"status": status, "search": search, "include": include, "exclude": exclude}
    data.update({name: value for name, value in (("after", after), ("before", before)) if value is not None})
    webhooks = WebhookFilterSet(data, Webhook.objects.all()).qs
    # Names sort without regard to case, as in MySQL's default collation.
    column = Lower("name") if orderby == "title" else F(ORDERBY_COLUMNS[orderby])
    tie = F("id")
    if order == "desc":
        column, tie = column.desc(), tie.desc()
    webhooks = webhooks.order_by(column, tie)
    first = 1 if offset else page
    result = paginate(webhooks, page=first, per_page=per_page)
    if per_page == 1:
        return Page(items=result.items, total=result.total, per_page=per_page, offset=result.offset, max_pages=1)
    return result


def queue_health(now: datetime | None = None) -> dict:
    """The delivery queue at a glance, per webhook and in all: what waits (depth), how long the oldest due
    delivery has waited (seconds, None when nothing is due), what is being sent (in flight: leased), and the
    attempts that failed in the last hour."""
    now = now or timezone.now()
    pending = Delivery.objects.filter(state=Delivery.State.PENDING)
    rows: dict[int, dict] = {}

    def row(webhook_id: int) -> dict:
        # A webhook made between these reads still gets its row.
        empty = {"webhook": webhook_id, "depth": 0, "oldest_due_seconds": None, "in_flight": 0, "failures_1h": 0}
        return rows.setdefault(webhook_id, empty)

    for webhook_id in Webhook.objects.order_by("id").values_list("id", flat=True):
        row(webhook_id)
    for webhook_id, depth in pending.values_list("webhook_id").annotate(count=Count("id")).order_by():
        row(webhook_id)["depth"] = depth
    due = pending.filter(next_attempt_at__lte=now).values_list("webhook_id").annotate(oldest=Min("next_attempt_at"))
    for webhook_id, oldest in due.order_by():
        row(webhook_id)["oldest_due_seconds"] = round((now - oldest).total_seconds(), 1)
    leased = (
        pending.filter(lease_token__gt="", locked_until__gt=now)
        .values_list("webhook_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for webhook_id, count in leased:
        row(webhook_id)["in_flight"] = count
    failed = (
        DeliveryAttempt.objects.filter(time__gte=now - timedelta(hours=1))
        .exclude(response_code__gte=200, response_code__lt=303)
        .values_list("delivery__webhook_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for webhook_id, count in failed:
        row(webhook_id)["failures_1h"] = count
    webhooks = list(rows.values())
    ages = [row["oldest_due_seconds"] for row in webhooks if row["oldest_due_seconds"] is not None]
    return {
        "depth": sum(row["depth"] for row in webhooks),
        "oldest_due_seconds": max(ages) if ages else None,
        "in_flight": sum(row["in_flight"] for row in webhooks),
        "failures_1h": sum(row["failures_1h"] for row in webhooks),
        "webhooks": webhooks,
    }
