"""Clients generated from the OpenAPI document, as integrators make them: openapi-python-client and
openapi-generator's typescript-fetch read `/api/schema/?format=json` from a live server, and each generated
client, unedited (the TypeScript one compiled with every strict check), runs a customer's whole cycle in wc/v3
(create, retrieve, list, update, delete)."""

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
TYPESCRIPT_GENERATOR = Path(sys.executable).with_name("openapi-generator-cli")
JS_DIR = Path(__file__).parent / "js"


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


# The customer cycle in the generated TypeScript client, compiled to CommonJS beside it.
TYPESCRIPT_CYCLE = """
const { Configuration, WcV3CustomersApi, ResponseError } = require("./dist/index.js");
const api = new WcV3CustomersApi(
  new Configuration({ basePath: process.env.WC_URL, username: process.env.WC_KEY, password: process.env.WC_SECRET }),
);
(async () => {
  const email = `ts.${process.env.WC_TAG}@example.com`;
  const created = await api.wcV3CustomersCreate({
    wcV3CustomerCreate: { email, firstName: "Gen", billing: { city: "Lima", phone: "+51 1 555 0100" } },
  });
  const fetched = await api.wcV3CustomersRetrieve({ id: created.id });
  const listed = await api.wcV3CustomersListRaw({ email });
  const updated = await api.wcV3CustomersUpdatePut({ id: created.id, wcV3CustomerUpdate: { lastName: "Roe" } });
  const deleted = await api.wcV3CustomersDestroy({ id: created.id, force: true });
  let gone = null;
  try {
    await api.wcV3CustomersRetrieve({ id: created.id });
  } catch (error) {
    gone = error instanceof ResponseError ? [error.response.status, (await error.response.json()).code] : String(error);
  }
  console.log(JSON.stringify({
    created: [created.email, created.username, created.firstName, created.billing.city],
    fetched: [fetched.id === created.id, fetched.billing.phone],
    listed: [(await listed.value()).map((item) => item.id === created.id), listed.raw.headers.get("x-wp-total")],
    updated: [updated.firstName, updated.lastName],
    deleted: deleted.id === created.id,
    gone,
  }));
})().catch((error) => { console.error(error); process.exit(1); });
"""
TSCONFIG = {
    "compilerOptions": {
        "target": "ES2020",
        "module": "commonjs",
        "moduleResolution": "node",
        "lib": ["ES2020", "DOM"],
        "strict": True,
        "noImplicitReturns": True,
        "noUnusedLocals": False,
        "outDir": "dist",
    },
    "include": ["index.ts", "apis", "models", "runtime.ts"],
}


def test_a_typescript_fetch_client_compiles_strictly_and_runs_a_customer_cycle(https_server, store, tmp_path):
    document = requests.get(f"{https_server}/api/schema/?format=json", verify=False, timeout=30)
    (tmp_path / "schema.json").write_text(json.dumps(document.json()))
    client = tmp_path / "client"
    command = [str(TYPESCRIPT_GENERATOR), "generate", "-g", "typescript-fetch", "-o", str(client)]
    generated = subprocess.run(
        [*command, "-i", str(tmp_path / "schema.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    (client / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    compiled = subprocess.run(
        [str(JS_DIR / "node_modules" / ".bin" / "tsc"), "-p", str(client)], capture_output=True, text=True, timeout=300
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    (client / "cycle.cjs").write_text(TYPESCRIPT_CYCLE)
    tag = uuid.uuid4().hex[:8]
    env = {"WC_URL": https_server, "WC_KEY": store.consumer_key, "WC_SECRET": store.consumer_secret, "WC_TAG": tag}
    env |= {"PATH": os.environ["PATH"], "NODE_TLS_REJECT_UNAUTHORIZED": "0"}  # the test server's own certificate
    ran = subprocess.run(["node", "cycle.cjs"], cwd=client, env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {
        "created": [f"ts.{tag}@example.com", f"ts.{tag}", "Gen", "Lima"],
        "fetched": [True, "+51 1 555 0100"],
        "listed": [[True], "1"],
        "updated": ["Gen", "Roe"],
        "deleted": True,
        "gone": [404, "wc_user_invalid_id"],
    }
