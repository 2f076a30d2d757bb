"""The customer collection's filters and orderings, with WordPress's WP_User_Query semantics."""

import django_filters
from django.db.models import Case, IntegerField, Q, QuerySet, When

from customers.models import Customer
from wcompat.args import MAX_ID


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    pass


class CustomerFilterSet(django_filters.FilterSet):
    """Filters for GET /customers; values arrive already validated by the route arguments.

    >>> CustomerFilterSet({"role": "customer", "search": "alice"}, Customer.objects.all()).qs
    """

    search = django_filters.CharFilter(method="filter_search")
    email = django_filters.CharFilter(method="filter_email")
    role = django_filters.CharFilter(method="filter_role")
    include = NumberInFilter(field_name="id", lookup_expr="in")
    exclude = NumberInFilter(field_name="id", lookup_expr="in", exclude=True)

    class Meta:
        model = Customer
        fields = ["search", "email", "role", "include", "exclude"]

    def __init__(self, data=None, *args, **kwargs) -> None:
        data = dict(data or {})
        # An email filter replaces the search, and include disables exclude, as in WP_User_Query.
        if data.get("email"):
            data.pop("search", None)
        if data.get("include"):
            data.pop("exclude", None)
        super().__init__(data, *args, **kwargs)

    def filter_email(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The exact address in any letter case, as WP_User_Query's LIKE without wildcards."""
        return queryset.with_email(value) if value else queryset

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value in ("", "all") else queryset.filter(role=value)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Substring match on the columns WordPress picks from the term's shape; names are not searched."""
        term = value.strip().strip("*")
        if not term:
            return queryset
        if "@" in term:
            return queryset.filter(email__icontains=term)
        if term.isascii() and term.isdigit():
            by_login = Q(username__icontains=term)
            return queryset.filter(by_login | Q(pk=int(term)) if int(term) <= MAX_ID else by_login)
        if term.startswith(("http://", "https://")):
            # Customers have no website URL, the only column such a term is matched against.
            return queryset.none()
        return queryset.filter(Q(username__icontains=term) | Q(email__icontains=term) | Q(display_name__icontains=term))


ORDERBY_FIELDS = {"id": "id", "name": "display_name", "registered_date": "date_created"}


def order_customers(queryset: QuerySet, *, orderby: str, order: str, include: list[int]) -> QuerySet:
    """orderby/order as WordPress maps them; ties fall back to id so pages are stable."""
    descending = order == "desc"
    prefix = "-" if descending else ""
    if orderby == "include" and include:
        position = Case(*[When(pk=pk, then=index) for index, pk in enumerate(include)], output_field=IntegerField())
        return queryset.order_by(position.desc() if descending else position.asc(), f"{prefix}id")
    field = "username" if orderby == "include" else ORDERBY_FIELDS[orderby]
    return queryset.order_by(f"{prefix}{field}", f"{prefix}id")
