import os

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def refresh_sqlite_statistics(sender, using: str = "default", **kwargs) -> None:
    """After migrations, SQLite's planner statistics brought up to date, when the database keeps any.

    SQLite plans with sqlite_stat1 once an ANALYZE has run (seeding runs one). An index that a later
    migration adds has no figures there and gets the planner's default estimate, which can beat the
    indexes that have real ones: a list page then sorted every customer instead of reading its
    ordering's index. A database never analysed plans every index on the same defaults, and is left so.
    PostgreSQL analyses by itself (autovacuum).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE")


def note_read_only_sqlite(sender, connection, **kwargs) -> None:
    """A SQLite connection opened while its file cannot be written is read-only for good (SQLite falls back
    to reading): it serves this request's reads, and is closed when the request ends, not kept for the next
    one, so writes work again as soon as the file is writable.

    In WAL mode the write-ahead log and its index (-wal, -shm) count too: a connection that opened them while
    they could not be written stays read-only after the database file is writable again (permissions fixed one
    file after another, say)."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        connection.wcompat_read_only = any(
            os.path.exists(path) and not os.access(path, os.W_OK) for path in (name, f"{name}-wal", f"{name}-shm")
        )


def close_read_only_connections(**kwargs) -> None:
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "wcompat_read_only", False) and not connection.in_atomic_block:
            connection.close()


class WcompatConfig(AppConfig):
    name = "wcompat"
    verbose_name = "WooCommerce API"

    def ready(self) -> None:
        # Once per migrate run (post_migrate is sent for each app: this one's only).
        post_migrate.connect(refresh_sqlite_statistics, sender=self)
        connection_created.connect(note_read_only_sqlite)
        request_finished.connect(close_read_only_connections)
