"""python manage.py privacy_erase (--customer ID | --email EMAIL) [--dry-run] [--delete-account]"""

import json

from django.core.management.base import BaseCommand, CommandParser

from customers.management.customer_options import add_customer_options, customer_from_options
from customers.privacy import customer_erase


class Command(BaseCommand):
    help = (
        "Erase one customer's personal data everywhere it is kept (WooCommerce's erasers, and this project's "
        "copies: Idempotency-Key answers, the webhook delivery log, import checkpoints, the admin's history). Orders "
        "lose their customer only with WCOMPAT_ERASE_ORDERS=1, download permissions go only with "
        "WCOMPAT_ERASE_DOWNLOADS=1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_customer_options(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would go, by kind and count; erase nothing."
        )
        parser.add_argument("--delete-account", action="store_true", help="Delete the account too.")

    def handle(self, *args, customer, email, dry_run: bool, delete_account: bool, **options) -> None:
        found = customer_from_options(customer, email)
        counts = customer_erase(
            found, actor="command line", via="command", delete_account=delete_account, dry_run=dry_run
        )
        self.stdout.write(json.dumps({"customer_id": found.pk, "dry_run": dry_run, "erased": counts}, indent=2))
