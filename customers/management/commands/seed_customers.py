"""python manage.py seed_customers --customers 100000 --orders 1000000

Bulk-inserts made-up customers (with both addresses) and orders, for benchmarks and demos: COPY on
PostgreSQL, multi-row INSERTs elsewhere, in batches, with a progress bar.
"""

import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from customers import figures
from customers.choices import LAST_ACTIVE_KEY, AddressType, CustomerRole, OrderStatus
from customers.models import ADDRESS_FIELDS, Address, Customer, CustomerMeta, Order, phone_digits
from customers.services import recount_role_totals

FIRST_NAMES = [
    "Alice",
    "Bob",
    "Carol",
    "Dave",
    "Erin",
    "Frank",
    "Grace",
    "Heidi",
    "Ivan",
    "Judy",
    "Mallory",
    "Niaj",
    "Olivia",
    "Peggy",
    "Rupert",
    "Sybil",
    "Trent",
    "Victor",
    "Walter",
    "Zoe",
]
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright"]
CITIES = ["Lisbon", "Paris", "Oakland", "Berlin", "Osaka", "Lagos", "Lima", "Perth"]
COUNTRIES = ["US"] * 10 + ["GB", "DE", "FR", "NL", "ES", "IT", "CA", "AU", "JP", "BR", "NO", "SE", "PT", "IE", "NZ"]
# The triggers that keep counts (role counts, 0004; customers' figures, 0009): off during a bulk load on
# PostgreSQL, everything counted once after. (Each would update one hot row per inserted row: tens of thousands
# of versions of that row in one transaction, each update walking them all.)
COUNTING_TRIGGERS = [
    ("customers_customer", "customers_rolecount_row"),
    ("customers_customer", "customers_stats_customer"),
    ("customers_order", "customers_stats_order"),
    ("customers_customermeta", "customers_stats_meta"),
]


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.started = label, total, 0, time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.started
        sys.stderr.write(
            f"\r{self.label:<10} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {elapsed:5.1f}s"
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def insert_rows(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert plain tuples into a model's table: COPY on PostgreSQL, executemany elsewhere."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", list(rows))


def batches(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def counted_afterwards() -> Iterator[None]:
    """Rows loaded without a counting trigger each (PostgreSQL; SQLite's are cheap), then the role counts and
    every customer's figures counted once."""
    switch = connection.vendor == "postgresql"
    if switch:
        with connection.cursor() as cursor:
            for table, trigger in COUNTING_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        if switch:
            with connection.cursor() as cursor:
                for table, trigger in COUNTING_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    recount_role_totals()
    figures.rebuild()


class Command(BaseCommand):
    help = "Bulk-insert made-up customers and orders (benchmarks, demos)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=1000)
        parser.add_argument("--orders", type=int, default=10000)
        parser.add_argument("--batch-size", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, customers: int, orders: int, batch_size: int, seed: int, **options) -> None:
        with counted_afterwards():
            self.seed(customers, orders, batch_size, seed)
        # Statistics for the planner, and (PostgreSQL) the visibility map for index-only scans, as autovacuum
        # would leave them on a live store.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def seed(self, customers: int, orders: int, batch_size: int, seed: int) -> None:
        rng = random.Random(seed)
        started = time.monotonic()
        first_id = (Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        last_id = first_id + customers - 1
        now = timezone.now()
        password = make_password(None)
        roles = [CustomerRole.CUSTOMER] * 97 + [CustomerRole.SUBSCRIBER] * 2 + [CustomerRole.SHOP_MANAGER]

        def customer_rows():
            for number in range(first_id, last_id + 1):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                username = f"{first.lower()}.{last.lower()}.{number}"
                yield (
                    number,
                    username,
                    f"{username}@example.com",
                    first,
                    last,
                    username,
                    rng.choice(roles),
                    password,
                    False,
                    # Registered a minute apart, the newest last (as ids grow in a store): a sync's "modified in
                    # the last hour" is 60 customers. Last modified when created.
                    now - timedelta(minutes=last_id - number),
                    now - timedelta(minutes=last_id - number),
                )

        progress = Progress("customers", customers)
        for batch in batches(customer_rows(), batch_size):
            addresses = [
                (
                    row[0],
                    kind,
                    row[3],
                    row[4],
                    "",
                    "",
                    "",
                    rng.choice(CITIES),
                    "",
                    f"{rng.randint(10000, 99999)}",
                    rng.choice(COUNTRIES),
                    "",
                    phone,
                    phone_digits(phone),
                )
                for row in batch
                for kind, phone in zip(AddressType.values, (f"+1 555 {row[0]:07d}", ""), strict=True)
            ]
            with transaction.atomic():
                insert_rows(
                    Customer,
                    (
                        "id",
                        "username",
                        "email",
                        "first_name",
                        "last_name",
                        "display_name",
                        "role",
                        "password",
                        "is_paying_customer",
                        "date_created",
                        "date_modified",
                    ),
                    batch,
                )
                insert_rows(Address, ("customer_id", "type", *ADDRESS_FIELDS, "phone_digits"), addresses)
                # Six in ten were active on one of the last 90 days (wc_last_active: a UTC midnight in seconds).
                midnight = int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())
                active = [
                    (row[0], LAST_ACTIVE_KEY, json.dumps(str(midnight - 86400 * rng.randint(0, 89))))
                    for row in batch
                    if rng.random() < 0.6
                ]
                insert_rows(CustomerMeta, ("customer_id", "key", "value"), active)
            progress.advance(len(batch))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("customers_customer", "customers_address", "customers_customermeta"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                    )

        statuses = OrderStatus.values

        def order_rows():
            for number in range(orders):
                yield (
                    rng.randint(first_id, last_id),
                    rng.choice(statuses),
                    f"{rng.randint(100, 50000) / 100:.2f}",
                    now - timedelta(seconds=orders - number),  # a second apart, the newest last
                    f"wc_order_{seed}_{first_id}_{number}",
                )

        progress = Progress("orders", orders)
        for batch in batches(order_rows() if customers else (), batch_size):
            with transaction.atomic():
                insert_rows(Order, ("customer_id", "status", "total", "date_created", "order_key"), batch)
            progress.advance(len(batch))
        with connection.cursor() as cursor:
            # Customers with a completed order are paying customers (as services.order_save marks them).
            cursor.execute(
                "UPDATE customers_customer SET is_paying_customer = TRUE WHERE EXISTS (SELECT 1 FROM customers_order o"
                " WHERE o.customer_id = customers_customer.id AND o.status = 'completed')"
            )
        self.stdout.write(f"Seeded {customers} customers and {orders} orders in {time.monotonic() - started:.1f}s")
