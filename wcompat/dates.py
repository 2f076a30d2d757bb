"""Dates as WooCommerce's wc_rest_prepare_date_response() formats them: no zone, no fraction."""

from datetime import UTC, datetime


def wc_date(value: datetime | None) -> str | None:
    """'2026-11-26T23:39:24' in UTC, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
