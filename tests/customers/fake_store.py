"""A small WooCommerce store over real HTTP, for the importer's tests: customers, orders and downloads in
WooCommerce's shapes, and faults on demand (500, 429 with Retry-After, a slow answer, a dropped connection)."""

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def customer(number: int) -> dict:
    address = {
        "first_name": f"First{number}",
        "last_name": "Last",
        "company": "",
        "address_1": f"{number} Main St",
        "address_2": "",
        "city": "Paris",
        "postcode": "75001",
        "country": "FR",
        "state": "",
    }
    return {
        "id": number,
        "date_created": "2025-01-02T03:04:05",
        "date_created_gmt": "2025-01-02T03:04:05",
        "date_modified": "2025-02-03T04:05:06",
        "date_modified_gmt": "2025-02-03T04:05:06",
        "email": f"c{number}@example.com",
        "first_name": f"First{number}",
        "last_name": "Last",
        "role": "customer",
        "username": f"c{number}",
        "billing": {**address, "email": f"c{number}@example.com", "phone": f"+33 1 {number:06d}"},
        "shipping": {**address, "phone": ""},
        "is_paying_customer": number % 2 == 0,
        "avatar_url": "https://secure.gravatar.com/avatar/x?s=96&d=mm&r=g",
        "meta_data": [{"id": 1000 + number, "key": "crm", "value": {"n": number}}],
        "_links": {},
    }


@dataclass
class FakeStore:
    customers: list[dict] = field(default_factory=lambda: [customer(number) for number in range(1, 251)])
    orders: list[dict] = field(default_factory=list)
    # (path, page) -> faults to play, in order, before answering normally: "500", "429", "slow", "drop".
    faults: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    requests: list[tuple[str, int]] = field(default_factory=list)
    # path -> lie(page, items, headers) -> (items, headers): a store whose paging or data cannot be trusted.
    lies: dict[str, Callable[[int, list, dict], tuple[list, dict]]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def pages_read(self, path: str) -> list[int]:
        return [page for requested, page in self.requests if requested == path]


def start_fake_store(store: FakeStore) -> FakeStore:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            page = int(query.get("page", ["1"])[-1])
            per_page = int(query.get("per_page", ["10"])[-1])
            path = parts.path.removeprefix("/wp-json/wc/v3/")
            store.requests.append((path, page))
            pending = store.faults.get((path, page))
            fault = pending.pop(0) if pending else None
            if fault == "500":
                return self.answer(500, {"code": "internal_server_error", "message": "Boom", "data": {"status": 500}})
            if fault == "429":
                return self.answer(429, {"code": "too_many_requests", "message": "Slow down"}, {"Retry-After": "3"})
            if fault == "slow":
                time.sleep(1.5)
            if path == "customers":
                items, total = store.customers, len(store.customers)
            elif path == "orders":
                items, total = store.orders, len(store.orders)
            elif re.fullmatch(r"customers/\d+/downloads", path):
                return self.answer(200, [])
            else:
                return self.answer(404, {"code": "rest_no_route", "message": "No route", "data": {"status": 404}})
            chunk = items[(page - 1) * per_page : page * per_page]
            headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(max(1, -(-total // per_page)))}
            if path in store.lies:
                chunk, headers = store.lies[path](page, chunk, headers)
            if fault == "drop":
                body = json.dumps(chunk).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 3])  # then the connection goes
                self.wfile.flush()
                self.close_connection = True
                return None
            return self.answer(200, chunk, headers)

        def answer(self, status: int, data, headers: dict | None = None) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            pass  # a client that gave up on a slow answer (the faults are deliberate)

    store.server = QuietServer(("127.0.0.1", 0), Handler)
    store.server.daemon_threads = True
    threading.Thread(target=store.server.serve_forever, args=(0.05,), daemon=True).start()
    return store
