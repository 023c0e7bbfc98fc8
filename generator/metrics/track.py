"""The track record of the rule-based stance: what the rules said each week, and what followed.

**The calls.** For every week of the data (a week ends on its last trading session of the pair), the call
is the *published* stance an issue built that week would print: the stance table's `published` column
(generator/metrics/stance.py), the one implementation of the rules, which the issue's own published call reads
too. The record starts at the first week the ratio has its long (200-session) average: before that the rules
make no call, they only default to large caps.

**The returns.** A call made with data to the close of week end t is acted on one session later: the
position is taken at the close of the first session after t, so nothing is earned on the close the call was
computed from. Small-minus-large over h weeks (4, 13, 26) is the small cap's total return minus the large
cap's, from the close of the session after week end t to the close of the session after week end t+h.
A window counts only once it has closed: as of a session s, only windows whose last close is at or before s.

**Hit rate.** A "Stay with large caps" call is a hit when small-minus-large over the horizon is below zero;
"Start to lean in" and "Lean in further" are hits when it is above zero.

**The allocation.** A portfolio that follows the calls: 100% small caps at "Lean in further", 50/50 at
"Start to lean in", 100% large caps at "Stay with large caps", rebalanced to the call's weights at the
close of the session after each week end (between rebalances the holdings drift with prices), no costs,
no taxes. It is valued every session and compared with holding small caps only and large caps only over
the same span: total return, annualised return and the maximum drawdown (deepest fall from a previous
high, on daily closes).

**How much a hit rate says.** Weekly calls overlap: two 13-week windows a week apart share 12 weeks, so N
weekly calls hold about N / h independent h-week outcomes (the *effective* sample). Each hit rate carries a 95%
Wilson score interval on that effective sample and a verdict against a coin toss: "trust" when the interval
lies wholly above 50%, "wrong" when wholly below, "coin" when it holds 50% and its half-width is at most
COIN_WIDTH (enough calls to call them no better than a coin toss), "few" otherwise (too few to judge). The
commentary's confidence words follow the verdict (generator/commentary/track.py).

**As known at a session.** `record_at(table, prices, session)` gives the record as an issue of that week
can state it: calls of the weeks before the issue's week, windows closed by the session, the allocation
valued to the session, from the table the build or the whole-history run computed once and the pair's
closes to the session. tests/test_track.py proves that the table of the whole data read at a session gives
the record computed on the data cut there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.periods import week_start
from generator.metrics.stance import LABELS, ORDER, TESTS, StanceTable
from generator.settings import Settings

HORIZONS = (4, 13, 26)
# The share of the allocation in small caps for each call (the rest is in large caps).
WEIGHTS = {"stay_large": 0.0, "start_lean": 0.5, "lean_further": 1.0}
RECENT_WEEKS = 52
# The state a call is made in, for its base rate in this week's state: the ratio at least STATE_BAND (5%) below its
# long average ("below"), at least that far above it ("above"), or between ("near"). The base rate of a call in a
# state counts the calls of that stance made in that state, from the record as known that week (no look-ahead).
STATE_BAND = 0.05
STATES = ("below", "near", "above")
STATE_HORIZON = 13
# The "last few years" window the passage compares a stance's hit rate with: the calls of the last five years.
LATELY_WEEKS = 260

# --- how much a hit rate says: the thresholds behind the passage's confidence words ------------------------
# Weekly calls share most of their forward window with the next week's call (two 13-week windows a week apart
# overlap by 12 weeks), so N weekly calls hold about N / h independent h-week outcomes. A hit rate is judged on
# that effective sample with a 95% Wilson score interval for a proportion (Z = 1.96):
#   "trust" - the interval lies wholly above 50%: right more often than a coin, beyond chance;
#   "wrong" - the interval lies wholly below 50%: wrong more often than right, beyond chance;
#   "coin"  - the interval holds 50% and is narrow (half-width at most COIN_WIDTH, about 24 or more
#             independent windows): enough calls to say they are no better than a coin toss;
#   "few"   - the interval holds 50% and is wider: too few calls to judge.
Z = 1.96
COIN_WIDTH = 0.2
VERDICTS = ("trust", "wrong", "coin", "few")
METHOD = ("Each week's call is the published stance an issue of that week printed, from data to that week's "
          "last close only. A call is acted on one session later: small-minus-large over 4, 13 and 26 weeks is "
          "the small cap's total return minus the large cap's from the close of the session after the week end "
          "to the close of the session after the week end 4, 13 or 26 weeks later; a window counts once it has "
          "closed. A 'Stay with large caps' call is a hit when small caps then trailed; a lean toward small caps "
          "is a hit when they then led. The allocation holds 100% small caps at 'Lean in further', 50/50 at "
          "'Start to lean in' and 100% large caps at 'Stay with large caps', rebalanced a session after each "
          "call, with no costs or taxes; drawdowns are on daily closes. A hit rate is judged on its effective sample "
          "(calls divided by the horizon in weeks, as overlapping windows share weeks) with a 95% Wilson interval.")


# --- the record as known at a session -------------------------------------------------------------------

@dataclass(frozen=True)
class HitRate:
    calls: int            # calls of this stance whose window had closed
    hits: int
    rate: float | None    # hits / calls
    average: float | None  # mean small-minus-large over the window after these calls
    effective: float = 0.0          # calls / horizon weeks: independent windows (overlapping windows share weeks)
    low: float | None = None        # 95% Wilson interval of the rate on the effective sample
    high: float | None = None
    half_width: float | None = None  # (high - low) / 2
    verdict: str | None = None      # VERDICTS: what the rate says (see the thresholds above); None without calls


def wilson(rate: float, n: float, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of a proportion `rate` observed on `n` trials (n may be fractional)."""
    if n <= 0:
        return 0.0, 1.0
    d = 1 + z * z / n
    centre = (rate + z * z / (2 * n)) / d
    half = z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / d
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def verdict(low: float, high: float) -> str:
    """What a hit rate's interval says against a coin toss (see the thresholds above)."""
    if low > 0.5:
        return "trust"
    if high < 0.5:
        return "wrong"
    return "coin" if (high - low) / 2 <= COIN_WIDTH else "few"


