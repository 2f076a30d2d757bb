"""The customer list's filters, as WooCommerce's Customers screen offers them: roles that exist (with counts),
countries that exist, and ranges (from, to) for dates, counts and amounts. Each reads an index."""

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

import pycountry
from django.contrib import admin
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from customers.choices import CustomerRole
from customers.selectors import role_counts


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return country.name if country else code


class RoleFilter(admin.SimpleListFilter):
    """Only the roles some customer has, each with how many (the kept role counts: no count query)."""

    title = "role"
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        counts = role_counts()
        return [(role, f"{label} ({counts[role]:,})") for role, label in CustomerRole.choices if counts.get(role)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(role=self.value()) if self.value() else queryset


class CountryFilter(admin.SimpleListFilter):
    """The billing countries customers have, read from the (type, country) index one value at a time (a loose
    index scan: as many lookups as countries, not a read of every address)."""

    title = "country"
    parameter_name = "country"
    template = "admin/customers/select_filter.html"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                """WITH RECURSIVE found(country) AS (
                    SELECT MIN(country) FROM customers_address WHERE type = 'billing' AND country > ''
                    UNION ALL
                    SELECT (SELECT MIN(a.country) FROM customers_address a
                            WHERE a.type = 'billing' AND a.country > found.country)
                    FROM found WHERE found.country IS NOT NULL
                ) SELECT country FROM found WHERE country IS NOT NULL"""
            )
            codes = [row[0] for row in cursor.fetchall()]
        return sorted(((code, f"{country_name(code)} ({code})") for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        return queryset.filter(addresses__type="billing", addresses__country=self.value())


class RangeFilter(admin.FieldListFilter):
    """From and to (both included, either may be empty) on one column; a value that is not one is ignored."""

    template = "admin/customers/range_filter.html"
    input_type = "number"

    # The list's own words for a column, where they are not its field's.
    TITLES = {"date_created": "date registered", "stats__total_spent": "total spend"}

    def __init__(self, field, request, params, model, model_admin, field_path) -> None:
        self.lower_name, self.upper_name = f"{field_path}__gte", f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.TITLES.get(field_path, self.title)

    def expected_parameters(self) -> list[str]:
        return [self.lower_name, self.upper_name]

    def value_of(self, name: str) -> str:
        values = self.used_parameters.get(name) or [""]
        return str(values[-1] if isinstance(values, list) else values).strip()

    def parse(self, text: str):
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() and abs(value) < 10**15 else None

    def asked(self) -> tuple:
        """The "from" and "to" given, parsed (None: not given, or not a value)."""
        return tuple(self.parse(text) if text else None for text in map(self.value_of, self.expected_parameters()))

    def bounds(self) -> tuple:
        """The column's lowest and highest value asked for (None: no bound)."""
        return self.asked()

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        lower, upper = self.bounds()
        if lower is not None:
            queryset = queryset.filter(**{f"{self.field_path}__gte": lower})
        if upper is not None:
            queryset = queryset.filter(**{f"{self.field_path}__lte": upper})
        return queryset

    def choices(self, changelist):
        kept = {name: value for name, value in changelist.params.items() if name not in self.expected_parameters()}
        yield {
            "hidden": sorted(kept.items()),
            "lower": self.value_of(self.lower_name),
            "upper": self.value_of(self.upper_name),
            "clear": changelist.get_query_string(remove=self.expected_parameters()),
            "active": any(bound is not None for bound in self.bounds()),  # a bound of 0 is one
        }


class DateRangeFilter(RangeFilter):
    """Days, in the site's time zone: "to" includes the whole of its day."""

    input_type = "date"

    def parse(self, text: str):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None

    def bounds(self) -> tuple:
        lower, upper = self.asked()
        zone = timezone.get_current_timezone()
        start = datetime.combine(lower, time.min, zone) if lower else None
        # The last moment of the "to" day (the column is compared with <=).
        end = datetime.combine(upper, time.max, zone) if upper else None
        return start, end


class LastActiveRangeFilter(DateRangeFilter):
    """`wc_last_active` is a UTC midnight in seconds: a day "from" or "to" is that day's midnight in UTC."""

    def bounds(self) -> tuple:
        return tuple(int(datetime.combine(day, time.min, UTC).timestamp()) if day else None for day in self.asked())
