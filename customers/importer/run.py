"""An import from a WooCommerce store, stage by stage, page by page, resumable.

    summary = Importer(StoreSource(url, key, secret), ImportOptions(since=None)).run()

Stages: customers (role=all, by id), their orders (/orders, or this project's export namespace when the
source is wcompat), then the download permissions of customers with orders. After every page, its writes
and the checkpoint (the stage and the next page) are committed together, so a run that stops (Ctrl-C, the
store down beyond the retries) is continued by the next run from there; a finished run's next run starts
over and writes only what changed.
"""

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from django.db import transaction
from django.db.models import Q

from customers.exports import NEXT_CUSTOMER_HEADER
from customers.importer import writer
from customers.importer.records import BadRecord, optional_id, parse_customer, parse_download, parse_order
from customers.importer.source import SourceError, StoreSource, header_number
from customers.models import Customer, Download, ImportCheckpoint
from customers.schema import VERSIONS, CustomerApiVersion
from customers.selectors import attach_meta, customer_records
from customers.serializers import RenderContext, render_customer

STAGES = ("customers", "orders", "downloads")
DOWNLOADS_CHUNK = 50
KEPT_FAILURES = 1000


class ProgressBar(Protocol):
    def update(self, count: int) -> Any: ...

    def close(self) -> Any: ...


class _NoProgress:
    def update(self, count: int) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(stage: str, total: int | None, done: int) -> ProgressBar:
    return _NoProgress()


@dataclass
class ImportOptions:
    since: datetime | None = None
    dry_run: bool = False
    restart: bool = False
    workers: int = 8
    verify: bool = False
    # Customers compared field by field with the source by --verify (0: all of them).
    verify_sample: int = 25


@dataclass
class Summary:
    source: str
    api_version: str
    dry_run: bool
    tallies: dict[str, writer.Tally] = field(default_factory=lambda: {stage: writer.Tally() for stage in STAGES})
    resumed_from: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    verify: dict[str, Any] | None = None
    retried_requests: int = 0
    seconds: float = 0.0
    customers_seconds: float = 0.0
    customers_read: int = 0

    @property
    def ok(self) -> bool:
        return self.verify is None or self.verify["ok"]

    def as_dict(self) -> dict[str, Any]:
        failures = [
            {"stage": stage, "id": item_id, "reason": reason}
            for stage, tally in self.tallies.items()
            for item_id, reason in tally.failures
        ]
        return {
            "source": self.source,
            "api_version": self.api_version,
            "dry_run": self.dry_run,
            "resumed_from": self.resumed_from,
            **{stage: tally.as_dict() for stage, tally in self.tallies.items()},
            "failures": failures[:KEPT_FAILURES],
            "failures_not_listed": max(0, len(failures) - KEPT_FAILURES),
            "notes": self.notes,
            "retried_requests": self.retried_requests,
            "verify": self.verify,
            "seconds": round(self.seconds, 2),
            "customers_per_second": round(self.customers_read / self.customers_seconds, 1)
            if self.customers_seconds
            else None,
        }


def _load_tallies(data: dict[str, Any]) -> dict[str, writer.Tally]:
    tallies = {}
    for stage in STAGES:
        saved = data.get(stage, {})
        tally = writer.Tally(**{name: saved.get(name, 0) for name in writer.Tally().as_dict()})
        tally.failures = [tuple(item) for item in saved.get("failures", [])]
        tallies[stage] = tally
    return tallies


def _dump_tallies(tallies: dict[str, writer.Tally]) -> dict[str, Any]:
    return {
        stage: {**tally.as_dict(), "failures": [list(item) for item in tally.failures[:KEPT_FAILURES]]}
        for stage, tally in tallies.items()
    }


