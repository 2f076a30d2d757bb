import json

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from customers.models import Address, Customer, CustomerMeta, Download, Order
from customers.selectors import annotate_order_stats


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    max_num = 2


class CustomerMetaForm(forms.ModelForm):
    """A meta value is any JSON: "A-17" (with its quotes), 42, {"a": 1}."""

    class Meta:
        model = CustomerMeta
        fields = ("key", "value")
        widgets = {"value": forms.TextInput(attrs={"size": 60})}

    def clean_value(self) -> str:
        value = self.cleaned_data["value"]
        try:
            json.loads(value)
        except ValueError:
            raise forms.ValidationError(
                'Enter JSON: a quoted string ("text"), a number, true, false, a list or an object.'
            ) from None
        return value


class CustomerMetaInline(admin.TabularInline):
    model = CustomerMeta
    form = CustomerMetaForm
    extra = 0
    verbose_name_plural = "meta data (JSON values; keys starting with _ are never shown by the API)"


class OrderInline(admin.TabularInline):
    model = Order
    extra = 0
    fields = ("status", "total", "date_created", "order_key")
    show_change_link = True


class DownloadInline(admin.TabularInline):
    model = Download
    extra = 0
    fields = ("order", "product_id", "download_name", "downloads_remaining", "access_expires", "file_enabled")
    raw_id_fields = ("order",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Customers with their addresses, orders and download permissions; statistics computed per page."""

    list_display = (
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "orders_count",
        "total_spent",
        "date_created",
    )
    list_filter = ("role",)
    search_fields = ("email", "username", "first_name", "last_name")
    ordering = ("-id",)
    readonly_fields = ("password", "date_created", "date_modified")
    inlines = [AddressInline, CustomerMetaInline, OrderInline, DownloadInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return annotate_order_stats(super().get_queryset(request))

    @admin.display(description="Orders", ordering="orders_count")
    def orders_count(self, customer: Customer) -> int:
        return customer.orders_count

    @admin.display(description="Total spent", ordering="total_spent")
    def total_spent(self, customer: Customer) -> str:
        return f"{customer.total_spent:.2f}"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "status", "total", "date_created")
    list_filter = ("status",)
    search_fields = ("order_key", "customer__email")
    raw_id_fields = ("customer",)
    list_select_related = ("customer",)


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "order", "product_id", "download_name", "downloads_remaining", "access_expires")
    raw_id_fields = ("customer", "order")
    list_select_related = ("customer", "order")