def hit_rate(count: int, hits: int, average: float | None, weeks: int) -> HitRate:
    """A HitRate with its effective sample, Wilson interval and verdict, for windows of `weeks` weeks."""
    if not count:
        return HitRate(0, 0, None, None)
    rate = hits / count
    effective = count / weeks
    low, high = wilson(rate, effective)
    return HitRate(count, hits, rate, average, round(effective, 2), low, high, (high - low) / 2,
                   verdict(low, high))


@dataclass(frozen=True)
class Performance:
    total: float | None        # growth - 1 over the span
    annualised: float | None
    max_drawdown: float | None  # deepest fall from a previous high (negative or zero)


@dataclass(frozen=True)
class Scope:
    """The record over one span of calls: all history, or the calls of the last 52 weeks."""

    start: date | None           # the first call's week end
    calls: int                   # calls made in the span
    by_stance: Mapping[str, Mapping[str, HitRate]]   # stance -> "4w"/"13w"/"26w" -> hit rate
    overall: Mapping[str, HitRate]                   # every call, per horizon
    allocation: Performance
    small: Performance
    large: Performance
    since: date | None           # the close the allocation's span starts from
    # the allocation's annualised return minus each side's ("small", "large"): above zero, the calls beat holding
    # that side alone over the span; None when a figure is missing
    edge: Mapping[str, float | None] | None = None


@dataclass(frozen=True)
class Call:
    session: date
    key: str
    label: str
    forward: Mapping[str, float | None]   # small-minus-large per horizon, None until the window closes


@dataclass(frozen=True)
class Curve:
    """Growth of 1 from the first call's entry close, every session: the allocation and each side alone."""

    days: pd.DatetimeIndex
    allocation: np.ndarray
    small: np.ndarray
    large: np.ndarray


@dataclass(frozen=True)
class TrackRecord:
    as_of: date
    all: Scope
    recent: Scope                         # the calls of the last RECENT_WEEKS weeks
    lately: Scope                         # the calls of the last LATELY_WEEKS weeks (five years)
    latest: Mapping[str, Call | None]     # per horizon: the latest call whose window has closed
    curve: "Curve"                        # the chart's series (not in metrics.json)
    # all history's 13-week hit rate by the state the call was made in (STATES) and the stance: state -> stance
    by_state: Mapping[str, Mapping[str, HitRate]] | None = None


