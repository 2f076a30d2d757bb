"""The official WooCommerce clients, unchanged, against a live server: every customer operation.

Python: the `woocommerce` package (OAuth 1.0a over HTTP, Basic or query-string keys over HTTPS).
JavaScript: `@woocommerce/woocommerce-rest-api`, driven by tests/clients/js/customers.mjs.
Each runs with its default settings (wc/v3, what a new user gets) and with `version="wc/v1"`.
"""

import hashlib
import json
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from woocommerce import API, oauth as wc_oauth

JS_DIR = Path(__file__).with_name("js")
ADDRESS = {
    "first_name": "Jane",
    "last_name": "Roe",
    "company": "",
    "address_1": "969 Market",
    "address_2": "",
    "city": "San Francisco",
    "state": "CA",
    "postcode": "94103",
    "country": "US",
}

# The HTTPS server's certificate is self-signed.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]
DEFAULT = "wc/v3"  # what both clients speak when no version is given
META = [{"key": "crm_id", "value": "A-17"}, {"key": "_hidden", "value": "x"}]


def shaped(response) -> dict:
    """A response as the JS script reports it: status, the headers clients read, the body."""
    headers = {
        name: response.headers[name]
        for name in ("x-wp-total", "x-wp-totalpages", "link", "location", "content-type")
        if name in response.headers
    }
    return {"status": response.status_code, "headers": headers, "data": response.json()}


def run_python_client(wcapi: API, tag: str, downloads_customer: int) -> dict:
    results = {}
    results["create"] = shaped(
        wcapi.post(
            "customers",
            {
                "email": f"jane.{tag}@example.com",
                "first_name": "Jane",
                "last_name": "Roe",
                "username": f"jane.{tag}",
                "billing": {**ADDRESS, "email": f"jane.{tag}@example.com", "phone": "(555) 555-5555"},
                "shipping": ADDRESS,
                "meta_data": META,
            },
        )
    )
    customer_id = results["create"]["data"]["id"]
    results["retrieve"] = shaped(wcapi.get(f"customers/{customer_id}"))
    results["list"] = shaped(wcapi.get("customers", params={"per_page": 1, "page": 1, "orderby": "id", "role": "all"}))
    results["search"] = shaped(
        wcapi.get("customers", params={"search": f"jane.{tag}", "include": str(customer_id), "per_page": 2})
    )
    results["update"] = shaped(
        wcapi.put(
            f"customers/{customer_id}",
            {"first_name": "Janet", "billing": {"city": "Oakland"}, "meta_data": [{"key": "crm_id", "value": "B-2"}]},
        )
    )
    results["batch"] = shaped(
        wcapi.post(
            "customers/batch",
            {
                "create": [{"email": f"batch.{tag}@example.com", "first_name": "Batch"}],
                "update": [{"id": customer_id, "last_name": "Batched"}],
            },
        )
    )
    batch_id = results["batch"]["data"]["create"][0]["id"]
    results["batchDelete"] = shaped(wcapi.post("customers/batch", {"delete": [batch_id]}))
    results["downloads"] = shaped(wcapi.get(f"customers/{downloads_customer}/downloads"))
    results["delete"] = shaped(wcapi.delete(f"customers/{customer_id}", params={"force": True}))
    results["afterDelete"] = shaped(wcapi.get(f"customers/{customer_id}"))
    return results


