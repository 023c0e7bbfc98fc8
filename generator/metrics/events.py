"""What happened inside the week and the month, not only Friday to Friday.

Friday closes hide the weeks that matter most: a volatility spike on a Monday
that has faded by Friday, a yen rally that peaked two weeks ago, one session
in which small caps gained or lost three points on large caps. These figures
are read from daily closes up to the issue's session (never after it):

* the VIX's highest close of the week, its day, and how far it stood above the
  previous week's last close (a *spike* when it rose by `risk.vix_spike` and
  reached `risk.vix_stressed`);
* USD/JPY against its highest close of the last four weeks (a yen rally from
  the peak is a negative move);
* the pair's biggest one-session relative move of the week (small-cap daily
  return minus large-cap daily return) and its day;
* each index's distance from its own all-time closing high (price terms);
* last week's small-minus-large spread, so "again" can be checked;
* the rate regime, inferred from the short (13-week bill) yield:

  | regime    | when                                                              |
  |-----------|-------------------------------------------------------------------|
  | hiking    | bill yield up 25 bp or more over 13 weeks, or up 40 bp over 26 weeks and still rising |
  | cutting   | down 25 bp or more over 13 weeks, or down 40 bp over 26 and still falling |
  | zero      | otherwise, with the bill yield below 0.5%                         |
  | on_hold   | otherwise; `high` when the bill yield is at or above 70% of its closes over ten years |

* market-wide stress: the large-cap index fell `risk.stress_week_drop` or more
  in the week, or the VIX spiked (as above).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.indicators import weekly_last
from generator.metrics.periods import last_on_or_before, week_start, weeks_target
from generator.metrics.series import change_since, inner_join
from generator.settings import Settings

REGIME_MOVE_13W = 0.0025
REGIME_MOVE_26W = 0.004
ZERO_RATE = 0.005
# Short rates are "high" on a band of their own history, not a fixed level (issue 26: "short rates are high" at 2.72%
# in 2001, when the decade before had mostly been 4-6%): the bill yield at or above HIGH_BAND (70%) of its closes
# over the BAND_YEARS (10) years to the session.
HIGH_BAND = 0.7
BAND_YEARS = 10


@dataclass(frozen=True)
class RateRegime:
    key: str                      # hiking | cutting | zero | on_hold
    high: bool                    # band at or above HIGH_BAND
    level: float                  # bill yield, decimal
    change_13w: float | None
    change_26w: float | None
    band: float | None = None     # share of the bill's closes over the BAND_YEARS years to the session at or below it


@dataclass(frozen=True)
class WeekEvents:
    previous_spread: float | None       # last week's small-minus-large return
    small_from_high: float | None       # small-cap price / its all-time closing high - 1
    small_high_date: date | None
    large_from_high: float | None
    large_high_date: date | None
    biggest_day: date | None            # session of the week's largest |small - large| daily move
    biggest_day_move: float | None      # small-cap daily return minus large-cap daily return that session
    vix_high: float | None              # highest VIX close of the week
    vix_high_date: date | None
    vix_previous_close: float | None    # last VIX close of the previous week
    vix_jump: float | None              # vix_high / vix_previous_close - 1
    vix_spike: bool
    fx_peak_4w: float | None            # highest USD/JPY close of the last four weeks
    fx_peak_date: date | None
    fx_from_peak: float | None          # USD/JPY now / that peak - 1 (negative: the yen has rallied)
    large_week: float | None            # the large-cap index's weekly return
    market_stress: bool
    regime: RateRegime | None
    large_day: date | None = None       # session of the week's largest |daily return| of the large-cap index
    large_day_move: float | None = None
    relative_streak: int = 0            # consecutive weeks, this one included, of a spread beyond the flat band
                                        # in this week's direction (+: small caps ahead, -: behind, 0: level)
    # every session of the week, in order: what "the week's biggest session" is checked against
    day_moves: tuple[float, ...] = ()   # small-cap daily return minus large-cap daily return
    large_day_moves: tuple[float, ...] = ()  # the large-cap index's daily returns
    large_start: date | None = None     # the large-cap index's first session in the data ("a record" needs 10 years)
    # each index's last close against its highest close of the 52 weeks to it, minus 1 (quoted prices, as
    # reporters measure a correction or a bear market), and that high's day; None with under a year of data
    small_from_52w_high: float | None = None
    small_52w_high_date: date | None = None
    large_from_52w_high: float | None = None
    large_52w_high_date: date | None = None
    # the yen's quote at this week's end or last week's is stale (`stale_fx_quote`): no claim rests on the week's move
    fx_stale: bool = False
    # each index's bear market (`bear_low`, on `bear_prices`): the session of its lowest close, by the reporters' cycle
    # rule (a 20% fall from the peak starts one, a 20% rise from its low ends it); None when the index is not in one
    small_bear_low_date: date | None = None
    large_bear_low_date: date | None = None


# USD/JPY's "close" in our data is, in some years (most of 2022-2025), the day's opening quote (PROVENANCE.md): a Friday
# that moved 2% after the open keeps the morning's price. A quote is stale when it is within STALE_MATCH of the day's
# open while the day's high or low strayed STALE_RANGE or more from it: the market moved away from the price we hold.
STALE_MATCH, STALE_RANGE = 0.001, 0.01
# A week's yen move smaller than this at either end of a stale day's range is not told (the news floor for the yen).
STALE_ROBUST = 0.015


def stale_fx_quote(frame: pd.DataFrame, days: list[pd.Timestamp]) -> bool:
    """True when the quote of any of `days` (the week's end and the previous week's) is stale; False without the
    open, high and low to tell."""
    if not {"open", "high", "low", "close"} <= set(frame.columns):
        return False
    for day in days:
        if day not in frame.index:
            continue
        o, h, lo, c = (float(frame.at[day, k]) for k in ("open", "high", "low", "close"))
        if c and abs(c / o - 1) <= STALE_MATCH and max(abs(h / c - 1), abs(lo / c - 1)) >= STALE_RANGE:
            return True
    return False


def _previous_week_end(index: pd.DatetimeIndex, session: pd.Timestamp) -> pd.Timestamp | None:
    return last_on_or_before(index, week_start(session.date()) - pd.Timedelta(days=1))


def _from_high(series: pd.Series) -> tuple[float | None, date | None]:
    if series.empty:
        return None, None
    at = series.idxmax()
    return float(series.iloc[-1] / series.loc[at] - 1), at.date()


# A fall this deep from the peak is a bear market; a rise this far from its low ends it.
BEAR_FALL, BEAR_END = 0.20, 0.20


def bear_low(prices: pd.Series) -> date | None:
    """The low of the bear market the index is in, by the reporters' cycle rule: a fall of BEAR_FALL from the peak
    starts a bear market, a rise of BEAR_END from its lowest close ends it, and the next peak is measured from there.
    The session of that lowest close, or None when the index is not in a bear market. Measured on every close, not on
    a 52-week high that rolls down past the peak (SPY in March 2023 was 15% below its 52-week high and still in the
    bear market from its January 2022 peak); and a bear market that ended with a 20% rise stays ended though the index
    is still far below its old high (July 2009: IWM 33% below its 52-week high, 50% above its March low)."""
    values = prices.dropna()
    if values.empty:
        return None
    closes = values.to_numpy(dtype=float)
    bear, peak, low, low_at = False, closes[0], 0.0, 0
    for i, close in enumerate(closes):
        if not bear:
            if close > peak:
                peak = close
            elif close <= peak * (1 - BEAR_FALL):
                bear, low, low_at = True, close, i
        elif close < low:
            low, low_at = close, i
        elif close >= low * (1 + BEAR_END):
            bear, peak = False, close
    return values.index[low_at].date() if bear else None


def bear_prices(market: MarketData, settings: Settings, side: str) -> pd.Series:
    """The prices a side's bear market is measured on: its long-history index (settings pair.small_index /
    large_index) when configured and in the data, as reporters measure one, else the fund's quoted price. The fund's
    price drops by its dividend on each ex-date, the index's does not: SPY closed 20.2% below its September 2018 high
    on 2018-12-24, the S&P 500 index 19.8% (no bear market)."""
    fund = settings.pair.small if side == "small" else settings.pair.large
    index = settings.pair.small_index if side == "small" else settings.pair.large_index
    return market[index].quoted if index and index in market else market[fund].quoted


def from_52w_high(prices: pd.Series) -> tuple[float | None, date | None]:
    """The last close against the highest close of the 364 days to it, minus 1, and that high's day."""
    prices = prices.dropna()
    if prices.empty or prices.index[0] > prices.index[-1] - pd.Timedelta(days=364):
        return None, None
    window = prices.loc[prices.index[-1] - pd.Timedelta(days=363):]
    at = window.idxmax()
    return float(prices.iloc[-1] / window.loc[at] - 1), at.date()


