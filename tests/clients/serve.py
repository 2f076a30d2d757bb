"""Serve the project for the client tests: a threaded WSGI server, optionally behind TLS.

    python tests/clients/serve.py PORT [CERTFILE KEYFILE]

With a certificate the server speaks HTTPS itself and tells Django the request is secure, as a
TLS-terminating proxy would.
"""

import os
import ssl
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

from django.core.wsgi import get_wsgi_application


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    port = int(sys.argv[1])
    application = get_wsgi_application()
    tls = len(sys.argv) == 4

    def app(environ, start_response):
        if tls:
            environ["wsgi.url_scheme"] = "https"
        return application(environ, start_response)

    server = make_server("127.0.0.1", port, app, server_class=ThreadingServer, handler_class=QuietHandler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
