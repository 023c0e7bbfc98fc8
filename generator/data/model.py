"""The tidy price model every source produces, and the as-of slicing rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

# Column names inside the package; sources map their own spellings onto these.
COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")


@dataclass(frozen=True)
class TickerHistory:
    """Daily history of one ticker: a DataFrame on a sorted, unique, tz-naive DatetimeIndex.

    `close` is the quoted (split-adjusted) price or a level (index, yield, FX);
    `adj_close` also folds in dividends. Either may be absent, not both.
    """

    ticker: str
    frame: pd.DataFrame
    origin: str

    @property
    def total_return(self) -> pd.Series:
        """The series returns are computed on: adjusted close when present, else close."""
        col = "adj_close" if "adj_close" in self.frame else "close"
        return self.frame[col]

    @property
    def quoted(self) -> pd.Series:
        """The price a reader would see quoted: close when present, else adjusted close."""
        col = "close" if "close" in self.frame else "adj_close"
        return self.frame[col]

    @property
    def first(self) -> date:
        return self.frame.index[0].date()

    @property
    def last(self) -> date:
        return self.frame.index[-1].date()

    def upto(self, session: pd.Timestamp) -> "TickerHistory":
        return TickerHistory(self.ticker, self.frame.loc[:session], self.origin)


def _is_slice(base: np.ndarray, days: np.ndarray) -> int:
    """Where `days` sits in `base` as one contiguous run, or -1 (the common case is every member on one
    calendar, so the union of their dates is the longest one's)."""
    if not len(days):
        return 0
    pos = int(np.searchsorted(base, days[0]))
    if pos + len(days) <= len(base) and np.array_equal(base[pos:pos + len(days)], days):
        return pos
    return -1


@dataclass(frozen=True)
class MemberPrices:
    """The breadth universe's members as one matrix, never a frame per stock (600 of them load, cut and hash
    as one array): a row per date in `index`, a column per member in `tickers`, the close on the total-return
    basis (adjusted close when the data has it, else close), NaN where a member has no close. float32: the
    precision breadth is computed in (generator/metrics/breadth.py), at half the memory of float64."""

    tickers: tuple[str, ...]                 # members with data, in universe order
    index: pd.DatetimeIndex                  # every date any of them has, sorted
    closes: np.ndarray                       # float32, (len(index), len(tickers))
    missing: tuple[str, ...] = ()            # universe members the source has no data for
    rejected: tuple[str, ...] = ()           # members whose data failed to parse or validate (skipped)
    origin: str = ""                         # where they came from, in words

    @classmethod
    def from_arrays(cls, columns: Mapping[str, tuple[np.ndarray, np.ndarray]], missing=(), rejected=(),
                    origin: str = "") -> "MemberPrices":
        """`columns[ticker] = (dates as int64 ns, sorted; closes)`: one placement per member, never per row."""
        tickers = tuple(columns)
        dates = [np.asarray(d, dtype="int64") for d, _ in columns.values()]
        base = max(dates, key=len) if dates else np.empty(0, "int64")
        spots = [_is_slice(base, d) for d in dates]
        if any(p < 0 for p in spots):
            base = np.unique(np.concatenate(dates))
            spots = [_is_slice(base, d) for d in dates]
        out = np.full((len(tickers), len(base)), np.nan, dtype=np.float32)  # a member per row: contiguous writes
        for j, ((d, v), pos) in enumerate(zip(columns.values(), spots)):
            if pos >= 0:
                out[j, pos:pos + len(d)] = v
            else:
                out[j, np.searchsorted(base, d)] = v
        index = pd.DatetimeIndex(base.view("M8[ns]"), name="date")
        return cls(tickers, index, np.ascontiguousarray(out.T), tuple(missing), tuple(rejected), origin)

    def upto(self, session: pd.Timestamp) -> "MemberPrices":
        end = int(self.index.searchsorted(session, side="right"))
        return MemberPrices(self.tickers, self.index[:end], self.closes[:end], self.missing, self.rejected,
                            self.origin)

    def digest(self, digest) -> None:
        digest.update(("\n".join(self.tickers)).encode())
        digest.update(self.index.as_unit("ns").asi8.tobytes())
        digest.update(np.ascontiguousarray(self.closes, dtype="float32").tobytes())


@dataclass(frozen=True)
class MarketData:
    """Every ticker a build uses, as loaded from one source."""

    source: str  # "sample", "csv" or "yfinance"
    description: str  # where it came from, for the report footer
    histories: Mapping[str, TickerHistory]
    retrieved_at: str | None = None  # ISO time the data was downloaded, when known
    missing: tuple[str, ...] = field(default=())  # optional tickers the source did not have
    notes: tuple[str, ...] = field(default=())  # warnings worth telling the user (dropped bars, quirks)
    expected_session: date | None = None  # live sources: the last completed exchange session at load time
    members: MemberPrices | None = None  # the breadth universe's prices, when the source has any
    cot: pd.DataFrame | None = None  # CFTC positioning reports (generator/data/cot.py), when configured and read
    # tickers the data holds up to the session but `cut_at` dropped as stale (a series gone missing this week, not
    # one the data never had)
    stale: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "histories", MappingProxyType(dict(self.histories)))

    def __contains__(self, ticker: str) -> bool:
        return ticker in self.histories

    def __getitem__(self, ticker: str) -> TickerHistory:
        return self.histories[ticker]

    def upto(self, session: pd.Timestamp) -> "MarketData":
        """The data as it stood at the close of `session`: nothing later survives."""
        cut = {t: h.upto(session) for t, h in self.histories.items()}
        kept = {t: h for t, h in cut.items() if len(h.frame)}
        gone = tuple(t for t in cut if t not in kept)
        return MarketData(self.source, self.description, kept, self.retrieved_at, self.missing + gone,
                          self.notes, self.expected_session,
                          self.members.upto(session) if self.members is not None else None,
                          self.cot[self.cot["release"] <= session] if self.cot is not None else None,
                          self.stale)

    def fingerprint(self) -> str:
        """SHA-256 over exactly the rows and columns used, in a stable order (computed once per object)."""
        known = self.__dict__.get("_fingerprint")
        if known is None:
            known = self.__dict__["_fingerprint"] = self._digest()
        return known

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for ticker in sorted(self.histories):
            frame = self.histories[ticker].frame
            digest.update(ticker.encode())
            digest.update(",".join(frame.columns).encode())
            digest.update(frame.index.asi8.tobytes())
            digest.update(frame.to_numpy(dtype="float64", na_value=float("nan")).tobytes())
        if self.members is not None:
            self.members.digest(digest)
        if self.cot is not None:
            digest.update(self.cot.index.asi8.tobytes())
            digest.update(self.cot.drop(columns="release").to_numpy(dtype="float64").tobytes())
        return digest.hexdigest()


STALE_AFTER = timedelta(days=7)


def cut_at(market: MarketData, session: pd.Timestamp) -> MarketData:
    """The market as of the session's close, with stale optional tickers dropped (a series whose last bar is
    more than STALE_AFTER before the session says nothing about that week)."""
    cut = market.upto(session)
    stale = [t for t, h in cut.histories.items() if h.frame.index[-1] < session - STALE_AFTER]
    if not stale:
        return cut
    kept = {t: h for t, h in cut.histories.items() if t not in stale}
    return MarketData(cut.source, cut.description, kept, cut.retrieved_at, cut.missing + tuple(stale),
                      cut.notes, cut.expected_session, cut.members, cut.cot, cut.stale + tuple(stale))
