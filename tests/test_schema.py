"""The OpenAPI document: valid, served with its docs offline, and true to the live server."""

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.conftest import NAMESPACES
from tests.live import ROOT, create_store
from wcompat.routers import served_routes

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_schema_documents_every_route_with_auth_and_errors():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    documented = set(schema["paths"])
    for namespace in NAMESPACES:
        for route in served_routes()[namespace]:
            path = "/wp-json" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route.wp_route)
            assert path in documented
        prefix = f"/wp-json/{namespace}/customers"
        listing = schema["paths"][prefix]["get"]
        assert set(listing["responses"]["200"]["headers"]) == {"X-WP-Total", "X-WP-TotalPages", "Link"}
        assert {"400", "401", "403"} <= set(listing["responses"])
        assert {p["name"] for p in listing["parameters"]} >= {"page", "per_page", "search", "include", "role"}
        create = schema["paths"][prefix]["post"]["requestBody"]
        assert list(create["content"]) == ["application/json"]  # one body: what a generated client sends
        body = create["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert body == f"{namespace.replace('/', ' ').title().replace(' ', '')}CustomerCreate"
        assert create["required"] is True
        assert schema["components"]["schemas"][body]["required"] == ["email"]
    # What a person can fill in on the Authorize form: Basic with the key and secret.
    assert set(schema["components"]["securitySchemes"]) == {"basicAuth"}


def test_every_operation_has_a_summary_and_wc_v3_comes_first():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert [path for path, _, operation in operations if not operation.get("summary")] == []
    summaries = {(path, method): operation["summary"] for path, method, operation in operations}
    assert summaries[("/wp-json/wc/v3/customers", "get")] == "List customers"
    assert summaries[("/wp-json/wc/v3/customers", "post")] == "Create a customer"
    assert summaries[("/wp-json/wcompat/v1/orders/{id}", "get")] == "Retrieve an order"
    assert summaries[("/wp-json/wc/v3/system_status/tools/{id}", "put")] == "Run a system status tool"
    assert next(iter(schema["paths"])).startswith("/wp-json/wc/v3/")
    components = schema["components"]["schemas"]
    assert components["WcV3Customer"]["properties"]["password"]["writeOnly"] is True


def test_each_version_has_its_own_components_operations_and_tags():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert {"WcV1Customer", "WcV2Customer", "WcV3Customer"} <= set(components)
    assert {"WcV1CustomerDownload", "WcV2CustomerDownload", "WcV3CustomerDownload"} <= set(components)
    assert "last_order" in components["WcV1Customer"]["properties"]
    assert "orders_count" in components["WcV2Customer"]["properties"]
    assert "orders_count" not in components["WcV3Customer"]["properties"]
    assert "product_name" in components["WcV3CustomerDownload"]["properties"]
    operations = [
        operation
        for path_item in schema["paths"].values()
        for method, operation in path_item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids))
    assert {"wc_v1_customers_list", "wc_v2_customers_list", "wc_v3_customers_list"} <= set(ids)
    assert {tag for operation in operations for tag in operation["tags"]} == {
        "wc/v1 customers",
        "wc/v2 customers",
        "wc/v3 customers",
        "wc/v1 webhooks",
        "wc/v2 webhooks",
        "wc/v3 webhooks",
        "wc/v2 system_status",
        "wc/v3 system_status",
        "wc/v2 system_status/tools",
        "wc/v3 system_status/tools",
        "wcompat/v1 orders",
        "wcompat/v1 downloads",
        "wcompat/v1 customers",
    }
    # This project's own routes are marked as its extensions; WooCommerce's are not.
    personal = schema["paths"]["/wp-json/wcompat/v1/customers/{id}/personal-data"]["get"]
    assert personal["x-wcompat-extension"] is True
    assert "x-wcompat-extension" not in schema["paths"]["/wp-json/wc/v3/customers"]["get"]
    assert "date_created_gmt" not in components["WcV1Webhook"]["properties"]
    assert "date_created_gmt" in components["WcV3Webhook"]["properties"]
    assert components["WcV3Webhook"]["properties"]["secret"]["writeOnly"] is True


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_are_served_without_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
    # Nothing is loaded from another site: no fonts, scripts or styles by absolute URL.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), html
    assert "googleapis" not in html


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path):
    """Generated requests against a live server; every answer must match the documented schema."""
    store = create_store(tmp_path)
    url, process = store.serve(WCOMPAT_ALLOW_INSECURE_KEY_AUTH="1")
    try:
        credentials = f"{store.consumer_key}:{store.consumer_secret}"
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{url}/api/schema/?format=json",
                "--url",
                url,
                "-H",
                "Authorization: Basic " + base64.b64encode(credentials.encode()).decode(),
                "--checks",
                "no_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
                "--max-examples",
                "25",
                "--max-time",
                "60",
                "--seed",
                "1",
                "--request-timeout",
                "20",
            ],
            cwd=ROOT,
            env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    finally:
        process.terminate()
        process.wait()


def test_the_admins_view_site_goes_to_the_docs_and_the_favicon_is_found(admin_client, client):
    assert 'href="/api/docs/"' in admin_client.get("/admin/").content.decode()
    assert client.get("/favicon.ico", follow=True).status_code == 200