def vix_week(vix: pd.Series, session: pd.Timestamp) -> tuple[float | None, date | None, float | None,
                                                             float | None]:
    """(highest close of the week, its day, the previous week's last close, high / that close - 1)."""
    vix = vix.loc[:session]
    week = vix.loc[pd.Timestamp(week_start(session.date())):]
    if week.empty:
        return None, None, None, None
    at = week.idxmax()
    high = float(week.loc[at])
    prev_at = _previous_week_end(vix.index, session)
    if prev_at is None:
        return high, at.date(), None, None
    prev = float(vix.loc[prev_at])
    return high, at.date(), prev, high / prev - 1


# A VIX close this far above last week's close is a spike even from a calm base (Feb 27, 2007: 10.6 -> 18.6;
# Aug 5, 2019: 17.6 -> 24.6, +40%), where the level alone never reaches `risk.vix_stressed`.
VIX_SURGE = 0.35
# A session in which the large-cap index itself moved this much is one of the week's events.
BIG_MARKET_DAY = 0.03


def is_spike(vix_high: float | None, vix_jump: float | None, risk) -> bool:
    if vix_jump is None or vix_high is None:
        return False
    return (vix_jump >= risk.vix_spike and vix_high >= risk.vix_stressed) or vix_jump >= VIX_SURGE


