"""The local price cache: one SQLite file, one transaction per refresh.

Why SQLite rather than Parquet files: it is in the standard library (no
pyarrow import on the build path), one file holds every ticker, and a refresh
commits as a single transaction, so a crash mid-write rolls back to the
previous cache instead of leaving a half-written file. Each ticker's history
carries a SHA-256 checksum in the `tickers` table: a damaged file, or data
that no longer matches its checksum, is detected and never silently used.

A ticker's history is one row of `frames`: its dates and price columns as
little-endian arrays (no pickle), which reads in about a millisecond where a
row per day took 20 ms a ticker. Caches written before that keep their rows
in `prices`; they are read from there until the next `data update` moves
each ticker into `frames`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from generator.db import transaction
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
CREATE TABLE IF NOT EXISTS frames (
    ticker TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schedule (
    session TEXT PRIMARY KEY, close_utc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS closes (
    ticker TEXT PRIMARY KEY, data BLOB NOT NULL, checksum TEXT NOT NULL, frame_checksum TEXT NOT NULL);
"""


FRAME_MAGIC = b"capweekly-frame-1\n"
CLOSES_MAGIC = b"capweekly-closes-1\n"
DAY_NS = 86_400_000_000_000


class CacheCorrupt(DataError):
    pass


def encode_frame(frame: pd.DataFrame) -> bytes:
    """Dates (int64 ns) then each of VALUE_COLUMNS (float64, NaN for missing), little-endian."""
    values = frame.reindex(columns=list(VALUE_COLUMNS)).to_numpy(dtype="<f8").T
    return (FRAME_MAGIC + struct.pack("<q", len(frame)) + frame.index.as_unit("ns").asi8.astype("<i8").tobytes()
            + np.ascontiguousarray(values).tobytes())


