"""Cross-asset measures: rate sensitivity of the relative trade, sector positions, risk gauges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.metrics.indicators import weekly_last
from generator.metrics.series import aligned, inner_join, weekly_changes

QUADRANTS = {(True, True): "leading", (True, False): "weakening", (False, False): "lagging", (False, True): "improving"}


@dataclass(frozen=True)
class RateSensitivity:
    weeks: int
    observations: int
    correlation: float | None       # weekly relative return vs weekly 10-year yield change
    beta_per_100bp: float | None    # relative return that came with a 1-point (100 bp) rise in the yield


def rate_sensitivity(ratio: pd.Series, yield_decimal: pd.Series, session: pd.Timestamp,
                     weeks: int = 52) -> RateSensitivity:
    rel = weekly_last(ratio.loc[:session]).pct_change()
    dy = weekly_last(yield_decimal.loc[:session]).diff()
    rel.index, dy.index = rel.index.to_period("W-SUN"), dy.index.to_period("W-SUN")
    both = pd.concat([rel, dy], axis=1, join="inner").dropna().iloc[-weeks:]
    n = len(both)
    if n < weeks // 2 or both.iloc[:, 1].std() == 0:
        return RateSensitivity(weeks, n, None, None)
    x, y = both.iloc[:, 1].to_numpy(), both.iloc[:, 0].to_numpy()
    beta = float(np.cov(y, x)[0, 1] / np.var(x, ddof=1))
    return RateSensitivity(weeks, n, float(np.corrcoef(x, y)[0, 1]), beta * 0.01)


@dataclass(frozen=True)
class SectorPoint:
    """A sector's position: relative trend (ratio vs its 200-session average) and 4-week relative momentum."""

    ticker: str
    trend: float
    momentum: float
    quadrant: str  # leading | weakening | lagging | improving
    tail: tuple[tuple[date, float, float], ...]  # the last weeks' (date, trend, momentum), oldest first


def sector_point(price: pd.Series, benchmark: pd.Series, session: pd.Timestamp, ticker: str,
                 tail_weeks: int = 5) -> SectorPoint | None:
    index, va, vb = aligned(price, benchmark, session)
    if len(index) < 260:
        return None
    # The tail (5 weekly points of a 200-session average plus 4-week momentum) needs ~230 sessions;
    # with 400 the values match a full-history computation to floating-point rounding (~1e-16; pandas'
    # rolling mean keeps a running sum, so its last bit depends on where it starts).
    ratio = pd.Series(va[-400:] / vb[-400:], index=index[-400:])
    trend = ratio / ratio.rolling(200, min_periods=200).mean() - 1
    weekly = weekly_last(ratio)
    momentum = weekly.pct_change(4)
    points = pd.concat([weekly_last(trend), momentum], axis=1).dropna().iloc[-tail_weeks:]
    if points.empty or points.index[-1] != index[-1]:
        return None
    t, m = float(points.iloc[-1, 0]), float(points.iloc[-1, 1])
    tail = tuple((d.date(), float(a), float(b)) for d, (a, b) in zip(points.index, points.to_numpy()))
    return SectorPoint(ticker, t, m, QUADRANTS[(t > 0, m > 0)], tail)


@dataclass(frozen=True)
class Leadership:
    """Relative momentum of a tech-heavy ticker against the large-cap benchmark."""

    ticker: str
    momentum: dict[str, float | None]


def leadership(price: pd.Series, benchmark: pd.Series, session: pd.Timestamp, ticker: str,
               weeks: list[int]) -> Leadership:
    joined = inner_join(price, benchmark).loc[:session]
    ratio = joined.iloc[:, 0] / joined.iloc[:, 1]
    return Leadership(ticker, weekly_changes(ratio, ratio.index[-1], weeks) if len(ratio) else {})
