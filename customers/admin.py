"""The admin, as a shop operator uses it: find a customer, check their orders, fix an address.

Every write goes through customers.services, as the API's do: the form runs the services' checks and shows
their errors on the fields they concern; the save calls the services. CSV/JSON export and a previewed CSV
import (django-import-export) take the same road (customers.resources).
"""

import json
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

import pycountry
import tablib
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Upper
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats.base_formats import JSON
from import_export.forms import SelectableFieldsExportForm

from customers import privacy, services
from customers.admin_filters import CountryFilter, DateRangeFilter, LastActiveRangeFilter, RangeFilter, RoleFilter
from customers.choices import AddressType, CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import KEYS_BY_ADDRESS, Address, Customer, CustomerMeta, Download, Order, PrivacyAudit
from customers.resources import TAKEN_EMAIL, CustomerResource, SpreadsheetSafeCSV, csv_stream, json_stream
from customers.schema import VERSIONS
from customers.selectors import attach_meta, customer_get, customer_search_ids, email_owner, role_counts
from customers.serializers import RenderContext, render_customer
from customers.states import STATES_STATIC_PATH, states_of
from system_status.prices import wc_price
from wcompat.dates import as_datetime
from wcompat.exceptions import WcAPIException

# Which form field a service's error belongs to, by its code.
ERROR_FIELDS = {
    CustomerErrorCode.INVALID_EMAIL: "email",
    CustomerErrorCode.REGISTRATION_INVALID_EMAIL: "email",
    CustomerErrorCode.REGISTRATION_EMAIL_EXISTS: "email",
    CustomerErrorCode.EMAIL_TOO_LONG: "email",
    CustomerErrorCode.UPDATE_EMAIL_TAKEN: "email",
    CustomerErrorCode.INVALID_BILLING_EMAIL: "billing_email",
    CustomerErrorCode.REGISTRATION_INVALID_USERNAME: "username",
    CustomerErrorCode.REGISTRATION_USERNAME_EXISTS: "username",
    CustomerErrorCode.USERNAME_TOO_LONG: "username",
    CustomerErrorCode.USERNAME_NOT_EDITABLE: "username",
    CustomerErrorCode.INVALID_ROLE: "role",
}
ADDRESS_LABELS = {"address_1": "Address line 1", "address_2": "Address line 2"}


def admin_date(moment: datetime | date) -> str:
    """A moment (on the site's calendar) or a day, as the admin writes dates everywhere (DATE_FORMAT)."""
    return date_format(timezone.localtime(moment) if isinstance(moment, datetime) else moment)


# The newest API version: what the customer's JSON link shows.
NEWEST = VERSIONS[-1]


COUNTRY_CHOICES = [
    ("", "—"),
    *sorted(((country.alpha_2, country.name) for country in pycountry.countries), key=itemgetter(1)),
]


def select_html(name: str, attrs: dict[str, Any], choices, chosen: str) -> str:
    """A <select> of (value, label) choices with `chosen` selected, written directly: Django renders each option
    through a template, which made two country lists most of a customer page's time."""
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, mark_safe(" selected") if code == chosen else "", label) for code, label in choices),
    )
    return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


class CountrySelect(forms.Select):
    """The list of some 250 countries (select_html())."""

    def render(self, name: str, value, attrs=None, renderer=None) -> str:
        chosen = "" if value is None else str(value)
        return select_html(name, self.build_attrs(self.attrs, attrs), self.choices, chosen)


class PlainTextInput(forms.TextInput):
    """TextInput's own HTML, written directly rather than through its template (and attrs.html): a customer's page
    has some forty text fields, a sixth of its rendering time."""

    def render(self, name: str, value, attrs=None, renderer=None) -> str:
        value = self.format_value(value)
        shown = format_html(' value="{}"', value) if value is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', self.input_type, name, shown, self.attributes(attrs))

    def attributes(self, attrs) -> str:
        """As Django's attrs.html writes them: in order, `True` as a bare name, `False` left out."""
        return mark_safe(  # each piece escaped by format_html
            "".join(
                format_html(" {}", key) if value is True else format_html(' {}="{}"', key, str(value))
                for key, value in self.build_attrs(self.attrs, attrs).items()
                if value is not False
            )
        )


class PlainEmailInput(PlainTextInput):
    input_type = "email"


