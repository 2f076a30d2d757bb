"""Customers as CSV/JSON rows for the admin's export and previewed import (django-import-export).

One row per customer: the account columns, then billing_* and shipping_* for each address key; the order
figures are exported too, and ignored on import. An import runs every row through customers.services (the
checks first, so that the preview shows each refused row with the services' reason; then the write), so a
row the API would refuse is refused here too.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import sanitize_strftime_format
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV

from customers import services, sql as statements
from customers.choices import AddressType, CustomerRole
from customers.error_codes import CustomerErrorCode
from customers.models import KEYS_BY_ADDRESS, Customer
from customers.selectors import customer_get, email_owner
from wcompat.exceptions import WcAPIException

ACCOUNT_COLUMNS = ("id", "email", "username", "first_name", "last_name", "role")
# The services' refusals of an email another customer has: the import names that customer.
TAKEN_EMAIL = (CustomerErrorCode.UPDATE_EMAIL_TAKEN, CustomerErrorCode.REGISTRATION_EMAIL_EXISTS)
# Customers read per query when an export streams, and characters written per chunk of the answer.
EXPORT_BATCH = 2000
CHUNK_CHARACTERS = 64 * 1024
# What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each one character: a cell's first is looked up, not compared six times


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with `'` so that it stays text."""
    if value.__class__ is str and value[:1] in FORMULA_FIRST:
        return f"'{value}"
    return value


def spreadsheet_unescaped(value: Any) -> Any:
    """spreadsheet_safe() undone, so that an exported file imports back as it was."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SpreadsheetSafeCSV(CSV):
    """CSV whose text cells never start a formula (`=HYPERLINK(…)` is written `'=HYPERLINK(…)`), and whose
    import reads such cells back without the `'`.

    django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: it handles `=` only, drops
    it (the value is lost), and turns every cell of every format into a string."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        return super().export_data(_mapped(dataset, spreadsheet_safe), **kwargs)

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        return _mapped(super().create_dataset(in_stream, **kwargs), spreadsheet_unescaped)


def _mapped(dataset: tablib.Dataset, function) -> tablib.Dataset:
    mapped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        mapped.append([function(value) for value in row])
    return mapped


def _batch(query) -> list[tuple]:
    """A batch's rows. On PostgreSQL without merge joins: the admin's list joins each customer's figures, and a
    merge join reads the figures' index from its start at every batch (its far end, a million rows in, is where
    the last batches begin); a nested loop reads the batch's rows only."""
    if connection.vendor != "postgresql":
        return list(query)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_mergejoin TO off")
        return list(query)


def _renderer(field: fields.Field):
    """What export() does with a field's value read from a row: its widget's rendering, after the field's own
    reading where it has one (FigureField's). The widgets the export meets are rendered here by the same rule
    without the library's lookups per value (the site's language, its number format, its time zone), which were
    half an export's time."""
    render = _fast_render(field.widget)
    if type(field).get_value is fields.Field.get_value:
        return render
    if isinstance(field, FigureField):
        return lambda value: render(field.figure(value))
    return lambda value: field.export(SimpleNamespace(**{field.attribute: value}))


def _fast_render(widget: widgets.Widget):
    """widget.render, the same string for each value, for the widget classes an export of customers uses."""
    kind = type(widget)
    if kind in (widgets.IntegerWidget, widgets.DecimalWidget) and widget.coerce_to_string:
        if settings.USE_THOUSAND_SEPARATOR:
            return widget.render

        def number(value):
            # number_format() of an int without grouping is str(); anything else takes the widget's road.
            return str(value) if value.__class__ is int else widget.render(value)

        return number
    if kind is widgets.CharWidget and widget.coerce_to_string:
        return lambda value: value if value.__class__ is str else ("" if value is None else force_str(value))
    if kind is widgets.DateTimeWidget and widget.coerce_to_string:
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        pattern = sanitize_strftime_format(widget.formats[0])

        def date_time(value):
            if not value or not isinstance(value, datetime):
                return ""
            if zone is not None:
                value = timezone.localtime(value, zone)
            return value.strftime(pattern)

        return date_time
    if kind is widgets.Widget:
        return lambda value: "" if value is None else force_str(value)
    return widget.render


