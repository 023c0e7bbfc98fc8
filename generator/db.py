"""SQLite transactions, the one way both local databases (price cache, subscribers) write.

Connections are opened in autocommit mode (`isolation_level=None`), so a
transaction is explicit: `BEGIN IMMEDIATE` takes the write lock up front, and
any error, including one from the COMMIT itself, rolls everything back.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
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
