"""What the benchmark and the scale rehearsal both need: a free port, and the environment of a server process."""

import os
import secrets
import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """This machine's environment, with production settings on `database_url` behind a TLS proxy on 127.0.0.1,
    webhooks allowed to this machine's receivers, and `extra`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        **extra,
    }
