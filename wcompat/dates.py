"""Dates as WooCommerce's wc_rest_prepare_date_response() formats them: no zone, no fraction.

`*_gmt` fields and v1 show UTC; the other v2/v3 dates show the site's time (Django's TIME_ZONE, which
plays WordPress's timezone setting; UTC unless configured).
"""

import re
import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from django.utils import timezone

# An instant as it comes from the database: an aware datetime, or UTC text ("2026-11-26 23:39:24.5", as SQLite keeps
# it and the customers' reads select it on both databases).
Instant = datetime | str | None


def as_datetime(value: Instant) -> datetime | None:
    """The instant as an aware datetime."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def wc_date(value: Instant) -> str | None:
    """'2026-11-26T23:39:24' in UTC, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        # UTC text, cut to shape: a page of 100 customers has 300 dates to write.
        return f"{value[:10]}T{value[11:19]}"
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")[:19]


def site_time_zone() -> zoneinfo.ZoneInfo:
    """The site's time zone: TIME_ZONE, as WordPress's timezone_string is one setting for the whole site (a zone
    activated for a request, as the admin may, does not move the API's dates)."""
    return timezone.get_default_timezone()


def site_time_zone_name() -> str:
    """site_time_zone()'s name ("Europe/Paris"), as Django names a zone."""
    return str(site_time_zone())


def wc_local_date(value: Instant) -> str | None:
    """The same instant in the site's time zone, or None."""
    return local_date_for(site_time_zone_name())(value)


@lru_cache(maxsize=32)
def local_date_for(zone_name: str) -> Callable[[Instant], str | None]:
    """wc_local_date() for one time zone, resolved once (a page has hundreds of dates): in UTC, wc_date."""
    if zone_name in ("UTC", "Etc/UTC"):
        return wc_date
    zone = zoneinfo.ZoneInfo(zone_name)

    def local(value: Instant) -> str | None:
        if value is None:
            return None
        return as_datetime(value).astimezone(zone).isoformat(timespec="seconds")[:19]

    return local


# rest_parse_date(): RFC 3339, with a T or a space, an optional fraction and an optional zone.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::\d{2})?)?$")


def parse_wp_date(value: str) -> datetime | None:
    """WordPress rest_parse_date(): the instant, or None. A date without a zone is UTC (PHP's default)."""
    if not isinstance(value, str) or not _RFC3339.match(value):
        return None
    text = value.replace("t", "T").replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif re.search(r"[+-]\d{2}$", text):
        text += ":00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_ZONE_SUFFIX = re.compile(r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")


class WpDate(str):
    """A date-time argument as the client wrote it (WordPress keeps the string), parsed once, by argument
    validation: `instant` is rest_parse_date()'s reading of it, `zoned` whether the client gave a zone."""

    instant: datetime

    def __new__(cls, text: str, instant: datetime) -> "WpDate":
        date = super().__new__(cls, text)
        date.instant = instant
        return date

    @property
    def zoned(self) -> bool:
        return bool(_ZONE_SUFFIX.search(self))


def wp_date_query_bound(value: WpDate, *, gmt: bool) -> datetime:
    """The instant a WP_Date_Query `after`/`before` bound compares with, as WooCommerce's REST filters build it.

    WordPress turns the date into the site's wall-clock time (a date with a zone is converted to the site's
    zone, one without is taken as written), to the second, and compares it with the GMT column when
    `dates_are_gmt` is set, else with the site-time column.
    """
    zone = site_time_zone()
    wall = value.instant.astimezone(zone) if value.zoned else value.instant
    wall = wall.replace(tzinfo=None, microsecond=0)
    return wall.replace(tzinfo=UTC) if gmt else timezone.make_aware(wall, zone)
