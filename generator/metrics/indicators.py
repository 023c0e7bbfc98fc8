"""Daily indicator series, computed once over the whole history and sliced per week."""

from __future__ import annotations

import numpy as np
import pandas as pd


def rsi(close: pd.Series, window: int = 14) -> pd.Series:
    """Wilder's relative strength index (0-100), as charting tools show it: the first average
    gain and loss are simple means of `window` changes, then each is smoothed by 1/window.
    NaN until `window` changes exist."""
    change = np.diff(close.to_numpy(dtype="float64"))
    out = np.full(len(close), np.nan)
    if len(change) < window:
        return pd.Series(out, index=close.index)
    gains, losses = np.clip(change, 0, None), np.clip(-change, 0, None)
    gain, loss = gains[:window].mean(), losses[:window].mean()
    for t in range(window, len(change) + 1):
        if t > window:
            gain = (gain * (window - 1) + gains[t - 1]) / window
            loss = (loss * (window - 1) + losses[t - 1]) / window
        out[t] = 100.0 if loss == 0 else 100 - 100 / (1 + gain / loss)
    return pd.Series(out, index=close.index)


def realised_vol(close: pd.Series, window: int = 20) -> pd.Series:
    """Annualised standard deviation of daily log returns over `window` sessions."""
    returns = np.log(close).diff()
    return returns.rolling(window, min_periods=window).std() * np.sqrt(252)


def percentile_rank(series: pd.Series, window: int = 252) -> pd.Series:
    """Share of the last `window` values at or below today's (0-1)."""
    values = series.to_numpy()
    out = np.full(len(values), np.nan)
    for i in range(window - 1, len(values)):
        past = values[i - window + 1: i + 1]
        out[i] = np.mean(past <= values[i])
    return pd.Series(out, index=series.index)


def week_numbers(index: pd.DatetimeIndex) -> np.ndarray:
    """Each day's calendar week (Monday to Sunday, as pandas' "W-SUN" periods) as an integer: the days since
    1970-01-01 (a Thursday) plus three, over seven. Two orders of magnitude faster than `to_period`, which
    the whole-history run calls some forty times a week (an index of sorted session dates, no time zone)."""
    if index.tz is not None:
        index = index.tz_localize(None)
    days = index.as_unit("ns").asi8 // 86_400_000_000_000
    return (days + 3) // 7


def weekly_last(series: pd.Series) -> pd.Series:
    """The value at each week's last session, indexed by that session (the index is sorted)."""
    if series.empty:
        return series
    return series.take(week_ends(series.index))


def week_ends(index: pd.DatetimeIndex) -> np.ndarray:
    """The positions of each week's last session in a sorted, non-empty session index."""
    weeks = week_numbers(index)
    last = np.empty(len(weeks), dtype=bool)
    last[:-1] = weeks[1:] != weeks[:-1]
    last[-1] = True
    return np.flatnonzero(last)
