"""Production serving: deploy checks, the secret key, gunicorn's config, request logs without secrets."""

import inspect
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import ROOT
from wcompat.logging import RequestLogMiddleware

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_SECRET_KEY": "x7Gq2m9VbL4pRt8Yw1Zk6Hs3Nd5Fj0Ca-Qe2Wu8Ii4Oo7Pp1Aa9Ss3Dd6Ff0Gg5",
    "DJANGO_ALLOWED_HOSTS": "shop.example",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "PYTHONWARNINGS": "ignore",
}


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WCOMPAT_"))}
    return subprocess.run(args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_deploy_checks_pass_under_production_settings():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_serving_requires_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = run([sys.executable, "-c", "import config.wsgi"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_wsgi_app_loads_its_urlconf_before_serving_and_opens_no_connection():
    # gunicorn (preload_app) imports config.wsgi before it forks: the workers share the routes and views, and no
    # database connection is made that the forked workers would share.
    check = (
        "import sys, config.wsgi; from django.db import connections; "
        "print({'config.urls', 'webhooks.views', 'system_status.views'} <= set(sys.modules), "
        "[alias for alias in connections if connections[alias].connection])"
    )
    result = run([sys.executable, "-c", check], PRODUCTION_ENV)
    assert (result.returncode, result.stdout.strip()) == (0, "True []"), result.stderr


def test_gunicorn_config_loads_the_app():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = run([str(gunicorn), "--check-config", "-c", "gunicorn.conf.py", "config.wsgi"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_request_log_has_no_query_string_secret_or_signature(admin_key, caplog):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
    query = f"consumer_key={admin_key.plain_key}&consumer_secret={admin_key.consumer_secret}&oauth_signature=SIG"
    with caplog.at_level(logging.INFO, logger="wcompat.requests"):
        assert client.get(f"/wp-json/wc/v1/customers?{query}").status_code == 200
    [record] = [record for record in caplog.records if record.name == "wcompat.requests"]
    fields = record.fields
    assert fields["path"] == "/wp-json/wc/v1/customers"
    assert (fields["method"], fields["status"]) == ("GET", 200)
    assert fields["key"] == f"…{admin_key.plain_key[-7:]}"
    # Where a formatter of the operator's own says the line comes from: the middleware, as logger.info() finds it.
    assert (Path(record.pathname).parts[-2:], record.module, record.funcName) == (
        ("wcompat", "logging.py"),
        "logging",
        "__call__",
    )
    lines, first = inspect.getsourcelines(RequestLogMiddleware.__call__)
    assert first < record.lineno < first + len(lines)
    logged = json.dumps(fields) + record.getMessage()
    for secret in (admin_key.consumer_secret, admin_key.plain_key, "SIG", "consumer_secret"):
        assert secret not in logged


@pytest.mark.django_db
def test_healthz_answers_without_credentials_and_without_secrets(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})
    assert response["Cache-Control"] == "no-store"
    assert client.post("/healthz").status_code == 405
