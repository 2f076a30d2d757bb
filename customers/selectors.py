"""Customer reads: one SQL statement for a customer or a whole page, with addresses and order figures.

Every API read runs here, as plain SQL prepared once per process (the ORM spent longer compiling these
queries than the database spent answering them), and returns CustomerRecord rows ready to render:

    customer_get(5)                                     -> CustomerRecord | None     (one statement)
    customer_page(CustomerFilters(search="alice"), per_page=20, page=2)  -> Page of CustomerRecord  (one statement)
    attach_meta(records)                                -> their meta_data            (one statement)

A page and its X-WP-Total come from the same statement, so from one snapshot of the data: the total of an
unfiltered list is read from the per-role counts the database keeps (customers_rolecount), a filtered
one is counted through the filter's indexes. The admin, which sorts and filters by the order figures, reads
the kept ones (CustomerStats) instead.
"""

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import DecimalField
from django.db.models.expressions import RawSQL

from customers import sql as statements
from customers.models import ADDRESS_FIELDS, Customer, phone_digits
from wcompat.args import MAX_ID
from wcompat.dates import Instant
from wcompat.pagination import Page

MONEY = DecimalField(max_digits=20, decimal_places=2)
CENTS = Decimal("0.01")
# A search term longer than the longest searchable column (display_name) can match nothing.
SEARCHABLE_LENGTH = 250
WHOLE_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A search term with this many digits or more (and nothing but phone characters) is looked for as a phone too.
PHONE_SEARCH_DIGITS = 6


_ADDRESS_POSITION = {name: position for position, name in enumerate(ADDRESS_FIELDS)}


class StoredAddress(Mapping[str, str]):
    """An address as a read returns it: a mapping of every key in ADDRESS_FIELDS, its values kept as the row's tuple.

    A page of 100 customers reads 200 addresses: a dict built key by key for each cost a page more than their
    columns did to read, and the rendering builds the version's own dict anyway, picking its keys by position."""

    __slots__ = ("in_order",)

    def __init__(self, in_order: tuple[str, ...]) -> None:
        self.in_order = in_order  # the values in ADDRESS_FIELDS order

    def __getitem__(self, key: str) -> str:
        try:
            return self.in_order[_ADDRESS_POSITION[key]]
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(ADDRESS_FIELDS)

    def __len__(self) -> int:
        return len(ADDRESS_FIELDS)

    def __repr__(self) -> str:
        return f"StoredAddress({dict(self)!r})"


@dataclass(slots=True)
class CustomerRecord:
    """A customer as the API renders it: the row, both addresses, order figures and (when asked) meta_data.

    Its dates are Instants: aware datetimes, or SQLite's UTC text as read (wcompat.dates.as_datetime() makes
    a datetime of either), which the API writes out without parsing it.
    """

    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    display_name: str
    role: str
    is_paying_customer: bool
    date_created: Instant
    date_modified: Instant
    # As read (StoredAddress), or as just written (a dict of the keys written); {} for none.
    billing: Mapping[str, str]
    shipping: Mapping[str, str]
    orders_count: int = 0
    total_spent: Decimal = Decimal("0")
    last_order_id: int | None = None
    last_order_date: Instant = None
    # [(meta id, key, value)], filled in by attach_meta() when the rendering shows meta_data.
    meta: list[tuple[int, str, Any]] | None = field(default=None)

    @classmethod
    def from_model(cls, customer: Customer, addresses: dict[str, dict[str, str]]) -> "CustomerRecord":
        """A customer just written, with the addresses that were written: no read needed to render it."""
        return cls(
            id=customer.pk,
            username=customer.username,
            email=customer.email,
            first_name=customer.first_name,
            last_name=customer.last_name,
            display_name=customer.display_name,
            role=customer.role,
            is_paying_customer=customer.is_paying_customer,
            date_created=customer.date_created,
            date_modified=customer.date_modified,
            billing=addresses.get("billing", {}),
            shipping=addresses.get("shipping", {}),
        )


ZERO = Decimal("0.00")


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENTS) if value else ZERO


