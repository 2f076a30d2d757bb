"""python manage.py create_api_key --user NAME --permissions read_write [--json]"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from wcompat.models import ApiKey


class Command(BaseCommand):
    help = "Create a WooCommerce API key and print its consumer key and secret (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="Owner's username; created as a superuser if missing.")
        parser.add_argument("--permissions", choices=ApiKey.Permissions.values, default=ApiKey.Permissions.READ_WRITE)
        parser.add_argument("--description", default="")
        parser.add_argument("--json", action="store_true", help="Print {consumer_key, consumer_secret} as JSON.")

    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=options["user"]).first()
        if user is None:
            # A new owner acts as a store administrator: every capability.
            user = user_model.objects.create_superuser(username=options["user"], email="", password=None)
        description = options["description"] or f"{options['user']} - API"
        _key, consumer_key, consumer_secret = ApiKey.generate(
            user=user, permissions=options["permissions"], description=description
        )
        if options["json"]:
            self.stdout.write(json.dumps({"consumer_key": consumer_key, "consumer_secret": consumer_secret}))
        else:
            self.stdout.write(f"Consumer key:    {consumer_key}\nConsumer secret: {consumer_secret}")
