"""The rule-based stance: six tests worth +1, -1 or 0, and a separate false-move risk level.

| test           | +1 when                                         | -1 when                   |
|----------------|-------------------------------------------------|---------------------------|
| trend          | ratio above its long (200-session) average      | below                     |
| averages       | short (50) average above the long (200)         | below                     |
| momentum_13w   | ratio up over 13 weeks                          | down                      |
| momentum_52w   | ratio up over 52 weeks                          | down                      |
| breadth        | a larger share of the universe above its 200-day average than 4 weeks ago | smaller |
| rates          | 10-year yield down more than `rate_band` in 13 weeks | up more than the band |

A test without data scores 0 (a rates change inside the band also scores 0).

* ``lean_further`` ("Lean in further"): trend and averages both +1 and score >= 3;
* ``start_lean`` ("Start to lean in"): trend +1 and score >= 0 (the early turn);
* ``stay_large`` ("Stay with large caps"): everything else. Nothing leans toward
  small caps while the ratio is below (or has no) long average.

**Steadying (hysteresis).** The raw rules above can flip from week to week
when the ratio hovers around an average. The *published* stance is steadied:

* an upgrade takes effect only when the raw rules call it two weeks running
  (the published stance is the lower of this week's and last week's raw
  stance), so a one-week blip never moves the call up;
* in a week of market-wide stress (the large-cap index down 4% or more, or a
  VIX spike: see generator.metrics.events) the stance never rises above last
  week's published stance: no leaning in while the market is falling;
* a downgrade of two steps, or in a stress week, or after last week's raw rules
  already called lower, takes effect at once; a one-step downgrade the raw rules
  call for the first time waits a week ("confirm_downgrade").

``held_back`` says why a published stance differs from the raw one: "confirm"
(waiting for a second week), "confirm_downgrade" or "stress".

The false-move risk level counts warning flags: the averages not yet crossed,
52-week momentum still negative, small caps stretched (RSI or distance from the
50-day), a stressed VIX, a yen rally, and two or more failed relative
breakouts in the last three years. None: "low"; one or two: "elevated"; three
or more: "high". ``false_move_risk`` is true when the stance leans toward small
caps and the level is not low: the call "could be a false move".

**One table of weekly calls.** The rules above are applied once, in array operations, to every week of the
data (`stance_table`): each week's six readings and points, score, raw stance, stress test and risk flags,
and the published stance of every week of the steadied path an issue of that week prints (the recurrence
starts `history_weeks + LEAD_WEEKS` weeks before the issue's week, from that week's raw stance). Every input
is a trailing figure, so a table of the whole history read at a week equals the table of the data cut at
that week (the one input a whole-history array could see ahead, a breadth member's open gap, is read as the
cut data gives it: `_breadth_change`). A build and a whole-history run compute the table once and pass it to
`compute_metrics`; the published call and its history (`StanceTable.history`) and the track record
(generator/metrics/track.py) both read it. Only the "recent failures" flag is the issue's own: it counts the
failed breakouts the issue's breakout history knows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from generator.data.arrays import ArrayCache
from generator.data.model import MarketData
from generator.metrics.breadth import SMA_LONG, breadth_history, closes_matrix, reference_highs
from generator.metrics.events import VIX_SURGE
from generator.metrics.indicators import rsi, weekly_last
from generator.metrics.series import moving_average, pair_ratio
from generator.settings import Settings

ORDER = ("stay_large", "start_lean", "lean_further")
LABELS = {
    "stay_large": "Stay with large caps",
    "start_lean": "Start to lean in",
    "lean_further": "Lean in further",
}
FLAG_TEXT = {
    "averages_not_crossed": "the 50-day average is still below the 200-day",
    "long_momentum_negative": "52-week relative momentum is still negative",
    "stretched": "small caps look stretched after a fast run",
    "vix_stressed": "volatility is elevated",
    # the same flag when the VIX is past the line but not high for its year (generator/commentary/rules.py,
    # STRESSED_RANK): the words name the line, not a mood
    "vix_over_line": "the VIX is above the level we treat as a warning",
    "yen_rally": "a yen rally threatens carry-trade selling",
    "recent_failures": "several relative breakouts have failed in the last three years",
}
# The six tests, in the order of the table's columns and of Stance.tests.
TESTS = ("trend", "averages", "momentum_13w", "momentum_52w", "breadth", "rates")
# The risk flags a week's own data raises (the table's `flags` columns), in the order Stance.risk_flags lists them.
WEEK_FLAGS = ("stretched", "vix_stressed", "yen_rally")
# Why a published stance differs from the raw one, by the table's `reasons` codes (0: it does not).
REASONS = (None, "confirm", "confirm_downgrade", "stress")
# Weeks scored before the first shown one, so the steadying rule has a past to read.
LEAD_WEEKS = 8
# Failed breakouts within this many days before a week end raise "recent_failures" (two or more).
FAILURE_DAYS = 3 * 365
CACHE_VERSION = 2


@dataclass(frozen=True)
class StanceTest:
    name: str
    value: float | None
    points: int


@dataclass(frozen=True)
class Stance:
    key: str
    label: str
    score: int
    max_score: int
    tests: tuple[StanceTest, ...]
    risk_level: str               # low | elevated | high
    risk_flags: tuple[str, ...]
    false_move_risk: bool
    held_back: str | None = None  # "confirm" | "confirm_downgrade" | "stress": why published differs from raw


@dataclass(frozen=True)
class StanceWeek:
    session: date
    key: str          # the published (steadied) stance
    label: str
    score: int
    risk_level: str
    raw_key: str      # what the unsteadied rules said that week
    held_back: str | None


# --- the rules, on arrays ----------------------------------------------------------------------------------

def _sign(x: np.ndarray) -> np.ndarray:
    """+1 / -1 / 0, with NaN (no reading) as 0."""
    return np.where(np.isnan(x), 0, np.sign(np.nan_to_num(x))).astype(np.int64)


def _band(x: np.ndarray, band: float) -> np.ndarray:
    """+1 when a yield fell by more than the band (good for small caps), -1 when it rose; NaN (no reading) 0."""
    inside = np.isnan(x) | (np.abs(np.nan_to_num(x)) <= band)
    return np.where(inside, 0, np.where(x > 0, -1, 1)).astype(np.int64)


def rule_points(values: np.ndarray, rate_band: float) -> np.ndarray:
    """The points of the six tests (columns in TESTS order) for rows of readings (NaN: no reading)."""
    points = _sign(values)
    points[:, TESTS.index("rates")] = _band(values[:, TESTS.index("rates")], rate_band)
    return points


def raw_levels(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(score, raw stance as ORDER positions) for rows of points: see the module doc."""
    score = points.sum(axis=1)
    trend, averages = points[:, TESTS.index("trend")], points[:, TESTS.index("averages")]
    raw = np.where((trend > 0) & (averages > 0) & (score >= 3), 2, np.where((trend > 0) & (score >= 0), 1, 0))
    return score, raw.astype(np.int64)


