"""The track record of the rule-based stance: what the rules said each week, and what followed.

**The calls.** For every week of the data (a week ends on its last trading session of the pair), the call
is the *published* stance an issue built that week would print: the raw rules of generator/metrics/stance.py
on the data to that week's close, steadied exactly as `stance_path` steadies it for that issue (the
recurrence starts `history_weeks + LEAD_WEEKS` weeks before the week, from that week's raw stance). Every
input of the rules is a trailing figure (moving averages, changes against an earlier close, the breadth
share above the 200-day average, the 10-year yield's 13-week change, the week's stress test), so the
figures are computed once for the whole history in array operations and read at each week end. The one
input a full-history array could see ahead is a breadth member's gap: a gap of up to five sessions inside a
member's history is carried forward, but on the data cut at a week that member's history simply ends, so
those cells are taken out again for the weeks the gap was still open (`_breadth_change`). The record starts
at the first week the ratio has its long (200-session) average: before that the rules make no call, they
only default to large caps.

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

**As known at a session.** `track_at(market, settings, session)` gives the record as an issue of that week
can state it: calls of the weeks before the issue's week, windows closed by the session, the allocation
valued to the session. The full computation is cached per data hash (the full market's fingerprint and the
settings the rules read), in memory and on disk, so each week of a history run reads it at the cost of a
few array operations. tests/test_track.py proves that this equals computing on the data cut at the session.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from generator.data.arrays import ArrayCache
from generator.data.model import MarketData
from generator.metrics.breadth import SMA_LONG, breadth_history, closes_matrix, reference_highs
from generator.metrics.events import VIX_SURGE
from generator.metrics.indicators import weekly_last
from generator.metrics.signals import LEAD_WEEKS
from generator.metrics.stance import LABELS, ORDER

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
CACHE_VERSION = 2
METHOD = ("Each week's call is the published stance an issue of that week printed, from data to that week's "
          "last close only. A call is acted on one session later: small-minus-large over 4, 13 and 26 weeks is "
          "the small cap's total return minus the large cap's from the close of the session after the week end "
          "to the close of the session after the week end 4, 13 or 26 weeks later; a window counts once it has "
          "closed. A 'Stay with large caps' call is a hit when small caps then trailed; a lean toward small caps "
          "is a hit when they then led. The allocation holds 100% small caps at 'Lean in further', 50/50 at "
          "'Start to lean in' and 100% large caps at 'Stay with large caps', rebalanced a session after each "
          "call, with no costs or taxes; drawdowns are on daily closes. A hit rate is judged on its effective sample "
          "(calls divided by the horizon in weeks, as overlapping windows share weeks) with a 95% Wilson interval.")


# --- the calls, for every week of the data ---------------------------------------------------------------

@dataclass(frozen=True)
class Calls:
    """Every week end of the pair's ratio with the raw and published stance (ORDER positions)."""

    ends: pd.DatetimeIndex     # week ends (pair sessions), oldest first
    raw: np.ndarray            # int8: what the unsteadied rules said
    published: np.ndarray      # int8: what an issue built that week published
    first: int                 # the first week the ratio had its long average (the first call of the record)
    # the ratio's distance from its long average at each week end (NaN before it has one): the state a call was
    # made in, for the base rate of a call in this week's state (`by_state`)
    distance: np.ndarray | None = None


def _sign(x: np.ndarray) -> np.ndarray:
    """+1 / -1 / 0, with NaN (no reading) as 0, like stance._sign."""
    return np.where(np.isnan(x), 0, np.sign(np.nan_to_num(x))).astype(np.int64)


def _positions(index: pd.DatetimeIndex, days) -> np.ndarray:
    """The position of the last index entry on or before each day (-1 when none)."""
    return index.searchsorted(pd.DatetimeIndex(days), side="right") - 1


