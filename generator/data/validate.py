"""Validation of price histories before any metric is computed.

Each rule returns `Problem`s with a one-line message naming the ticker. An
error on a required ticker stops the build; on an optional ticker it drops
that ticker (its section says the data is unavailable) and is reported.

Conventions by kind of ticker:

* ``equity`` (ETFs, stocks): every rule applies.
* ``index`` (^GSPC, ^RUT, ^VIX): no split or jump check (a VIX can double in a day).
* ``yield`` (^TNX, ^IRX): quoted in percent, may be zero or negative; only
  gaps and High/Low sanity apply. The bond market closes on Columbus and
  Veterans Day while stocks trade, so yields may lag one session.
* ``fx`` (JPY=X): Yahoo's daily FX bar often has Close == Open (the "Close"
  is the first quote of the day; yfinance issues #1071, #1873), and older
  bars can have High/Low outside Open/Close: those are warnings, not errors.
  FX trades on days the exchange is shut, so it is not checked for gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from generator.data.model import TickerHistory

Kind = Literal["equity", "index", "yield", "fx"]


@dataclass(frozen=True)
class Problem:
    ticker: str
    severity: Literal["error", "warning"]
    message: str

    def line(self) -> str:
        return f"{self.ticker}: {self.message}"


def kind_of(ticker: str, settings) -> Kind:
    t = settings.tickers
    if ticker in t.levels():
        return "yield"
    if ticker == t.fx or ticker.endswith("=X"):
        return "fx"
    if ticker.startswith("^"):
        return "index"
    return "equity"


def _dates(index: pd.DatetimeIndex, limit: int = 3) -> str:
    shown = ", ".join(d.strftime("%Y-%m-%d") for d in index[:limit])
    return shown + (f" and {len(index) - limit} more" if len(index) > limit else "")


def validate_history(h: TickerHistory, kind: Kind, *, splits: pd.Series | None = None,
                     max_daily_move: float = 0.35, sessions: pd.DatetimeIndex | None = None) -> list[Problem]:
    f = h.frame
    if f.empty:
        return [Problem(h.ticker, "error", "no data returned (possibly delisted or a wrong symbol)")]
    problems: list[Problem] = []
    basis = h.total_return
    gaps = basis.index[basis.isna().to_numpy()]
    if len(gaps):
        problems.append(Problem(h.ticker, "error", f"{len(gaps)} missing closes (NaN) on {_dates(gaps)}"))
    if kind != "yield":
        priced = [c for c in ("open", "high", "low", "close", "adj_close") if c in f]
        bad = f.index[(f[priced] <= 0).any(axis=1).to_numpy()]
        if len(bad):
            problems.append(Problem(h.ticker, "error", f"non-positive prices on {_dates(bad)}"))
    if {"open", "high", "low", "close"} <= set(f.columns):
        tol = 1e-6 * f["close"].abs()
        hi = f["high"] + tol < f[["open", "close"]].max(axis=1)
        lo = f["low"] - tol > f[["open", "close"]].min(axis=1)
        bad = f.index[(hi | lo).to_numpy()]
        if len(bad):
            severity: Literal["error", "warning"] = "warning" if kind == "fx" else "error"
            problems.append(Problem(h.ticker, severity,
                                    f"High/Low inconsistent with Open/Close on {len(bad)} rows ({_dates(bad)})"))
    if kind == "equity" and len(basis) > 1:
        moves = basis.pct_change().abs()
        jumps = moves.index[(moves > max_daily_move).to_numpy()]
        if splits is not None and len(jumps):
            split_days = splits.index[(splits.fillna(0) > 0).to_numpy()]
            jumps = jumps.difference(split_days)
        if len(jumps):
            problems.append(Problem(h.ticker, "error",
                                    f"implausible one-day move over {max_daily_move:.0%} with no split on {_dates(jumps)}"))
    if kind in ("equity", "index") and sessions is not None and len(sessions):
        expected = sessions[(sessions >= f.index[0]) & (sessions <= f.index[-1])]
        missing = expected.difference(f.index)
        if len(missing):
            problems.append(Problem(h.ticker, "error", f"{len(missing)} exchange sessions missing: {_dates(missing)}"))
    return problems


def check_fresh(h: TickerHistory, kind: Kind, expected: date, sessions: pd.DatetimeIndex) -> Problem | None:
    """Stale when the last bar is older than the last completed session (yields and FX may lag one)."""
    if h.frame.empty:
        return None
    last = h.last
    if last >= expected:
        return None
    lag = int(((sessions > pd.Timestamp(last)) & (sessions <= pd.Timestamp(expected))).sum())
    allowed = 1 if kind in ("yield", "fx") else 0
    if lag <= allowed:
        return None
    return Problem(h.ticker, "error", f"stale: last bar {last}, but the last completed session is {expected}")


def drop_partial(frame: pd.DataFrame, in_progress: date | None) -> tuple[pd.DataFrame, bool]:
    """Remove a live bar for a session still in progress (and anything dated after it)."""
    if in_progress is None or frame.empty or frame.index[-1].date() < in_progress:
        return frame, False
    return frame.loc[frame.index < pd.Timestamp(in_progress)], True


def reconcile(old: pd.Series, new: pd.Series, tolerance: float = 1e-6) -> bool:
    """True when the overlapping sessions agree, i.e. history was not re-adjusted."""
    both = pd.concat([old, new], axis=1, join="inner").dropna()
    if both.empty:
        return False
    a, b = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    return bool(np.all(np.abs(a / b - 1) <= tolerance))


def member_basis(values: np.ndarray) -> np.ndarray:
    """A cached member's total-return closes from its VALUE_COLUMNS rows (generator.data.cache): the adjusted
    close when it has any, else the close (what TickerHistory.total_return picks)."""
    adj, close = values[4], values[3]
    return adj if not np.isnan(adj).all() else close


def member_problems(days: np.ndarray, values: np.ndarray, max_daily_move: float) -> list[str]:
    """`validate_history`'s errors for an equity, on a cached member's arrays (dates, VALUE_COLUMNS rows) with
    array operations only, so 600 members are checked without a DataFrame each. A test keeps the two in step."""
    if not len(days):
        return ["no data returned (possibly delisted or a wrong symbol)"]
    index = lambda mask: pd.DatetimeIndex(np.asarray(days)[mask].view("M8[ns]"))  # noqa: E731
    present = {i for i in range(5) if not np.isnan(values[i]).all()}
    problems = []
    basis = member_basis(values)
    gaps = np.isnan(basis)
    if gaps.any():
        problems.append(f"{int(gaps.sum())} missing closes (NaN) on {_dates(index(gaps))}")
    with np.errstate(invalid="ignore"):
        bad = np.zeros(len(days), bool)
        for i in present:
            bad |= values[i] <= 0
    if bad.any():
        problems.append(f"non-positive prices on {_dates(index(bad))}")
    if {0, 1, 2, 3} <= present:
        open_, high, low, close = values[0], values[1], values[2], values[3]
        tol = 1e-6 * np.abs(close)
        with np.errstate(invalid="ignore"):
            hi = high + tol < np.fmax(open_, close)
            lo = low - tol > np.fmin(open_, close)
        wrong = hi | lo
        if wrong.any():
            problems.append(f"High/Low inconsistent with Open/Close on {int(wrong.sum())} rows "
                            f"({_dates(index(wrong))})")
    if len(basis) > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            moves = np.abs(basis[1:] / basis[:-1] - 1)
        jumps = np.concatenate([[False], moves > max_daily_move])
        jumps &= ~(np.nan_to_num(values[6]) > 0)
        if jumps.any():
            problems.append(f"implausible one-day move over {max_daily_move:.0%} with no split on "
                            f"{_dates(index(jumps))}")
    return problems