def held_level(now: np.ndarray, before: np.ndarray, held: np.ndarray, stress: np.ndarray) -> np.ndarray:
    """The published level for arrays of (this week's raw, last week's raw, last week's published) levels."""
    up_level = np.where(~stress & (before > held), np.minimum(now, before), held)
    step_back = stress | (held - now >= 2) | (before < held)
    down_to = np.where((before < held) & ~stress & (held - now < 2), np.maximum(now, before), now)
    down_level = np.where(step_back, down_to, held)
    return np.where(now > held, up_level, np.where(now < held, down_level, held))


def held_reason(now: np.ndarray, held: np.ndarray, stress: np.ndarray, level: np.ndarray) -> np.ndarray:
    """REASONS codes: why the published `level` differs from this week's raw `now` (`held`: last week's
    published level)."""
    up = np.where(stress, REASONS.index("stress"), REASONS.index("confirm"))
    reason = np.where(now > held, up, np.where(now < held, REASONS.index("confirm_downgrade"), 0))
    return np.where(level == now, 0, reason).astype(np.int8)


def steady_paths(raw: np.ndarray, stress: np.ndarray, span: int, steady: bool) -> tuple[np.ndarray, np.ndarray]:
    """(levels, reasons), each (weeks x span): row k is the steadied path an issue of week k prints, column j
    the week k - span + 1 + j (-1 before the data). The path starts at its first week's raw stance; with
    `steady` off the published stance is the raw one."""
    n = len(raw)
    k = np.arange(n)
    levels = np.full((n, span), -1, np.int8)
    reasons = np.zeros((n, span), np.int8)
    start = np.maximum(0, k - span + 1)
    level = raw[start].astype(np.int64)
    levels[k, start - k + span - 1] = level
    for step in range(1, span):
        j = start + step
        live = j <= k
        jj = np.minimum(j, k)
        now = raw[jj].astype(np.int64)
        if steady:
            held = level
            level = held_level(now, raw[jj - 1].astype(np.int64), held, stress[jj])
            why = held_reason(now, held, stress[jj], level)
        else:
            level, why = now, np.zeros(n, np.int8)
        col = (jj - k + span - 1)[live]
        levels[k[live], col], reasons[k[live], col] = level[live], why[live]
    return levels, reasons