def is_stress(large_week: float | None, vix_spike: bool, risk) -> bool:
    """A week of market-wide stress: a large-cap fall of `stress_week_drop` or worse, or a VIX spike."""
    return (large_week is not None and large_week <= risk.stress_week_drop) or vix_spike


def rate_regime(short_yield: pd.Series | None, session: pd.Timestamp) -> RateRegime | None:
    """The policy backdrop from the bill yield (decimal), as of the session."""
    if short_yield is None or short_yield.empty:
        return None
    at = last_on_or_before(short_yield.index, session.date())
    if at is None or at < session - pd.Timedelta(days=7):
        return None
    level = float(short_yield.loc[at])
    c13 = change_since(short_yield, at, weeks_target(session.date(), 13), absolute=True)
    c26 = change_since(short_yield, at, weeks_target(session.date(), 26), absolute=True)
    if c13 is None:
        return None
    if c13 >= REGIME_MOVE_13W or (c26 is not None and c26 >= REGIME_MOVE_26W and c13 > 0):
        key = "hiking"
    elif c13 <= -REGIME_MOVE_13W or (c26 is not None and c26 <= -REGIME_MOVE_26W and c13 < 0):
        key = "cutting"
    elif level < ZERO_RATE:
        key = "zero"
    else:
        key = "on_hold"
    band = rate_band(short_yield, at)
    return RateRegime(key, band is not None and band >= HIGH_BAND, level, c13, c26, band)


def rate_band(short_yield: pd.Series, at: pd.Timestamp) -> float | None:
    """The share of the bill yield's closes over the BAND_YEARS years to `at` at or below its close there (0-1)."""
    window = short_yield.loc[at - pd.DateOffset(years=BAND_YEARS):at].dropna()
    if window.empty:
        return None
    return float((window <= float(short_yield.loc[at])).mean())


