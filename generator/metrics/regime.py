"""The week's market regime: several gauges read together, so a sentence reads each gauge in context.

A VIX at 14 means calm in a quiet week and something else the week after a crash; heavy volume means a crowd
piling in during a rally and a squeeze after a fall; bill yields that plunge in a VIX spike are a flight to
safety, not policy easing. The commentary's interpretive sentences declare the regimes they fit
(`Sentence.regimes`), and the fact-check flags one whose regimes do not include the week's.

Every gauge is known at the issue's session (nothing after it is read). The rules are tried in this order and
the first that holds is the week's regime:

| regime            | when (thresholds named below)                                                           |
|-------------------|-----------------------------------------------------------------------------------------|
| shock             | a session of `BIG_SESSION` (3%) or worse in either index, or a VIX high `VIX_JUMP` (25%) above last week's close, in a week one of the indices lost `FALLING_WEEK` (2%) or more; or a 3% down session together with a 25% VIX jump, however the week ended; or a large-cap week of `CRASH_LARGE` (-4%) or a small-cap week of `CRASH_SMALL` (-6%) or worse |
| flight_to_safety  | stocks down (large caps lower, one index down `DOWN_WEEK` (1%) or more), the VIX closing `FLIGHT_VIX` (5%) or more above last week's close, and both the 10-year yield (`LONG_FALL`, 10 bp) and the bill yield (`BILL_FALL`, 5 bp) lower on the week: money leaving stocks for Treasuries |
| rate_move         | the 10-year yield moved `RATE_MOVE` (25 bp) or more on the week and small caps beat or trailed large caps by `RATE_SPREAD` (2 points) or more: rates drove the relative trade |
| squeeze           | small caps up `SMALL_SURGE` (3%) or more and ahead of large caps by `SQUEEZE_SPREAD` (3 points) with the VIX lower on the week; or up 3% and ahead by `COVER_SPREAD` (1.5 points) after a fall of `PRIOR_FALL` (5%) or more over the four weeks before, on volume `HEAVY_VOLUME` (20%) above its average: short covering |
| relief_rally      | large caps up `RALLY_LARGE` (3%) or small caps up `RALLY_SMALL` (4%), the VIX lower on the week, after a VIX that stood at `risk.vix_stressed` (25) or in the top `TENSE_PERCENTILE` (tenth) of its year during the four weeks before |
| tense             | none of the above, with the VIX at `risk.vix_stressed` or more, or higher than on `TENSE_PERCENTILE` (90%) of the past year's days |
| calm              | none of the above, with the VIX below `CALM_VIX` (20) and in the lower half of its year (`CALM_PERCENTILE`), large caps within `CALM_LARGE` (2%) and small caps within `CALM_SMALL` (3%) on the week, and no session of either beyond `CALM_SESSION` (1.5%) |
| grind             | everything else: ordinary moves, no stress                                              |

A gauge without data never satisfies a rule (a week without the VIX can be neither calm nor tense).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

import pandas as pd

from generator.metrics.periods import last_on_or_before, week_start

REGIMES = ("shock", "flight_to_safety", "rate_move", "squeeze", "relief_rally", "tense", "calm", "grind")
# Groups the commentary uses when it declares the regimes a sentence fits.
FEAR = ("shock", "flight_to_safety")        # fear drove the week: falling yields are a flight, not easier policy
UNEASY = FEAR + ("tense",)                  # ... or the VIX is high for its year: no "investors feel safe"
SETTLED = ("calm", "grind", "rate_move", "squeeze")   # no fear in the week or just behind it: "few warning signs"
RALLY = ("relief_rally", "squeeze")         # a sharp rise after a fall or on covering: not a crowd "piling in"


def all_but(*excluded: str) -> tuple[str, ...]:
    """Every regime except these (what a sentence fits when only a few weeks contradict it)."""
    return tuple(k for k in REGIMES if k not in excluded)

# shock
BIG_SESSION = 0.03        # a one-day move of 3% or more in either index
FALLING_WEEK = -0.02      # the weaker index's week at or below this: stocks fell
VIX_JUMP = 0.25           # the VIX's highest close of the week this far above last week's close
CRASH_LARGE = -0.04       # a large-cap week this bad is a shock whatever else happened
CRASH_SMALL = -0.06       # ... and a small-cap week this bad
# flight to safety
DOWN_WEEK = -0.01         # the weaker index's week at or below this
FLIGHT_VIX = 0.05         # the VIX's close this far above last week's close
LONG_FALL = -0.0010       # the 10-year yield down 10 bp or more on the week
BILL_FALL = -0.0005       # the 13-week bill yield down 5 bp or more on the week
# rate move
RATE_MOVE = 0.0025        # the 10-year yield up or down 25 bp or more on the week
RATE_SPREAD = 0.02        # with small caps 2 points ahead of or behind large caps
# squeeze
SMALL_SURGE = 0.03        # small caps up 3% or more on the week
SQUEEZE_SPREAD = 0.03     # ... and 3 points ahead of large caps, with the VIX lower
COVER_SPREAD = 0.015      # ... or 1.5 points ahead after a fall, on heavy volume
PRIOR_FALL = -0.05        # small caps down 5% or more over the four weeks before this one
HEAVY_VOLUME = 0.2        # the week's volume 20% or more above its average (crowding.volume_ratio)
# relief rally
RALLY_LARGE = 0.03        # large caps up 3% or more on the week
RALLY_SMALL = 0.04        # or small caps up 4% or more
PRIOR_WEEKS = 4           # the VIX was stressed in the four weeks before this one
# tense and calm
TENSE_PERCENTILE = 0.9    # the VIX higher than on 90% of the past year's days
CALM_VIX = 20.0
CALM_PERCENTILE = 0.5
CALM_LARGE = 0.02
CALM_SMALL = 0.03
CALM_SESSION = 0.015


@dataclass(frozen=True)
class RegimeGauges:
    """The week's gauges the regime is read from (decimals; None when the data lacks them)."""

    small_week: float | None            # the small-cap index's weekly total return
    large_week: float | None
    spread_week: float | None           # small minus large
    worst_session: float | None         # the week's worst one-day return of either index
    best_session: float | None          # the week's best one-day return of either index
    small_prior_4w: float | None        # the small-cap return over the four weeks before this one
    vix: float | None                   # the VIX's close
    vix_previous: float | None          # the VIX's last close of the previous week
    vix_change: float | None            # vix / vix_previous - 1
    vix_jump: float | None              # the week's highest VIX close / vix_previous - 1
    vix_percentile: float | None        # the VIX's close against the past year (0-1)
    vix_prior_high: float | None        # the VIX's highest close in the four weeks before this one
    vix_prior_percentile: float | None  # the highest 1-year percentile the VIX reached in those four weeks
    long_yield_week: float | None       # the 10-year yield's change on the week (decimal: -0.001 is -10 bp)
    short_yield_week: float | None      # the bill yield's change on the week
    volume_ratio: float | None          # small-cap volume of the last five sessions against its average, - 1


