"""Daily signal series computed once over the whole history, read at any session.

The stance's rules read their own inputs as arrays over every week (generator/metrics/stance.py); the
series here are the week's gauges and what the charts draw.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from generator.data.model import MarketData
from generator.metrics.breadth import BreadthHistory, member_history
from generator.metrics.indicators import percentile_rank, realised_vol, rsi
from generator.metrics.periods import last_on_or_before, weeks_target
from generator.metrics.series import change_since, moving_average
from generator.metrics.stance import LEAD_WEEKS
from generator.settings import Settings


@dataclass(frozen=True)
class RiskGauges:
    fx_ticker: str | None
    fx_level: float | None
    fx_week: float | None            # USD/JPY change over the week (negative: the yen rallied)
    fx_distance_200d: float | None
    fx_vol_20d: float | None         # annualised
    yen_rally: bool
    vix_level: float | None
    vix_percentile_1y: float | None  # 0-1
    small_distance_50d: float | None
    small_rsi_14: float | None
    stretched: bool


@dataclass(frozen=True)
class Signals:
    ratio: pd.Series
    sma_short: pd.Series
    sma_long: pd.Series
    small: pd.Series
    large: pd.Series                 # large-cap total return, for the week's market-wide stress
    small_sma50: pd.Series
    small_rsi: pd.Series
    long_yield: pd.Series | None     # decimal
    vix: pd.Series | None
    vix_pct: pd.Series | None
    fx: pd.Series | None
    fx_sma200: pd.Series | None
    fx_vol: pd.Series | None
    breadth: BreadthHistory | None   # the universe's breadth, every session of the stance history's span


def build_signals(market: MarketData, settings: Settings, ratio: pd.Series) -> Signals:
    lb, t = settings.lookbacks, settings.tickers
    small = market[settings.pair.small].quoted
    def quoted(ticker: str | None) -> pd.Series | None:
        return market[ticker].quoted if ticker is not None and ticker in market else None

    vix, fx, long_yield = quoted(t.volatility), quoted(t.fx), quoted(t.long_yield)
    return Signals(
        ratio=ratio, sma_short=moving_average(ratio, lb.sma_short), sma_long=moving_average(ratio, lb.sma_long),
        small=small, large=market[settings.pair.large].total_return, small_sma50=moving_average(small, 50), small_rsi=rsi(small, 14),
        long_yield=long_yield * 0.01 if long_yield is not None else None,
        vix=vix, vix_pct=percentile_rank(vix.iloc[-400:], 252) if vix is not None else None,
        fx=fx, fx_sma200=moving_average(fx, 200) if fx is not None else None,
        fx_vol=realised_vol(fx, 20) if fx is not None else None,
        breadth=member_history(market.members, market[settings.pair.large].total_return, lb.reference_high_year,
                               settings.breadth.min_members, weeks=settings.stance.history_weeks + LEAD_WEEKS + 5),
    )


def _at(series: pd.Series | None, session: pd.Timestamp) -> float | None:
    if series is None or series.empty:
        return None
    pos = series.index.searchsorted(pd.Timestamp(session.date()), side="right") - 1
    if pos < 0 or series.index[pos] < session - timedelta(days=7):
        return None
    value = float(series.iat[pos])   # the last value on or before the session, by position
    return value if math.isfinite(value) else None


def risk_at(s: Signals, settings: Settings, session: pd.Timestamp) -> RiskGauges:
    r = settings.risk
    fx_level = _at(s.fx, session)
    fx_week = None
    if s.fx is not None and fx_level is not None:
        at = last_on_or_before(s.fx.index, session.date())
        fx_week = change_since(s.fx, at, weeks_target(session.date(), 1))
    fx_avg = _at(s.fx_sma200, session)
    small_avg = _at(s.small_sma50, session)
    small = _at(s.small, session)
    dist50 = small / small_avg - 1 if small and small_avg else None
    small_rsi = _at(s.small_rsi, session)
    vix_pct = _at(s.vix_pct, session) if s.vix_pct is not None and session in s.vix_pct.index else None
    return RiskGauges(
        fx_ticker=settings.tickers.fx if s.fx is not None else None, fx_level=fx_level, fx_week=fx_week,
        fx_distance_200d=fx_level / fx_avg - 1 if fx_level and fx_avg else None,
        fx_vol_20d=_at(s.fx_vol, session),
        yen_rally=fx_week is not None and fx_week <= r.yen_rally_week,
        vix_level=_at(s.vix, session), vix_percentile_1y=vix_pct,
        small_distance_50d=dist50, small_rsi_14=small_rsi,
        stretched=(small_rsi is not None and small_rsi > r.rsi_stretched)
        or (dist50 is not None and dist50 >= r.stretch_from_50d),
    )
