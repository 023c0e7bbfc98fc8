"""Database connections and transactions: SQLite files (price cache, subscriber list) and, for the list,
PostgreSQL (issue 22).

Connections are in autocommit mode, so a transaction is explicit and takes the
write lock up front: SQLite's `BEGIN IMMEDIATE`; on PostgreSQL `BEGIN` and a
transaction-scoped advisory lock (`WRITE_KEY`), which every writing transaction
of the list takes first. So writers queue one behind the other on both
backends, and a read-then-write (a rate-limit count, a sign-up's checks) sees
no other writer between its read and its write. Any error, including one from
the COMMIT itself, rolls everything back.

psycopg (about 0.3 s to import) is imported only when email.database is a
postgresql:// URL: the build, and a list in a SQLite file, never load it.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator, Mapping, Sequence

from generator.errors import ServiceError

URL_SCHEMES = ("postgresql://", "postgres://")
WRITE_KEY = 0x63617077_0001  # pg_advisory_xact_lock key: the list's write lock ("capw" 1)
RUN_KEY = 0x63617077_0002  # pg_advisory_lock key: the run lock of generator.locking ("capw" 2)


class DatabaseUnavailable(ServiceError):
    category = "database error"


def is_url(spec) -> bool:
    """A PostgreSQL URL (email.database), as opposed to a SQLite file path."""
    return isinstance(spec, str) and spec.lower().startswith(URL_SCHEMES)


@contextmanager
def transaction(db) -> Iterator:
    """One write transaction on a sqlite3 connection or a PgConnection, write lock taken first."""
    if isinstance(db, PgConnection):
        with db.transaction():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        # SQLite has already rolled back after some errors (a full disk: SQLITE_FULL); a second ROLLBACK would
        # fail and hide the error that matters.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


class PgConnection:
    """A psycopg connection with the small part of sqlite3.Connection's interface the list code uses:
    `execute(sql, params)` with `?` placeholders (rewritten to psycopg's `%s`), `in_transaction`, `close`."""

    backend = "postgresql"

    def __init__(self, url: str, application_name: str = "capweekly") -> None:
        import psycopg

        self.url = url
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=15,
                                        application_name=application_name[:63])
        except psycopg.Error as exc:
            first = " ".join(str(exc).split())[:200]
            raise DatabaseUnavailable(f"cannot connect to the subscriber database {url} ({first})",
                                      "check email.database, that the server runs, and the password in "
                                      "PGPASSWORD or ~/.pgpass") from None

    def execute(self, sql: str, params: Sequence = ()):
        cursor = self.conn.cursor()
        if params:
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))
        else:
            cursor.execute(sql)
        return cursor

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE

    @contextmanager
    def transaction(self) -> Iterator["PgConnection"]:
        self.execute("BEGIN")
        try:
            self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_KEY,))
            yield self
            self.execute("COMMIT")
        except BaseException:
            if not self.conn.closed and self.in_transaction:
                self.execute("ROLLBACK")
            raise

    @property
    def broken(self) -> bool:
        """The server went away (restarted, failed over): this connection will not work again."""
        return self.conn.broken or self.conn.closed

    def close(self) -> None:
        self.conn.close()


def errors_of(db) -> tuple[type[BaseException], ...]:
    """The exception classes a database's driver raises."""
    return db.errors if isinstance(db, PgConnection) else (sqlite3.Error,)


def backend_of(db) -> str:
    return "postgresql" if isinstance(db, PgConnection) else "sqlite"


# --- versioned migrations ------------------------------------------------------------------------------------

def schema_version(db) -> int:
    """The newest migration applied (0: none, or no schema_version table yet)."""
    try:
        (version,) = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    except errors_of(db):
        return 0
    return version or 0


def migrate(db, migrations: Sequence[tuple[int, str, Mapping[str, Sequence]]]) -> list[int]:
    """Apply the migrations newer than the database's version, each in its own write transaction with its
    `schema_version` row; returns the versions applied. A migration's steps, per backend, are SQL statements
    or functions given the connection. Safe to run twice, and from two processes at once: the
    version is read again under the write lock, so the second finds the work done."""
    latest = max(v for v, _, _ in migrations)
    if schema_version(db) >= latest:  # the usual case: one read, no lock
        return []
    applied = []
    backend = backend_of(db)
    for version, description, steps in sorted(migrations):
        with transaction(db):
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                       "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
            if schema_version(db) >= version:
                continue
            for step in steps[backend]:
                step(db) if callable(step) else db.execute(step)
            db.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                       (version, description, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            applied.append(version)
    return applied
