"""A stand-in for `yfinance.download` that returns frames shaped as yfinance 1.7 does.

Shapes copied from yfinance/multi.py (1.7.0): per-ticker frames are concatenated
on the union of dates with keys=tickers, names ['Ticker', 'Price'], then (for
group_by='column') swapped to (Price, Ticker) and sorted; a ticker that failed
gets `utils.empty_df()` (Open, High, Low, Close, Adj Close, Volume, all NaN)
and its error is only *logged* on the 'yfinance' logger as
"['SYM']: YFPricesMissingError('possibly delisted; no price data found ...')".
With ignore_tz=True the index is tz-naive and named 'Date'.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from generator.data.calendar import MarketClock

PRICE_FIELDS = ["Adj Close", "Close", "Dividends", "High", "Low", "Open", "Stock Splits", "Volume"]


def truth(tickers, start=date(2020, 1, 2), end=date(2025, 10, 31), seed=7) -> dict[str, pd.DataFrame]:
    """Realistic daily bars on the real NYSE calendar: yfinance column names, raw and adjusted close."""
    sessions = MarketClock(start="2019-01-01").sessions(start, end)
    out = {}
    for i, t in enumerate(tickers):
        rng = np.random.default_rng([seed, i])
        n = len(sessions)
        if t in ("^TNX", "^IRX"):
            close = np.clip(2.0 + np.cumsum(rng.normal(0, 0.04, n)), 0.05, None)
            adj = close
        elif t.endswith("=X"):
            close = 110 * np.exp(np.cumsum(rng.normal(0, 0.005, n)))
            adj = close
        else:
            close = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, n)))
            adj = close * np.exp(-0.015 * (n - 1 - np.arange(n)) / 252)  # dividends: adjusted below quoted
        open_ = close * np.exp(rng.normal(0, 0.003, n))
        high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.004, n)))
        low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.004, n)))
        out[t] = pd.DataFrame({"Adj Close": adj, "Close": close, "Dividends": 0.0, "High": high, "Low": low,
                               "Open": open_, "Stock Splits": 0.0, "Volume": rng.integers(1e5, 1e7, n).astype(float)},
                              index=pd.DatetimeIndex(sessions, name="Date"))
    return out


class FakeDownload:
    """Callable replacing yfinance.download. `script` lists what successive calls do:
    "ok", an Exception instance to raise, or "log:<message>" to log an error for every
    requested ticker and return empty columns (how yfinance 1.7 reports rate limits)."""

    def __init__(self, data: dict[str, pd.DataFrame], script=(), missing=(), partial_row: date | None = None) -> None:
        self.data = data
        self.script = list(script)
        self.missing = set(missing)
        self.partial_row = partial_row
        self.calls: list[dict] = []

    def __call__(self, tickers, start=None, end=None, **kwargs):
        self.calls.append({"tickers": list(tickers), "start": start, "end": end, **kwargs})
        action = self.script.pop(0) if self.script else "ok"
        if isinstance(action, BaseException):
            raise action
        log = logging.getLogger("yfinance")
        frames = {}
        for t in sorted({t.upper() for t in tickers}):
            source = self.data.get(t)
            failed = t in self.missing or source is None or (isinstance(action, str) and action.startswith("log:"))
            if failed:
                frames[t] = pd.DataFrame(index=pd.DatetimeIndex([], name="Date"), data={
                    c: np.nan for c in ("Open", "High", "Low", "Close", "Adj Close", "Volume")})
                continue
            part = source.loc[(source.index >= pd.Timestamp(start)) & (source.index < pd.Timestamp(end))].copy()
            if self.partial_row is not None and pd.Timestamp(start) <= pd.Timestamp(self.partial_row) < pd.Timestamp(end):
                live = part.iloc[[-1]].copy()
                live.index = pd.DatetimeIndex([pd.Timestamp(self.partial_row)], name="Date")
                live[["Close", "Adj Close"]] *= 1.004  # a mid-session print
                part = pd.concat([part, live])
            frames[t] = part
        errors = {}
        for t in frames:
            if frames[t].empty:
                reason = action[4:] if isinstance(action, str) and action.startswith("log:") else \
                    f"YFPricesMissingError('possibly delisted; no price data found  (1d {start} -> {end})')"
                errors.setdefault(reason, []).append(t)
        if errors:
            log.error("\n%d Failed download%s:", sum(map(len, errors.values())), "s")
            for reason, syms in errors.items():
                log.error(f"{syms}: {reason}")
        index = None
        for f in frames.values():
            if not f.empty:
                index = f.index if index is None else index.union(f.index)
        index = index if index is not None else pd.DatetimeIndex([], name="Date")
        frames = {t: f.reindex(index) for t, f in frames.items()}
        data = pd.concat(frames.values(), axis=1, sort=True, keys=frames.keys(), names=["Ticker", "Price"])
        data.columns = data.columns.swaplevel(0, 1)
        return data.sort_index(level=0, axis=1)