def _records(rows: Iterable[tuple], order_figures: bool, with_meta: bool = False) -> list[CustomerRecord]:
    records = []
    base, size = 1 + len(statements.CUSTOMER_COLUMNS), len(ADDRESS_FIELDS)
    for row in rows:
        if row[1] is None:  # the row that carries the total of an empty page
            continue
        (pk, username, email, first, last, display, role, paying, created, modified) = row[1:base]
        billing = row[base : base + size]
        shipping = row[base + size : base + 2 * size]
        # The fields in their declared order, by position (keywords cost a page of 100 a tenth of its records' time).
        record = CustomerRecord(
            pk,
            username,
            email,
            first,
            last,
            display,
            role,
            bool(paying),
            created,
            modified,
            StoredAddress(billing) if billing[0] is not None else {},
            StoredAddress(shipping) if shipping[0] is not None else {},
        )
        rest = base + 2 * size
        if order_figures:
            count, spent, last_id, last_date = row[rest : rest + 4]
            record.orders_count = count or 0
            record.total_spent = _money(spent)
            record.last_order_id = last_id
            record.last_order_date = last_date
            rest += 4
        if with_meta:
            meta = row[rest]
            # Most customers have none: SQLite says "[]", PostgreSQL NULL.
            record.meta = sorted(map(tuple, json.loads(meta)), key=itemgetter(0)) if meta and meta != "[]" else []
        records.append(record)
    return records


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


#
# Reads
#


def customer_get(customer_id: int, *, order_figures: bool = True, with_meta: bool = False) -> CustomerRecord | None:
    """One customer with addresses, (when the version shows them) order figures and (when the reader sees
    them) meta data; one statement."""
    if not 0 < customer_id <= MAX_ID:
        return None
    sql = statements.by_id_sql(connection.vendor, "c.id = %s", order_figures, with_meta)
    records = _records(_run(sql, [customer_id]), order_figures, with_meta)
    return records[0] if records else None


def customer_records(
    ids: Sequence[int], *, order_figures: bool = True, with_meta: bool = False
) -> list[CustomerRecord]:
    """Several customers by id, in the order given (ids that do not exist are left out)."""
    if not ids:
        return []
    vendor = connection.vendor
    sql = statements.by_id_sql(vendor, statements.ids_condition("c.id", vendor), order_figures, with_meta)
    rows = _run(sql, [statements.ids_param(ids, vendor)])
    by_id = {record.id: record for record in _records(rows, order_figures, with_meta)}
    return [by_id[pk] for pk in ids if pk in by_id]


# orderby -> the column a page is sorted on; ties fall back to the id, so pages are stable.
SORT_COLUMNS = {
    "id": "id",
    "name": "display_name",
    "registered_date": "date_created",
    "include": "username",
    "modified": "date_modified",
}


@dataclass(frozen=True)
class CustomerFilters:
    """The list's filters, with WP_User_Query's semantics (see where())."""

    search: str = ""
    email: str = ""
    role: str = "customer"
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    # Extensions: creation and modification bounds (instants; `after` exclusive, `before` exclusive, at whole
    # seconds, as WP_Date_Query compares), and the digits of a billing or shipping phone.
    created_after: datetime | None = None
    created_before: datetime | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    phone_digits: str | None = None

    @property
    def counts_by_role(self) -> bool:
        """Only the role filter applies: the total is the kept per-role count."""
        bounds = (self.created_after, self.created_before, self.modified_after, self.modified_before)
        extensions = any(bound is not None for bound in bounds) or self.phone_digits is not None
        return not (self.search or self.email or self.include or self.exclude or extensions)

    def where(self, vendor: str) -> tuple[str, list]:
        """The SQL condition and its parameters (`c` is the customers table)."""
        conditions, params = [], []
        if self.role not in ("", "all"):
            conditions.append("c.role = %s")
            params.append(self.role)
        if self.email:
            # An email filter replaces the search: the exact address in any letter case.
            conditions.append("UPPER(c.email) = UPPER(%s)")
            params.append(self.email)
        elif self.search:
            condition, values = _search_condition(self.search, vendor)
            conditions.append(condition)
            params += values
        if self.include:
            conditions.append(statements.ids_condition("c.id", vendor))
            params.append(statements.ids_param(self.include, vendor))
        elif self.exclude:
            # include disables exclude, as in WP_User_Query.
            conditions.append(f"NOT ({statements.ids_condition('c.id', vendor)})")
            params.append(statements.ids_param(self.exclude, vendor))
        # A stored date has a fraction; WordPress's has whole seconds: "after T" is "from T + 1 s on".
        for column, bound, operator, shift in (
            ("date_created", self.created_after, ">=", timedelta(seconds=1)),
            ("date_created", self.created_before, "<", timedelta()),
            ("date_modified", self.modified_after, ">=", timedelta(seconds=1)),
            ("date_modified", self.modified_before, "<", timedelta()),
        ):
            if bound is not None:
                conditions.append(f"c.{column} {operator} %s")
                params.append(connection.ops.adapt_datetimefield_value(bound + shift))
        if self.phone_digits is not None:
            conditions.append(
                f"c.id IN (SELECT a.customer_id FROM {statements.TABLES['address']} a WHERE a.phone_digits = %s)"
                if self.phone_digits
                else "1 = 0"
            )
            if self.phone_digits:
                params.append(self.phone_digits)
        return " AND ".join(conditions) or "1 = 1", params


