"""python manage.py import_woocommerce --url https://shop.example --key ck_… --secret cs_… [options]

Copies a WooCommerce store's customers (every role), their orders and download permissions through the
store's REST API, keeping WooCommerce's ids. Run it again to bring over what changed; if it stops, run it
again to continue from where it stopped. See customers.importer.
"""

import json
import sys
from datetime import UTC

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from customers.importer.run import Importer, ImportOptions, Summary
from customers.importer.source import SourceError, StoreSource
from customers.schema import VERSIONS
from wcompat.dates import parse_wp_date

# The namespaces a store may be read through, newest (the default) first.
API_VERSIONS = tuple(version.namespace for version in reversed(VERSIONS))


def since_date(value: str):
    parsed = parse_wp_date(value) or parse_wp_date(f"{value}T00:00:00")
    if parsed is None:
        raise ValueError(value)
    return parsed.astimezone(UTC)


class Command(BaseCommand):
    help = "Import a WooCommerce store's customers, orders and download permissions through its REST API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="The store's address, e.g. https://shop.example")
        parser.add_argument("--key", required=True, help="A read API key's consumer key (ck_…).")
        parser.add_argument("--secret", required=True, help="Its consumer secret (cs_…).")
        parser.add_argument(
            "--api-version", choices=API_VERSIONS, default=API_VERSIONS[0], help="wc/v1 for old stores."
        )
        parser.add_argument(
            "--since", type=since_date, help="Only customers modified since this date (2026-01-31 or ISO 8601, GMT)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--restart", action="store_true", help="Start over instead of resuming a stopped run.")
        parser.add_argument("--verify", action="store_true", help="Compare counts and a sample of customers after.")
        parser.add_argument("--verify-sample", type=int, default=25, help="Customers compared (0: all).")
        parser.add_argument("--quiet", action="store_true", help="No progress bars (for cron).")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        parser.add_argument("--workers", type=int, default=8, help="Parallel requests for downloads.")
        parser.add_argument("--timeout", type=float, default=30, help="Seconds a request to the store may take.")
        parser.add_argument("--retries", type=int, default=6, help="Retries of a failing request.")
        parser.add_argument("--backoff", type=float, default=1.0, help="Seconds before the first retry (doubled).")
        parser.add_argument("--insecure", action="store_true", help="Accept the store's self-signed certificate.")

    def handle(self, *args, **options) -> None:
        source = StoreSource(
            options["url"],
            options["key"],
            options["secret"],
            api_version=options["api_version"],
            timeout=options["timeout"],
            retries=options["retries"],
            backoff=options["backoff"],
            verify_ssl=not options["insecure"],
        )
        settings = ImportOptions(
            since=options["since"],
            dry_run=options["dry_run"],
            restart=options["restart"],
            workers=options["workers"],
            verify=options["verify"],
            verify_sample=options["verify_sample"],
        )
        quiet = options["quiet"]

        def progress(stage: str, total: int, done: int):
            return tqdm(
                total=total, initial=done, desc=f"{stage:<9}", unit=" rows", disable=quiet, file=sys.stderr, leave=True
            )

        importer = Importer(source, settings, progress)
        try:
            summary = importer.run()
        except KeyboardInterrupt:
            raise CommandError("Interrupted. Run the same command again to continue where it stopped.") from None
        except SourceError as error:
            # One line: what failed, on which page, and what to do.
            reason = " ".join(str(error).split())  # a store's error text may hold line breaks
            raise CommandError(f"{reason}. Run the same command again to continue where it stopped.") from None
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2, default=str))
        else:
            self.stdout.write(self.report(summary))
        if not summary.ok:
            raise CommandError("The verification found differences (see above).")

    def report(self, summary: Summary) -> str:
        data = summary.as_dict()
        lines = [f"{'Dry run: nothing written. ' if summary.dry_run else ''}Imported from {summary.source}"]
        if summary.resumed_from:
            lines.append(f"Resumed at {summary.resumed_from['stage']}, position {summary.resumed_from['position']}.")
        lines.append(f"{'':<10} {'created':>8} {'updated':>8} {'unchanged':>9} {'failed':>7} {'skipped':>8}")
        for stage in ("customers", "orders", "downloads"):
            counts = data[stage]
            lines.append(
                f"{stage:<10} {counts['created']:>8} {counts['updated']:>8} {counts['unchanged']:>9}"
                f" {counts['failed']:>7} {counts['skipped']:>8}"
            )
        for failure in data["failures"]:
            lines.append(f"  failed: {failure['stage']} {failure['id']}: {failure['reason']}")
        if data["failures_not_listed"]:
            lines.append(f"  … and {data['failures_not_listed']} more failures (see --json).")
        lines += [f"Note: {note}" for note in data["notes"]]
        rate = data["customers_per_second"]
        lines.append(
            f"{data['seconds']} s, {data['retried_requests']} requests retried"
            + (f", {rate} customers/s" if rate else "")
        )
        if summary.verify:
            verify = summary.verify
            lines.append(
                f"Verify: {'OK' if verify['ok'] else 'DIFFERENCES'}: {verify['customers_in_source']} customers in the"
                f" store, {verify['customers_here']} here ({verify['refused']} refused),"
                f" {verify['compared']} compared field by field."
            )
            for difference in verify["differences"]:
                lines.append(
                    f"  customer {difference['id']} {difference['field']}: {difference['source']!r}"
                    f" in the store, {difference['local']!r} here"
                )
        return "\n".join(lines)