def week_events(market: MarketData, settings: Settings, session: pd.Timestamp) -> WeekEvents:
    """The week's events for the issue at `session` (market already cut there)."""
    small, large = settings.pair.small, settings.pair.large
    t, risk = settings.tickers, settings.risk
    s_tr, l_tr = market[small].total_return, market[large].total_return
    joined = inner_join(s_tr, l_tr)

    previous_spread = None
    prev_end = _previous_week_end(joined.index, session)
    if prev_end is not None:
        s_prev = change_since(joined.iloc[:, 0], prev_end, weeks_target(prev_end.date(), 1))
        l_prev = change_since(joined.iloc[:, 1], prev_end, weeks_target(prev_end.date(), 1))
        previous_spread = s_prev - l_prev if s_prev is not None and l_prev is not None else None

    large_week = None
    biggest_day = biggest_move = large_day = large_day_move = None
    day_moves: tuple[float, ...] = ()
    large_day_moves: tuple[float, ...] = ()
    if prev_end is not None:
        window = joined.loc[prev_end:session]
        daily = window.pct_change().iloc[1:]
        if not daily.empty:
            relative = daily.iloc[:, 0] - daily.iloc[:, 1]
            at = relative.abs().idxmax()
            biggest_day, biggest_move = at.date(), float(relative.loc[at])
            day_moves = tuple(float(v) for v in relative)
            large_day_moves = tuple(float(v) for v in daily.iloc[:, 1])
        large_week = float(window.iloc[-1, 1] / window.iloc[0, 1] - 1)
        if not daily.empty:
            at = daily.iloc[:, 1].abs().idxmax()
            large_day, large_day_move = at.date(), float(daily.iloc[:, 1].loc[at])
    streak = relative_streak(joined, session, settings.stance.flat_band)

    small_from_high, small_high_date = _from_high(market[small].quoted.loc[:session])
    large_from_high, large_high_date = _from_high(market[large].quoted.loc[:session])

    vix_high = vix_high_date = vix_prev = vix_jump = None
    if t.volatility and t.volatility in market:
        vix_high, vix_high_date, vix_prev, vix_jump = vix_week(market[t.volatility].quoted, session)
    vix_spike = is_spike(vix_high, vix_jump, risk)

    fx_peak = fx_peak_date = fx_from_peak = None
    fx_stale = False
    if t.fx and t.fx in market:
        fx = without_bad_prints(market[t.fx].quoted.loc[:session])
        fx_stale = fx_stale_week(market[t.fx].frame.loc[:session], session)
        if not fx.empty and fx.index[-1] >= session - pd.Timedelta(days=7):
            window = fx.loc[pd.Timestamp(weeks_target(session.date(), 4)) + pd.Timedelta(days=1):]
            if not window.empty:
                at = window.idxmax()
                peak = float(window.loc[at])
                # a fall from the month's peak is told when it survives a stale last quote: measured at that
                # day's low and high too, the same way and STALE_ROBUST or more (August 2024's yen surge, 12%)
                falls = [e / peak - 1 for e in _quotes(market[t.fx].frame, fx.index[-1], float(fx.iloc[-1]))]
                if not fx_stale or _robust(falls):
                    fx_peak, fx_peak_date, fx_from_peak = peak, at.date(), falls[0]

    regime = None
    if t.short_yield and t.short_yield in market:
        regime = rate_regime(market[t.short_yield].quoted.loc[:session] * 0.01, session)

    stress = is_stress(large_week, vix_spike, risk)
    return WeekEvents(previous_spread, small_from_high, small_high_date, large_from_high, large_high_date,
                      biggest_day, biggest_move, vix_high, vix_high_date, vix_prev, vix_jump, vix_spike,
                      fx_peak, fx_peak_date, fx_from_peak, large_week, stress, regime, large_day, large_day_move,
                      streak, day_moves, large_day_moves,
                      market[large].quoted.index[0].date() if len(market[large].quoted) else None,
                      *from_52w_high(market[small].quoted.loc[:session]),
                      *from_52w_high(market[large].quoted.loc[:session]), fx_stale,
                      bear_low(bear_prices(market, settings, "small").loc[:session]),
                      bear_low(bear_prices(market, settings, "large").loc[:session]))


