"""Crowding and hedging gauges: pure functions of the data as cut at the issue's session.

* Hedging: the small-cap volatility index (^RVX) minus the VIX, in index points, and where that spread
  stands among the last `hedge_window` sessions both have (share of them at or below today's, 0-1). A
  high spread: investors pay up to protect small caps (fear, already hedged). A low one: small-cap
  protection is cheap next to large caps' (complacent, unhedged).
* Volume: the small-cap ticker's average volume over the last five sessions against its average over the
  `volume_average` sessions before them (a decimal: 0.45 = 45% above), and that ratio's percentile over the
  last `volume_window` sessions.
* Futures positioning (CFTC Traders in Financial Futures, generator/data/cot.py): asset managers' and
  leveraged funds' net position (long - short) as a share of open interest in the latest report released by
  the session, each with its percentile among the reports of the `cot_window_years` before it. A report older
  than `cot_stale_weeks` is stale: its figures are kept, `cot_stale` says so.

A gauge whose data is missing is None, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from generator.metrics.series import inner_join
from generator.settings import Settings

# The week's volume is the last five sessions.
VOLUME_WEEK = 5


@dataclass(frozen=True)
class Crowding:
    small_volatility: str | None          # the ticker used (^RVX), None when not configured or absent
    volatility: str | None                # the VIX ticker it is compared with
    small_vol_level: float | None         # RVX close
    vix_level: float | None               # VIX close on the same session
    hedge_spread: float | None            # RVX - VIX, index points
    hedge_ratio: float | None             # RVX / VIX
    hedge_percentile: float | None        # share of the window's sessions with a spread at or below today's (0-1)
    hedge_window: int
    hedge_date: date | None               # the session the spread is read at
    volume_ticker: str | None
    volume_week: float | None             # average daily volume of the last five sessions
    volume_average: float | None          # average daily volume of the `volume_sessions` before them
    volume_sessions: int
    volume_ratio: float | None            # volume_week / volume_average - 1
    volume_percentile: float | None       # share of the window's sessions with a ratio at or below today's (0-1)
    cot_configured: bool                  # positioning.cot is on
    cot_loaded: bool                      # ... and its file was read (False: the file is missing)
    cot_report_date: date | None          # positions as of (a Tuesday)
    cot_release_date: date | None         # released (the Friday after, later after a federal holiday)
    cot_age_days: int | None              # session - report date
    cot_age_weeks: int | None             # cot_age_days // 7
    cot_stale: bool                       # older than positioning.cot_stale_weeks
    cot_open_interest: float | None
    asset_mgr_net: float | None           # contracts, long - short
    asset_mgr_net_share: float | None     # of open interest
    asset_mgr_percentile: float | None    # among the window's reports (0-1)
    lev_money_net: float | None
    lev_money_net_share: float | None
    lev_money_percentile: float | None
    cot_window_reports: int | None        # reports in the percentile window (this one included)
    # the series are in the data set at all (False: a standing gap, stated once on the about page, not in every
    # issue's Data notes; True with no reading: missing this week)
    hedge_in_data: bool = True
    volume_in_data: bool = True
    # the week is short ("holiday": a weekday without a session; "half-day": an early close), so its five-session
    # volume reads the calendar, not investors (generator/commentary/bands.py); None otherwise
    volume_short_week: str | None = None


def _rank(values: np.ndarray) -> float:
    """Share of `values` at or below the last one."""
    return float(np.mean(values <= values[-1]))


def hedging(small_vol: pd.Series, vix: pd.Series, session: pd.Timestamp, window: int
            ) -> tuple[float, float, float, float, float | None, date] | None:
    """(RVX, VIX, spread, ratio, percentile, date) at the last session both have, on or within a week before
    `session`; the percentile needs `window` common sessions. None without a common session."""
    both = inner_join(small_vol, vix).loc[:session]
    if both.empty or both.index[-1] < session - timedelta(days=7):
        return None
    spread = (both.iloc[:, 0] - both.iloc[:, 1]).to_numpy()[-window:]
    rv, vx = float(both.iloc[-1, 0]), float(both.iloc[-1, 1])
    return rv, vx, rv - vx, rv / vx, _rank(spread) if len(spread) >= window else None, both.index[-1].date()


def volume_ratio_series(volume: pd.Series, average: int) -> pd.Series:
    """Daily: mean volume of the last five sessions / mean of the `average` sessions before them - 1."""
    week = volume.rolling(VOLUME_WEEK, min_periods=VOLUME_WEEK).mean()
    base = volume.shift(VOLUME_WEEK).rolling(average, min_periods=average).mean()
    return week / base - 1


def volume_gauge(volume: pd.Series, session: pd.Timestamp, average: int, window: int
                 ) -> tuple[float, float, float, float | None] | None:
    """(week average, base average, ratio, percentile) at `session`. None without enough sessions, or when
    the last five sessions are not the ones ending at `session`."""
    volume = volume.loc[:session].dropna()
    volume = volume[volume > 0]
    need = VOLUME_WEEK + average
    if len(volume) < need or volume.index[-1] != session:
        return None
    tail = volume.iloc[-(need + window - 1):]
    ratios = volume_ratio_series(tail, average).dropna().to_numpy()
    week, base = float(volume.iloc[-VOLUME_WEEK:].mean()), float(volume.iloc[-need:-VOLUME_WEEK].mean())
    return week, base, week / base - 1, _rank(ratios[-window:]) if len(ratios) >= window else None


def cot_reading(cot: pd.DataFrame, session: pd.Timestamp, years: int, min_reports: int) -> dict | None:
    """The latest report released on or before `session` and its net positions' percentiles among the reports
    of the `years` before it (reports released later never count). None when no report is released yet."""
    released = cot[cot["release"] <= session]
    if released.empty:
        return None
    report = released.index[-1]
    window = released.loc[report - pd.DateOffset(years=years) + pd.Timedelta(days=1):report]
    row = released.iloc[-1]
    out = {"report": report.date(), "release": row["release"].date(), "open_interest": float(row["open_interest"]),
           "reports": len(window)}
    for side in ("asset_mgr", "lev_money"):
        net = window[f"{side}_long"] - window[f"{side}_short"]
        share = (net / window["open_interest"]).to_numpy()
        out[side] = (float(net.iloc[-1]), float(share[-1]), _rank(share) if len(share) >= min_reports else None)
    return out


def _held(market, ticker: str | None) -> bool:
    """The data set has quotes of `ticker` up to `session`, though this week's cut may have dropped it as stale: a
    series gone missing (news for the week's Data notes), not one the data set never held (a standing gap)."""
    if ticker is None:
        return False
    return ticker in market or ticker in market.stale


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def half_days(year: int) -> set[date]:
    """The US equity market's regular early closes: the day after Thanksgiving and Christmas Eve (when a weekday;
    July 3 has not closed early every year, so it is left out). Volume on those sessions is a fraction of a normal
    day's."""
    days = {_thanksgiving(year) + timedelta(days=1), date(year, 12, 24)}
    return {d for d in days if d.weekday() < 5}


def short_week(as_of: date, sessions) -> str | None:
    """Why the week ending `as_of` (its last session) is short, for a volume reading to name before it reads the
    volume: "half-day" (an early close among its sessions), "holiday" (a weekday of it with no session among
    `sessions`, the dates the data holds: a week ending on a Thursday lost its Friday), else None."""
    monday = as_of - timedelta(days=as_of.weekday())
    held = {d for d in sessions if monday <= d <= as_of}
    if any(d in half_days(d.year) for d in held):
        return "half-day"
    if any(monday + timedelta(days=i) not in held for i in range(5)):
        return "holiday"
    return None


def crowding_at(market, settings: Settings, session: pd.Timestamp) -> Crowding:
    """Every crowding gauge for the week ending at `session` (the market already cut there)."""
    t, p = settings.tickers, settings.positioning
    have = (lambda ticker: ticker is not None and ticker in market)
    hedge = None
    if have(t.small_volatility) and have(t.volatility):
        hedge = hedging(market[t.small_volatility].quoted, market[t.volatility].quoted, session, p.hedge_window)
    small = settings.pair.small
    vol = None
    if have(small) and "volume" in market[small].frame:
        vol = volume_gauge(market[small].frame["volume"], session, p.volume_average, p.volume_window)
    cot = None
    if p.cot and getattr(market, "cot", None) is not None:
        cot = cot_reading(market.cot, session, p.cot_window_years, p.cot_min_reports)
    age = (session.date() - cot["report"]).days if cot else None
    am = cot["asset_mgr"] if cot else (None, None, None)
    lm = cot["lev_money"] if cot else (None, None, None)
    return Crowding(
        hedge_in_data=_held(market, t.small_volatility) and _held(market, t.volatility),
        volume_in_data=have(small) and "volume" in market[small].frame,
        small_volatility=t.small_volatility if hedge else None, volatility=t.volatility if hedge else None,
        small_vol_level=hedge[0] if hedge else None, vix_level=hedge[1] if hedge else None,
        hedge_spread=hedge[2] if hedge else None, hedge_ratio=hedge[3] if hedge else None,
        hedge_percentile=hedge[4] if hedge else None, hedge_window=p.hedge_window,
        hedge_date=hedge[5] if hedge else None,
        volume_ticker=small if vol else None, volume_week=vol[0] if vol else None,
        volume_average=vol[1] if vol else None, volume_sessions=p.volume_average,
        volume_ratio=vol[2] if vol else None, volume_percentile=vol[3] if vol else None,
        cot_configured=p.cot, cot_loaded=p.cot and getattr(market, "cot", None) is not None,
        cot_report_date=cot["report"] if cot else None,
        cot_release_date=cot["release"] if cot else None, cot_age_days=age,
        cot_age_weeks=age // 7 if age is not None else None,
        cot_stale=age is not None and age > 7 * p.cot_stale_weeks,
        cot_open_interest=cot["open_interest"] if cot else None,
        asset_mgr_net=am[0], asset_mgr_net_share=am[1], asset_mgr_percentile=am[2],
        lev_money_net=lm[0], lev_money_net_share=lm[1], lev_money_percentile=lm[2],
        cot_window_reports=cot["reports"] if cot else None,
        volume_short_week=short_week(session.date(), {d.date() for d in market[small].frame.loc[:session].index[-10:]})
        if vol else None,
    )
