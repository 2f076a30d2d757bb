#!/usr/bin/env python
"""A fast webhook receiver for benchmarks and the scale rehearsal: it answers every request and records it.

    python scripts/webhook_receiver.py [--host 127.0.0.1] --port P --log FILE
                                       [--slow-fraction F --slow-seconds S] [--never-answer] [--bodies]

Each request is one JSON line in FILE: when it arrived and when it was answered (`time.time()`; null when the
sender hung up first), the
X-WC-Webhook-ID, -Delivery-ID, -Topic and the body (with `--bodies`; else its length). `--never-answer` reads
a request and keeps the connection open without a word (a dead receiver: each attempt runs to the sender's
timeout); `--slow-fraction` answers that share of requests after `--slow-seconds`. The log is flushed every
half second and on SIGTERM.
"""

import argparse
import asyncio
import json
import random
import signal
import time


class Receiver:
    def __init__(
        self, log_path: str, *, slow_fraction: float, slow_seconds: float, never_answer: bool, bodies: bool
    ) -> None:
        self.log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.slow_fraction = slow_fraction
        self.slow_seconds = slow_seconds
        self.never_answer = never_answer
        self.bodies = bodies
        self.lines: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        record = None
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            headers = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length") or 0))
            record = {
                "arrived": time.time(),
                "answered": None,  # (a sender that hung up first is never answered)
                "webhook_id": headers.get("x-wc-webhook-id"),
                "delivery_id": headers.get("x-wc-webhook-delivery-id"),
                "topic": headers.get("x-wc-webhook-topic"),
                "body": body.decode("utf-8", "replace") if self.bodies else len(body),
            }
            if self.never_answer:
                await reader.read()  # until the sender gives up
                return
            if self.slow_fraction and random.random() < self.slow_fraction:
                await asyncio.sleep(self.slow_seconds)
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            record["answered"] = time.time()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            if record is not None:
                self.lines.append(json.dumps(record))
            writer.close()

    async def flush_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.log.write("\n".join(self.lines) + "\n")
            self.lines.clear()
            self.log.flush()


async def serve(options: argparse.Namespace) -> None:
    receiver = Receiver(
        options.log,
        slow_fraction=options.slow_fraction,
        slow_seconds=options.slow_seconds,
        never_answer=options.never_answer,
        bodies=options.bodies,
    )
    server = await asyncio.start_server(receiver.handle, options.host, options.port, backlog=1024)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    flusher = asyncio.create_task(receiver.flush_every(0.5))
    async with server:
        await stopped.wait()
    flusher.cancel()
    receiver.flush()
    receiver.log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address of its own makes it a host apart")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--slow-fraction", type=float, default=0.0)
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    parser.add_argument("--never-answer", action="store_true")
    parser.add_argument("--bodies", action="store_true", help="keep each body in the log (else its length)")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
