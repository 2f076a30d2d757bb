"""Dates as WooCommerce's wc_rest_prepare_date_response() formats them: no zone, no fraction.

`*_gmt` fields and v1 show UTC; the other v2/v3 dates show the site's time (Django's TIME_ZONE, which
plays WordPress's timezone setting; UTC unless configured).
"""

from datetime import UTC, datetime

from django.utils import timezone

WC_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def wc_date(value: datetime | None) -> str | None:
    """'2026-11-26T23:39:24' in UTC, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime(WC_DATE_FORMAT)


def wc_local_date(value: datetime | None) -> str | None:
    """The same instant in the site's time zone, or None."""
    if value is None:
        return None
    return value.astimezone(timezone.get_current_timezone()).strftime(WC_DATE_FORMAT)
