"""Pure functions on one price or ratio series (empty or short in, None out)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from generator.metrics.periods import PERIODS, last_on_or_before, period_target, weeks_target


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def change_since(series: pd.Series, session: pd.Timestamp, target: date, *, absolute: bool = False) -> float | None:
    """series[session] versus its value at the last session on or before `target`.

    Relative change (decimal fraction) by default; absolute difference for levels such as yields.
    """
    if series.empty or session not in series.index:
        return None
    base_at = last_on_or_before(series.index, target)
    if base_at is None or base_at >= session:
        return None
    now, base = float(series.loc[session]), float(series.loc[base_at])
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


def moving_average(series: pd.Series, window: int) -> pd.Series:
    """Simple moving average over `window` sessions; NaN until the window is full."""
    return series.rolling(window, min_periods=window).mean()


def value_at(series: pd.Series, session: pd.Timestamp) -> float | None:
    if session not in series.index:
        return None
    return _clean(float(series.loc[session]))


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
