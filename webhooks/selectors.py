"""Reads of webhooks, as WooCommerce's webhook data store answers them."""

from datetime import datetime

from django.db.models import F
from django.db.models.functions import Lower

from wcompat.args import MAX_ID
from wcompat.pagination import Page, paginate
from webhooks.filters import WebhookFilterSet
from webhooks.models import Webhook

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
