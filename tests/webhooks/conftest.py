import pytest

from tests.webhooks.receiver import Receiver, start_receiver
from webhooks.worker import Worker

SECRET = "s3cr&amp;t"  # WooCommerce keys the HMAC with it entity-decoded: s3cr&t


@pytest.fixture
def receiver():
    """A real HTTP receiver on 127.0.0.1 (so private addresses are allowed, as `make serve` allows them)."""
    started = start_receiver(Receiver())
    yield started
    started.server.shutdown()
    started.server.server_close()


@pytest.fixture(autouse=True)
def _private_urls_allowed(settings):
    settings.WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS = True


def run_worker() -> None:
    """What `manage.py run_worker --once` does: deliver everything due, then return."""
    Worker(once=True).run()


def subscribe(api, receiver, topic: str, namespace: str = "wc/v3", **fields) -> dict:
    response = api.post(
        f"/wp-json/{namespace}/webhooks",
        {"topic": topic, "delivery_url": f"{receiver.url}/hooks", "secret": SECRET, **fields},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()