def _search_condition(search: str, vendor: str) -> tuple[str, list]:
    """Substring match on the columns WordPress picks from the term's shape; names are never searched.

    `@` searches the email only; digits the login and the exact id; an http(s) URL the website, which
    customers do not have; anything else login, email and display name.
    """
    term = search.strip().strip("*")
    if not term:
        return "1 = 1", []
    if len(term) > SEARCHABLE_LENGTH or term.startswith(("http://", "https://")):
        return "1 = 0", []
    pattern = statements.like_param(term)
    if "@" in term:
        return statements.like("c.email", vendor), [pattern]
    if term.isascii() and term.isdigit():
        if int(term) <= MAX_ID:
            return f"({statements.like('c.username', vendor)} OR c.id = %s)", [pattern, int(term)]
        return statements.like("c.username", vendor), [pattern]
    columns = [statements.like(f"c.{column}", vendor) for column in ("username", "email", "display_name")]
    return f"({' OR '.join(columns)})", [pattern, pattern, pattern]


def customer_page(
    filters: CustomerFilters = CustomerFilters(),
    *,
    orderby: str = "name",
    order: str = "asc",
    page: int = 1,
    per_page: int = 10,
    offset: int = 0,
    order_figures: bool = True,
    with_meta: bool = False,
) -> Page:
    """One page of the customer list with its total, as WooCommerce's list answers it.

    A non-zero `offset` wins over `page`. `orderby=include` sorts by the position in `include` (and by
    login when there is no include list, as WordPress falls back). The filters' date bounds and phone are
    this project's extensions.
    """
    start = offset or (page - 1) * per_page
    if orderby == "include" and filters.include:
        return _page_in_include_order(
            filters, start, per_page, descending=order == "desc", order_figures=order_figures, with_meta=with_meta
        )
    vendor = connection.vendor
    where, params = filters.where(vendor)
    direction = "DESC" if order == "desc" else "ASC"
    sort = SORT_COLUMNS[orderby]
    page_sql = (
        f"SELECT c.id, c.{sort} AS sort_key FROM {statements.TABLES['customer']} c WHERE {where}"
        f" ORDER BY c.{sort} {direction}, c.id {direction} LIMIT %s OFFSET %s"
    )
    if filters.counts_by_role:
        role_condition = "" if filters.role in ("", "all") else " WHERE role = %s"
        total_sql = f"SELECT COALESCE(SUM(count), 0) FROM {statements.TABLES['rolecount']}{role_condition}"
        total_params = [] if filters.role in ("", "all") else [filters.role]
    else:
        total_sql = f"SELECT COUNT(*) FROM {statements.TABLES['customer']} c WHERE {where}"
        total_params = list(params)
    order_by = f"p.sort_key {direction}, p.id {direction}"
    sql = statements.page_sql(vendor, page_sql, total_sql, order_by, order_figures, with_meta)
    # No database holds more rows than a 64-bit offset reaches: such a page is past the end.
    limit, skip = (per_page, start) if start <= MAX_ID - per_page else (0, 0)
    rows = _run(sql, [*params, limit, skip, *total_params])
    items = _records(rows, order_figures, with_meta)
    return Page(items=items, total=int(rows[0][0]), per_page=per_page, offset=start)


