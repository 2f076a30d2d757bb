"""What the measuring scripts share: a free port, the environment of a server process, manage.py, an API key."""

import base64
import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py with `args` in `env`; what it printed."""
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE).stdout


def api_key(env: dict[str, str], user: str) -> dict[str, str]:
    """A new read/write key for `user` (made if need be): {"consumer_key": …, "consumer_secret": …}."""
    return json.loads(manage(env, "create_api_key", "--user", user, "--json"))


def basic_authorization(key: dict[str, str]) -> str:
    """The Authorization header value of `key` over HTTP Basic."""
    return "Basic " + base64.b64encode(f"{key['consumer_key']}:{key['consumer_secret']}".encode()).decode()