def assert_woocommerce_results(results: dict, tag: str, base_url: str, version: str = DEFAULT) -> None:
    """What every client must see, WooCommerce-shaped, for the operations of run_*_client."""
    create = results["create"]
    customer_id = create["data"]["id"]
    assert create["status"] == 201
    assert create["headers"]["location"] == f"{base_url}/wp-json/{version}/customers/{customer_id}"
    assert create["headers"]["content-type"] == "application/json; charset=UTF-8"
    assert create["data"]["username"] == f"jane.{tag}"
    assert create["data"]["billing"] == {**ADDRESS, "email": f"jane.{tag}@example.com", "phone": "(555) 555-5555"}
    email_hash = hashlib.md5(f"jane.{tag}@example.com".lower().encode(), usedforsecurity=False).hexdigest()
    assert email_hash in create["data"]["avatar_url"]
    if version == "wc/v1":
        assert create["data"]["shipping"] == ADDRESS
        assert (create["data"]["orders_count"], create["data"]["total_spent"]) == (0, "0.00")
        assert create["data"]["last_order"] == {"id": None, "date": None}
        assert "meta_data" not in create["data"]
    else:
        assert create["data"]["shipping"] == {**ADDRESS, "phone": ""}
        assert create["data"]["role"] == "customer"
        assert create["data"]["is_paying_customer"] is False
        # The key's owner is an administrator: meta_data shows, without the protected key.
        assert [(item["key"], item["value"]) for item in create["data"]["meta_data"]] == [("crm_id", "A-17")]
        assert "orders_count" not in create["data"]
        assert create["data"]["date_created_gmt"] == create["data"]["date_created"]

    assert results["retrieve"]["status"] == 200
    assert results["retrieve"]["data"] == create["data"]

    listing = results["list"]
    total = int(listing["headers"]["x-wp-total"])
    assert listing["status"] == 200
    assert total >= 2
    assert listing["headers"]["x-wp-totalpages"] == str(total)
    assert 'rel="next"' in listing["headers"]["link"]
    assert "page=2" in listing["headers"]["link"]
    assert f"/wp-json/{version}/customers?" in listing["headers"]["link"]
    assert len(listing["data"]) == 1

    search = results["search"]
    assert search["headers"]["x-wp-total"] == "1"
    assert [item["id"] for item in search["data"]] == [customer_id]

    update = results["update"]["data"]
    assert results["update"]["status"] == 200
    assert (update["first_name"], update["last_name"]) == ("Janet", "Roe")
    assert update["billing"] == {**create["data"]["billing"], "city": "Oakland"}
    if version != "wc/v1":
        assert [(item["key"], item["value"]) for item in update["meta_data"]] == [("crm_id", "B-2")]

    batch = results["batch"]
    assert batch["status"] == 200
    assert batch["data"]["create"][0]["first_name"] == "Batch"
    collection = f"{base_url}/wp-json/{version}/customers"
    assert batch["data"]["create"][0]["_links"]["collection"] == [{"href": collection}]
    assert batch["data"]["update"][0]["last_name"] == "Batched"
    assert results["batchDelete"]["data"]["delete"][0]["id"] == batch["data"]["create"][0]["id"]

    downloads = results["downloads"]
    assert downloads["status"] == 200
    assert [item["download_id"] for item in downloads["data"]] == ["abc123"]
    assert downloads["data"][0]["downloads_remaining"] == "unlimited"
    assert downloads["data"][0]["access_expires"] == "never"
    assert ("access_expires_gmt" in downloads["data"][0]) is (version != "wc/v1")

    assert results["delete"]["status"] == 200
    assert results["delete"]["data"]["id"] == customer_id
    assert results["delete"]["data"]["last_name"] == "Batched"
    assert results["afterDelete"]["status"] == 404
    assert results["afterDelete"]["data"]["code"] == "wc_user_invalid_id"


def python_api(url: str, store, version: str | None = None, **options) -> API:
    """The Python client as a user makes it: with no `version` unless one is given."""
    if version:
        options["version"] = version
    return API(url=url, consumer_key=store.consumer_key, consumer_secret=store.consumer_secret, timeout=20, **options)


@pytest.mark.parametrize("version", [None, "wc/v1"], ids=["default", "v1"])
def test_python_client_oauth_hmac_sha256_over_http(http_server, store, version):
    tag = f"py256{version is None}"
    results = run_python_client(python_api(http_server, store, version), tag, store.downloads_customer)
    assert_woocommerce_results(results, tag, http_server, version or DEFAULT)


class _Sha1Params(dict):
    """The package signs with HMAC-SHA256 only; this declares HMAC-SHA1 in the parameters it signs."""

    def __setitem__(self, key, value):
        super().__setitem__(key, "HMAC-SHA1" if key == "oauth_signature_method" else value)


def test_python_client_oauth_hmac_sha1_over_http(http_server, store, monkeypatch):
    monkeypatch.setattr(wc_oauth, "OrderedDict", _Sha1Params)
    monkeypatch.setattr(wc_oauth, "sha256", hashlib.sha1)
    results = run_python_client(python_api(http_server, store), "py1", store.downloads_customer)
    assert_woocommerce_results(results, "py1", http_server)


@pytest.mark.parametrize("version", [None, "wc/v1"], ids=["default", "v1"])
@pytest.mark.parametrize("query_string_auth", [True, False], ids=["query-string", "basic"])
def test_python_client_over_https(https_server, store, query_string_auth, version):
    wcapi = python_api(https_server, store, version, query_string_auth=query_string_auth, verify_ssl=False)
    tag = f"pys{int(query_string_auth)}{version is None}"
    results = run_python_client(wcapi, tag, store.downloads_customer)
    assert_woocommerce_results(results, tag, https_server, version or DEFAULT)


