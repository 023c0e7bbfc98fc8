"""Pure functions on one price or ratio series (empty or short in, None out), and the ratio of a pair."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.periods import PERIODS, period_target, weeks_target


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def inner_join(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """`a` and `b` side by side on the sessions both have, rows with a missing value dropped: what
    `pd.concat([a, b], axis=1, join="inner").dropna()` gives (columns by position), without pandas' index set
    operations, which cost a millisecond a pair, seven pairs a week, in a whole-history run. Price series
    here have sorted, unique session indexes; anything else takes pandas' own route."""
    index, va, vb = aligned(a, b)
    return pd.DataFrame({0: va, 1: vb}, index=index)


def aligned(a: pd.Series, b: pd.Series, session: pd.Timestamp | None = None
            ) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """inner_join's sessions and its two columns as arrays, up to and including `session` when given."""
    ai, bi = a.index, b.index
    if not (isinstance(ai, pd.DatetimeIndex) and isinstance(bi, pd.DatetimeIndex) and ai.tz == bi.tz
            and ai.is_monotonic_increasing and bi.is_monotonic_increasing and ai.is_unique and bi.is_unique):
        both = pd.concat([a, b], axis=1, join="inner").dropna()
        index, va, vb = both.index, both.iloc[:, 0].to_numpy(dtype=float), both.iloc[:, 1].to_numpy(dtype=float)
    else:
        a8, b8 = ai.as_unit("ns").asi8, bi.as_unit("ns").asi8
        at = np.minimum(np.searchsorted(a8, b8), max(len(a8) - 1, 0))
        hit = (a8[at] == b8) if len(a8) else np.zeros(len(b8), dtype=bool)
        in_b = np.flatnonzero(hit)
        va, vb = a.to_numpy(dtype=float)[at[in_b]], b.to_numpy(dtype=float)[in_b]
        keep = ~(np.isnan(va) | np.isnan(vb))
        index, va, vb = bi[in_b[keep]], va[keep], vb[keep]
    if session is not None:
        n = index.searchsorted(session, side="right")
        index, va, vb = index[:n], va[:n], vb[:n]
    return index, va, vb


def change_since(series: pd.Series, session: pd.Timestamp, target: date, *, absolute: bool = False) -> float | None:
    """series[session] versus its value at the last session on or before `target`.

    Relative change (decimal fraction) by default; absolute difference for levels such as yields.
    """
    if series.empty:
        return None
    # positions by binary search on the sorted index: `in` and `.loc` would build a hash table for every new
    # index, and a whole-history run cuts a new one every week
    index = series.index
    at = index.searchsorted(session)
    if at >= len(index) or index[at] != session:
        return None
    base = index.searchsorted(pd.Timestamp(target), side="right") - 1
    if base < 0 or index[base] >= session:
        return None
    now, base = float(series.iat[at]), float(series.iat[base])
    if absolute:
        return _clean(now - base)
    return _clean(now / base - 1.0) if base > 0 else None


def period_returns(series: pd.Series, session: pd.Timestamp) -> dict[str, float | None]:
    """Returns over every standard period (see periods.py), as decimal fractions."""
    day = session.date()
    return {p: change_since(series, session, period_target(day, p)) for p in PERIODS}


def weekly_changes(series: pd.Series, session: pd.Timestamp, weeks: list[int], *,
                   absolute: bool = False) -> dict[str, float | None]:
    day = session.date()
    return {f"{w}w": change_since(series, session, weeks_target(day, w), absolute=absolute) for w in weeks}


def pair_ratio(market: MarketData, numerator: str, denominator: str) -> pd.Series:
    """numerator / denominator on total-return prices, on the sessions both have."""
    num, den = market[numerator].total_return, market[denominator].total_return
    joined = inner_join(num, den)
    return joined.iloc[:, 0] / joined.iloc[:, 1]


def moving_average(series: pd.Series, window: int) -> pd.Series:
    """Simple moving average over `window` sessions; NaN until the window is full."""
    return series.rolling(window, min_periods=window).mean()


def value_at(series: pd.Series, session: pd.Timestamp) -> float | None:
    """The value on that session (a sorted index, as every series here), None without one."""
    index = series.index
    at = index.searchsorted(session)
    if at >= len(index) or index[at] != session:
        return None
    return _clean(float(series.iat[at]))


def running_peak(series: pd.Series) -> tuple[pd.Timestamp, float] | None:
    """The highest value so far and the first session it was reached."""
    if series.dropna().empty:
        return None
    at = series.idxmax()
    return at, float(series.loc[at])


def year_high(series: pd.Series, year: int, session: pd.Timestamp) -> tuple[pd.Timestamp, float] | None:
    """The highest close of calendar `year`, using no session after `session`."""
    window = series.loc[f"{year}-01-01":min(session, pd.Timestamp(f"{year}-12-31"))]
    return running_peak(window)