class StateSelect(forms.Widget):
    """An address's state: chosen from WooCommerce's list for the address's country (`country`, set by the
    form), typed where the country has none; customers/states.js switches between the two as the country
    changes. A stored state the list does not have stays offered, so a save keeps it."""

    country: str | None = None

    class Media:
        js = ("customers/states.js",)

    def render(self, name: str, value, attrs=None, renderer=None) -> str:
        value = "" if value is None else str(value)
        attrs = self.build_attrs(self.attrs, attrs)
        country_id = attrs["id"].removesuffix("state") + "country"
        attrs |= {"data-states-url": static(STATES_STATIC_PATH), "data-states-for": country_id}
        choices = states_of(self.country)
        if not choices:
            return PlainTextInput(attrs={"class": "vTextField"}).render(name, value, attrs)
        if value and value not in dict(choices):
            choices = [*choices, (value, value)]
        return select_html(name, attrs, [("", "—"), *choices], value)


def _address_fields() -> dict[str, forms.Field]:
    fields = {}
    for kind, keys in KEYS_BY_ADDRESS.items():
        for key in keys:
            label = ADDRESS_LABELS.get(key, key.replace("_", " ").capitalize())
            if key == "country":
                fields[f"{kind}_{key}"] = forms.ChoiceField(
                    label=label, required=False, choices=COUNTRY_CHOICES, widget=CountrySelect
                )
            elif key == "state":
                fields[f"{kind}_{key}"] = forms.CharField(label=label, required=False, widget=StateSelect)
            else:
                fields[f"{kind}_{key}"] = forms.CharField(
                    label=label, required=False, widget=PlainTextInput(attrs={"class": "vTextField"})
                )
    return fields


# billing_first_name … shipping_phone, declared as form fields (they are Address rows, not Customer columns).
AddressFields = type("AddressFields", (forms.Form,), _address_fields())