@dataclass(frozen=True)
class Regime:
    key: str                            # one of REGIMES
    decided_by: tuple[str, ...]         # the gauges (RegimeGauges field names) the deciding rule read
    gauges: RegimeGauges


def _ok(*values) -> bool:
    return all(v is not None for v in values)


def classify(g: RegimeGauges, vix_stressed: float) -> tuple[str, tuple[str, ...]]:
    """(regime, the gauges its rule read) for one week's gauges; see the module's table."""
    weaker = min(g.small_week, g.large_week) if _ok(g.small_week, g.large_week) else None
    big_down = g.worst_session is not None and g.worst_session <= -BIG_SESSION
    vix_jumped = g.vix_jump is not None and g.vix_jump >= VIX_JUMP
    if weaker is not None and weaker <= FALLING_WEEK and (big_down or vix_jumped):
        return "shock", ("small_week", "large_week", "worst_session" if big_down else "vix_jump")
    if big_down and vix_jumped:
        return "shock", ("worst_session", "vix_jump")
    if g.large_week is not None and g.large_week <= CRASH_LARGE:
        return "shock", ("large_week",)
    if g.small_week is not None and g.small_week <= CRASH_SMALL:
        return "shock", ("small_week",)
    if (weaker is not None and weaker <= DOWN_WEEK and g.large_week < 0 and _ok(g.vix_change, g.long_yield_week,
                                                                                  g.short_yield_week)
            and g.vix_change >= FLIGHT_VIX and g.long_yield_week <= LONG_FALL and g.short_yield_week <= BILL_FALL):
        return "flight_to_safety", ("small_week", "large_week", "vix_change", "long_yield_week", "short_yield_week")
    if (_ok(g.long_yield_week, g.spread_week) and abs(g.long_yield_week) >= RATE_MOVE
            and abs(g.spread_week) >= RATE_SPREAD):
        return "rate_move", ("long_yield_week", "spread_week")
    vix_down = g.vix_change is not None and g.vix_change < 0
    if _ok(g.small_week, g.spread_week) and g.small_week >= SMALL_SURGE:
        if g.spread_week >= SQUEEZE_SPREAD and vix_down:
            return "squeeze", ("small_week", "spread_week", "vix_change")
        if (g.spread_week >= COVER_SPREAD and _ok(g.small_prior_4w, g.volume_ratio)
                and g.small_prior_4w <= PRIOR_FALL and g.volume_ratio >= HEAVY_VOLUME):
            return "squeeze", ("small_week", "spread_week", "small_prior_4w", "volume_ratio")
    rallied = ((g.large_week is not None and g.large_week >= RALLY_LARGE)
               or (g.small_week is not None and g.small_week >= RALLY_SMALL))
    was_stressed = ((g.vix_prior_high is not None and g.vix_prior_high >= vix_stressed)
                    or (g.vix_prior_percentile is not None and g.vix_prior_percentile >= TENSE_PERCENTILE))
    if rallied and vix_down and was_stressed:
        return "relief_rally", ("small_week", "large_week", "vix_change", "vix_prior_high", "vix_prior_percentile")
    if (g.vix is not None and g.vix >= vix_stressed) or (g.vix_percentile is not None
                                                         and g.vix_percentile >= TENSE_PERCENTILE):
        return "tense", ("vix", "vix_percentile")
    if (_ok(g.vix, g.vix_percentile, g.small_week, g.large_week, g.worst_session, g.best_session)
            and g.vix < CALM_VIX and g.vix_percentile <= CALM_PERCENTILE and abs(g.large_week) < CALM_LARGE
            and abs(g.small_week) < CALM_SMALL and max(-g.worst_session, g.best_session) < CALM_SESSION):
        return "calm", ("vix", "vix_percentile", "small_week", "large_week", "worst_session", "best_session")
    return "grind", ()


