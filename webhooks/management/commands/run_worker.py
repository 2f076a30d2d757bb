"""python manage.py run_worker [--once]"""

import signal

from django.core.management.base import BaseCommand, CommandParser

from webhooks.worker import Worker


class Command(BaseCommand):
    help = "Deliver queued webhooks (and retry failed deliveries) until stopped; --once: until the queue is empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Exit when nothing is due.")

    def handle(self, *args, once: bool, **options) -> None:
        worker = Worker(once=once)
        # SIGTERM (a supervisor, `make serve` ending) and Ctrl-C finish the delivery under way, then stop.
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        worker.run()
