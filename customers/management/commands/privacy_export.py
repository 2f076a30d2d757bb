"""python manage.py privacy_export (--customer ID | --email EMAIL) [--output FILE]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from customers.management.customer_options import add_customer_options, customer_from_options
from customers.privacy import customer_export


class Command(BaseCommand):
    help = (
        "Export everything kept about one customer (profile, addresses, orders, download permissions, meta data) as "
        "JSON, grouped as WooCommerce's personal data exporters group it; the export is written to the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_customer_options(parser)
        parser.add_argument("--output", help="Write the JSON to this file (default: standard output).")

    def handle(self, *args, customer: int | None, email: str | None, output: str | None, **options) -> None:
        found = customer_from_options(customer, email)
        text = json.dumps(customer_export(found, actor="command line", via="command"), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Customer {found.pk}'s personal data written to {output}")
        else:
            sys.stdout.write(text + "\n")
