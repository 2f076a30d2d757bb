from django.contrib import admin

from customers.models import Address, Customer, Download, Order


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    max_num = 2


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("id", "username", "email", "first_name", "last_name", "role", "date_created")
    list_filter = ("role",)
    search_fields = ("email", "username", "first_name", "last_name")
    ordering = ("-id",)
    readonly_fields = ("password", "date_created", "date_modified")
    inlines = [AddressInline]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "status", "total", "date_created")
    list_filter = ("status",)
    search_fields = ("order_key", "customer__email")
    raw_id_fields = ("customer",)


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "order", "product_id", "download_name", "downloads_remaining", "access_expires")
    raw_id_fields = ("customer", "order")
