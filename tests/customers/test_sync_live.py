"""An incremental sync over HTTP with another process writing between its rounds: the mirror ends equal to a
full read.

The syncing client keeps the last date_modified it saw and asks for `modified_after` (one second earlier,
as `after` is exclusive at whole seconds) in rounds; between them a separate process creates, updates and
deletes customers and adds orders. Deletions reach the client as `customer.deleted` webhooks; here the writer
reports them on its standard output instead.
"""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.live import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

WRITER = """
import random
from customers import services
from customers.models import Order
from customers.selectors import customer_get
random.seed(7)
ids = [services.customer_create(email=f"sync{n}@example.com").id for n in range(20)]
print("ready", flush=True)
for step in range(60):
    if step % 6 == 0:
        input()  # the client's round is over: write the next six changes
    action = step % 5
    target = random.choice(ids)
    record = customer_get(target)
    if action == 0:
        ids.append(services.customer_create(email=f"sync-new{step}@example.com").id)
    elif action == 1:
        services.customer_update(customer=record, first_name=f"F{step}")
    elif action == 2:
        services.customer_update(customer=record, billing={"city": f"City {step}"})
    elif action == 3:
        services.order_save(Order(customer_id=target, status="completed", total="4.50"))
    else:
        services.customer_delete(customer=record)
        ids.remove(target)
        print("deleted", target, flush=True)
    if step % 6 == 5:
        print("wrote", flush=True)
print("done", flush=True)
"""


def read_all(session, url: str, params: dict) -> list[dict]:
    items, page = [], 1
    while True:
        response = session.get(url, params={**params, "page": page}, timeout=30)
        assert response.status_code == 200, response.text
        items += response.json()
        if page >= int(response.headers["X-WP-TotalPages"]):
            return items
        page += 1


def test_incremental_sync_while_another_process_writes(https_server, store):
    session = requests.Session()
    session.auth, session.verify, session.trust_env = (store.consumer_key, store.consumer_secret), False, False
    url = f"{https_server}/wp-json/wc/v3/customers"
    base = {"orderby": "modified", "order": "asc", "per_page": 7, "role": "all", "dates_are_gmt": "true"}
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", WRITER],
        cwd=ROOT,
        env=store.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "ready"
    mirror: dict[int, dict] = {}
    cursor: datetime | None = None

    def sync_round() -> None:
        nonlocal cursor
        params = dict(base)
        if cursor is not None:
            params["modified_after"] = (cursor - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
        for item in read_all(session, url, params):
            mirror[item["id"]] = item
            if item["date_modified_gmt"]:
                seen = datetime.fromisoformat(item["date_modified_gmt"]).replace(tzinfo=UTC)
                cursor = seen if cursor is None else max(cursor, seen)

    deleted = set()
    for _round in range(10):
        sync_round()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        while (line := writer.stdout.readline().strip()) not in ("wrote", "done"):
            if line.startswith("deleted "):
                deleted.add(int(line.split()[1]))
    writer.stdin.close()
    assert writer.wait(30) == 0
    for customer_id in deleted:
        mirror.pop(customer_id, None)
    sync_round()
    full = {item["id"]: item for item in read_all(session, url, {"role": "all", "per_page": 100})}
    assert mirror == full
