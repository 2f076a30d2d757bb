#!/usr/bin/env python
"""The admin's speed on a seeded database: server time of its pages, and a streamed export of every customer.

    DATABASE_URL=… .venv/bin/python scripts/benchmark_admin.py [--runs 5] [--json FILE]
    DATABASE_URL=… .venv/bin/python scripts/benchmark_admin.py --export

Run by `scripts/benchmark.py --admin` after its seeding. Each page is asked for in this process (Django's test
client: the view, its queries and its template, no network), once to warm up and then --runs times; the median
is reported. The customer list is measured with each sort it offers (both directions) and each filter, then a
search by email and by phone, then the page of a customer given 2,000 orders here. `--export` streams the whole
customer list as CSV, as the admin's export does, and reports its time, its size and the process's peak memory
(run on its own, so that the peak is the export's).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Address, Customer, Order  # noqa: E402
from customers.resources import CustomerResource  # noqa: E402

LIST = reverse("admin:customers_customer_changelist")
# The list's sortable columns, by their place in list_display (0 is the selection box).
SORTS = {"name": 1, "username": 2, "email": 3, "last active": 4, "registered": 5, "orders": 6, "total spend": 7}
SORTS |= {"last order": 9}
BIG_CUSTOMER_ORDERS = 2000


def client() -> Client:
    user, _ = get_user_model().objects.get_or_create(
        username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    browser = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    browser.force_login(user)
    return browser


def timed(browser: Client, url: str, params: dict, runs: int) -> float:
    """The median server time of a GET, in milliseconds."""
    response = browser.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        browser.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def scenarios(sample: Customer) -> list[tuple[str, str, dict]]:
    today = timezone.now().date()
    pages = [("list", LIST, {})]
    for name, place in SORTS.items():
        pages += [(f"list sorted by {name}", LIST, {"o": str(place)})]
        pages += [(f"list sorted by {name}, descending", LIST, {"o": f"-{place}"})]
    pages += [
        ("filter role=subscriber", LIST, {"role": "subscriber"}),
        ("filter paying customer", LIST, {"is_paying_customer__exact": "1"}),
        ("filter country=NO", LIST, {"country": "NO"}),
        ("filter registered in the last 30 days", LIST, {"date_created__gte": f"{today - timedelta(days=30)}"}),
        ("filter active in the last 7 days", LIST, {"stats__last_active__gte": f"{today - timedelta(days=7)}"}),
        ("filter 10 orders or more", LIST, {"stats__orders_count__gte": "10"}),
        (
            "filter total spend 2,000 to 2,500",
            LIST,
            {"stats__total_spent__gte": "2000", "stats__total_spent__lte": "2500"},
        ),
        ("search by email", LIST, {"q": sample.email}),
        ("search by phone", LIST, {"q": sample.addresses.get(type="billing").phone}),
        ("customer page, 2,000 orders", reverse("admin:customers_customer_change", args=[sample.pk]), {}),
    ]
    return pages


def give_orders(customer: Customer, count: int) -> None:
    have = Order.objects.filter(customer=customer).count()
    Order.objects.bulk_create(
        Order(customer=customer, status="completed", total=Decimal("12.50"), order_key=f"bench_{customer.pk}_{n}")
        for n in range(have, count)
    )


def measure_pages(runs: int) -> dict[str, float]:
    sample = Address.objects.filter(type="billing").exclude(phone="").order_by("-customer_id").first().customer
    give_orders(sample, BIG_CUSTOMER_ORDERS)
    browser = client()
    results = {}
    for name, url, params in scenarios(sample):
        results[name] = timed(browser, url, params, runs)
        print(f"{name:<45} {results[name]:8.1f} ms", flush=True)
    return results


def measure_export() -> dict[str, float]:
    browser = client()
    fields = {f"customerresource_{name}": "on" for name in CustomerResource().fields}
    started = time.perf_counter()
    response = browser.post(reverse("admin:customers_customer_export"), {"format": "0", **fields})
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "rows": lines - 1,
        "seconds": round(seconds, 1),
        "megabytes": round(size / 1e6, 1),
        "peak_rss_mb": round(peak_mb),
    }
    print(
        f"export: {result['rows']:,} customers, {result['megabytes']} MB of CSV in {result['seconds']} s;"
        f" peak memory of the process {result['peak_rss_mb']} MB",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--export", action="store_true", help="only the streamed export")
    parser.add_argument("--json", type=Path, help="also write the results here")
    options = parser.parse_args()
    counts = {
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "addresses": Address.objects.count(),
    }
    print(f"{counts['customers']:,} customers, {counts['orders']:,} orders", flush=True)
    results = measure_export() if options.export else measure_pages(options.runs)
    if options.json:
        options.json.write_text(json.dumps({**counts, "results": results}, indent=2))


if __name__ == "__main__":
    main()