def _perf(values: np.ndarray, days: pd.DatetimeIndex) -> Performance:
    if len(values) < 2:
        return Performance(None, None, None)
    growth = float(values[-1] / values[0])
    years = (days[-1] - days[0]).days / 365.25
    drawdown = float(np.min(values / np.maximum.accumulate(values) - 1))
    return Performance(growth - 1, growth ** (1 / years) - 1 if years > 0 else None, drawdown)


def _hits(forward: np.ndarray, keys: np.ndarray, closed: np.ndarray) -> tuple[dict, dict]:
    by_stance: dict[str, dict[str, HitRate]] = {k: {} for k in ORDER}
    overall: dict[str, HitRate] = {}
    for n, h in enumerate(HORIZONS):
        name = f"{h}w"
        f, ok = forward[n], closed[n]
        hit = np.where(keys == 0, f < 0, f > 0) & ok
        for level, key in enumerate(ORDER):
            sel = ok & (keys == level)
            count = int(sel.sum())
            by_stance[key][name] = hit_rate(count, int(hit[sel].sum()), float(f[sel].mean()) if count else None, h)
        count = int(ok.sum())
        overall[name] = hit_rate(count, int(hit[ok].sum()), float(f[ok].mean()) if count else None, h)
    return by_stance, overall


@dataclass(frozen=True)
class Prices:
    """The pair's total-return closes on the pair's sessions (read only up to a session)."""

    sessions: pd.DatetimeIndex
    small: np.ndarray
    large: np.ndarray


def pair_prices(market: MarketData, settings: Settings, sessions: pd.DatetimeIndex) -> Prices:
    """The pair's closes on `sessions` (the pair ratio's)."""
    return Prices(sessions, market[settings.pair.small].total_return.reindex(sessions).to_numpy(dtype="float64"),
                  market[settings.pair.large].total_return.reindex(sessions).to_numpy(dtype="float64"))


@dataclass(frozen=True)
class Windows:
    """The calls known at a session and their forward windows (arrays aligned with `ends`)."""

    sessions: pd.DatetimeIndex   # the pair's sessions up to the session
    small: np.ndarray            # total-return closes on them
    large: np.ndarray
    ends: pd.DatetimeIndex       # week ends of the calls (the weeks before the issue's week)
    keys: np.ndarray             # published stance (ORDER positions)
    entry: np.ndarray            # position in `sessions` of the close the call is acted on (may be past the end)
    forward: np.ndarray          # (horizons x calls) small-minus-large, NaN while the window is open
    closed: np.ndarray           # (horizons x calls) bool
    distance: np.ndarray | None = None   # the ratio's distance from its long average at each call (the trend reading)


def windows(calls: StanceTable, prices: Prices, session: pd.Timestamp) -> Windows:
    """Every call of the weeks before `session`'s week with its forward returns, reading no close after
    the session."""
    end = int(prices.sessions.searchsorted(session, side="right"))
    sessions, s, lg = prices.sessions[:end], prices.small[:end], prices.large[:end]
    issue_week = pd.Timestamp(week_start(session.date()))
    take = np.arange(calls.first, int(calls.ends.searchsorted(issue_week, side="left")))
    ends, keys = calls.ends[take], calls.published[take].astype(np.int64)
    n = len(ends)
    entry = sessions.get_indexer(ends) + 1                    # the session after the call's week end
    forward = np.full((len(HORIZONS), n), np.nan)
    closed = np.zeros((len(HORIZONS), n), bool)
    for i, h in enumerate(HORIZONS):
        exit_at = np.full(n, len(sessions))
        if n > h:
            exit_at[:n - h] = entry[h:]                       # the session after the week end h weeks later
        ok = (exit_at < len(sessions)) & (entry < len(sessions))
        e, x = entry[ok], exit_at[ok]
        forward[i, ok] = (s[x] / s[e]) - (lg[x] / lg[e])
        closed[i] = ok
    distance = calls.values[take, TESTS.index("trend")]   # the ratio against its long average, at the call
    return Windows(sessions, s, lg, ends, keys, entry, forward, closed, distance)