def warning_flags(values: np.ndarray, week_flags: Iterable[str], failures: bool) -> tuple[str, ...]:
    """The false-move warnings of one week, in FLAG_TEXT's order of the module doc."""
    flags = []
    if values[TESTS.index("averages")] <= 0:      # NaN (no reading) compares False
        flags.append("averages_not_crossed")
    if values[TESTS.index("momentum_52w")] <= 0:
        flags.append("long_momentum_negative")
    flags += [f for f in week_flags if f in FLAG_TEXT and f not in flags]
    if failures and "recent_failures" not in flags:
        flags.append("recent_failures")
    return tuple(flags)


def risk_level(flags: Sequence[str]) -> str:
    return "low" if not flags else "elevated" if len(flags) <= 2 else "high"


def _stance(level: int, reason: int, score: int, values: np.ndarray, points: np.ndarray,
            flags: tuple[str, ...]) -> Stance:
    key, risk = ORDER[level], risk_level(flags)
    tests = tuple(StanceTest(name, None if np.isnan(v) else float(v), int(p))
                  for name, v, p in zip(TESTS, values, points))
    return Stance(key, LABELS[key], int(score), len(TESTS), tests, risk, flags, key != "stay_large" and risk != "low",
                  REASONS[reason])


def decide_stance(distance_from_long: float | None, short_minus_long: float | None,
                  momentum_13w: float | None, momentum_52w: float | None,
                  breadth_change: float | None = None, rate_change: float | None = None, *,
                  rate_band: float = 0.0025, risk_flags: Iterable[str] = ()) -> Stance:
    """The raw stance of one set of readings (None: no reading), by the same array rules the table uses."""
    readings = (distance_from_long, short_minus_long, momentum_13w, momentum_52w, breadth_change, rate_change)
    values = np.array([np.nan if v is None else v for v in readings], dtype=np.float64)
    points = rule_points(values[None, :], rate_band)
    score, raw = raw_levels(points)
    flags = list(risk_flags)
    return _stance(int(raw[0]), 0, int(score[0]), values, points[0],
                   warning_flags(values, flags, False))


# --- the table of weekly calls ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StanceTable:
    """Every week end of the pair's ratio with the rules' readings and calls (see the module doc)."""

    ends: pd.DatetimeIndex     # week ends (pair sessions), oldest first
    values: np.ndarray         # float64 (weeks x TESTS): the six readings, NaN without one
    points: np.ndarray         # int8 (weeks x TESTS)
    score: np.ndarray          # int8
    raw: np.ndarray            # int8: what the unsteadied rules said (ORDER positions)
    flags: np.ndarray          # bool (weeks x WEEK_FLAGS): the risk flags of the week's own data
    stress: np.ndarray         # bool: a week of market-wide stress
    levels: np.ndarray         # int8 (weeks x span): the steadied path an issue of each week prints
    reasons: np.ndarray        # int8 (weeks x span): REASONS codes on that path
    first: int                 # the first week the ratio had its long average (the first call of the record)

    @property
    def published(self) -> np.ndarray:
        """int8: what an issue built that week published."""
        return self.levels[:, -1]

    def covers(self, session: pd.Timestamp) -> bool:
        """Whether a week of the table ends at `session` (a mid-week session's week ends later in fuller data)."""
        k = int(self.ends.searchsorted(session))
        return k < len(self.ends) and self.ends[k] == session

    def row(self, session: pd.Timestamp) -> int:
        """The week ending at `session`; a table without one is the wrong table for the issue."""
        if not self.covers(session):
            raise ValueError(f"the stance table has no week ending {session.date()}: build it from the data the "
                             "issue is cut from")
        return int(self.ends.searchsorted(session))

    def _week(self, k: int, level: int, reason: int, failed: Sequence[date]) -> Stance:
        day = self.ends[k].date()
        recent = sum(1 for end in failed if day - timedelta(days=FAILURE_DAYS) <= end <= day)
        week_flags = [f for f, on in zip(WEEK_FLAGS, self.flags[k]) if on]
        return _stance(level, reason, int(self.score[k]), self.values[k], self.points[k],
                       warning_flags(self.values[k], week_flags, recent >= 2))

    def history(self, session: pd.Timestamp, weeks: int,
                failed: Sequence[date] = ()) -> list[tuple[StanceWeek, Stance]]:
        """The last `weeks` weeks of the steadied path the issue of `session`'s week prints, oldest first: each
        week's StanceWeek and published Stance (the last is the issue's call). `failed`: the end dates of the
        failed breakouts the issue's breakout history knows (the "recent_failures" flag)."""
        k = self.row(session)
        span = self.levels.shape[1]
        out = []
        for j in range(max(0, span - weeks), span):
            w = k - span + 1 + j
            if w < 0:
                continue
            pub = self._week(w, int(self.levels[k, j]), int(self.reasons[k, j]), failed)
            raw_key = ORDER[int(self.raw[w])]
            out.append((StanceWeek(self.ends[w].date(), pub.key, pub.label, pub.score, pub.risk_level, raw_key,
                                   pub.held_back), pub))
        return out


