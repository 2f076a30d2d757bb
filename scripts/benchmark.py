#!/usr/bin/env python
"""Benchmark the API under gunicorn, against a bare Django view measured in the same run.

    .venv/bin/python scripts/benchmark.py [--db sqlite|postgres] [--customers N] [--orders M]
                                          [--duration SECONDS] [--connections C]
                                          [--soak SECONDS] [--import] [--json FILE]
                                          [--paired] [--only PREFIX]...

One run: a fresh database (a SQLite file, or a throwaway PostgreSQL cluster), N customers and M orders
seeded in bulk, gunicorn with gunicorn.conf.py, then wrk (Debian's package) against each scenario. It
prints requests per second, p50 and p99 latency, the ratio to the bare view, and the SQL queries one
request of each scenario runs. Then, measured in the same run:

- what queueing webhook deliveries adds to a write (in-process, with three active webhooks against none),
  and how many statements queue a batch of 100 creates' deliveries;
- with --soak: the gunicorn workers' memory (RSS) before and after SECONDS of mixed load;
- with --import: import_woocommerce from this server into a fresh database, in customers per second.

With --paired, the bare view is measured again just before each scenario, and each ratio is taken against that
measurement: the host's speed drifts during a run, and two measurements side by side compare the same moment.
--only keeps the scenarios whose names start so (the bare view is always measured).

With --admin, the API's scenarios are left out and the admin is measured instead (scripts/benchmark_admin.py):
the customer list with each sort and filter, searches, a customer's page with 2,000 orders, the streamed export.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from support import api_key, basic_authorization, free_port, manage, server_env

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WRK_SCRIPTS = ROOT / "scripts" / "wrk"  # create.lua posts new customers, one or a batch


def run(args: list[str], env: dict, **kwargs) -> str:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE, **kwargs).stdout


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> dict:
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "99"):
        match = re.search(rf"^\s+{percent}\.000%\s+(\S+)", output, re.M) or re.search(
            rf"^\s+{percent}%\s+(\S+)", output, re.M
        )
        result[f"p{percent}"] = to_ms(match.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    result["errors"] = int(errors.group(1)) if errors else 0
    result["socket_errors"] = socket_errors.group(1) if socket_errors else ""
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    return result


def wrk(
    url: str,
    headers: dict,
    *,
    threads: int,
    connections: int,
    seconds: int,
    script: str | None = None,
    script_args: tuple[str, ...] = (),
) -> dict:
    """wrk's measurement of `url` (with one of scripts/wrk/ and its arguments), parsed."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    if script:
        command += ["-s", str(WRK_SCRIPTS / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def start_database(kind: str, tmp: Path) -> tuple[str, Path | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    pg_dir = tmp / "pg"
    url = run([str(ROOT / "scripts" / "throwaway-postgres"), str(pg_dir)], os.environ.copy()).strip()
    return url, pg_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--paired",
        action="store_true",
        help="measure the bare view again just before each scenario, and take that scenario's ratio against it",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="PREFIX", help="only the scenarios named so (repeatable)"
    )
    parser.add_argument("--soak", type=int, default=0, help="seconds of mixed load, with memory before and after")
    parser.add_argument("--import", action="store_true", help="time import_woocommerce from this server")
    parser.add_argument("--webhooks", action="store_true", help="the webhook worker's throughput and head-of-line")
    parser.add_argument("--only-webhooks", action="store_true", help="--webhooks without the API's scenarios")
    parser.add_argument("--deliveries", type=int, default=20000, help="deliveries queued for the throughput figure")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="run_worker --concurrency for the webhook figures (its default)"
    )
    parser.add_argument("--hol-seconds", type=int, default=30, help="seconds of writes for the head-of-line figure")
    parser.add_argument("--hol-rate", type=int, default=50, help="updates/s for the head-of-line figure")
    parser.add_argument(
        "--admin", action="store_true", help="the admin's pages and export (scripts/benchmark_admin.py), not the API's"
    )
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="wcompat-bench-"))
    tmp.chmod(0o755)  # the PostgreSQL server runs as its own user and must reach its folder inside
    database_url, pg_dir = start_database(options.db, tmp)
    port = free_port()
    env = server_env(database_url, WCOMPAT_BENCHMARK_VIEWS="1", GUNICORN_BIND=f"127.0.0.1:{port}")
    if options.workers:
        env["WEB_CONCURRENCY"] = str(options.workers)
    server = log = None
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        print(f"Seeding {options.customers} customers and {options.orders} orders ({options.db})", flush=True)
        started = time.monotonic()
        run(
            [
                PYTHON,
                "manage.py",
                "seed_customers",
                "--customers",
                str(options.customers),
                "--orders",
                str(options.orders),
            ],
            env,
            stderr=None,
        )
        seed_seconds = time.monotonic() - started
        pair = api_key(env, "bench")
        headers = {
            "Authorization": basic_authorization(pair),
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
        }

        log = (tmp / "gunicorn.log").open("w")  # closed with the process below
        # Workers are not recycled during a run (gunicorn.conf.py's max_requests off), so the soak measures
        # the same worker processes from start to end.
        server = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "-c", "gunicorn.conf.py", "--max-requests", "0", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/bare", timeout=2)
                break
            except OSError:
                time.sleep(0.2)

        def api(path: str) -> dict | list:
            request = urllib.request.Request(base + path, headers=headers)
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())

        sample = api("/wp-json/wc/v3/customers?per_page=1&page=2")[0]
        deep_page = max(1, min(500, options.customers // 20))
        recent = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 3600))
        v1, v3 = "/wp-json/wc/v1/customers", "/wp-json/wc/v3/customers"
        scenarios = [
            ("bare Django view", "GET", "/bench/bare", None),
            ("GET one, v1", "GET", f"{v1}/{sample['id']}", None),
            ("GET one, v3", "GET", f"{v3}/{sample['id']}", None),
            ("list per_page=10, v1", "GET", f"{v1}?per_page=10", None),
            ("list per_page=10, v3", "GET", f"{v3}?per_page=10", None),
            ("list per_page=100, v1", "GET", f"{v1}?per_page=100", None),
            ("list per_page=100, v3", "GET", f"{v3}?per_page=100", None),
            (f"list page={deep_page}, v3", "GET", f"{v3}?page={deep_page}", None),
            ("search, v3", "GET", f"{v3}?search={sample['username'].split('.')[0]}.", None),
            ("email filter, v3", "GET", f"{v3}?email={sample['email']}", None),
            ("phone lookup, v3", "GET", f"{v3}?phone={sample['billing']['phone'].replace(' ', '%20')}", None),
            (
                "modified_after 1 h, v3",
                "GET",
                f"{v3}?modified_after={recent}&dates_are_gmt=true&orderby=modified&order=asc&per_page=100&role=all",
                None,
            ),
            ("POST create, v3", "POST", v3, "1"),
            ("batch create 100, v3", "POST", f"{v3}/batch", "100"),
        ]
        if options.only:
            scenarios = [scenarios[0]] + [item for item in scenarios[1:] if item[0].startswith(tuple(options.only))]
        results, webhook_costs, admin = [], None, None
        if options.admin:
            admin = measure_admin(env, options)
        elif options.only_webhooks:
            setup_django(env)
        else:
            queries, webhook_costs = count_queries(env, headers, scenarios)
            results = []
            load = {"threads": min(options.threads, options.connections), "connections": options.connections}
            for name, method, path, batch in scenarios:
                # The machine's speed drifts over a run (other work on the host): a bare view measured just
                # before a scenario makes its ratio a comparison of two moments side by side.
                paired = (
                    wrk(base + "/bench/bare", headers, **load, seconds=options.duration)
                    if (options.paired and results)
                    else None
                )
                measured = wrk(
                    base + path,
                    headers,
                    **load,
                    seconds=options.duration,
                    script="create.lua" if batch else None,
                    script_args=(batch,) if batch else (),
                )
                result = {"scenario": name, "method": method, "path": path, **measured, "queries": queries[name]}
                if paired:
                    result["bare_rps"] = paired["rps"]
                results.append(result)
                print(
                    f"  {name:<20} {result['rps']:9.1f} req/s  p50 {result['p50']:8.2f} ms  "
                    f"p99 {result['p99']:8.2f} ms  errors {result['errors']}"
                    + (f"  (bare just before: {paired['rps']:.1f} req/s)" if paired else ""),
                    flush=True,
                )
            print_table(results, options, seed_seconds)
            print_webhook_costs(webhook_costs)
        webhooks = measure_webhooks(env, options) if options.webhooks or options.only_webhooks else None
        soak = measure_soak(server.pid, base, headers, options) if options.soak else None
        imported = measure_import(env, base, pair, tmp, options) if options.__dict__["import"] else None
        if options.json:
            options.json.write_text(
                json.dumps(
                    {
                        "options": vars(options) | {"json": str(options.json)},
                        "seed_seconds": seed_seconds,
                        "results": results,
                        "webhook_costs": webhook_costs,
                        "soak": soak,
                        "import": imported,
                        "webhooks": webhooks,
                        "admin": admin,
                    },
                    indent=2,
                )
            )
    finally:
        if server:
            server.terminate()
            server.wait()
        if log:
            log.close()
        if pg_dir:
            subprocess.run([str(ROOT / "scripts" / "throwaway-postgres"), str(pg_dir), "--stop"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def measure_admin(env: dict, options) -> dict:
    """The admin's server times, then its export in a process of its own (so the peak memory is the export's)."""
    script = str(ROOT / "scripts" / "benchmark_admin.py")
    with tempfile.TemporaryDirectory() as folder:
        pages, export = Path(folder) / "pages.json", Path(folder) / "export.json"
        subprocess.run([PYTHON, script, "--json", str(pages)], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, script, "--export", "--json", str(export)], cwd=ROOT, env=env, check=True)
        return {"pages": json.loads(pages.read_text()), "export": json.loads(export.read_text())}


def setup_django(env: dict) -> None:
    """Django in this process, on the benchmark's database (for counting queries and queueing deliveries)."""
    os.environ.update({key: value for key, value in env.items() if key != "GUNICORN_BIND"})
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def count_queries(env: dict, headers: dict, scenarios: list) -> tuple[dict[str, int | str], dict]:
    """SQL queries one request of each scenario runs, counted in-process on the same database; and what
    queueing webhook deliveries costs a write."""
    setup_django(env)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=headers["Authorization"], HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    counts: dict[str, int | str] = {}
    for name, _method, path, batch in scenarios:

        def call(path=path, batch=batch):
            if not batch:
                return client.get(path)
            body = {"email": f"count-{secrets.token_hex(6)}@example.com"}
            if "batch" in path:
                body = {"create": [{"email": f"count-{secrets.token_hex(6)}@example.com"} for _ in range(100)]}
            return client.post(path, body, content_type="application/json")

        call()  # warm: last_access, permission caches
        with CaptureQueriesContext(connection) as captured:
            response = call()
        counts[name] = len(captured) if response.status_code < 400 else f"{len(captured)} (HTTP {response.status_code})"
    return counts, webhook_costs(client)


def webhook_costs(client) -> dict:
    """Milliseconds per write without webhooks and with three active ones (every delivery queued in the write's
    own transaction), in-process; and the statements that queue a batch of 100 creates' deliveries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Customer
    from webhooks.models import Delivery, Webhook

    ids = list(Customer.objects.order_by("id").values_list("id", flat=True)[:200])

    def updates() -> float:
        started = time.perf_counter()
        for number, customer_id in enumerate(ids):
            client.put(
                f"/wp-json/wc/v3/customers/{customer_id}", {"last_name": f"W{number}"}, content_type="application/json"
            )
        return (time.perf_counter() - started) * 1000 / len(ids)

    def batch() -> tuple[float, int]:
        body = {"create": [{"email": f"wh-{secrets.token_hex(6)}@example.com"} for _ in range(100)]}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.post("/wp-json/wc/v3/customers/batch", body, content_type="application/json")
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, sum("INSERT INTO webhooks_delivery" in query["sql"] for query in captured)

    updates()  # warm
    without = min(updates() for _ in range(3))
    batch_without = min(batch()[0] for _ in range(3))
    hooks = [
        Webhook.objects.create(
            name=f"bench {topic}", topic=topic, status="active", delivery_url="https://hooks.example/"
        )
        for topic in ("customer.updated", "customer.updated", "customer.created")
    ]
    Delivery.objects.all().delete()
    with_hooks = min(updates() for _ in range(3))
    runs = [batch() for _ in range(3)]
    batch_with, statements = min(elapsed for elapsed, _ in runs), runs[0][1]
    queued = Delivery.objects.count()
    Webhook.objects.filter(pk__in=[hook.pk for hook in hooks]).delete()
    return {
        "update_ms_without_webhooks": round(without, 3),
        "update_ms_with_3_webhooks": round(with_hooks, 3),
        "added_ms_per_write": round(with_hooks - without, 3),
        "batch_100_ms_without": round(batch_without, 1),
        "batch_100_ms_with": round(batch_with, 1),
        "batch_100_queue_statements": statements,
        "deliveries_queued": queued,
    }


def print_webhook_costs(costs: dict) -> None:
    print()
    print(
        f"Webhook queue: an update takes {costs['update_ms_without_webhooks']:.3f} ms without webhooks, "
        f"{costs['update_ms_with_3_webhooks']:.3f} ms with 3 active (+{costs['added_ms_per_write']:.3f} ms); "
        f"a batch of 100 creates {costs['batch_100_ms_without']:.1f} ms / {costs['batch_100_ms_with']:.1f} ms, "
        f"its deliveries queued in {costs['batch_100_queue_statements']} statement(s)"
    )


def measure_webhooks(env: dict, options) -> dict:
    """One worker process's deliveries per second, and a healthy receiver's delay beside a dead one."""
    import benchmark_webhooks

    worker_env = {key: value for key, value in env.items() if key != "GUNICORN_BIND"}
    throughput = benchmark_webhooks.delivery_throughput(
        worker_env, deliveries=options.deliveries, concurrency=options.concurrency
    )
    print()
    print(
        f"Webhook worker: {throughput['received']} of {throughput['deliveries']} deliveries in "
        f"{throughput['seconds']} s, {throughput['per_second']}/s (one process, --concurrency "
        f"{throughput['concurrency']}, {throughput['delivered']} recorded delivered)",
        flush=True,
    )
    blocked = benchmark_webhooks.head_of_line(
        worker_env, seconds=options.hol_seconds, rate=options.hol_rate, concurrency=options.concurrency
    )
    print(
        f"Head-of-line: a dead receiver beside two healthy ones, {blocked['writes_per_second']} updates/s for "
        f"{blocked['seconds']} s: {blocked['healthy_deliveries']} healthy deliveries "
        f"({blocked['not_received']} not received), commit to arrival p50 {blocked['delay_p50_s']} s, "
        f"p99 {blocked['delay_p99_s']} s, max {blocked['delay_max_s']} s; the dead receiver was sent "
        f"{blocked['dead_sent']} (at most its share at once) and {blocked['dead_waiting']} waited"
    )
    return {"throughput": throughput, "head_of_line": blocked}


def worker_rss(master: int) -> dict[int, int]:
    """The resident memory (KiB) of each gunicorn worker of this master, by process id."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes[int(pid)] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return sizes


def measure_soak(master: int, base: str, headers: dict, options) -> dict:
    """Mixed load (reads, lists, updates, creates) for --soak seconds; worker memory before and after."""

    def mixed(seconds: int) -> dict:
        return wrk(
            base,
            headers,
            threads=2,
            connections=8,
            seconds=seconds,
            script="mixed.lua",
            script_args=(str(options.customers),),
        )

    mixed(10)  # warm
    before = worker_rss(master)
    measured = mixed(options.soak)
    after = worker_rss(master)
    if set(after) != set(before):
        raise SystemExit("a gunicorn worker was replaced during the soak: its memory cannot be compared")
    result = {
        "seconds": options.soak,
        **measured,
        "rss_kib_before": list(before.values()),
        "rss_kib_after": [after[pid] for pid in before],
    }
    mib_before = [round(size / 1024, 1) for size in result["rss_kib_before"]]
    mib_after = [round(size / 1024, 1) for size in result["rss_kib_after"]]
    print()
    print(
        f"Soak: {options.soak} s of mixed load, {result['rps']:.1f} req/s, p99 {result['p99']:.1f} ms, "
        f"{result['errors']} non-2xx; worker RSS MiB before {mib_before}, after {mib_after} "
        f"(the same {len(before)} processes)"
    )
    return result


def measure_import(env: dict, base: str, pair: dict, tmp: Path, options) -> dict:
    """import_woocommerce from the running server (the source) into a fresh database of the same kind."""
    target = dict(env)
    if options.db == "sqlite":
        target["DATABASE_URL"] = f"sqlite:///{tmp / 'import-target.sqlite3'}"
    else:
        name = "wcompat_import_target"
        subprocess.run([*psql(env), "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
        target["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], target)
    command = [PYTHON, "manage.py", "import_woocommerce", "--url", base, "--key", pair["consumer_key"]]
    started = time.monotonic()
    output = run([*command, "--secret", pair["consumer_secret"], "--quiet", "--json"], target)
    seconds = time.monotonic() - started
    summary = json.loads(output)
    result = {
        "customers": summary["customers"]["created"],
        "orders": summary["orders"]["created"],
        "downloads": summary["downloads"]["created"],
        "seconds_total": round(seconds, 2),
        "import_seconds": summary["seconds"],
        "customers_per_second_overall": round(summary["customers"]["created"] / summary["seconds"], 1),
        "customers_per_second_customers_stage": summary["customers_per_second"],
    }
    print()
    print(
        f"Import: {result['customers']} customers, {result['orders']} orders, {result['downloads']} downloads "
        f"in {summary['seconds']:.2f} s: {result['customers_per_second_overall']} customers/s overall, "
        f"{result['customers_per_second_customers_stage']} in the customers stage"
    )
    return result


def psql(env: dict) -> list[str]:
    """psql on the benchmark's throwaway cluster (its DATABASE_URL names a unix socket folder)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(env["DATABASE_URL"])
    return ["psql", "-h", unquote(parts.hostname or ""), "-U", parts.username or "postgres", "-d", "postgres"]


def print_table(results: list[dict], options, seed_seconds: float) -> None:
    bare = results[0]["rps"]
    print()
    print(
        f"{options.db}, {options.customers} customers, {options.orders} orders (seeded in {seed_seconds:.1f} s), "
        f"wrk -t{min(options.threads, options.connections)} -c{options.connections} -d{options.duration}s, "
        f"{os.cpu_count()} cores"
    )
    print()
    paired = options.paired
    # With --paired, each ratio is against the bare view measured just before the scenario.
    print(
        "| scenario | req/s | p50 ms | p99 ms | x bare |"
        + (" bare just before |" if paired else "")
        + " SQL queries | non-2xx |"
    )
    print("|---|---:|---:|---:|---:|" + ("---:|" if paired else "") + "---:|---:|")
    for result in results:
        baseline = result.get("bare_rps", bare)
        print(
            f"| {result['scenario']} | {result['rps']:.1f} | {result['p50']:.2f} | {result['p99']:.2f} | "
            f"{result['rps'] / baseline:.2f} |"
            + (f" {baseline:.1f} |" if paired else "")
            + f" {result['queries']} | {result['errors']} |"
        )


if __name__ == "__main__":
    main()