def record_at(calls: StanceTable, prices: Prices, session: pd.Timestamp) -> TrackRecord:
    """The record as an issue of `session`'s week can state it (see the module doc): nothing after the
    session's close is read."""
    known = windows(calls, prices, session)
    sessions, s, lg, ends, keys = known.sessions, known.small, known.large, known.ends, known.keys
    entry, forward, closed = known.entry, known.forward, known.closed
    n = len(ends)
    have_entry = entry < len(sessions)
    issue_week = pd.Timestamp(week_start(session.date()))

    # the allocation, valued every session from the first entry
    weights = np.array([WEIGHTS[k] for k in ORDER])[keys]
    live = np.flatnonzero(have_entry)
    curve = Curve(sessions[:0], np.empty(0), np.empty(0), np.empty(0))
    if len(live):
        entries = entry[live]
        w = weights[live]
        first = entries[0]
        days = np.arange(first, len(sessions))
        period = np.searchsorted(entries, days, side="right") - 1       # the call in force at each close
        e = entries[period]
        # the value at each rebalance: the product of the periods before it
        seg = np.ones(len(entries))
        seg[1:] = w[:-1] * s[entries[1:]] / s[entries[:-1]] + (1 - w[:-1]) * lg[entries[1:]] / lg[entries[:-1]]
        at_entry = np.cumprod(seg)
        value = at_entry[period] * (w[period] * s[days] / s[e] + (1 - w[period]) * lg[days] / lg[e])
        curve = Curve(sessions[days], value, s[days] / s[first], lg[days] / lg[first])

    def scope(mask: np.ndarray) -> Scope:
        by_stance, overall = _hits(forward, keys, closed & mask)
        picked = np.flatnonzero(mask & have_entry)
        start = ends[np.flatnonzero(mask)[0]].date() if mask.any() else None
        at = int(entry[picked[0]] - entry[live[0]]) if len(picked) else len(curve.days)
        days = curve.days[at:]
        allocation, small, large = (_perf(v[at:], days) for v in (curve.allocation, curve.small, curve.large))
        a = allocation.annualised
        edge = {side: (a - p.annualised if a is not None and p.annualised is not None else None)
                for side, p in (("small", small), ("large", large))}
        return Scope(start, int(mask.sum()), by_stance, overall, allocation, small, large,
                     since=days[0].date() if len(days) else None, edge=edge)

    recent_from = pd.Timestamp(issue_week) - pd.Timedelta(weeks=RECENT_WEEKS)
    everything = np.ones(n, bool)
    recent = np.asarray(ends >= recent_from) if n else np.zeros(0, bool)
    lately_from = pd.Timestamp(issue_week) - pd.Timedelta(weeks=LATELY_WEEKS)
    lately = np.asarray(ends >= lately_from) if n else np.zeros(0, bool)
    latest: dict[str, Call | None] = {}
    for i, h in enumerate(HORIZONS):
        done = np.flatnonzero(closed[i])
        if len(done):
            j = done[-1]
            key = ORDER[keys[j]]
            latest[f"{h}w"] = Call(ends[j].date(), key, LABELS[key],
                                   {f"{hh}w": float(forward[ii, j]) if closed[ii, j] else None
                                    for ii, hh in enumerate(HORIZONS)})
        else:
            latest[f"{h}w"] = None
    return TrackRecord(session.date(), scope(everything), scope(recent), scope(lately), latest, curve,
                       _by_state(known))


def state_of(distance: float | None) -> str | None:
    """The state a call is made in (STATES) from the ratio's distance from its long average; None without one."""
    if distance is None or np.isnan(distance):
        return None
    return "below" if distance <= -STATE_BAND else "above" if distance >= STATE_BAND else "near"


def _by_state(known: Windows) -> dict[str, dict[str, HitRate]] | None:
    """The 13-week hit rate of each stance's calls by the state they were made in (closed windows only)."""
    if known.distance is None:
        return None
    n = HORIZONS.index(STATE_HORIZON)
    f, ok = known.forward[n], known.closed[n]
    hit = np.where(known.keys == 0, f < 0, f > 0) & ok
    with np.errstate(invalid="ignore"):
        masks = {"below": known.distance <= -STATE_BAND, "above": known.distance >= STATE_BAND,
                 "near": np.abs(known.distance) < STATE_BAND}
    out: dict[str, dict[str, HitRate]] = {}
    for state in STATES:
        out[state] = {}
        for level, key in enumerate(ORDER):
            sel = ok & masks[state] & (known.keys == level)
            count = int(sel.sum())
            out[state][key] = hit_rate(count, int(hit[sel].sum()), float(f[sel].mean()) if count else None,
                                       STATE_HORIZON)
    return out
