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

from tests.live import ROOT, create_store
from wcompat.routers import ROUTES

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_schema_documents_every_route_with_auth_and_errors():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    documented = set(schema["paths"])
    for wp_route, _viewset, _actions in ROUTES["wc/v1"]:
        path = "/wp-json" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", wp_route)
        assert path in documented
    listing = schema["paths"]["/wp-json/wc/v1/customers"]["get"]
    assert set(listing["responses"]["200"]["headers"]) == {"X-WP-Total", "X-WP-TotalPages", "Link"}
    assert {"400", "401", "403"} <= set(listing["responses"])
    assert {p["name"] for p in listing["parameters"]} >= {"page", "per_page", "search", "include", "role"}
    assert set(schema["components"]["securitySchemes"]) == {"basicAuth", "consumerKey", "consumerSecret", "oauth1"}
    create = schema["paths"]["/wp-json/wc/v1/customers"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["required"] == ["email"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_are_served_without_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


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