def _with_addresses_and_figures(ids: list[int]):
    """These customers (the ids as one parameter: thousands of placeholders cost more to build and parse than
    the rows to read), with their billing and shipping addresses and their kept figures joined."""
    vendor = connection.vendor
    listed = "SELECT unnest(%s::bigint[])" if vendor == "postgresql" else "SELECT value FROM json_each(%s)"
    joined = {
        kind: FilteredRelation("addresses", condition=Q(addresses__type=kind)) for kind in ("billing", "shipping")
    }
    return Customer.objects.filter(pk__in=RawSQL(listed, [statements.ids_param(ids, vendor)])).annotate(
        **joined, **_figures()
    )


def _figures() -> dict[str, F]:
    """The figures the export writes: the kept ones (CustomerStats), the API's, without counting any order."""
    return {"orders_count": F("stats__orders_count"), "total_spent": F("stats__total_spent")}


def csv_stream(headers: list[str], rows: Iterable[list], byte_order_mark: bool = False) -> Iterator[bytes]:
    """SpreadsheetSafeCSV's file (the same bytes as its export_data), written a chunk at a time; with a UTF-8
    byte order mark first if asked (spreadsheet programs then read UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if byte_order_mark:
        buffer.write("\ufeff")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
        if buffer.tell() > CHUNK_CHARACTERS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """The JSON format's file (a list of objects, as tablib writes it), written an object at a time."""
    yield b"["
    for number, row in enumerate(rows):
        yield (
            (", " if number else "") + json.dumps(dict(zip(headers, row, strict=True)), default=str, ensure_ascii=False)
        ).encode()
    yield b"]"


