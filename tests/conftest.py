import base64

import pytest
from rest_framework.test import APIClient

from customers.models import Customer
from customers.schema import VERSIONS as CUSTOMER_VERSIONS, CustomerApiVersion
from customers.serializers import customer_renderer
from customers.sql import by_id_sql, page_sql
from tests.factories import CustomerFactory, make_api_key
from tests.live import http_server, https_server, store  # noqa: F401  (fixtures for end-to-end tests)
from wcompat.dates import local_date_for
from wcompat.models import ApiKey

ADDRESS = {
    "address_1": "123 South Street",
    "address_2": "Apt 1",
    "city": "San Francisco",
    "state": "CA",
    "postcode": "94110",
    "country": "US",
}


# Every API version the customers are served in, from their declarations.
NAMESPACES = tuple(version.namespace for version in CUSTOMER_VERSIONS)


@pytest.fixture(params=CUSTOMER_VERSIONS, ids=lambda version: version.namespace)
def api_version(request) -> CustomerApiVersion:
    """Each API version in turn, as declared (customers.schema.VERSIONS)."""
    return request.param


@pytest.fixture
def another_writer_first(monkeypatch):
    """A race lost: `another_writer_first("with_emails")` makes a create's check of the emails (or logins) taken
    see none, as if another request took the value right after it; the unique index answers instead. Returns
    the checks made."""

    def lose(lookup: str) -> list:
        checks, real = [], getattr(Customer.objects, lookup)

        def nothing_taken_yet(values):
            checks.append(values)
            return real(values) if len(checks) > 1 else []

        monkeypatch.setattr(Customer.objects, lookup, nothing_taken_yet)
        return checks

    return lose


def basic_auth(key: ApiKey) -> str:
    return "Basic " + base64.b64encode(f"{key.plain_key}:{key.consumer_secret}".encode()).decode()


def client_for(key: ApiKey | None) -> APIClient:
    """A client speaking HTTPS through a proxy header, with Basic credentials when a key is given."""
    client = APIClient(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=basic_auth(key))
    return client


@pytest.fixture(autouse=True)
def _https_behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture(autouse=True)
def _built_afresh():
    """The SQL and the renderers built once per process are built again for each test: each test exercises
    the code that builds them, not what an earlier test left cached (a mutation tool relies on it)."""
    for cached in (by_id_sql, page_sql, customer_renderer, local_date_for):
        cached.cache_clear()


@pytest.fixture
def admin_key(db) -> ApiKey:
    return make_api_key()


@pytest.fixture
def api(admin_key) -> APIClient:
    """A client authenticated with a read_write key of an administrator."""
    return client_for(admin_key)


@pytest.fixture
def anon() -> APIClient:
    return client_for(None)


@pytest.fixture
def customer(db):
    """WooCommerce's CustomerHelper::create_customer() fixture."""
    return CustomerFactory(
        username="testcustomer",
        email="test@woo.local",
        first_name="Justin",
        addresses={"billing": ADDRESS, "shipping": ADDRESS},
    )
