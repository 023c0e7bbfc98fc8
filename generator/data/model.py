"""The tidy price model every source produces, and the as-of slicing rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping

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
                          self.notes, self.expected_session)

    def fingerprint(self) -> str:
        """SHA-256 over exactly the rows and columns used, in a stable order."""
        digest = hashlib.sha256()
        for ticker in sorted(self.histories):
            frame = self.histories[ticker].frame
            digest.update(ticker.encode())
            digest.update(",".join(frame.columns).encode())
            digest.update(frame.index.asi8.tobytes())
            digest.update(frame.to_numpy(dtype="float64", na_value=float("nan")).tobytes())
        return digest.hexdigest()
