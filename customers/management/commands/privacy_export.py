"""python manage.py privacy_export (--customer ID | --email EMAIL) [--output FILE]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from customers.privacy import customer_export, find_customer


class Command(BaseCommand):
    help = (
        "Export everything kept about one customer (profile, addresses, orders, download permissions, meta data) as "
        "JSON, grouped as WooCommerce's personal data exporters group it; the export is written to the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--customer", type=int, help="The customer's id.")
        who.add_argument("--email", help="The customer's email (any letter case).")
        parser.add_argument("--output", help="Write the JSON to this file (default: standard output).")

    def handle(self, *args, customer: int | None, email: str | None, output: str | None, **options) -> None:
        try:
            found = find_customer(customer_id=customer, email=email)
        except LookupError as error:
            raise CommandError(str(error)) from None
        text = json.dumps(customer_export(found, actor="command line", via="command"), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Customer {found.pk}'s personal data written to {output}")
        else:
            sys.stdout.write(text + "\n")
