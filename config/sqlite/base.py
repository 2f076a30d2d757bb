"""Django's SQLite backend, converting each statement's placeholders once per process instead of once per execute.

Django turns `%s` into SQLite's `?` with a regular expression on every execute. The API's reads are long statements
built once (about 1.5 KB: a customer with both addresses, order figures and meta), where that conversion cost a
fifth of the read. The conversion depends on the text alone, so it is remembered for the statements a process
runs again and again; anything else is Django's backend unchanged. ENGINE "config.sqlite" (config/settings).
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base

# Statements up to this long are remembered: every read and write the app builds, not a bulk insert of many rows.
REMEMBERED_LENGTH = 8192


@lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None and len(query) <= REMEMBERED_LENGTH:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
