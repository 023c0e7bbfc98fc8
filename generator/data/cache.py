"""The local price cache: one SQLite file, one transaction per refresh.

Why SQLite rather than Parquet files: it is in the standard library (no
pyarrow import on the build path), one file holds every ticker, and a refresh
commits as a single transaction, so a crash mid-write rolls back to the
previous cache instead of leaving a half-written file. Each ticker's rows
carry a SHA-256 checksum in the `tickers` table: a damaged file, or rows
that no longer match their checksum, are detected and never silently used.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from generator.errors import DataError

VALUE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume", "split")
SCHEMA = """
CREATE TABLE IF NOT EXISTS prices (
    ticker TEXT NOT NULL, day TEXT NOT NULL,
    open REAL, high REAL, low REAL, close REAL, adj_close REAL, volume REAL, split REAL,
    PRIMARY KEY (ticker, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tickers (
    ticker TEXT PRIMARY KEY, first TEXT, last TEXT, rows INTEGER, checksum TEXT,
    fetched_at TEXT, full_fetched_at TEXT);
"""


class CacheCorrupt(DataError):
    pass


@dataclass(frozen=True)
class CachedTicker:
    ticker: str
    first: date
    last: date
    rows: int
    checksum: str
    fetched_at: str
    full_fetched_at: str


def checksum(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(frame.index.as_unit("ns").asi8.tobytes())
    for col in VALUE_COLUMNS:
        values = frame[col].to_numpy(dtype="float64") if col in frame else np.full(len(frame), np.nan)
        digest.update(col.encode())
        digest.update(np.nan_to_num(values, nan=-1e300).tobytes())
    return digest.hexdigest()


class PriceCache:
    """Open with `PriceCache.open(path)`; raises CacheCorrupt when the file is damaged."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @classmethod
    def open(cls, path: Path) -> "PriceCache":
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute("PRAGMA synchronous=FULL")
            ok = db.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise sqlite3.DatabaseError(ok)
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CacheCorrupt(f"{path}: price cache is damaged ({exc})",
                               "run `capweekly data update` to rebuild it") from None
        return cls(path, db)

    @classmethod
    def open_or_rebuild(cls, path: Path) -> tuple["PriceCache", str | None]:
        """Open the cache; a damaged file is set aside (kept for inspection) and a new one started."""
        try:
            return cls.open(path), None
        except CacheCorrupt as exc:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
            aside = path.with_name(f"{path.name}.corrupt-{stamp}")
            path.rename(aside)
            for extra in (path.with_name(path.name + "-journal"),):
                if extra.exists():
                    extra.rename(aside.with_name(aside.name + "-journal"))
            return cls.open(path), f"{exc.message}; moved to {aside.name} and rebuilt"

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "PriceCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def catalogue(self) -> dict[str, CachedTicker]:
        rows = self._db.execute("SELECT ticker, first, last, rows, checksum, fetched_at, full_fetched_at "
                                "FROM tickers ORDER BY ticker").fetchall()
        return {r[0]: CachedTicker(r[0], date.fromisoformat(r[1]), date.fromisoformat(r[2]), *r[3:]) for r in rows}

    def read(self, ticker: str) -> pd.DataFrame:
        """All cached rows of a ticker; raises CacheCorrupt when they do not match their checksum."""
        meta = self._db.execute("SELECT checksum, rows FROM tickers WHERE ticker = ?", (ticker,)).fetchone()
        if meta is None:
            return pd.DataFrame(columns=list(VALUE_COLUMNS), index=pd.DatetimeIndex([], name="date"))
        frame = self._rows(ticker)
        if len(frame) != meta[1] or checksum(frame) != meta[0]:
            raise CacheCorrupt(f"{self.path}: cached rows of {ticker} do not match their checksum",
                               "run `capweekly data update` to refetch it")
        return frame

    def write(self, updates: dict[str, tuple[pd.DataFrame, bool]], fetched_at: str) -> None:
        """Store several tickers in one transaction.

        `updates[ticker] = (frame, full)`: a full history replaces the ticker's rows;
        otherwise the rows are upserted (a tail with its overlap).
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for ticker, (frame, full) in updates.items():
                if full:
                    db.execute("DELETE FROM prices WHERE ticker = ?", (ticker,))
                values = frame.reindex(columns=list(VALUE_COLUMNS)).astype("float64")
                records = [(ticker, day.strftime("%Y-%m-%d"), *(None if np.isnan(v) else float(v) for v in row))
                           for day, row in zip(values.index, values.to_numpy())]
                db.executemany(f"INSERT OR REPLACE INTO prices VALUES (?, ?, {', '.join('?' * len(VALUE_COLUMNS))})",
                               records)
                self._refresh_meta(ticker, fetched_at, full)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _rows(self, ticker: str) -> pd.DataFrame:
        rows = self._db.execute(f"SELECT day, {', '.join(VALUE_COLUMNS)} FROM prices WHERE ticker = ? ORDER BY day",
                                (ticker,)).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["date", *VALUE_COLUMNS])
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.pop("date"), format="%Y-%m-%d"), name="date")
        return frame.astype("float64")

    def _refresh_meta(self, ticker: str, fetched_at: str, full: bool) -> None:
        frame = self._rows(ticker)
        previous = self._db.execute("SELECT full_fetched_at FROM tickers WHERE ticker = ?", (ticker,)).fetchone()
        full_at = fetched_at if full or previous is None else previous[0]
        self._db.execute("INSERT OR REPLACE INTO tickers VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (ticker, frame.index[0].strftime("%Y-%m-%d"), frame.index[-1].strftime("%Y-%m-%d"),
                          len(frame), checksum(frame), fetched_at, full_at))
