"""A client generated from the OpenAPI document, as an integrator makes one: openapi-python-client reads
`/api/schema/?format=json` from a live server, and the generated package, unedited, runs a customer's whole
cycle in wc/v3 (create, retrieve, list, update, delete)."""

import base64
import importlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated(https_server, tmp_path_factory):
    """The generated package, importable."""
    folder = tmp_path_factory.mktemp("generated")
    document = requests.get(f"{https_server}/api/schema/?format=json", verify=False, timeout=30)
    assert document.status_code == 200
    (folder / "schema.json").write_text(json.dumps(document.json()))
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(folder / "schema.json"), "--output-path", str(folder / "client")],
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Unable to parse" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder / "client"))
    yield importlib.import_module("wcompat_client")
    sys.path.remove(str(folder / "client"))


def test_every_module_of_the_generated_client_imports(generated):
    import pkgutil

    names = [info.name for info in pkgutil.walk_packages(generated.__path__, "wcompat_client.")]
    assert len(names) > 100
    for name in names:
        importlib.import_module(name)


def test_the_generated_client_runs_a_customer_cycle_in_wc_v3(generated, https_server, store):
    from wcompat_client.api.wcv3_customers import (
        wc_v3_customers_create,
        wc_v3_customers_destroy,
        wc_v3_customers_list,
        wc_v3_customers_retrieve,
        wc_v3_customers_update_put,
    )
    from wcompat_client.models import WcV3Customer, WcV3CustomerCreate, WcV3CustomerCreateBilling, WcV3CustomerUpdate

    credentials = base64.b64encode(f"{store.consumer_key}:{store.consumer_secret}".encode()).decode()
    client = generated.AuthenticatedClient(
        base_url=https_server, token=credentials, prefix="Basic", verify_ssl=False, raise_on_unexpected_status=True
    )
    tag = uuid.uuid4().hex[:8]
    body = WcV3CustomerCreate(
        email=f"gen.{tag}@example.com",
        first_name="Gen",
        billing=WcV3CustomerCreateBilling(city="Lima", phone="+51 1 555 0100"),
    )
    created = wc_v3_customers_create.sync_detailed(client=client, body=body)
    assert created.status_code == 201
    customer = created.parsed
    assert isinstance(customer, WcV3Customer)
    assert (customer.email, customer.first_name, customer.billing.city) == (f"gen.{tag}@example.com", "Gen", "Lima")
    assert customer.username == f"gen.{tag}"

    fetched = wc_v3_customers_retrieve.sync(customer.id, client=client)
    assert (fetched.id, fetched.billing.phone) == (customer.id, "+51 1 555 0100")

    listed = wc_v3_customers_list.sync_detailed(client=client, email=f"gen.{tag}@example.com")
    assert listed.status_code == 200
    assert [item.id for item in listed.parsed] == [customer.id]
    assert listed.headers["x-wp-total"] == "1"

    updated = wc_v3_customers_update_put.sync(customer.id, client=client, body=WcV3CustomerUpdate(last_name="Roe"))
    assert (updated.first_name, updated.last_name) == ("Gen", "Roe")

    deleted = wc_v3_customers_destroy.sync_detailed(customer.id, client=client, force=True)
    assert deleted.status_code == 200
    assert deleted.parsed.id == customer.id
    gone = wc_v3_customers_retrieve.sync_detailed(customer.id, client=client)
    assert gone.status_code == 404
    assert gone.parsed.code == "wc_user_invalid_id"