# A quote this far from both its neighbours, the same way, while they agree with each other, is a bad print.
BAD_PRINT = 0.05


def without_bad_prints(series: pd.Series) -> pd.Series:
    """The series without isolated one-day spikes: a value BAD_PRINT or more above (or below) both the day before
    and the day after, which agree with each other within BAD_PRINT. JPY=X has one, 109.24 on 2008-12-08 between
    92.8 and 92.3 (reader R3): a "four-week high" read on it put the yen 16.6% off its peak instead of 6%. The
    last value has no day after and is kept."""
    values = series.to_numpy(dtype=float)
    if len(values) < 3:
        return series
    prev, mid, nxt = values[:-2], values[1:-1], values[2:]
    up = (mid / prev - 1 >= BAD_PRINT) & (mid / nxt - 1 >= BAD_PRINT)
    down = (mid / prev - 1 <= -BAD_PRINT) & (mid / nxt - 1 <= -BAD_PRINT)
    spike = (up | down) & (abs(nxt / prev - 1) < BAD_PRINT)
    if not spike.any():
        return series
    keep = np.ones(len(values), dtype=bool)
    keep[1:-1] = ~spike
    return series[keep]


def fx_stale_week(frame: pd.DataFrame, session: pd.Timestamp) -> bool:
    """The yen's week rests on a stale quote (`stale_fx_quote`) at this week's last session or the previous week's,
    and the move is not robust to it: measured with a stale end at its day's low and at its high instead, the week's
    change changes sign or falls under STALE_ROBUST (2025-08-01: +2.6% on the quote, +0.5% at Friday's low). A move
    that survives its day's range (August 2024's yen surge) is still told."""
    if frame.empty or not {"open", "high", "low", "close"} <= set(frame.columns):
        return False
    end, before = frame.index[-1], _previous_week_end(frame.index, session)
    if before is None or not stale_fx_quote(frame, [end, before]):
        return False
    return not _robust([b / a - 1 for a in _quotes(frame, before, float(frame.at[before, "close"]))
                        for b in _quotes(frame, end, float(frame.at[end, "close"]))])


def _quotes(frame: pd.DataFrame, day: pd.Timestamp, close: float) -> list[float]:
    """The day's quote, and when it is stale (`stale_fx_quote`) the day's low and high too: the prices it may stand
    for."""
    if stale_fx_quote(frame, [day]):
        return [close, float(frame.at[day, "low"]), float(frame.at[day, "high"])]
    return [close]


def _robust(changes: list[float]) -> bool:
    """A move that keeps its sign and STALE_ROBUST or more whichever of a stale day's prices it is measured at."""
    return min(changes) * max(changes) > 0 and min(abs(c) for c in changes) >= STALE_ROBUST


def relative_streak(joined: pd.DataFrame, session: pd.Timestamp, band: float, most: int = 26) -> int:
    """How many weeks running, this one included, small caps beat (+n) or trailed (-n) large caps: this week by
    at least `band` (0 when it was within the band), the weeks before it by any amount of the same sign, as a
    reader counts "the third straight week" (readers found "second" where the week before had trailed by less
    than the band)."""

    ends = weekly_last(joined.loc[:session].iloc[-(most + 2) * 5:]).iloc[-(most + 1):]
    if len(ends) < 2:
        return 0
    growth = ends / ends.shift(1) - 1
    spreads = (growth.iloc[:, 0] - growth.iloc[:, 1]).dropna().to_numpy()[::-1]
    if not len(spreads) or abs(spreads[0]) < band:
        return 0
    sign = 1 if spreads[0] > 0 else -1
    run = 0
    for value in spreads:
        if value * sign <= 0:
            break
        run += 1
    return sign * run