class AddressField(fields.Field):
    """billing_city and the like: read from the customer's address, staged on import for the services."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(attribute=None, column_name=f"{kind}_{key}")
        self.kind, self.key = kind, key

    def get_value(self, instance: Customer) -> str:
        staged = getattr(instance, "staged_addresses", {}).get(self.kind, {})
        if self.key in staged:
            return staged[self.key]
        if instance.pk is None:
            return ""
        for address in instance.addresses.all():
            if address.type == self.kind:
                return getattr(address, self.key)
        return ""

    def save(self, instance: Customer, row: dict[str, Any], is_m2m: bool = False, **kwargs) -> None:
        if self.column_name not in row:
            return  # a column the file does not have keeps what is stored
        value = row[self.column_name]
        if not hasattr(instance, "staged_addresses"):
            instance.staged_addresses = {}
        instance.staged_addresses.setdefault(self.kind, {})[self.key] = "" if value is None else str(value)


class FigureField(fields.Field):
    """orders_count and total_spent: exported, never imported."""

    def __init__(self, name: str) -> None:
        super().__init__(attribute=name, column_name=name, readonly=True)

    def get_value(self, instance: Customer) -> Any:
        return self.figure(getattr(instance, self.attribute, None))

    def figure(self, value: Any) -> Any:
        return f"{value:.2f}" if self.attribute == "total_spent" and value is not None else value


class CustomerResource(resources.ModelResource):
    orders_count = FigureField("orders_count")
    total_spent = FigureField("total_spent")

    class Meta:
        model = Customer
        fields = (*ACCOUNT_COLUMNS, "date_created", "orders_count", "total_spent")
        export_order = (*ACCOUNT_COLUMNS, "date_created", "orders_count", "total_spent")
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for kind, keys in KEYS_BY_ADDRESS.items():
            for key in keys:
                field = AddressField(kind, key)
                self.fields[field.column_name] = field
        self.fields["date_created"].readonly = True

    def get_user_visible_fields(self):
        """The columns an import reads: not the figures and dates it ignores."""
        return [field for field in self.get_import_fields() if not field.readonly]

    def get_queryset(self):
        return self.filter_export(Customer.objects.all()).order_by("id")

    def filter_export(self, queryset, **kwargs):
        return queryset.annotate(**_figures()).prefetch_related("addresses")

    def stream(self, queryset, export_fields=None) -> Iterator[list]:
        """The rows of export(), EXPORT_BATCH customers at a time by id (memory stays flat however many): the
        batch's ids from `queryset` (its filters), then their columns, figures and both addresses in one
        statement, each account value rendered by its field's widget as export() renders it (a million customers
        in about two minutes: no model instance, no query per customer or per address)."""
        fields = self.get_export_fields(export_fields)
        account = [field for field in fields if not isinstance(field, AddressField)]
        address = [f"{field.kind}__{field.key}" for field in fields if isinstance(field, AddressField)]
        # The resource lists the account's columns first, then each address's (AddressFields come last).
        assert fields == account + [field for field in fields if isinstance(field, AddressField)]
        renderers = [_renderer(field) for field in account]
        columns = ["pk", *(field.attribute for field in account), *address]
        ids = queryset.select_related(None).prefetch_related(None).order_by("pk").values_list("pk", flat=True)
        after = 0
        while batch := _batch(ids.filter(pk__gt=after)[:EXPORT_BATCH]):
            rows = _batch(_with_addresses_and_figures(batch).order_by("pk").values_list(*columns))
            for _pk, *values in rows:
                rendered = [render(value) for render, value in zip(renderers, values, strict=False)]
                yield rendered + ["" if value is None else value for value in values[len(renderers) :]]
            after = batch[-1]
            del rows  # before the next batch is read: one batch in memory at a time, not two

    # Import: the services' checks in the preview, the services' writes on confirmation ---------------

    def _addresses(self, instance: Customer) -> dict[str, dict[str, str] | None]:
        staged = getattr(instance, "staged_addresses", {})
        return {kind: staged.get(kind) for kind in AddressType.values}

    def validate_instance(self, instance: Customer, import_validation_errors=None, validate_unique=True) -> None:
        errors = dict(import_validation_errors or {})
        addresses = self._addresses(instance)
        try:
            if instance.pk and Customer.objects.filter(pk=instance.pk).exists():
                services.check_update(
                    customer=customer_get(instance.pk),
                    email=instance.email,
                    username=instance.username,
                    billing=addresses["billing"],
                    role=instance.role,
                )
            else:
                services.check_create(
                    email=instance.email or "",
                    username=instance.username or "",
                    billing=addresses["billing"],
                    role=instance.role or CustomerRole.CUSTOMER,
                )
        except WcAPIException as error:
            message = error.message
            if error.code in TAKEN_EMAIL and (owner := email_owner(instance.email, other_than=instance.pk)):
                message = f"This email is already registered to customer #{owner}."
            errors.setdefault("email" if "email" in error.code else "__all__", []).append(message)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance: Customer, is_create: bool) -> None:
        addresses = self._addresses(instance)
        values = {
            "email": instance.email,
            "first_name": instance.first_name,
            "last_name": instance.last_name,
            **{kind: value for kind, value in addresses.items() if value is not None},
        }
        try:
            existing = customer_get(instance.pk) if instance.pk else None
            if existing is None:
                record = services.customer_create(
                    username=instance.username or "", role=instance.role or CustomerRole.CUSTOMER, **values
                )
            else:
                record = services.customer_update(customer=existing, role=instance.role or None, **values)
        except WcAPIException as error:
            raise ValidationError(error.message) from None
        instance.pk = record.id

    def import_instance(self, instance: Customer, row: dict[str, Any], **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        for field in self.fields.values():
            if isinstance(field, AddressField):
                field.save(instance, row)
