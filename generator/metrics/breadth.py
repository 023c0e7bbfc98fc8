"""Breadth of a small-cap universe: how many are still below their reference-year high,
and how many made 52-week highs or lows this week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from generator.data.model import MarketData
from generator.metrics.periods import last_on_or_before, weeks_target

WINDOW_52W = 252


@dataclass(frozen=True)
class Breadth:
    members: int                      # universe members with data at the session
    missing: tuple[str, ...]          # members the data does not have
    below_reference_high: int | None  # None until the reference year is over
    share_below: float | None
    share_below_4w_ago: float | None
    new_highs: int                    # members with a close above their prior 52-week high this week
    new_lows: int


@dataclass(frozen=True)
class BreadthSeries:
    """Daily series the stance reads at any session."""

    share_below: pd.Series  # share of members below their reference-year high (NaN before the year ends)
    at_high: pd.DataFrame   # member closed above its prior 52-week high that day
    at_low: pd.DataFrame


def breadth_series(market: MarketData, universe: list[str], reference_year: int) -> BreadthSeries | None:
    members = [t for t in universe if t in market]
    if not members:
        return None
    closes = pd.concat({t: market[t].quoted for t in members}, axis=1).ffill(limit=5)
    year = closes.loc[f"{reference_year}-01-01":f"{reference_year}-12-31"]
    ref_high = year.max()
    after = closes.index > pd.Timestamp(f"{reference_year}-12-31")
    known = closes.notna() & ref_high.notna()
    below = (closes.lt(ref_high) & known).sum(axis=1) / known.sum(axis=1).where(known.sum(axis=1) > 0)
    share_below = below.where(after)
    # Only the latest weeks' new highs and lows are ever read, so the 52-week extremes are computed
    # over the tail that needs them (a window plus a margin), not over decades of history.
    recent = closes.iloc[-(WINDOW_52W + 30):]
    prior_high = recent.rolling(WINDOW_52W, min_periods=200).max().shift(1)
    prior_low = recent.rolling(WINDOW_52W, min_periods=200).min().shift(1)
    return BreadthSeries(share_below, recent > prior_high, recent < prior_low)


def breadth_at(series: BreadthSeries | None, market: MarketData, universe: list[str],
               session: pd.Timestamp, week_start: date, min_members: int) -> Breadth | None:
    if series is None:
        return None
    present = [t for t in universe if t in market and market[t].frame.index[-1] >= pd.Timestamp(week_start)]
    if len(present) < min_members:
        return None
    at = last_on_or_before(series.share_below.index, session.date())
    share = series.share_below.get(at)
    base = last_on_or_before(series.share_below.index, weeks_target(session.date(), 4))
    share_4w = series.share_below.get(base) if base is not None else None
    week = (series.at_high.index >= pd.Timestamp(week_start)) & (series.at_high.index <= session)
    clean = (lambda v: None if v is None or pd.isna(v) else float(v))
    share, share_4w = clean(share), clean(share_4w)
    return Breadth(
        members=len(present), missing=tuple(t for t in universe if t not in market),
        below_reference_high=round(share * len(present)) if share is not None else None,
        share_below=share, share_below_4w_ago=share_4w,
        new_highs=int(series.at_high.loc[week, present].any().sum()),
        new_lows=int(series.at_low.loc[week, present].any().sum()),
    )
