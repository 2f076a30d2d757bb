"""The webhooks list's filters, with WooCommerce's webhook data store semantics (search_webhooks()).

    WebhookFilterSet({"status": "active", "search": "crm", "include": [3, 4]}, Webhook.objects.all()).qs

Values arrive validated and sanitized by the route's arguments (webhooks.schema); `after`/`before` are
instants, compared inclusively at whole seconds as MySQL's BETWEEN compares WooCommerce's dates.
"""

from datetime import timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from webhooks.models import Webhook


class WebhookFilterSet(django_filters.FilterSet):
    status = django_filters.Filter(method="filter_status")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    include = django_filters.Filter(method="filter_include")
    exclude = django_filters.Filter(method="filter_exclude")
    after = django_filters.Filter(method="filter_created")
    before = django_filters.Filter(method="filter_created")

    class Meta:
        model = Webhook
        fields = ["status", "search", "include", "exclude", "after", "before"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_include(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        return queryset.filter(pk__in=value) if value else queryset

    def filter_exclude(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        return queryset.exclude(pk__in=value) if value else queryset

    def filter_created(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """With either bound, the creation date lies between `after` (or the beginning) and `before` (or now)."""
        if name == "after":
            return queryset.filter(date_created__gte=value)
        return queryset.filter(date_created__lt=value + timedelta(seconds=1))

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if data.get("after") and not data.get("before"):
            queryset = queryset.filter(date_created__lt=timezone.now() + timedelta(seconds=1))
        return queryset
