#!/usr/bin/env python
"""Count the CPU instructions one API read costs, against the bare Django view: a measure the host's noise cannot move.

    .venv/bin/python scripts/instructions.py [--requests 100] [--customers 1000] [--orders 10000]

The wrk ratios of scripts/benchmark.py move by a tenth between runs on a shared host, as much as a step of work
gains. This counts instead (valgrind's cachegrind, `apt-get install valgrind`): a fresh SQLite database seeded as the
benchmark seeds it, Django's WSGI handler called in process with production settings (the request log included),
each scenario's requests counted after 20 warm-up ones, minus a run of the warm-up alone. The counts are the same
from run to run within about 1 %; they leave out what a server adds (gunicorn, the sockets, caches shared with other
processes), so they compare two versions of the code, not the API with WooCommerce.
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from support import ROOT, api_key, basic_authorization, manage, server_env

PYTHON = sys.executable
WARM_UP = 20
SCENARIOS = {
    "bare Django view": ("/bench/bare", ""),
    "GET one, v1": ("/wp-json/wc/v1/customers/{id}", ""),
    "GET one, v3": ("/wp-json/wc/v3/customers/{id}", ""),
    "list per_page=10, v1": ("/wp-json/wc/v1/customers", "per_page=10"),
    "list per_page=10, v3": ("/wp-json/wc/v3/customers", "per_page=10"),
    "list per_page=100, v3": ("/wp-json/wc/v3/customers", "per_page=100"),
}


def serve(scenario: str, requests: int, authorization: str) -> None:
    """In the counted process: WARM_UP + `requests` requests of the scenario through Django's WSGI handler."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from customers.models import Customer

    handler = WSGIHandler()
    path, query = SCENARIOS[scenario]
    path = path.format(id=Customer.objects.order_by("id").values_list("id", flat=True)[1])
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": authorization,
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    statuses = []

    def start_response(status: str, headers: list) -> None:
        statuses.append(status)

    for _ in range(WARM_UP + requests):
        body = handler({**environ, "wsgi.input": io.BytesIO(b"")}, start_response)
        b"".join(body)
        body.close()
        if not statuses.pop().startswith("200"):
            sys.exit(f"{scenario}: not answered 200")


def count(env: dict, scenario: str, requests: int, authorization: str) -> int:
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", PYTHON]
    command += [__file__, "--serve", scenario, "--requests", str(requests), "--authorization", authorization]
    # The request log goes nowhere (it is still formatted and written); cachegrind's summary comes on stderr.
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    match = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode or not match:
        sys.exit(result.stderr[-2000:])
    return int(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--authorization", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, options.requests, options.authorization)
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed: apt-get install valgrind")
    tmp = Path(tempfile.mkdtemp(prefix="wcompat-instructions-"))
    try:
        # Hash randomisation off: dictionaries and sets then do the same work in every run.
        env = server_env(f"sqlite:///{tmp / 'db.sqlite3'}", WCOMPAT_BENCHMARK_VIEWS="1", PYTHONHASHSEED="0")
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_customers", "--customers", str(options.customers), "--orders", str(options.orders))
        authorization = basic_authorization(api_key(env, "bench"))
        print(f"{options.requests} requests per scenario, after {WARM_UP} warm-up ones (instructions per request)")
        print("| scenario | instructions | x bare |")
        print("|---|---:|---:|")
        bare = None
        for scenario in SCENARIOS:
            warm_up = count(env, scenario, 0, authorization)
            counted = count(env, scenario, options.requests, authorization)
            per_request = (counted - warm_up) / options.requests
            bare = bare or per_request
            print(f"| {scenario} | {per_request / 1000:,.0f}k | {bare / per_request:.2f} |", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    main()