def _positions(index: pd.DatetimeIndex, days: pd.DatetimeIndex) -> np.ndarray:
    """The position of the last index entry on or before each day (-1 when none)."""
    return np.asarray(index.searchsorted(days, side="right")) - 1


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
    return np.where(ok & np.isfinite(out), out, np.nan)


def _recent(index: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> np.ndarray:
    """The last position on or before each week end, if within seven days (signals._at's rule), else -1."""
    at = _positions(index, ends)
    ok = at >= 0
    ok[ok] = index[at[ok]] >= ends[ok] - pd.Timedelta(days=7)
    return np.where(ok, at, -1)


def _read(series: pd.Series, ends: pd.DatetimeIndex) -> np.ndarray:
    """signals._at for every week end: the last finite value within seven days, NaN without one."""
    at = _recent(series.index, ends)
    v = series.to_numpy(dtype="float64")
    return np.where(at >= 0, v[np.maximum(at, 0)], np.nan)


def _breadth_change(market: MarketData, settings: Settings, ends: pd.DatetimeIndex) -> np.ndarray:
    """breadth.breadth_change_4w as of each week end (NaN for None), as the data cut at that week gives it."""
    members = market.members
    large = market[settings.pair.large].total_return
    min_members = settings.breadth.min_members
    out = np.full(len(ends), np.nan)
    if members is None or len(members.tickers) < min_members or large.empty:
        return out
    index = pd.DatetimeIndex(large.index)
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
    out[ok] = np.where(with_now >= min_members, share_now - share_then, np.nan)
    return out


def _stress(market: MarketData, settings: Settings, ends: pd.DatetimeIndex) -> np.ndarray:
    """Market-wide stress in every week (generator.metrics.events): the large cap down `stress_week_drop` or more
    over the week, or a VIX spike."""
    risk, t = settings.risk, settings.tickers
    large = market[settings.pair.large].total_return
    at = large.index.get_indexer(ends)
    large_week = _change(large, at, _targets(ends, 1))
    stress = large_week <= risk.stress_week_drop            # NaN compares False
    if t.volatility and t.volatility in market:
        vix = market[t.volatility].quoted
        days, v = pd.DatetimeIndex(vix.index), vix.to_numpy(dtype="float64")
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
    return np.asarray(stress, dtype=bool)


def _week_flags(market: MarketData, settings: Settings, ends: pd.DatetimeIndex) -> np.ndarray:
    """The WEEK_FLAGS of every week end, as signals.risk_at reads them at that week's close."""
    r, t = settings.risk, settings.tickers
    flags = np.zeros((len(ends), len(WEEK_FLAGS)), bool)
    small = market[settings.pair.small].quoted
    price, average, strength = _read(small, ends), _read(moving_average(small, 50), ends), _read(rsi(small, 14), ends)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where((price != 0) & (average != 0), price / average - 1, np.nan)
    flags[:, 0] = (strength > r.rsi_stretched) | (distance >= r.stretch_from_50d)     # NaN compares False
    if t.volatility and t.volatility in market:
        flags[:, 1] = _read(market[t.volatility].quoted, ends) >= r.vix_stressed
    if t.fx and t.fx in market:
        fx = market[t.fx].quoted
        at = _recent(pd.DatetimeIndex(fx.index), ends)
        level = np.where(at >= 0, fx.to_numpy(dtype="float64")[np.maximum(at, 0)], np.nan)
        week = np.where(np.isfinite(level), _change(fx, at, _targets(ends, 1)), np.nan)
        flags[:, 2] = week <= r.yen_rally_week
    return flags


def compute_table(market: MarketData, settings: Settings) -> StanceTable:
    """The readings and calls of every week of the data, in array operations (see the module doc)."""
    lb, t = settings.lookbacks, settings.tickers
    ratio = pair_ratio(market, settings.pair.small, settings.pair.large)
    ends = pd.DatetimeIndex(weekly_last(ratio).index)
    at = ratio.index.get_indexer(ends)
    value = ratio.to_numpy()[at]
    long_avg = moving_average(ratio, lb.sma_long).to_numpy()[at]
    short_avg = moving_average(ratio, lb.sma_short).to_numpy()[at]
    values = np.full((len(ends), len(TESTS)), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        values[:, 0] = value / long_avg - 1
        values[:, 1] = short_avg / long_avg - 1
    values[:, 2] = _change(ratio, at, _targets(ends, 13))
    values[:, 3] = _change(ratio, at, _targets(ends, 52))
    values[:, 4] = _breadth_change(market, settings, ends)
    if t.long_yield and t.long_yield in market:
        y = market[t.long_yield].quoted * 0.01
        values[:, 5] = _change(y, _recent(pd.DatetimeIndex(y.index), ends), _targets(ends, 13), absolute=True)
    values[~np.isfinite(values)] = np.nan
    points = rule_points(values, settings.stance.rate_band)
    score, raw = raw_levels(points)
    stress = _stress(market, settings, ends)
    levels, reasons = steady_paths(raw, stress, settings.stance.history_weeks + LEAD_WEEKS, settings.stance.steady)
    known = np.flatnonzero(~np.isnan(long_avg))
    return StanceTable(ends, values, points.astype(np.int8), score.astype(np.int8), raw.astype(np.int8),
                       _week_flags(market, settings, ends), stress, levels, reasons,
                       int(known[0]) if len(known) else len(ends))


# --- the cache ------------------------------------------------------------------------------------------

KEEP_FILES = 8  # cached tables kept on disk (one per data hash: a weekly data update makes a new one)
_ARRAYS = ("values", "points", "score", "raw", "flags", "stress", "levels", "reasons")


def cache_key(market: MarketData, settings: Settings) -> str:
    """The data hash and every setting the rules read."""
    rules = {"pair": [settings.pair.small, settings.pair.large],
             "tickers": [settings.tickers.long_yield, settings.tickers.volatility, settings.tickers.fx],
             "lookbacks": [settings.lookbacks.sma_short, settings.lookbacks.sma_long,
                           settings.lookbacks.reference_high_year],
             "stance": settings.stance.model_dump(mode="json"), "risk": settings.risk.model_dump(mode="json"),
             "min_members": settings.breadth.min_members, "version": CACHE_VERSION, "lead": LEAD_WEEKS}
    digest = hashlib.sha256(market.fingerprint().encode())
    digest.update(json.dumps(rules, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def cache_folder(settings: Settings) -> Path:
    return settings.resolve(settings.data.cache_dir) / "track"


def _disk(settings: Settings) -> ArrayCache:
    return ArrayCache(cache_folder(settings), "calls", KEEP_FILES)


def _from_arrays(stored: dict[str, np.ndarray] | None) -> StanceTable | None:
    """A cached table, or None when missing or of the wrong shape (then it is rebuilt)."""
    if stored is None:
        return None
    try:
        ends, first = stored["ends"], int(stored["first"])
        p = {name: stored[name] for name in _ARRAYS}
    except (KeyError, ValueError):
        return None
    if not (ends.dtype == np.int64 and all(len(a) == len(ends) for a in p.values()) and 0 <= first <= len(ends)):
        return None
    return StanceTable(pd.DatetimeIndex(ends.view("M8[ns]")), p["values"], p["points"], p["score"], p["raw"],
                       p["flags"], p["stress"], p["levels"], p["reasons"], first)


def _to_arrays(table: StanceTable) -> dict[str, np.ndarray]:
    return {"ends": table.ends.as_unit("ns").asi8, "first": np.int64(table.first),
            **{name: getattr(table, name) for name in _ARRAYS}}


def stance_table(market: MarketData, settings: Settings, *, disk: bool = True) -> StanceTable:
    """The table of `market` (the data a build or a whole-history run reads), cached on disk per data hash:
    the next build or run on the same data reads it back. The caller passes it on (compute_metrics)."""
    key = cache_key(market, settings)
    table = _from_arrays(_disk(settings).read(key)) if disk else None
    if table is None:
        table = compute_table(market, settings)
        if disk:
            _disk(settings).write(key, _to_arrays(table))
    return table


def issue_table(market: MarketData, cut: MarketData, settings: Settings, session: pd.Timestamp) -> StanceTable:
    """The table an issue of `session` (and its week-before headline) reads: the loaded data's, shared on disk by
    every issue built from one download, unless `session` is mid-week there; then the data cut at it (`cut`)."""
    table = stance_table(market, settings)
    return table if table.covers(session) else stance_table(cut, settings)
