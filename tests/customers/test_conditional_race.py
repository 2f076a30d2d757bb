"""Two writers holding the same ETag, at the same moment, on a live server: exactly one wins, the other gets 412.

Run on the suite's database (SQLite, and PostgreSQL when DATABASE_URL names one).
"""

import threading

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]
ROUNDS = 20


def test_two_writers_with_the_same_etag(https_server, store):
    session = requests.Session()
    session.auth = (store.consumer_key, store.consumer_secret)
    session.trust_env = False  # the certificate is self-signed: no CA bundle from the environment
    session.verify = False
    url = f"{https_server}/wp-json/wc/v3/customers"
    customer = session.post(url, json={"email": "race@example.com"}, timeout=20).json()
    item = f"{url}/{customer['id']}"
    for round_number in range(ROUNDS):
        etag = session.get(item, timeout=20).headers["ETag"]
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def write(name: str, etag=etag, barrier=barrier, statuses=statuses) -> None:
            writer = requests.Session()
            writer.auth, writer.verify, writer.trust_env = session.auth, False, False
            barrier.wait()
            response = writer.put(item, json={"first_name": name}, headers={"If-Match": etag}, timeout=30)
            statuses.append(response.status_code)

        threads = [threading.Thread(target=write, args=(f"{side}{round_number}",)) for side in ("left", "right")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200, 412], f"round {round_number}: {statuses}"
        assert session.get(item, timeout=20).json()["first_name"].endswith(str(round_number))
    session.delete(f"{item}?force=true", timeout=20)
