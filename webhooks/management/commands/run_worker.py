"""python manage.py run_worker [--once] [--concurrency N]"""

import signal

from django.core.management.base import BaseCommand, CommandParser

from webhooks import conf as webhook_settings
from webhooks.worker import Worker


class Command(BaseCommand):
    help = "Deliver queued webhooks (and retry failed deliveries) until stopped; --once: until the queue is empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Exit when nothing is due.")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help="Deliveries sent at once (WCOMPAT_WORKER_CONCURRENCY, 256); at most WCOMPAT_WEBHOOK_PER_HOST (half) "
            "to one receiving host, never two of one webhook and resource.",
        )

    def handle(self, *args, once: bool, concurrency: int | None, **options) -> None:
        concurrency = concurrency or webhook_settings.get("WORKER_CONCURRENCY")
        worker = Worker(once=once, concurrency=concurrency)
        # SIGTERM (a supervisor, `make serve` ending) and Ctrl-C finish the delivery under way, then stop.
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        worker.run()