def _week_starts(ends: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return ends.normalize() - pd.to_timedelta(ends.day_of_week, unit="D")


def _targets(ends: pd.DatetimeIndex, weeks: int) -> pd.DatetimeIndex:
    """periods.weeks_target for every week end: the last day a base `weeks` weeks back may be."""
    return _week_starts(ends) - pd.Timedelta(days=1 + 7 * (weeks - 1))


def _change(series: pd.Series, at: np.ndarray, targets: pd.DatetimeIndex, absolute: bool = False) -> np.ndarray:
    """series.change_since(series, index[at], target) for every row (NaN for None); `at` -1 means no reading."""
    index, v = series.index, series.to_numpy(dtype="float64")
    base = _positions(index, targets)
    ok = (at >= 0) & (base >= 0) & (base < at)
    now, then = v[np.where(ok, at, 0)], v[np.where(ok, base, 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = now - then if absolute else np.where(then > 0, now / then - 1, np.nan)
    out = np.where(ok & np.isfinite(out), out, np.nan)
    return out


def _recent(index: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> np.ndarray:
    """The last position on or before each week end, if within seven days (signals._at's rule), else -1."""
    at = _positions(index, ends)
    ok = at >= 0
    ok[ok] = index[at[ok]] >= ends[ok] - pd.Timedelta(days=7)
    return np.where(ok, at, -1)


def _breadth_change(market: MarketData, settings, ends: pd.DatetimeIndex) -> np.ndarray:
    """breadth.breadth_change_4w as of each week end (NaN for None), as the data cut at that week gives it."""
    members = market.members
    large = market[settings.pair.large].total_return
    min_members = settings.breadth.min_members
    out = np.full(len(ends), np.nan)
    if members is None or len(members.tickers) < min_members or large.empty:
        return out
    index = large.index
    x = closes_matrix(members, index)
    h = breadth_history(x, index, members.tickers, large.to_numpy(), settings.lookbacks.reference_high_year,
                        reference_highs(members, settings.lookbacks.reference_high_year))
    row = _recent(index, ends)
    base = _positions(index, _targets(ends, 4))
    # The last close each member really had (not carried forward) at or before each row.
    pos = members.index.get_indexer(index)
    real = np.zeros(x.shape, bool)
    real[pos >= 0] = ~np.isnan(members.closes[pos[pos >= 0]])
    last_real = np.maximum.accumulate(np.where(real, np.arange(len(index))[:, None], -1), axis=0)

    def counts(r: np.ndarray, cut: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """with_data, above_200d and known_200d at rows `r` on the data cut at rows `cut`: a carried-forward
        close after a member's last real close (as of the cut) is not data there."""
        with_data, above, known = (h.with_data[r].copy(), h.above_200d[r].copy(), h.known_200d[r].copy())
        ghost = (last_real[cut] < r[:, None]) & ~np.isnan(x[r])          # (weeks x members)
        for k, j in zip(*np.nonzero(ghost)):
            at = r[k]
            with_data[k] -= 1
            if at >= SMA_LONG - 1:
                window = x[at - SMA_LONG + 1:at + 1, j]
                if not np.isnan(window).any():
                    known[k] -= 1
                    above[k] -= int(float(x[at, j]) * SMA_LONG > window.astype(np.float64).sum())
        return with_data, above, known

    ok = (row >= 0) & (base >= 0)
    r, b = row[ok], base[ok]
    with_now, above_now, known_now = counts(r, r)
    _, above_then, known_then = counts(b, r)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_now = np.where(known_now > 0, above_now / np.maximum(known_now, 1), np.nan)
        share_then = np.where(known_then > 0, above_then / np.maximum(known_then, 1), np.nan)
    change = np.where(with_now >= min_members, share_now - share_then, np.nan)
    out[ok] = change
    return out


def _stress(market: MarketData, settings, ends: pd.DatetimeIndex) -> np.ndarray:
    """signals.week_stress for every week end."""
    risk, t = settings.risk, settings.tickers
    large = market[settings.pair.large].total_return
    at = large.index.get_indexer(ends)
    large_week = _change(large, at, _targets(ends, 1))
    stress = large_week <= risk.stress_week_drop            # NaN compares False
    if t.volatility and t.volatility in market:
        vix = market[t.volatility].quoted
        days, v = vix.index, vix.to_numpy(dtype="float64")
        week = days.to_period("W-SUN")
        high_so_far = pd.Series(v).groupby(np.asarray(week.asi8)).cummax().to_numpy()
        lo = days.searchsorted(_week_starts(ends), side="left")
        hi = days.searchsorted(ends, side="right") - 1
        has = (hi >= lo) & (lo >= 1)
        high = np.where(has, high_so_far[np.clip(hi, 0, None)], np.nan)
        prev = np.where(has, v[np.clip(lo - 1, 0, None)], np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            jump = high / prev - 1
            spike = ((jump >= risk.vix_spike) & (high >= risk.vix_stressed)) | (jump >= VIX_SURGE)
        stress |= spike
    return stress


def held_level(now: np.ndarray, before: np.ndarray, held: np.ndarray, stress: np.ndarray) -> np.ndarray:
    """stance.held_at's published level, for arrays of (this week's raw, last week's raw, last week's
    published) levels; tests/test_track.py checks it against held_at on every combination."""
    up_level = np.where(~stress & (before > held), np.minimum(now, before), held)
    step_back = stress | (held - now >= 2) | (before < held)
    down_to = np.where((before < held) & ~stress & (held - now < 2), np.maximum(now, before), now)
    down_level = np.where(step_back, down_to, held)
    return np.where(now > held, up_level, np.where(now < held, down_level, held))


def compute_calls(market: MarketData, settings) -> Calls:
    """The raw and published stance of every week of the data, in array operations."""
    from generator.metrics import pair_ratio
    from generator.metrics.series import moving_average

    lb, t = settings.lookbacks, settings.tickers
    ratio = pair_ratio(market, settings.pair.small, settings.pair.large)
    ends = weekly_last(ratio).index
    at = ratio.index.get_indexer(ends)
    value = ratio.to_numpy()[at]
    long_avg = moving_average(ratio, lb.sma_long).to_numpy()[at]
    short_avg = moving_average(ratio, lb.sma_short).to_numpy()[at]
    with np.errstate(invalid="ignore", divide="ignore"):
        trend = _sign(value / long_avg - 1)
        averages = _sign(short_avg / long_avg - 1)
    mom13 = _sign(_change(ratio, at, _targets(ends, 13)))
    mom52 = _sign(_change(ratio, at, _targets(ends, 52)))
    breadth = _sign(_breadth_change(market, settings, ends))
    rates = np.zeros(len(ends), dtype=np.int64)
    if t.long_yield and t.long_yield in market:
        y = market[t.long_yield].quoted * 0.01
        change = _change(y, _recent(y.index, ends), _targets(ends, 13), absolute=True)
        band = settings.stance.rate_band
        rates = np.where(np.isnan(change) | (np.abs(np.nan_to_num(change)) <= band), 0,
                         np.where(change > 0, -1, 1))
    score = trend + averages + mom13 + mom52 + breadth + rates
    raw = np.where((trend > 0) & (averages > 0) & (score >= 3), 2, np.where((trend > 0) & (score >= 0), 1, 0))
    raw = raw.astype(np.int8)
    published = raw.copy()
    if settings.stance.steady and len(ends):
        stress = _stress(market, settings, ends)
        span = settings.stance.history_weeks + LEAD_WEEKS
        k = np.arange(len(ends))
        start = np.maximum(0, k - span + 1)
        level = raw[start].astype(np.int64)
        for step in range(1, span):
            j = start + step
            live = j <= k
            jj = np.minimum(j, k)
            nxt = held_level(raw[jj].astype(np.int64), raw[jj - 1].astype(np.int64), level, stress[jj])
            level = np.where(live, nxt, level)
        published = level.astype(np.int8)
    known = np.flatnonzero(~np.isnan(long_avg))
    first = int(known[0]) if len(known) else len(ends)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = value / long_avg - 1
    return Calls(ends, raw, published, first, distance.astype("float64"))


# --- the cache ------------------------------------------------------------------------------------------

_MEMORY: dict[str, Calls] = {}


def cache_key(market: MarketData, settings) -> str:
    """The data hash and every setting the rules read."""
    rules = {"pair": [settings.pair.small, settings.pair.large],
             "tickers": [settings.tickers.long_yield, settings.tickers.volatility],
             "lookbacks": [settings.lookbacks.sma_short, settings.lookbacks.sma_long,
                           settings.lookbacks.reference_high_year],
             "stance": settings.stance.model_dump(mode="json"), "risk": settings.risk.model_dump(mode="json"),
             "min_members": settings.breadth.min_members, "version": CACHE_VERSION, "lead": LEAD_WEEKS}
    digest = hashlib.sha256(market.fingerprint().encode())
    digest.update(json.dumps(rules, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def cache_folder(settings) -> Path:
    return settings.resolve(settings.data.cache_dir) / "track"


KEEP_FILES = 8  # cached records kept on disk (one per data hash: a weekly data update makes a new one)


def _disk(settings) -> ArrayCache:
    return ArrayCache(cache_folder(settings), "calls", KEEP_FILES)


def _read(stored: dict | None) -> Calls | None:
    """A cached record, or None when missing or of the wrong shape (then it is rebuilt)."""
    try:
        ends, raw, published, first = stored["ends"], stored["raw"], stored["published"], int(stored["first"])
    except (TypeError, KeyError, ValueError):
        return None
    if not (ends.dtype == np.int64 and len(ends) == len(raw) == len(published) and 0 <= first <= len(ends)):
        return None
    distance = stored.get("distance")
    if distance is None or len(distance) != len(ends):
        return None
    return Calls(pd.DatetimeIndex(ends.view("M8[ns]")), raw.astype(np.int8), published.astype(np.int8), first,
                 distance.astype("float64"))


def _arrays(calls: Calls) -> dict[str, np.ndarray]:
    return {"ends": calls.ends.as_unit("ns").asi8, "raw": calls.raw, "published": calls.published,
            "first": np.int64(calls.first), "distance": calls.distance}


def record_calls(market: MarketData, settings, *, disk: bool = True, key: str | None = None) -> Calls:
    """The calls of the full data behind `market` (see MarketData.full), cached per data hash."""
    full = market.full()
    key = key or cache_key(full, settings)
    calls = _MEMORY.get(key)
    if calls is None:
        calls = _read(_disk(settings).read(key)) if disk else None
        if calls is None:
            calls = compute_calls(full, settings)
            if disk:
                _disk(settings).write(key, _arrays(calls))
        _MEMORY[key] = calls
    return calls


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
    """The pair's total-return closes on the pair's sessions (the full data's; read only up to a session)."""

    sessions: pd.DatetimeIndex
    small: np.ndarray
    large: np.ndarray


def pair_prices(market: MarketData, settings) -> Prices:
    from generator.metrics import pair_ratio

    sessions = pair_ratio(market, settings.pair.small, settings.pair.large).index
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
    distance: np.ndarray | None = None   # the ratio's distance from its long average at each call


def windows(calls: Calls, prices: Prices, session: pd.Timestamp) -> Windows:
    """Every call of the weeks before `session`'s week with its forward returns, reading no close after
    the session."""
    from generator.metrics.periods import week_start

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
    distance = calls.distance[take] if calls.distance is not None else None
    return Windows(sessions, s, lg, ends, keys, entry, forward, closed, distance)


def record_at(calls: Calls, prices: Prices, session: pd.Timestamp) -> TrackRecord:
    """The record as an issue of `session`'s week can state it (see the module doc): nothing after the
    session's close is read."""
    from generator.metrics.periods import week_start

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
        perf = [_perf(v[at:], days) for v in (curve.allocation, curve.small, curve.large)]
        a = perf[0].annualised
        edge = {side: (a - p.annualised if a is not None and p.annualised is not None else None)
                for side, p in zip(("small", "large"), perf[1:])}
        return Scope(start, int(mask.sum()), by_stance, overall, *perf,
                     since=days[0].date() if len(days) else None, edge=edge)

    recent_from = pd.Timestamp(issue_week) - pd.Timedelta(weeks=RECENT_WEEKS)
    everything = np.ones(n, bool)
    recent = np.asarray(ends >= recent_from) if n else np.zeros(0, bool)
    lately_from = pd.Timestamp(issue_week) - pd.Timedelta(weeks=LATELY_WEEKS)
    lately = np.asarray(ends >= lately_from) if n else np.zeros(0, bool)
    latest = {}
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


_PRICES: dict[str, Prices] = {}


def track_at(market: MarketData, settings, session: pd.Timestamp, *, disk: bool = True) -> TrackRecord:
    """The track record as known at `session`, from the calls of the full data behind `market` (cached)."""
    full = market.full()
    key = cache_key(full, settings)
    calls = record_calls(full, settings, disk=disk, key=key)
    prices = _PRICES.get(key)
    if prices is None:
        prices = _PRICES[key] = pair_prices(full, settings)
    return record_at(calls, prices, session)