class CustomerForm(AddressFields, forms.ModelForm):
    """One customer with both addresses; the services decide what is valid."""

    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current password.",
    )

    class Meta:
        model = Customer
        fields = ("username", "email", "first_name", "last_name", "display_name", "role")
        widgets = {
            "first_name": PlainTextInput(attrs={"class": "vTextField"}),
            "last_name": PlainTextInput(attrs={"class": "vTextField"}),
            "display_name": PlainTextInput(attrs={"class": "vTextField"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget = PlainEmailInput(attrs={"class": "vTextField"})
        if self.instance.pk:
            for address in self.instance.addresses.all():
                for key in KEYS_BY_ADDRESS.get(address.type, ()):
                    self.initial[f"{address.type}_{key}"] = getattr(address, key)
            self.fields["username"].disabled = True  # WordPress logins are not editable
            self.fields["username"].help_text = "Logins cannot be changed."
        else:
            self.fields["username"].required = False
            self.fields["username"].help_text = "Leave empty to make one from the email, as the API does."
            self.fields["password"].help_text = "Leave empty for a customer without a password (none can log in)."
        for kind in KEYS_BY_ADDRESS:
            # A stored country the list does not have (an import's) stays offered, so a save keeps it.
            field, stored = self.fields[f"{kind}_country"], self.initial.get(f"{kind}_country") or ""
            if stored and stored not in dict(field.choices):
                field.choices = [*field.choices, (stored, stored)]
            # The state's list is the country's: the one posted, else the one stored.
            country = self.data.get(self.add_prefix(f"{kind}_country")) if self.is_bound else stored
            self.fields[f"{kind}_state"].widget.country = country

    def address(self, kind: str) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"{kind}_{key}", "") for key in KEYS_BY_ADDRESS[kind]}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            if self.instance.pk:
                services.check_update(
                    customer=customer_get(self.instance.pk),
                    email=data.get("email"),
                    billing=self.address("billing"),
                    role=data.get("role"),
                    password=data.get("password"),
                )
            else:
                services.check_create(
                    email=data.get("email") or "",
                    username=data.get("username") or "",
                    billing=self.address("billing"),
                    role=data.get("role") or CustomerRole.CUSTOMER,
                )
        except services.RoleRuleBroken as error:
            self.add_error(error.rule, f"The {error.rule} of a user with role {error.role} cannot be changed here.")
        except WcAPIException as error:
            self.add_error(ERROR_FIELDS.get(error.code), self._operator_message(error, data))
        return data

    def _operator_message(self, error: WcAPIException, data: dict[str, Any]):
        """The API's message, but where it hides what an operator needs: a taken email names its customer (the
        API says "Email address is invalid." on an update, as WooCommerce does)."""
        if error.code in TAKEN_EMAIL and (owner := email_owner(data.get("email"), other_than=self.instance.pk)):
            url = reverse("admin:customers_customer_change", args=[owner])
            return format_html('This email is already registered to <a href="{}">customer #{}</a>.', url, owner)
        return error.message


class CustomerMetaForm(forms.ModelForm):
    """A meta value is any JSON: "A-17" (with its quotes), 42, {"a": 1}."""

    class Meta:
        model = CustomerMeta
        fields = ("key", "value")
        widgets = {"key": forms.TextInput(attrs={"size": 30}), "value": forms.TextInput(attrs={"size": 60})}

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


class DownloadInline(admin.TabularInline):
    model = Download
    extra = 0
    fields = ("order", "product_id", "download_name", "downloads_remaining", "access_expires", "file_enabled")
    raw_id_fields = ("order",)


ADDRESS_FIELDSETS = tuple(
    (
        f"{kind.capitalize()} address",
        {"fields": tuple(f"{kind}_{key}" for key in keys), "classes": ("address-column",)},
    )
    for kind, keys in KEYS_BY_ADDRESS.items()
)


class SearchesAnId:
    """Admin search that also finds the row whose `id_search_field` is a numeric term."""

    id_search_field = "pk"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isascii() and term.isdigit() and len(term) < 19:
            results = results | queryset.filter(**{self.id_search_field: int(term)})
        return results, may_have_duplicates


class KnownTotalPaginator(Paginator):
    """A paginator told its total (the kept role counts), or counting no further than COUNT_CAP: a filter that
    matches half a million customers pages as "more than 10,000" instead of counting them at each page."""

    COUNT_CAP = 10_000

    def __init__(self, *args, total: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.capped = False
        if total is not None:
            self.count = total  # the cached_property, set

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by().values("pk")[: self.COUNT_CAP + 1].count()
        self.capped = counted > self.COUNT_CAP
        return min(counted, self.COUNT_CAP)


class CustomerExportForm(SelectableFieldsExportForm):
    """CSV first and chosen; a byte order mark for spreadsheet programs that read UTF-8 only with one."""

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"
        self.fields["byte_order_mark"] = forms.BooleanField(
            required=False,
            label="UTF-8 byte order mark",
            help_text="For Excel and other spreadsheet programs, so that accented letters read right (CSV only).",
        )


# The billing address's columns the list shows, with their titles.
BILLING_COLUMNS = {"country": "Country", "city": "City", "state": "Region", "postcode": "Postal code"}
# A list's parameters that choose no customers: its sort, its page, the admin's error flag, the filters a page
# came from.
NOT_FILTERS = ("o", "p", "e", "_changelist_filters")


class CustomerChangeList(ChangeList):
    """Ties broken by id in the direction of the sort (otherwise the list's default order, -id, comes last):
    "orders ascending, then id ascending" is the order of the (orders_count, customer) index, read as it is
    instead of sorted again."""

    def get_results(self, request: HttpRequest) -> None:
        """The page's rows, with their billing address's country, city, region and postcode read for those rows
        only (a join in the list's query would be in its count too, over every matching customer)."""
        super().get_results(request)
        self.result_list = list(self.result_list)
        addresses = Address.objects.filter(
            customer_id__in=[customer.pk for customer in self.result_list], type=AddressType.BILLING
        ).values_list("customer_id", *BILLING_COLUMNS)
        found = {customer_id: values for customer_id, *values in addresses}
        for customer in self.result_list:
            for column, value in zip(BILLING_COLUMNS, found.get(customer.pk, [""] * len(BILLING_COLUMNS)), strict=True):
                setattr(customer, f"billing_{column}", value)

    def get_ordering(self, request: HttpRequest, queryset: QuerySet) -> list:
        ordering = list(super().get_ordering(request, queryset))
        if len(ordering) > 1 and ordering[-1] in ("-pk", "-id") and not _descending(ordering[0]):
            ordering[-1] = "pk"
        return ordering


def _billing_column(column: str, title: str):
    """A list column of the billing address (CustomerChangeList.get_results reads it for the page's rows)."""

    @admin.display(description=title)
    def show(self, customer: Customer) -> str:
        return getattr(customer, f"billing_{column}") or "—"

    return show


def _reasons(row) -> list[str]:
    """An import row's refusals as "field: message" (or the message alone)."""
    return [
        message if field == "__all__" else f"{field}: {message}"
        for field, messages_ in row.error_dict.items()
        for message in messages_
    ]


def _descending(part) -> bool:
    if isinstance(part, str):
        return part.startswith("-")
    return bool(getattr(part, "descending", False))


ORDERS_HELP = "Every order of the customer, whatever its status (the API's orders_count)."
SPENT_HELP = "The total of the customer's paid orders: processing and completed (the API's total_spent)."


@admin.register(Customer)
class CustomerAdmin(ImportExportMixin, ExportActionMixin, admin.ModelAdmin):
    """Customers as WooCommerce's Customers screen lists them, with their addresses side by side, orders,
    downloads and meta data on their page. The list's figures are the kept ones (CustomerStats), so that each
    sort and filter reads an index; they are the API's."""

    form = CustomerForm
    resource_classes = [CustomerResource]
    formats = [SpreadsheetSafeCSV, JSON]
    import_formats = [SpreadsheetSafeCSV]
    list_display = (
        "full_name",
        "username",
        "email_address",
        "last_active",
        "created",
        "orders_count",
        "total_spent",
        "average_order_value",
        "last_order",
        *(f"billing_{column}" for column in BILLING_COLUMNS),
    )
    list_display_links = ("full_name", "email_address")
    actions = ["export_personal_data", "erase_personal_data"]
    list_filter = (
        RoleFilter,
        "is_paying_customer",
        CountryFilter,
        ("date_created", DateRangeFilter),
        ("stats__last_active", LastActiveRangeFilter),
        ("stats__orders_count", RangeFilter),
        ("stats__total_spent", RangeFilter),
    )
    search_fields = ("email",)  # the search itself is customer_search_ids()
    search_help_text = "Email, username, name, city, postcode or phone; a number finds that customer id too."
    ordering = ("-id",)
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice: a read of every customer each
    paginator = KnownTotalPaginator
    export_form_class = CustomerExportForm
    export_template_name = "admin/customers/customer/export.html"
    import_template_name = "admin/customers/customer/import.html"
    save_on_top = True
    readonly_fields = ("figures", "latest_orders", "date_created", "date_modified", "api_json")
    inlines = [DownloadInline, CustomerMetaInline]
    # The customer's page shows this many of their orders, newest first, and links all of them (a customer with
    # thousands of orders made a page of megabytes).
    latest_orders_shown = 20

    class Media:
        css = {"all": ("customers/admin.css",)}
        js = ("customers/admin.js",)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        account = ("username", "email", "first_name", "last_name", "display_name", "role", "password")
        fieldsets = [(None, {"fields": account})]
        fieldsets += ADDRESS_FIELDSETS
        if obj is not None:
            figures = ("figures", "latest_orders", "date_created", "date_modified", "api_json")
            fieldsets.append(("Figures", {"fields": figures}))
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        # An inner join on the figures (every customer has its row), so that a sort by one reads its index.
        last_order = Order.objects.filter(pk=OuterRef("stats__last_order_id")).values("date_created")
        return (
            super()
            .get_queryset(request)
            .filter(stats__isnull=False)
            .select_related("stats")
            .annotate(last_order_date=Subquery(last_order, output_field=DateTimeField()))
        )

    def get_changelist(self, request: HttpRequest, **kwargs):
        return CustomerChangeList

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=customer_search_ids(search_term)), False

    def known_total(self, request: HttpRequest) -> int | None:
        """The kept role counts are the total of a list that is not searched or filtered, or only by role."""
        asked = {name for name in request.GET if name not in NOT_FILTERS}
        if not asked:
            return sum(role_counts().values())
        if asked == {"role"}:
            return role_counts().get(request.GET["role"], 0)
        return None

    def get_paginator(self, request: HttpRequest, queryset, per_page, orphans=0, allow_empty_first_page=True):
        total = self.known_total(request)
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, total=total)

    # Export: streamed, a batch of customers at a time ------------------------------------------------

    def init_request_context_data(self, request: HttpRequest, form):
        """The export page says how many customers it will write and which search and filters choose them."""
        context = super().init_request_context_data(request, form)
        if "export_items" in getattr(form, "initial", {}):
            return context
        total = self.known_total(request)
        context["export_count"] = total if total is not None else self.get_export_queryset(request).count()
        context["export_filters"] = [(name, value) for name, value in request.GET.items() if name not in NOT_FILTERS]
        return context

    def _do_file_export(self, file_format, request: HttpRequest, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)(**self.get_export_resource_kwargs(request))
        export_fields = self.get_export_resource_fields_from_form(export_form)
        headers = resource.get_export_headers(selected_fields=export_fields)
        rows = resource.stream(queryset, export_fields)
        if isinstance(file_format, SpreadsheetSafeCSV):
            byte_order_mark = bool(export_form is not None and export_form.cleaned_data.get("byte_order_mark"))
            chunks = csv_stream(headers, rows, byte_order_mark)
        else:
            chunks = json_stream(headers, rows)
        response = StreamingHttpResponse(chunks, content_type=f"{file_format.get_content_type()}; charset=utf-8")
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, customer: Customer) -> str:
        return f"{customer.first_name} {customer.last_name}".strip() or "—"

    @admin.display(description="Email", ordering=Upper("email"))
    def email_address(self, customer: Customer) -> str:
        """Sorted as the unique email index has it (in any letter case), so a sort reads that index."""
        return customer.email

    @admin.display(description="Orders", ordering="stats__orders_count")
    def orders_count(self, customer: Customer) -> str:
        return format_html('<span class="number" title="{}">{}</span>', ORDERS_HELP, customer.stats.orders_count)

    @admin.display(description="Total spend", ordering="stats__total_spent")
    def total_spent(self, customer: Customer) -> str:
        return format_html(
            '<span class="number" title="{}">{}</span>', SPENT_HELP, wc_price(customer.stats.total_spent)
        )

    @admin.display(description="AOV")
    def average_order_value(self, customer: Customer) -> str:
        value = customer.stats.average_order_value
        title = "Average order value: the total spend per paid order."
        return format_html('<span class="number" title="{}">{}</span>', title, wc_price(value) if value else "—")

    @admin.display(description="Last order", ordering="stats__last_order_id")
    def last_order(self, customer: Customer) -> str:
        """The order with the highest id, as wc_get_customer_last_order() and the customer's page have it."""
        if customer.last_order_date is None:
            return "—"
        return admin_date(customer.last_order_date)

    billing_country, billing_city, billing_state, billing_postcode = (
        _billing_column(column, title) for column, title in BILLING_COLUMNS.items()
    )

    @admin.action(description="Export personal data (JSON, for an access request)")
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[Customer]) -> HttpResponse:
        """A downloaded file: the selected customers' personal data (customers.privacy), each export audited."""
        if not request.user.has_perm("customers.export_personal_data"):
            self.message_user(request, "Exporting personal data is for administrators.", messages.ERROR)
            return None
        actor = privacy.actor_of(request.user)
        exports = [privacy.customer_export(customer, actor=actor, via="admin") for customer in queryset.order_by("id")]
        body = exports[0] if len(exports) == 1 else exports
        name = f"customer-{exports[0]['customer_id']}" if len(exports) == 1 else "customers"
        response = HttpResponse(json.dumps(body, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}-personal-data.json"'
        return response

    @admin.action(description="Erase personal data (an erasure request)…")
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Customer]) -> HttpResponse | None:
        """A confirmation page listing what would go (a dry run), then the erasure, each one audited."""
        if not request.user.has_perm("customers.erase_personal_data"):
            self.message_user(request, "Erasing personal data is for administrators.", messages.ERROR)
            return None
        customers = list(queryset.order_by("id"))
        actor = privacy.actor_of(request.user)
        if request.POST.get("confirmed") != "yes":
            plans = [privacy.customer_erase(customer, actor=actor, via="admin", dry_run=True) for customer in customers]
            kinds = list(plans[0]) if plans else []
            context = {
                **self.admin_site.each_context(request),
                "customers": customers,
                "kinds": kinds,
                "plan": [
                    {"id": customer.pk, "counts": [plan[kind] for kind in kinds]}
                    for customer, plan in zip(customers, plans, strict=True)
                ],
                "back": request.get_full_path(),
                "title": "Erase personal data",
            }
            return TemplateResponse(request, "admin/customers/customer/erase_confirmation.html", context)
        for customer in customers:
            privacy.customer_erase(customer, actor=actor, via="admin")
        self.message_user(request, f"The personal data of {len(customers)} customer(s) was erased.", messages.SUCCESS)
        return None

    @admin.display(description="Last active", ordering="stats__last_active")
    def last_active(self, customer: Customer) -> str:
        """WooCommerce's Customers screen column: the day of `wc_last_active` (a UTC midnight, in seconds)."""
        seconds = customer.stats.last_active
        try:
            return admin_date(datetime.fromtimestamp(seconds, UTC).date()) if seconds is not None else "—"
        except (OverflowError, OSError, ValueError):
            return "—"

    @admin.display(description="Date registered", ordering="date_created")
    def created(self, customer: Customer) -> str:
        return admin_date(customer.date_created)

    @admin.display(description="Orders and spending")
    def figures(self, customer: Customer) -> str:
        record = customer_get(customer.pk)
        last = "none"
        if record.last_order_id:
            last = f"#{record.last_order_id} on {admin_date(as_datetime(record.last_order_date))}"
        paying = "yes" if record.is_paying_customer else "no"
        return (
            f"{record.orders_count} orders (every status); total spend {wc_price(record.total_spent)}"
            f" (processing and completed orders); last order: {last}; paying customer: {paying}"
        )

    @admin.display(description="Orders")
    def latest_orders(self, customer: Customer) -> str:
        """The latest orders (each a link to its page) as one table, and a link to all of them."""
        latest = Order.objects.filter(customer=customer).order_by("-id")[: self.latest_orders_shown]
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td class="number">{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:customers_order_change", args=[order.pk]),
                    order.pk,
                    order.get_status_display(),
                    wc_price(order.total),
                    admin_date(order.date_created),
                    order.order_key,
                )
                for order in latest
            ),
        )
        count = Order.objects.filter(customer=customer).count()
        url = reverse("admin:customers_order_changelist") + f"?customer__id__exact={customer.pk}"
        every = format_html('<a href="{}">All {} order{} of this customer</a>', url, count, "" if count == 1 else "s")
        if not count:
            return every
        return format_html(
            '<table class="latest-orders"><thead><tr><th>Order</th><th>Status</th><th class="number">Total</th>'
            "<th>Date</th><th>Order key</th></tr></thead><tbody>{}</tbody></table><p>{} (the latest {} above)</p>",
            rows,
            every,
            min(count, self.latest_orders_shown),
        )

    @admin.display(description="API")
    def api_json(self, customer: Customer) -> str:
        url = reverse("admin:customers_customer_json", args=[customer.pk])
        return format_html('<a href="{}">This customer as {} answers it (JSON)</a>', url, NEWEST.namespace)

    # Writes, through the services -------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Customer, form: CustomerForm, change: bool) -> None:
        data = form.cleaned_data
        values = {
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "billing": form.address("billing"),
            "shipping": form.address("shipping"),
            "password": data.get("password") or "",
        }
        if change:
            record = services.customer_update(
                customer=customer_get(obj.pk), role=data["role"], display_name=data["display_name"], **values
            )
        else:
            record = services.customer_create(
                username=data.get("username") or "",
                role=data["role"],
                display_name=data["display_name"] or None,
                **values,
            )
        obj.pk = record.id
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Customer) -> None:
        services.customer_delete(customer=customer_get(obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        for customer in queryset:
            services.customer_delete(customer=customer_get(customer.pk))

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        # The services' role rule: only customers and subscribers may be deleted.
        if obj is not None and services.role_rule_violations(obj.role, "destroy"):
            return False
        return super().has_delete_permission(request, obj)

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WcAPIException as error:
            # Another writer got there between the form's checks and the save: nothing was written.
            messages.error(request, f"Not saved: {error.message}")
            return HttpResponseRedirect(request.get_full_path())

    # The customer's JSON ----------------------------------------------------------------------------

    def get_urls(self):
        json_view = self.admin_site.admin_view(self.json_view)
        template_view = self.admin_site.admin_view(self.import_template_view)
        return [
            path("<int:pk>/json/", json_view, name="customers_customer_json"),
            path("import/template.csv", template_view, name="customers_customer_import_template"),
            path(
                "import/valid-rows/",
                self.admin_site.admin_view(self.import_valid_rows_view),
                name="customers_customer_import_valid_rows",
            ),
            *super().get_urls(),
        ]

    def import_action(self, request: HttpRequest, **kwargs):
        """The preview; when some rows are refused, a form to import the others and take the refused ones back."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result, form = context.get("result"), context.get("form")
        if result is not None and not result.has_errors() and result.has_validation_errors() and form is not None:
            context["partial_form"] = self.create_confirm_form(request, import_form=form)
            context["refused_count"] = len(result.invalid_rows)
            context["valid_count"] = result.total_rows - len(result.invalid_rows)
        return response

    def import_valid_rows_view(self, request: HttpRequest) -> HttpResponse:
        """Import the rows the checks accept; answer the refused ones as a CSV with an `errors` column."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        gone = "Upload the file again: the import it belonged to is gone."
        if request.method != "POST" or not confirm_form.is_valid():
            messages.error(request, gone)
            return HttpResponseRedirect(reverse("admin:customers_customer_import"))
        input_format = self.get_import_formats()[int(confirm_form.cleaned_data["format"])](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            dataset = input_format.create_dataset(storage.read())
        except OSError:
            messages.error(request, gone)
            return HttpResponseRedirect(reverse("admin:customers_customer_import"))
        resource = self.choose_import_resource_class(confirm_form, request)(
            **self.get_import_resource_kwargs(request, form=confirm_form)
        )
        checked = resource.import_data(dataset, dry_run=True, raise_errors=False, user=request.user)
        reasons = {row.number: _reasons(row) for row in checked.invalid_rows}
        reasons |= {line: [str(error.error) for error in errors] for line, errors in checked.row_errors()}
        valid_numbers = [number for number in range(1, len(dataset) + 1) if number not in reasons]
        valid = tablib.Dataset(*(dataset[number - 1] for number in valid_numbers), headers=dataset.headers)
        written = self.process_dataset(valid, confirm_form, request)
        storage.remove()
        # A row refused at the write (another writer took its email meanwhile) is refused too, with its reason.
        for row in written.invalid_rows:
            reasons[valid_numbers[row.number - 1]] = _reasons(row)
        self.process_result(written, request)  # the admin's history and its success message
        if reasons:
            messages.warning(request, f"{len(reasons)} row(s) refused: they are in the downloaded file, with why.")
        refused = [[*dataset[number - 1], "; ".join(reasons[number])] for number in sorted(reasons)]
        answer = HttpResponse(b"".join(csv_stream([*dataset.headers, "errors"], refused)), content_type="text/csv")
        answer["Content-Disposition"] = 'attachment; filename="customers-refused.csv"'
        return answer

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        """The columns the import reads, as an empty CSV to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        columns = [field.column_name for field in CustomerResource().get_user_visible_fields()]
        response = HttpResponse(b"".join(csv_stream(columns, [])), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="customers-import-template.csv"'
        return response

    def json_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        record = customer_get(pk)
        if record is None or not self.has_view_permission(request):
            error = CustomerErrorCode.INVALID_USER_ID.error()
            return JsonResponse(error.as_dict(), status=error.status_code)
        context = RenderContext(
            version=NEWEST,
            rest_base=request.build_absolute_uri("/wp-json").rstrip("/"),
            secure=request.is_secure(),
            show_meta=request.user.is_superuser,
        )
        attach_meta([record])
        return JsonResponse(render_customer(record, context), json_dumps_params={"indent": 2, "ensure_ascii": False})


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_link", "status", "total", "date_created")
    list_filter = ("status",)
    search_fields = ("order_key", "customer__email")
    raw_id_fields = ("customer",)
    list_select_related = ("customer",)

    @admin.display(description="Customer", ordering="customer")
    def customer_link(self, order: Order) -> str:
        """Back to the customer's page (which lists their latest orders and links here)."""
        if order.customer_id is None:
            return "—"
        url = reverse("admin:customers_customer_change", args=[order.customer_id])
        return format_html('<a href="{}">{}</a>', url, order.customer)

    def save_model(self, request: HttpRequest, obj: Order, form, change: bool) -> None:
        services.order_save(obj)

    def delete_model(self, request: HttpRequest, obj: Order) -> None:
        services.order_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        for order in queryset:
            services.order_delete(order)


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "order", "product_id", "download_name", "downloads_remaining", "access_expires")
    raw_id_fields = ("customer", "order")
    list_select_related = ("customer", "order")


@admin.register(PrivacyAudit)
class PrivacyAuditAdmin(SearchesAnId, admin.ModelAdmin):
    """The audit trail of exports and erasures: read-only, and it holds no personal data."""

    id_search_field = "customer_id"
    list_display = ("time", "action", "customer_id", "actor", "via", "counts")
    list_filter = ("action", "via", "time")
    search_fields = ("actor",)
    search_help_text = "Who asked, or a customer id."
    date_hierarchy = "time"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
