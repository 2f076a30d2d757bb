"""python manage.py webhooks_status [--json] [--max-age SECONDS]: the delivery queue's health, for people and
for monitoring (the exit status is 1 when the oldest due delivery has waited longer than --max-age)."""

import json

from django.core.management.base import BaseCommand, CommandParser

from webhooks.selectors import queue_health

COLUMNS = ("webhook", "depth", "oldest_due_seconds", "in_flight", "failures_1h")


class Command(BaseCommand):
    help = "The webhook delivery queue: depth, oldest due delivery, in flight, failures in the last hour."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument(
            "--max-age",
            type=float,
            default=300.0,
            help="Seconds the oldest due delivery may wait before the queue counts as stuck (exit status 1).",
        )

    def handle(self, *args, **options) -> None:
        health = queue_health()
        age = health["oldest_due_seconds"]
        stuck = age is not None and age > options["max_age"]
        health["stuck"] = stuck
        if options["json"]:
            self.stdout.write(json.dumps(health, indent=2))
        else:
            self.stdout.write(self.table(health))
        if stuck:
            self.stderr.write(f"The oldest due delivery has waited {age:g} s (more than {options['max_age']:g} s).")
            raise SystemExit(1)

    def table(self, health: dict) -> str:
        lines = ["  ".join(f"{name:>18}" for name in COLUMNS)]
        rows = [*health["webhooks"], {"webhook": "all", **{name: health[name] for name in COLUMNS[1:]}}]
        for row in rows:
            lines.append("  ".join(f"{'-' if row[name] is None else row[name]!s:>18}" for name in COLUMNS))
        return "\n".join(lines)