def _previous_end(index: pd.DatetimeIndex, day) -> pd.Timestamp | None:
    return last_on_or_before(index, week_start(day) - timedelta(days=1))


def regime_gauges(market, settings, session: pd.Timestamp, returns, events, risk, levels, crowding,
                  vix_percentile: pd.Series | None) -> RegimeGauges:
    """The gauges for the week ending at `session`, from the metrics already computed and the data cut there."""
    small, large, t = settings.pair.small, settings.pair.large, settings.tickers
    day = session.date()
    s_week, l_week = returns.get(small, {}).get("1w"), returns.get(large, {}).get("1w")
    sessions = []
    prior = None
    for ticker in (small, large):
        tr = market[ticker].total_return.loc[:session].dropna()
        prev = _previous_end(tr.index, day)
        if prev is None:
            continue
        sessions.append(tr.loc[prev:session].pct_change().iloc[1:])
        if ticker == small:
            before = last_on_or_before(tr.index, prev.date() - timedelta(weeks=4))
            if before is not None and before < prev:
                prior = float(tr.loc[prev] / tr.loc[before] - 1)
    daily = pd.concat(sessions) if sessions else pd.Series(dtype="float64")
    vix_now = vix_prev = vix_change = prior_high = prior_pct = None
    if t.volatility and t.volatility in market:
        vix = market[t.volatility].quoted.loc[:session].dropna()
        prev = _previous_end(vix.index, day)
        if prev is not None and not vix.empty and vix.index[-1] > prev:
            vix_now, vix_prev = float(vix.iloc[-1]), float(vix.loc[prev])
            vix_change = vix_now / vix_prev - 1
        if prev is not None:
            start = prev - timedelta(weeks=PRIOR_WEEKS)
            window = vix.loc[(vix.index > start) & (vix.index <= prev)]
            prior_high = float(window.max()) if not window.empty else None
            if vix_percentile is not None:
                pct = vix_percentile.loc[(vix_percentile.index > start) & (vix_percentile.index <= prev)].dropna()
                prior_pct = float(pct.max()) if not pct.empty else None

    def week_change(ticker):
        lv = levels.get(ticker) if ticker else None
        return lv.changes.get("1w") if lv is not None else None

    return RegimeGauges(
        small_week=s_week, large_week=l_week,
        spread_week=s_week - l_week if _ok(s_week, l_week) else None,
        worst_session=float(daily.min()) if not daily.empty else None,
        best_session=float(daily.max()) if not daily.empty else None,
        small_prior_4w=prior, vix=vix_now, vix_previous=vix_prev, vix_change=vix_change,
        vix_jump=events.vix_jump, vix_percentile=risk.vix_percentile_1y,
        vix_prior_high=prior_high, vix_prior_percentile=prior_pct,
        long_yield_week=week_change(t.long_yield), short_yield_week=week_change(t.short_yield),
        volume_ratio=crowding.volume_ratio if crowding is not None else None,
    )


def regime_at(market, settings, session: pd.Timestamp, returns, events, risk, levels, crowding,
              vix_percentile: pd.Series | None) -> Regime:
    g = regime_gauges(market, settings, session, returns, events, risk, levels, crowding, vix_percentile)
    key, decided_by = classify(g, settings.risk.vix_stressed)
    return Regime(key, decided_by, g)


GAUGES = tuple(f.name for f in fields(RegimeGauges))