def _page_in_include_order(
    filters: CustomerFilters, start: int, per_page: int, *, descending: bool, order_figures: bool, with_meta: bool
) -> Page:
    """orderby=include: the matching ids sorted by their place in the (bounded) include list, then one page."""
    vendor = connection.vendor
    where, params = filters.where(vendor)
    matching = {row[0] for row in _run(f"SELECT c.id FROM {statements.TABLES['customer']} c WHERE {where}", params)}
    ordered = [pk for pk in filters.include if pk in matching]
    if descending:
        ordered.reverse()
    page_ids = ordered[start : start + per_page]
    return Page(
        items=customer_records(page_ids, order_figures=order_figures, with_meta=with_meta),
        total=len(ordered),
        per_page=per_page,
        offset=start,
    )


def attach_meta(records: Sequence[CustomerRecord]) -> None:
    """Set each record's meta data [(id, key, value)], in the order it was added; one statement."""
    for record in records:
        record.meta = []
    if not records:
        return
    by_id = {record.id: record for record in records}
    vendor = connection.vendor
    sql = (
        f"SELECT id, customer_id, key, value FROM {statements.TABLES['meta']}"
        f" WHERE {statements.ids_condition('customer_id', vendor)} ORDER BY id"
    )
    for meta_id, customer_id, key, value in _run(sql, [statements.ids_param(list(by_id), vendor)]):
        by_id[customer_id].meta.append((meta_id, key, json.loads(value)))


def role_counts() -> dict[str, int]:
    """The kept count of customers per role."""
    return {role: int(count) for role, count in _run(f"SELECT role, count FROM {statements.TABLES['rolecount']}", [])}


def customer_search_ids(term: str) -> RawSQL:
    """The admin's search: ids of the customers whose email, login or name holds the term (substrings, from
    the trigram indexes on PostgreSQL), whose billing or shipping city or postcode is the term (any letter case),
    whose phone has the term's digits (the phone lookup's index), or whose id it is; a term with an @ is looked
    for in emails only. One UNION, so each part reads its own index."""
    term = term.strip()[:SEARCHABLE_LENGTH]
    vendor = connection.vendor
    pattern = statements.like_param(term)
    customer, address = statements.TABLES["customer"], statements.TABLES["address"]
    if "@" in term:
        # An email, or part of one: the email alone, as WordPress's search reads a term with an @. A whole address
        # that a customer has finds that customer from the unique email index (a substring search of a long term
        # reads a trigram index's every common trigram: "exa", "com", …, a tenth of a second at a million).
        if WHOLE_EMAIL.fullmatch(term) and (owner := email_owner(term)) is not None:
            return RawSQL("SELECT %s", [owner])
        return RawSQL(f"SELECT id FROM {customer} WHERE {statements.like('email', vendor)}", [pattern])
    columns = ("email", "username", "first_name", "last_name", "display_name")
    parts = [f"SELECT id FROM {customer} WHERE {statements.like(name, vendor)}" for name in columns]
    params: list = [pattern] * len(columns)
    for name in ("city", "postcode"):
        parts.append(f"SELECT customer_id FROM {address} WHERE UPPER({name}) = UPPER(%s)")
        params.append(term)
    digits = phone_digits(term)
    if len(digits) >= PHONE_SEARCH_DIGITS and re.fullmatch(r"[0-9 +().\-/]+", term):
        parts.append(f"SELECT customer_id FROM {address} WHERE phone_digits = %s")
        params.append(digits)
    if term.isascii() and term.isdigit() and int(term) <= MAX_ID:
        parts.append(f"SELECT id FROM {customer} WHERE id = %s")
        params.append(int(term))
    return RawSQL(" UNION ".join(parts), params)


def email_owner(email: str, *, other_than: int | None = None) -> int | None:
    """The id of the customer registered with this email (any letter case), other than `other_than`."""
    owners = Customer.objects.with_email(email or "").exclude(pk=other_than)
    return owners.values_list("pk", flat=True).first()
