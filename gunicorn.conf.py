"""gunicorn settings: `gunicorn -c gunicorn.conf.py config.wsgi`. Each can be overridden from the environment."""

import gc
import multiprocessing
import os

from config.gunicorn_support import install

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A batch of 100 creates with passwords takes a few seconds (BENCHMARKS.md); batches also stop
# starting items after WCOMPAT_BATCH_DEADLINE seconds, well inside this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Load the app once in the master, so workers start fast and share its memory.
preload_app = True
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 10000
max_requests_jitter = 1000
# The proxy in front of us terminates TLS. Whether a request is secure is decided by Django alone
# (DJANGO_SECURE_PROXY_SSL_HEADER): gunicorn's own scheme headers (X-Forwarded-Ssl, X-Forwarded-Protocol,
# X-Forwarded-Proto) are switched off, or any of them would make a plain-HTTP request count as HTTPS.
secure_scheme_headers = {}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# What nginx, in front of most WooCommerce stores, accepts by default (large_client_header_buffers 4 8k):
# a request line and each header line up to 8 KB. Longer ones get a JSON 414 or 431.
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 100
# gunicorn's access log would print query strings, which can carry consumer secrets and OAuth signatures;
# Django logs each request instead (wcompat.logging), without them. Its error log is redacted.
accesslog = None
errorlog = "-"
logger_class = "config.gunicorn_support.RedactingLogger"
install()

# Objects loaded once in the master (the app, its routes and schemas) are frozen out of the garbage
# collector before each fork: workers then neither rescan them on every collection nor copy the pages
# the collector would write to (the recipe of the gc module's documentation).
gc.disable()


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    gc.enable()
