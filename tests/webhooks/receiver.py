"""A real HTTP receiver for webhook deliveries: it records every request and answers as told."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    version: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next of `statuses` (the last one repeats); `hold` makes it wait first, and
    `delay` seconds is how long each answer takes."""

    statuses: list[int] = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None
    delay: float = 0.0
    # Answer with the request's body (some receivers echo what they got: it lands in the delivery log).
    echo: bool = False
    # Answer with this body instead.
    body: bytes | None = None
    arrived: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def deliveries(self) -> list[Received]:
        """Requests other than pings."""
        return [request for request in self.requests if "X-WC-Webhook-Topic" in request.headers]

    def pings(self) -> list[Received]:
        return [request for request in self.requests if "X-WC-Webhook-Topic" not in request.headers]

    def answer(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


def start_receiver(receiver: Receiver) -> Receiver:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.requests.append(
                Received(self.command, self.path, self.request_version, dict(self.headers.items()), body)
            )
            receiver.arrived.set()
            if receiver.hold is not None:
                receiver.hold.wait(30)
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            answer = body if receiver.echo else f"answered {status}".encode()
            self.wfile.write(answer if receiver.body is None else receiver.body)

        def log_message(self, *args) -> None:
            pass

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.server.daemon_threads = True
    threading.Thread(target=receiver.server.serve_forever, args=(0.05,), daemon=True).start()
    return receiver
