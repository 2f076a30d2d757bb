"""gunicorn settings: `gunicorn -c gunicorn.conf.py config.wsgi`. Each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Load the app once in the master, so workers start fast and share its memory.
preload_app = True
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 10000
max_requests_jitter = 1000
# The proxy in front of us terminates TLS; X-Forwarded-Proto is trusted from these addresses only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's access log would print query strings, which can carry consumer secrets and OAuth signatures;
# Django logs each request instead (wcompat.logging), without them.
accesslog = None
errorlog = "-"
