"""Metrics: pure functions from `MarketData` at one session to `WeeklyMetrics`.

Nothing here reads files, draws or formats: numbers are decimal fractions
(yields too: 4.19 % is 0.0419) and templates format them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Mapping, Sequence

import pandas as pd

from generator.data.model import MarketData
from generator.metrics.periods import PERIODS, period_target, week_start
from generator.metrics.series import pair_ratio, period_returns, running_peak, value_at, weekly_changes, year_high
from generator.metrics.breadth import Breadth, breadth_at
from generator.metrics.crowding import Crowding, crowding_at
from generator.metrics.cross import Leadership, RateSensitivity, SectorPoint, leadership, rate_sensitivity, sector_point
from generator.metrics.history import Analogue, BreakoutHistory, analogue_run, breakout_history
from generator.metrics.events import WeekEvents, week_events
from generator.metrics.news import News, week_news
from generator.metrics.rarity import relative_week_rarity
from generator.metrics.regime import Regime, regime_at
from generator.metrics.signals import RiskGauges, Signals, build_signals, risk_at
from generator.metrics.stance import ORDER, Stance, StanceTable, StanceWeek, stance_table
from generator.metrics.track import TrackRecord, pair_prices, record_at
from generator.settings import Settings

__all__ = ["WeeklyMetrics", "compute_metrics", "PERIODS"]


@dataclass(frozen=True)
class RatioMetrics:
    value: float
    sma_short: float | None
    sma_long: float | None
    distance_from_sma_long: float | None
    peak_date: date
    peak_value: float
    drawdown_from_peak: float
    years_since_peak: float
    momentum: Mapping[str, float | None]
    start: date | None = None           # the ratio's first session in the data: how far back "a new high" reaches
    # the ratio's highest close of the last RECENT_HIGH_WEEKS, its day and that close against the peak (high / peak - 1):
    # a peak years old that the ratio nearly matched weeks ago is not old news (issue 26, "stale long view")
    recent_high: float | None = None
    recent_high_date: date | None = None
    recent_high_to_peak: float | None = None


@dataclass(frozen=True)
class ReferenceHigh:
    """The small-cap quoted price against its closing high of a reference year."""

    year: int
    high: float
    high_date: date
    price: float
    distance: float  # price / high - 1


@dataclass(frozen=True)
class Level:
    """A quoted level (yield, volatility index, FX rate) and its recent changes."""

    ticker: str
    value: float
    changes: Mapping[str, float | None]  # absolute for yields, relative otherwise
    absolute: bool


@dataclass(frozen=True)
class RatioTrend:
    """A ratio of two tickers (credit, quality, narrowness) and its momentum."""

    numerator: str
    denominator: str
    value: float
    momentum: Mapping[str, float | None]


@dataclass(frozen=True)
class RatioSeries:
    """Daily series the charts draw; not part of metrics.json."""

    ratio: pd.Series
    sma_short: pd.Series
    sma_long: pd.Series


@dataclass(frozen=True)
class StanceRecord:
    """How long the published stance has held, its last change, and how the last call toward small caps fared.

    Weeks count back from this issue: 1 means the change took effect this week."""

    weeks_unchanged: int                 # weeks at the current stance, this one included (capped at the history)
    changed_weeks_ago: int | None        # weeks since the last change shown, None if none
    changed_from: str | None
    changed_to: str | None
    changed_on: date | None              # the week end the change took effect
    ratio_since_change: float | None     # small/large ratio now / at that week end - 1
    direction: str | None                # "up" (toward small caps) | "down"
    upgrade_weeks_ago: int | None        # the last upgrade shown (toward small caps)
    upgrade_to: str | None
    ratio_since_upgrade: float | None
    upgrade_undone: bool                 # the stance is now below the level that upgrade reached
    weeks_since_change: int | None = None   # changed_weeks_ago - 1: 0 this week, 1 last week ("N weeks ago")
    weeks_since_upgrade: int | None = None
    capped: bool = False                 # weeks_unchanged reached the history length (the run may be longer)
    # the last change's size in steps of ORDER, signed (+2: "Stay with large caps" straight to "Lean in further"; a
    # change of side, toward or away from small caps, is a reversal, not a step), None if none shown
    notches: int | None = None
    # weeks on the current side (leaning toward small caps, or with large caps), this one included: a cut from
    # "Lean in further" to "Start to lean in" keeps the lean's age (readers met "one week old" for a months-old lean)
    weeks_on_side: int = 1
    # weeks_on_side reached the record's first call (the lean may be older): "at least" (metrics._full_run)
    side_capped: bool = False


def _ratio_since(ratio: pd.Series, day: date, session: pd.Timestamp) -> float | None:
    base = value_at(ratio, pd.Timestamp(day))
    return float(ratio.loc[session]) / base - 1 if base else None


def stance_record(history: Sequence[StanceWeek], ratio: pd.Series, session: pd.Timestamp) -> StanceRecord:
    keys = [w.key for w in history]
    run = 1
    while run < len(keys) and keys[-run - 1] == keys[-1]:
        run += 1
    change: tuple[int | None, str | None, str | None, date | None, float | None, str | None] = (None,) * 6
    notches = None
    if run < len(keys):
        before, after = history[-run - 1], history[-run]
        change = (run, before.key, after.key, after.session, _ratio_since(ratio, after.session, session),
                  "up" if ORDER.index(after.key) > ORDER.index(before.key) else "down")
        notches = ORDER.index(after.key) - ORDER.index(before.key)
    upgrade: tuple[int | None, str | None, float | None, bool] = (None, None, None, False)
    for i in range(len(keys) - 1, 0, -1):
        if ORDER.index(keys[i]) > ORDER.index(keys[i - 1]):
            weeks_ago = len(keys) - i
            upgrade = (weeks_ago, keys[i], _ratio_since(ratio, history[i].session, session),
                       ORDER.index(keys[-1]) < ORDER.index(keys[i]))
            break
    side = [k != ORDER[0] for k in keys]
    on_side = 1
    while on_side < len(side) and side[-on_side - 1] == side[-1]:
        on_side += 1
    return StanceRecord(run, *change, *upgrade, notches=notches, weeks_on_side=on_side,
                        weeks_since_change=change[0] - 1 if change[0] is not None else None,
                        weeks_since_upgrade=upgrade[0] - 1 if upgrade[0] is not None else None,
                        capped=run >= len(keys))


# The window of the ratio's recent high (RatioMetrics.recent_high): half a year.
RECENT_HIGH_WEEKS = 26


def _recent_high(ratio: pd.Series, session: pd.Timestamp, peak: float) -> dict:
    """The ratio's highest close of the last RECENT_HIGH_WEEKS weeks to `session`, its day, and its distance from
    the all-time `peak`."""
    recent = ratio.loc[session - pd.Timedelta(weeks=RECENT_HIGH_WEEKS):session]
    if not len(recent):
        return {}
    day = recent.idxmax()
    high = float(recent.loc[day])
    return {"recent_high": high, "recent_high_date": day.date(), "recent_high_to_peak": high / peak - 1}


def _run_back(published, k: int, shown: int, same, first: int = 0) -> int:
    """`shown` weeks of a run that fills the issue's stance history, counted on back through the calls earlier
    issues published (`published[w]`, ORDER positions) while `same(level)` holds."""
    n, w = shown, k - shown
    while w >= first and same(int(published[w])):
        n, w = n + 1, w - 1
    return n


def _full_run(record: StanceRecord, calls: StanceTable, session: pd.Timestamp, shown: int) -> StanceRecord:
    """The record with the exact age of a run that fills the `shown` weeks of stance history (issue 26: "unchanged for
    12 weeks or more" read as housekeeping; the column says "for the 38th week"): weeks at the call and weeks on its
    side, counted on back through the calls earlier issues published. `capped` and `side_capped` stay for a run that
    reaches the record's first call (it may be older)."""
    published, k = calls.published, calls.row(session)
    level = int(published[k])
    run, side = record.weeks_unchanged, record.weeks_on_side
    if run >= shown:
        run = _run_back(published, k, run, lambda x: x == level, calls.first)
    if side >= shown:
        side = _run_back(published, k, side, lambda x: (x == 0) == (level == 0), calls.first)
    side = max(side, run)
    return replace(record, weeks_unchanged=run, weeks_on_side=side, capped=k - run < calls.first,
                   side_capped=k - side < calls.first)


@dataclass(frozen=True)
class WeeklyMetrics:
    as_of: date
    week_start: date
    small: str
    large: str
    returns: Mapping[str, Mapping[str, float | None]]
    return_bases: Mapping[str, date]
    spread: Mapping[str, float | None]
    ratio: RatioMetrics
    reference_high: ReferenceHigh | None
    stance: Stance
    relative_to_large: Mapping[str, Mapping[str, float | None]]
    levels: Mapping[str, Level]
    ratios: Mapping[str, RatioTrend]
    breadth: Breadth | None
    rate_sensitivity: RateSensitivity | None
    sectors: tuple[SectorPoint, ...]
    leadership: tuple[Leadership, ...]
    risk: RiskGauges
    breakouts: BreakoutHistory
    analogue: Analogue | None
    stance_history: tuple[StanceWeek, ...]
    stance_record: StanceRecord
    events: WeekEvents
    series: RatioSeries
    signals: Signals
    crowding: Crowding | None = None
    track: TrackRecord | None = None   # the stance's record as known this week (generator/metrics/track.py)
    news: News | None = None           # the week's facts ranked by rarity (generator/metrics/news/)
    # each sector's week against the large-cap index, ranked among its own earlier weeks (generator/metrics/rarity.py)
    sector_week_rarity: Mapping[str, float | None] | None = None
    regime: Regime | None = None       # the week's market regime, several gauges read together (metrics/regime.py)
    # the configured sectors by 13-week return relative to the large cap, strongest first: the sectors section
    # names the leader and laggard from it, the sector charts and table are drawn in its order
    sector_ranking: tuple[tuple[str, float], ...] = ()


def _spread(a: Mapping[str, float | None], b: Mapping[str, float | None]) -> dict[str, float | None]:
    return {k: x - y if (x := a[k]) is not None and (y := b.get(k)) is not None else None for k in a}


def rank_sectors(relative: Mapping[str, Mapping[str, float | None]],
                 sectors: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """(ticker, 13-week return relative to the large cap) for each sector with one, strongest first."""
    known = [(t, x) for t, v in relative.items() if t in sectors and (x := v.get("13w")) is not None]
    return tuple(sorted(known, key=lambda item: item[1], reverse=True))


def compute_metrics(market: MarketData, settings: Settings, session: pd.Timestamp,
                    calls: StanceTable | None = None) -> WeeklyMetrics:
    """Every number of the issue for the week ending at `session` (data already cut there). `calls`: the
    stance table of the data the issue is cut from (generator/metrics/stance.py), computed once by the build
    or the whole-history run; without one it is the table of `market` (generator.metrics.stance.stance_table)."""
    lb = settings.lookbacks
    small, large = settings.pair.small, settings.pair.large
    tickers = [t for t in dict.fromkeys([small, large, *settings.tickers.optional()]) if t in market]
    level_tickers = [t for t in (settings.tickers.long_yield, settings.tickers.short_yield,
                                 settings.tickers.volatility, settings.tickers.small_volatility,
                                 settings.tickers.fx) if t and t in market]
    returns = {t: period_returns(market[t].total_return, session)
               for t in tickers if t not in level_tickers}

    ratio = pair_ratio(market, small, large)
    signals = build_signals(market, settings, ratio)
    sma_s, sma_l = signals.sma_short, signals.sma_long
    value = float(ratio.loc[session])
    peak = running_peak(ratio)
    assert peak is not None  # the ratio has this session's value, read just above
    peak_at, peak_value = peak
    long_avg, short_avg = value_at(sma_l, session), value_at(sma_s, session)
    momentum = weekly_changes(ratio, session, lb.momentum_weeks)
    ratio_metrics = RatioMetrics(
        value=value, sma_short=short_avg, sma_long=long_avg,
        distance_from_sma_long=(value / long_avg - 1) if long_avg else None,
        peak_date=peak_at.date(), peak_value=peak_value,
        drawdown_from_peak=value / peak_value - 1,
        years_since_peak=(session - peak_at).days / 365.25,
        momentum=momentum,
        start=ratio.index[0].date() if len(ratio) else None,
        **_recent_high(ratio, session, peak_value),
    )
    breakouts = breakout_history(ratio, sma_l, peak_at, session, settings.history.failed_breakout_weeks)
    if calls is None:
        calls = stance_table(market, settings)
    path = calls.history(session, settings.stance.history_weeks, [b.end for b in breakouts.failed if b.end])
    stance = path[-1][1]
    history = tuple(week for week, _ in path)

    ref = None
    # Only once the reference year is over: mid-year, "its high so far" is just a recent price.
    high = year_high(market[small].quoted, lb.reference_high_year, session) \
        if session.year > lb.reference_high_year else None
    if high is not None:
        price = float(market[small].quoted.loc[session])
        ref = ReferenceHigh(lb.reference_high_year, high[1], high[0].date(), price, price / high[1] - 1)

    levels = {}
    for lt in level_tickers:
        is_yield = lt in settings.tickers.levels()
        scale = 0.01 if is_yield else 1.0  # yields are quoted in percent
        series = market[lt].quoted * scale
        at = series.index[-1]  # data is cut at the session; FX and yields may lag it by a day
        levels[lt] = Level(lt, float(series.loc[at]), weekly_changes(series, at, [1, 4, 13], absolute=is_yield),
                           is_yield)

    relative = {s: _spread(returns[s], returns[large]) for s in settings.tickers.sectors + [settings.tickers.tech]
                if s and s in returns}
    ratios = {}
    for key, (num, den) in {"credit": (settings.tickers.high_yield, settings.tickers.treasuries),
                            "quality": (small, settings.tickers.quality),
                            "narrowness": (settings.tickers.equal_weight, large)}.items():
        if num and den and num in market and den in market:
            r = pair_ratio(market, num, den)
            at = r.index[-1]
            ratios[key] = RatioTrend(num, den, float(r.iloc[-1]), weekly_changes(r, at, [4, 13, 52]))

    day = session.date()
    t = settings.tickers
    benchmark = market[large].total_return
    sectors = tuple(p for p in (sector_point(market[s].total_return, benchmark, session, s)
                                for s in t.sectors if s in market) if p is not None)
    leaders = tuple(leadership(market[s].total_return, benchmark, session, s, lb.momentum_weeks)
                    for s in dict.fromkeys([t.tech_sector, t.tech]) if s and s in market)
    events = week_events(market, settings, session)
    risk = risk_at(signals, settings, session)
    crowding = crowding_at(market, settings, session)
    sensitivity = None
    if t.long_yield and t.long_yield in market:
        sensitivity = rate_sensitivity(ratio, market[t.long_yield].quoted * 0.01, session)
    metrics = WeeklyMetrics(
        as_of=day, week_start=week_start(day), small=small, large=large,
        returns=returns,
        return_bases={p: period_target(day, p) for p in PERIODS},
        spread=_spread(returns[small], returns[large]),
        ratio=ratio_metrics, reference_high=ref, stance=stance,
        relative_to_large=relative, sector_ranking=rank_sectors(relative, t.sectors), levels=levels, ratios=ratios,
        breadth=breadth_at(signals.breadth, market.members, settings.universe().size, session, week_start(day),
                           settings.breadth.min_members),
        rate_sensitivity=sensitivity, sectors=sectors, leadership=leaders,
        risk=risk, breakouts=breakouts,
        analogue=analogue_run(ratio, settings.history.analogue_start, settings.history.analogue_end, session),
        stance_history=history, stance_record=_full_run(stance_record(history, ratio, session), calls, session,
                                                        len(history)),
        events=events,
        series=RatioSeries(ratio, sma_s, sma_l), signals=signals,
        crowding=crowding,
        track=record_at(calls, pair_prices(market, settings, ratio.index), session),
        regime=regime_at(market, settings, session, returns, events, risk, levels, crowding, signals.vix_pct),
        sector_week_rarity={s: relative_week_rarity(market[s].total_return, market[large].total_return, session)
                            for s in relative},
    )
    # news ranks the stance's change and the ratio's cross too, so it comes last
    return replace(metrics, news=week_news(market, settings, session, metrics))
