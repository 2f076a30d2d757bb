"""The scale rehearsal (scripts/rehearsal.py), short: two app servers, two workers (one SIGKILLed), PostgreSQL."""

import json
import os
import subprocess
import sys

import pytest

from tests.live import ROOT, fresh_database_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the rehearsal runs on PostgreSQL"
    ),
]


def test_the_scale_rehearsal_passes_every_check(tmp_path):
    report_file = tmp_path / "rehearsal.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WCOMPAT_"))}
    command = [sys.executable, "scripts/rehearsal.py", "--seconds", "8", "--writers", "3"]
    command += ["--database-url", fresh_database_url(tmp_path), "--json", str(report_file)]
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    report = json.loads(report_file.read_text())
    assert report["checks"] == dict.fromkeys(report["checks"], True), finished.stdout[-3000:]
    assert finished.returncode == 0
    assert report["customers_created"] > 20
    assert report["deliveries"] > report["customers_created"]
