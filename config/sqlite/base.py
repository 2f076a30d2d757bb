"""Django's SQLite backend, with the work it repeats on every statement done once.

- Django turns `%s` into SQLite's `?` with a regular expression on every execute. The API's reads are long
  statements built once (about 1.5 KB: a customer with both addresses, order figures and meta), where that
  conversion cost a fifth of the read. The conversion depends on the text alone, so it is remembered for the
  statements a process runs again and again.
- Django's cursor wrapper makes a new error-translating function (functools.wraps) for each fetch; here a fetch
  runs inside the same translation (`with wrap_database_errors`) without one. A statement with its parameters
  in a list or a tuple goes straight to SQLite, without Django's test for a mapping (an ABC's isinstance).
- Values come back as SQLite stores them (no `detect_types`). With it, the sqlite3 module looks up a converter
  for every column of every statement it runs (about 60k instructions of a GET, whether a column has one or not),
  only for the ORM to convert the value again: the ORM's own converters (dates, times, booleans) take SQLite's
  text and integers just as well. A raw statement of this project reads its dates as text (customers.sql.column)
  or parses them itself.

Anything else is Django's backend unchanged. ENGINE "config.sqlite" (config/settings).
"""

from functools import lru_cache

from django.db.backends import utils
from django.db.backends.sqlite3 import base

# Statements up to this long are remembered: every read and write the app builds, not a bulk insert of many rows.
REMEMBERED_LENGTH = 8192


@lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def execute(self, query, params=None):
        if type(params) is list or type(params) is tuple:
            return base.Database.Cursor.execute(self, self.convert_query(query), params)
        return super().execute(query, params)

    def convert_query(self, query, *, param_names=None):
        if param_names is None and len(query) <= REMEMBERED_LENGTH:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class CursorWrapper(utils.CursorWrapper):
    def fetchone(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchmany(self, *args, **kwargs):
        with self.db.wrap_database_errors:
            return self.cursor.fetchmany(*args, **kwargs)

    def fetchall(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if "detect_types" not in self.settings_dict["OPTIONS"]:  # the database's OPTIONS may still ask for them
            params["detect_types"] = 0
        return params

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def make_cursor(self, cursor):
        return CursorWrapper(cursor, self)