def decode_arrays(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A frame blob as arrays, without copying: dates (int64 ns) and values (VALUE_COLUMNS x rows, float64).
    Raises ValueError on a blob of the wrong shape."""
    head = len(FRAME_MAGIC) + 8
    if blob[:len(FRAME_MAGIC)] != FRAME_MAGIC or len(blob) < head:
        raise ValueError("not a capweekly frame")
    (n,) = struct.unpack_from("<q", blob, len(FRAME_MAGIC))
    if n < 0 or len(blob) != head + 8 * n * (1 + len(VALUE_COLUMNS)):
        raise ValueError("truncated frame")
    days = np.frombuffer(blob, dtype="<i8", count=n, offset=head)
    values = np.frombuffer(blob, dtype="<f8", offset=head + 8 * n).reshape(len(VALUE_COLUMNS), n)
    return days, values


def decode_frame(blob: bytes) -> pd.DataFrame:
    """The inverse of encode_frame; raises ValueError on a blob of the wrong shape."""
    days, values = decode_arrays(blob)
    index = pd.DatetimeIndex(days.astype("int64").view("M8[ns]"), name="date").as_unit("us")
    return pd.DataFrame({c: values[i].astype("float64") for i, c in enumerate(VALUE_COLUMNS)}, index=index)


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


def encode_closes(frame: pd.DataFrame) -> bytes | None:
    """A ticker's total-return closes alone (adjusted close when it has any, else close), compact: day numbers
    (int32, days since 1970) then the closes (float32), little-endian. This is what a build reads for a
    breadth member: an eighth of its frame, so 600 members load in tens of milliseconds."""
    basis = next((frame[c] for c in ("adj_close", "close") if c in frame and frame[c].notna().any()), None)
    if basis is None:
        return None
    basis = basis.dropna()
    days = (basis.index.as_unit("ns").asi8 // DAY_NS).astype("<i4")
    return (CLOSES_MAGIC + struct.pack("<q", len(basis)) + days.tobytes()
            + basis.to_numpy(dtype="<f4").tobytes())


def decode_closes(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of encode_closes: (dates as int64 ns, closes as float32). Raises ValueError on a bad blob."""
    head = len(CLOSES_MAGIC) + 8
    if blob[:len(CLOSES_MAGIC)] != CLOSES_MAGIC or len(blob) < head:
        raise ValueError("not a capweekly closes blob")
    (n,) = struct.unpack_from("<q", blob, len(CLOSES_MAGIC))
    if n < 0 or len(blob) != head + 8 * n:
        raise ValueError("truncated closes blob")
    days = np.frombuffer(blob, dtype="<i4", count=n, offset=head).astype("int64") * DAY_NS
    return days, np.frombuffer(blob, dtype="<f4", count=n, offset=head + 4 * n)


def checksum_arrays(days: np.ndarray, values: np.ndarray) -> str:
    """`checksum` of a frame held as decode_arrays gives it (the same bytes are hashed)."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(days, dtype="int64").tobytes())
    for col, row in zip(VALUE_COLUMNS, values):
        digest.update(col.encode())
        digest.update(np.nan_to_num(np.asarray(row, dtype="float64"), nan=-1e300).tobytes())
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
        """A ticker's cached history; raises CacheCorrupt when it does not match its checksum."""
        meta = self._db.execute("SELECT checksum, rows FROM tickers WHERE ticker = ?", (ticker,)).fetchone()
        if meta is None:
            return pd.DataFrame(columns=list(VALUE_COLUMNS), index=pd.DatetimeIndex([], name="date"))
        frame = self._stored(ticker)
        if frame is None or len(frame) != meta[1] or checksum(frame) != meta[0]:
            raise CacheCorrupt(f"{self.path}: cached rows of {ticker} do not match their checksum",
                               "run `capweekly data update` to refetch it")
        return frame

    def read_closes(self, tickers) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str], dict[str, str]]:
        """Many tickers' compact closes (see encode_closes) in one query per 500, each checked against its own
        checksum and against the frame it was made from. Returns (good, tickers to read from their frames
        instead: no closes row, or one older than the frame, and problems by ticker)."""
        wanted = list(dict.fromkeys(tickers))
        meta = {r[0]: r[1] for r in self._db.execute("SELECT ticker, checksum FROM tickers")}
        good: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        problems: dict[str, str] = {}
        cached = [t for t in wanted if t in meta]
        for i in range(0, len(cached), 500):
            part = cached[i:i + 500]
            rows = self._db.execute(f"SELECT ticker, data, checksum, frame_checksum FROM closes "
                                    f"WHERE ticker IN ({','.join('?' * len(part))})", part)
            for ticker, blob, digest, made_from in rows:
                if made_from != meta[ticker]:
                    continue  # the frame changed since: read it instead
                if hashlib.sha256(blob).hexdigest() != digest:
                    problems[ticker] = f"{self.path}: cached closes of {ticker} do not match their checksum"
                    continue
                try:
                    good[ticker] = decode_closes(blob)
                except ValueError:
                    problems[ticker] = f"{self.path}: cached closes of {ticker} are damaged"
        fallback = [t for t in cached if t not in good and t not in problems]
        return {t: good[t] for t in wanted if t in good}, fallback, problems

    def read_arrays(self, tickers) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, str]]:
        """Many tickers at once as arrays (dates, VALUE_COLUMNS x rows), each checked against its checksum, with
        no DataFrame and no per-row Python: one query per 500 tickers. Returns (good, problems by ticker);
        tickers not in the cache are in neither."""
        wanted = list(dict.fromkeys(tickers))
        meta = {r[0]: (r[1], r[2]) for r in self._db.execute("SELECT ticker, checksum, rows FROM tickers")}
        good: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        problems: dict[str, str] = {}
        cached = [t for t in wanted if t in meta]
        for i in range(0, len(cached), 500):
            part = cached[i:i + 500]
            rows = self._db.execute(f"SELECT ticker, data FROM frames WHERE ticker IN ({','.join('?' * len(part))})",
                                    part)
            for ticker, blob in rows:
                try:
                    days, values = decode_arrays(blob)
                except ValueError:
                    problems[ticker] = f"{self.path}: cached rows of {ticker} are damaged"
                    continue
                expected, count = meta[ticker]
                if len(days) != count or checksum_arrays(days, values) != expected:
                    problems[ticker] = f"{self.path}: cached rows of {ticker} do not match their checksum"
                    continue
                good[ticker] = (days, values)
        for ticker in cached:  # rows of a cache from before frames: the slow reader, ticker by ticker
            if ticker not in good and ticker not in problems:
                try:
                    frame = self.read(ticker)
                except CacheCorrupt as exc:
                    problems[ticker] = exc.message
                    continue
                good[ticker] = (frame.index.as_unit("ns").asi8,
                                frame.reindex(columns=list(VALUE_COLUMNS)).to_numpy(dtype="float64").T)
        return {t: good[t] for t in wanted if t in good}, problems

    def write(self, updates: dict[str, tuple[pd.DataFrame, bool]], fetched_at: str) -> None:
        """Store several tickers in one transaction.

        `updates[ticker] = (frame, full)`: a full history replaces the ticker's rows;
        otherwise the rows are upserted (a tail with its overlap).
        """
        with transaction(self._db) as db:
            for ticker, (frame, full) in updates.items():
                new = frame.reindex(columns=list(VALUE_COLUMNS)).astype("float64")
                new.index = pd.DatetimeIndex(new.index, name="date").as_unit("us")
                old = None if full else self._stored(ticker)
                if old is not None and len(old):  # upsert: the tail's days replace the cached ones
                    new = pd.concat([old.loc[~old.index.isin(new.index)], new]).sort_index()
                db.execute("INSERT OR REPLACE INTO frames VALUES (?, ?)", (ticker, encode_frame(new)))
                db.execute("DELETE FROM prices WHERE ticker = ?", (ticker,))  # rows of an older cache
                digest = self._refresh_meta(ticker, new, fetched_at, full)
                compact = encode_closes(new)
                db.execute("DELETE FROM closes WHERE ticker = ?", (ticker,))
                if compact is not None:
                    db.execute("INSERT INTO closes VALUES (?, ?, ?, ?)",
                               (ticker, compact, hashlib.sha256(compact).hexdigest(), digest))

    def write_schedule(self, closes: list[tuple[date, datetime]]) -> None:
        """Replace the stored exchange schedule (session, close in UTC) in one transaction."""
        with transaction(self._db) as db:
            db.execute("DELETE FROM schedule")
            db.executemany("INSERT INTO schedule VALUES (?, ?)",
                           [(d.isoformat(), c.astimezone(timezone.utc).isoformat()) for d, c in closes])

    def schedule(self) -> list[tuple[date, datetime]]:
        rows = self._db.execute("SELECT session, close_utc FROM schedule ORDER BY session").fetchall()
        return [(date.fromisoformat(d), datetime.fromisoformat(c)) for d, c in rows]

    def _stored(self, ticker: str) -> pd.DataFrame | None:
        """The ticker's frame as stored, unverified: its blob, else the rows of an older cache."""
        row = self._db.execute("SELECT data FROM frames WHERE ticker = ?", (ticker,)).fetchone()
        if row is None:
            return self._rows(ticker)
        try:
            return decode_frame(row[0])
        except ValueError:
            return None

    def _rows(self, ticker: str) -> pd.DataFrame:
        rows = self._db.execute(f"SELECT day, {', '.join(VALUE_COLUMNS)} FROM prices WHERE ticker = ? ORDER BY day",
                                (ticker,)).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["date", *VALUE_COLUMNS])
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.pop("date"), format="%Y-%m-%d"), name="date")
        return frame.astype("float64")

    def _refresh_meta(self, ticker: str, frame: pd.DataFrame, fetched_at: str, full: bool) -> str:
        previous = self._db.execute("SELECT full_fetched_at FROM tickers WHERE ticker = ?", (ticker,)).fetchone()
        full_at = fetched_at if full or previous is None else previous[0]
        digest = checksum(frame)
        self._db.execute("INSERT OR REPLACE INTO tickers VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (ticker, frame.index[0].strftime("%Y-%m-%d"), frame.index[-1].strftime("%Y-%m-%d"),
                          len(frame), digest, fetched_at, full_at))
        return digest