class Importer:
    def __init__(
        self,
        source: StoreSource,
        options: ImportOptions,
        progress: Callable[[str, int | None, int], ProgressBar] = no_progress,
    ) -> None:
        self.source, self.options, self.progress = source, options, progress
        self.summary = Summary(source=source.url, api_version=source.api_version, dry_run=options.dry_run)
        self.version = CustomerApiVersion.for_namespace(VERSIONS, source.api_version)

    # Checkpoints -------------------------------------------------------------------------------------

    def _checkpoint(self) -> ImportCheckpoint:
        key = f"{self.source.url} {self.source.api_version}"
        checkpoint = ImportCheckpoint.objects.filter(source=key).first() or ImportCheckpoint(source=key)
        fresh = checkpoint.pk is None or self.options.restart or checkpoint.stage == ImportCheckpoint.Stage.DONE
        if fresh:
            checkpoint.stage, checkpoint.position = ImportCheckpoint.Stage.CUSTOMERS, 1
            checkpoint.since, checkpoint.tallies = self.options.since, {}
        else:
            # An interrupted run goes on as it was started (its --since included).
            self.summary.resumed_from = {"stage": checkpoint.stage, "position": checkpoint.position}
            self.summary.tallies = _load_tallies(checkpoint.tallies)
        return checkpoint

    def _advance(self, checkpoint: ImportCheckpoint, stage: str, position: int) -> None:
        """Move the checkpoint; called inside the page's transaction, so both are kept or neither."""
        checkpoint.stage, checkpoint.position = stage, position
        checkpoint.tallies = _dump_tallies(self.summary.tallies)
        if not self.options.dry_run:
            checkpoint.save()

    # The run -----------------------------------------------------------------------------------------

    def run(self) -> Summary:
        started = time.monotonic()
        checkpoint = self._checkpoint()
        self.since = checkpoint.since
        try:
            if checkpoint.stage == ImportCheckpoint.Stage.CUSTOMERS:
                customers_started = time.monotonic()
                self._customers(checkpoint)
                self.summary.customers_seconds = time.monotonic() - customers_started
            if checkpoint.stage == ImportCheckpoint.Stage.ORDERS:
                self._orders(checkpoint)
            if checkpoint.stage == ImportCheckpoint.Stage.DOWNLOADS:
                self._downloads(checkpoint)
            with transaction.atomic():
                self._advance(checkpoint, ImportCheckpoint.Stage.DONE, 0)
        finally:
            self.summary.retried_requests = self.source.retried
            self.summary.seconds = time.monotonic() - started
        if self.options.verify and not self.options.dry_run:
            self.summary.verify = self.verify()
        return self.summary

    def _pages(self, checkpoint: ImportCheckpoint, stage: str, endpoint: str, params: dict, api=None):
        """Yield (page number, items) from the checkpoint's page on, with a progress bar.

        A store's paging is not trusted to end by itself: the run reads no further than the page count of its
        first answer, and a page that brings only ids already read (a store answering the same page again)
        ends it with SourceError, at a checkpoint a rerun resumes from."""
        number = checkpoint.position
        page = self.source.page(endpoint, params, number, api=api)
        last = page.total_pages
        seen: set = set()
        bar = self.progress(stage, page.total, min(page.total, (number - 1) * len(page.items or [None])))
        try:
            while True:
                ids = {_hashable_id(item) for item in page.items if isinstance(item, dict)}
                if seen and ids and ids <= seen:
                    raise SourceError(
                        f"GET {endpoint} page {number}: the store answered only {stage} already read on earlier "
                        "pages (its paging repeats itself); stopped"
                    )
                seen |= ids
                yield number, page.items
                bar.update(len(page.items))
                if not page.items or number >= last:
                    return
                number += 1
                page = self.source.page(endpoint, params, number, api=api)
        finally:
            bar.close()

    def _customers(self, checkpoint: ImportCheckpoint) -> None:
        tally = self.summary.tallies["customers"]
        params = {"role": "all", "orderby": "id", "order": "asc"}
        if self.since:
            # wcompat filters on it; WooCommerce ignores it, and the rows are filtered here.
            params["modified_after"] = self.since.strftime("%Y-%m-%dT%H:%M:%S")
            params["dates_are_gmt"] = "true"
        for number, items in self._pages(checkpoint, "customers", "customers", params):
            rows = []
            for item in items:
                try:
                    row = parse_customer(item, self.version)
                except BadRecord as error:
                    tally.fail(item.get("id", 0) if isinstance(item, dict) else 0, str(error))
                    continue
                if self.since and row.date_modified and row.date_modified < self.since:
                    tally.unchanged += 1
                    continue
                rows.append(row)
            self.summary.customers_read += len(items)
            with transaction.atomic():
                tally.add(writer.import_customers(rows, dry_run=self.options.dry_run))
                self._advance(checkpoint, ImportCheckpoint.Stage.CUSTOMERS, number + 1)
        with transaction.atomic():
            self._advance(checkpoint, ImportCheckpoint.Stage.ORDERS, 1)

    def _orders(self, checkpoint: ImportCheckpoint) -> None:
        tally = self.summary.tallies["orders"]
        api = self.source.orders_api()
        if api is None:
            self.summary.notes.append("The store serves no orders: orders and downloads were not imported.")
            with transaction.atomic():
                self._advance(checkpoint, ImportCheckpoint.Stage.DONE, 0)
            return
        params = {"orderby": "id", "order": "asc"}
        if self.since and api is self.source.api:
            params["modified_after"] = self.since.strftime("%Y-%m-%dT%H:%M:%S")
            params["dates_are_gmt"] = "true"
        for number, items in self._pages(checkpoint, "orders", "orders", params, api=api):
            rows = []
            for item in items:
                try:
                    rows.append(parse_order(item))
                except BadRecord as error:
                    tally.fail(item.get("id", 0) if isinstance(item, dict) else 0, str(error))
            with transaction.atomic():
                tally.add(writer.import_orders(rows, dry_run=self.options.dry_run))
                self._advance(checkpoint, ImportCheckpoint.Stage.ORDERS, number + 1)
        with transaction.atomic():
            if "is_paying_customer" not in self.version.fields and not self.options.dry_run:
                writer.mark_paying_customers()  # v1 answers do not say it; paid orders do
            self._advance(checkpoint, ImportCheckpoint.Stage.DOWNLOADS, 1)

    def _downloads(self, checkpoint: ImportCheckpoint) -> None:
        """Each customer with orders has their downloads read (a request each, several at a time); from a
        wcompat source, a block of customers per request."""
        if self.source.orders_api() is self.source.exports:
            self._downloads_from_export(checkpoint)
            return
        tally = self.summary.tallies["downloads"]
        customers = Customer.objects.filter(pk__gte=checkpoint.position, orders__isnull=False)
        if self.since:
            recent = Q(date_modified__gte=self.since) | Q(orders__date_created__gte=self.since)
            customers = customers.filter(recent)
        ids = list(customers.values_list("pk", flat=True).distinct().order_by("pk"))
        bar = self.progress("downloads", len(ids), 0)
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.options.workers)) as pool:
                for start in range(0, len(ids), DOWNLOADS_CHUNK):
                    chunk = ids[start : start + DOWNLOADS_CHUNK]
                    answers = list(pool.map(self._read_downloads, chunk))
                    with transaction.atomic():
                        for customer_id, items in zip(chunk, answers, strict=True):
                            if items is not None:
                                tally.add(self._write_downloads(customer_id, items))
                        self._advance(checkpoint, ImportCheckpoint.Stage.DOWNLOADS, chunk[-1] + 1)
                    bar.update(len(chunk))
        finally:
            bar.close()

    def _downloads_from_export(self, checkpoint: ImportCheckpoint) -> None:
        tally = self.summary.tallies["downloads"]
        start = checkpoint.position or 1
        bar = self.progress("downloads", None, 0)
        try:
            while True:
                params = {"customer_from": start, "customers": DOWNLOADS_CHUNK}
                items, headers = self.source.get("downloads", params, api=self.source.exports)
                where = f"GET downloads from customer {start}"
                following = header_number(headers, NEXT_CUSTOMER_HEADER, 0, where)
                if following and following <= start:
                    raise SourceError(f"{where}: {NEXT_CUSTOMER_HEADER} does not move forward ({following})")
                by_customer: dict[int, list[Any]] = {}
                for item in items if isinstance(items, list) else []:
                    try:
                        owner = optional_id(item.get("customer_id") if isinstance(item, dict) else None)
                    except BadRecord:
                        owner = 0
                    by_customer.setdefault(owner, []).append(item)
                with transaction.atomic():
                    for customer_id, rows in by_customer.items():
                        if Customer.objects.filter(pk=customer_id).exists():
                            tally.add(self._write_downloads(customer_id, rows))
                        else:
                            tally.skipped += len(rows)
                    # Customers of this block with no downloads at the source have none here either.
                    block = Download.objects.filter(customer_id__gte=start).exclude(customer_id__in=list(by_customer))
                    if following:
                        block = block.filter(customer_id__lt=following)
                    if not self.options.dry_run:
                        block.delete()
                    self._advance(checkpoint, ImportCheckpoint.Stage.DOWNLOADS, following)
                bar.update(len(by_customer))
                if not following:
                    return
                start = following
        finally:
            bar.close()

    def _read_downloads(self, customer_id: int) -> list[Any] | None:
        try:
            data, _headers = self.source.get(f"customers/{customer_id}/downloads")
        except SourceError as error:
            if "HTTP 404" in str(error):
                return None  # deleted from the store since its customers were read
            raise
        return data if isinstance(data, list) else []

    def _write_downloads(self, customer_id: int, items: list[Any]) -> writer.Tally:
        rows, emails, failed = [], {}, writer.Tally()
        for item in items:
            try:
                row = parse_download(item, customer_id)
            except (BadRecord, ValueError) as error:
                failed.fail(customer_id, f"A download could not be read: {error}")
                continue
            rows.append(row)
            if "email" in item:
                emails[row.download_id] = item["email"]
            else:
                link = urlsplit(item.get("download_url", ""))
                emails[row.download_id] = parse_qs(link.query).get("email", [""])[0]
        tally = writer.import_downloads(customer_id, rows, emails, dry_run=self.options.dry_run)
        tally.add(failed)
        return tally

    # --verify ----------------------------------------------------------------------------------------

    def verify(self) -> dict[str, Any]:
        """Counts, and a sample of customers compared field by field with what the store answers."""
        _data, headers = self.source.get("customers", {"role": "all", "per_page": 1})
        source_total = header_number(headers, "X-WP-Total", 0, "GET customers (verify)")
        local_total = Customer.objects.count()
        ids = list(Customer.objects.values_list("pk", flat=True))
        sample = (
            ids if self.options.verify_sample == 0 else random.sample(ids, min(len(ids), self.options.verify_sample))
        )
        differences = []
        for customer_id in sorted(sample):
            try:
                theirs, _headers = self.source.get(f"customers/{customer_id}")
            except SourceError as error:
                differences.append({"id": customer_id, "field": None, "source": str(error), "local": None})
                continue
            ours = self.render_like_source(customer_id, theirs)
            for name in sorted(set(theirs) | set(ours)):
                if theirs.get(name) != ours.get(name):
                    differences.append(
                        {"id": customer_id, "field": name, "source": theirs.get(name), "local": ours.get(name)}
                    )
        refused = self.summary.tallies["customers"].failed
        return {
            # Customers our rules refused (listed in the summary) are the only ones that may be missing.
            "ok": local_total in (source_total, source_total - refused) and not differences,
            "refused": refused,
            "customers_in_source": source_total,
            "customers_here": local_total,
            "compared": len(sample),
            "differences": differences[:100],
        }

    def render_like_source(self, customer_id: int, theirs: dict[str, Any]) -> dict[str, Any]:
        """Our customer as the source's answer would show it: same version, same links, same meta visibility."""
        [record] = customer_records([customer_id], order_figures=self.version.renders_order_figures)
        context = RenderContext(
            version=self.version,
            rest_base=f"{self.source.url}/wp-json",
            secure=self.source.url.startswith("https://"),
            show_meta="meta_data" in theirs,
        )
        if context.needs_meta:
            attach_meta([record])
        return render_customer(record, context)


def _hashable_id(item: dict[str, Any]) -> Any:
    value = item.get("id")
    return value if isinstance(value, int | str | float | None) else repr(value)