def run_js_client(url: str, store, tag: str, **env) -> dict:
    node = shutil.which("node")
    assert node, "node is needed for the JavaScript client"
    assert (JS_DIR / "node_modules").exists(), "run `npm ci` in tests/clients/js"
    process_env = {
        **store.env,
        "WC_URL": url,
        "WC_KEY": store.consumer_key,
        "WC_SECRET": store.consumer_secret,
        "WC_TAG": tag,
        "WC_DOWNLOADS_CUSTOMER": str(store.downloads_customer),
        **env,
    }
    result = subprocess.run(
        [node, "customers.mjs"], cwd=JS_DIR, env=process_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("version", ["", "wc/v1"], ids=["default", "v1"])
@pytest.mark.parametrize("signature", ["HMAC-SHA256", "HMAC-SHA1"])
def test_js_client_oauth_over_http(http_server, store, signature, version):
    tag = f"js{signature[-3:]}{bool(version)}"
    results = run_js_client(http_server, store, tag, WC_SIGNATURE=signature, WC_VERSION=version)
    assert_woocommerce_results(results, tag, http_server, version or DEFAULT)


@pytest.mark.parametrize("version", ["", "wc/v1"], ids=["default", "v1"])
@pytest.mark.parametrize("query_string_auth", ["1", ""], ids=["query-string", "basic"])
def test_js_client_over_https(https_server, store, query_string_auth, version):
    tag = f"jss{query_string_auth or 0}{bool(version)}"
    results = run_js_client(
        https_server, store, tag, WC_QUERY_STRING_AUTH=query_string_auth, WC_INSECURE_TLS="1", WC_VERSION=version
    )
    assert_woocommerce_results(results, tag, https_server, version or DEFAULT)


def signed_url(url: str, store, path: str = "/wp-json/wc/v1/customers?per_page=1") -> str:
    """A URL signed by the Python client's own OAuth code, as it would send it."""
    return wc_oauth.OAuth(
        url=f"{url}{path}",
        consumer_key=store.consumer_key,
        consumer_secret=store.consumer_secret,
        version="wc/v3",
        method="GET",
    ).get_oauth_url()


def test_replayed_oauth_request_is_refused(http_server, store):
    url = signed_url(http_server, store)
    assert requests.get(url, timeout=10).status_code == 200
    replay = requests.get(url, timeout=10)
    assert replay.status_code == 401
    assert replay.json()["message"] == "Invalid nonce - nonce has already been used."


def test_two_servers_do_not_both_accept_one_nonce(http_server, store):
    # A second server process on the same database, like a second worker behind a load balancer.
    other_url, other = store.serve()
    try:
        port = http_server.rsplit(":", 1)[1]
        other_port = other_url.rsplit(":", 1)[1]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for _ in range(5):
                url = signed_url(http_server, store)
                targets = [url, url.replace(f":{port}/", f":{other_port}/")]
                answers = list(pool.map(lambda target: requests.get(target, timeout=20).status_code, targets))
                assert sorted(answers) == [200, 401], answers
    finally:
        other.terminate()
        other.wait()


def test_signature_host_comes_from_the_site_url_setting(store):
    # Behind a proxy the client signs the public URL; the server is reached on another host.
    public = f"https://shop-{uuid.uuid4().hex[:6]}.example"
    url, process = store.serve(WCOMPAT_SITE_URL=public)
    try:
        plain_http = public.replace("https://", "http://")
        # Signed for http://<public host>: the configured https URL does not match that scheme.
        wrong = signed_url(plain_http, store, "/wp-json/wc/v1/customers")
        assert requests.get(wrong.replace(plain_http, url), timeout=10).status_code == 401
        right = signed_url(public, store, "/wp-json/wc/v1/customers")
        response = requests.get(right.replace(public, url), timeout=10)
        assert response.status_code == 200, response.text
        assert response.headers["link"].startswith(f"<{public}/wp-json/")
    finally:
        process.terminate()
        process.wait()


@pytest.mark.parametrize("version", ["wc/v2", "wc/v3"])
def test_a_connector_checks_the_connection_through_the_system_status(https_server, store, version):
    """As connectors do before they sync: GET system_status, and system_status/tools?per_page=100."""
    wcapi = API(
        url=https_server,
        consumer_key=store.consumer_key,
        consumer_secret=store.consumer_secret,
        version=version,
        verify_ssl=False,
        timeout=20,
    )
    status = wcapi.get("system_status")
    assert status.status_code == 200
    assert status.json()["environment"]["version"] == "9.8.5"
    tools = wcapi.get("system_status/tools", params={"per_page": 100})
    assert tools.status_code == 200
    assert "recount_customer_totals" in [tool["id"] for tool in tools.json()]
    ran = wcapi.put("system_status/tools/clear_expired_oauth_nonces", {})
    assert (ran.status_code, ran.json()["success"]) == (200, True)
