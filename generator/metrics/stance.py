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
* a downgrade takes effect at once.

``held_back`` says why a published stance is below the raw one: "confirm"
(waiting for a second week) or "stress".

The false-move risk level counts warning flags: the averages not yet crossed,
52-week momentum still negative, small caps stretched (RSI or distance from the
50-day), a stressed VIX, a yen rally, and two or more failed relative
breakouts in the last three years. None: "low"; one or two: "elevated"; three
or more: "high". ``false_move_risk`` is true when the stance leans toward small
caps and the level is not low: the call "could be a false move".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable

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
    "vix_over_line": "the VIX is above the line our rules treat as a warning",
    "yen_rally": "a yen rally threatens carry-trade selling",
    "recent_failures": "several relative breakouts have failed in the last three years",
}


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


def _sign(value: float | None) -> int:
    if value is None:
        return 0
    return 1 if value > 0 else -1 if value < 0 else 0


def _band(value: float | None, band: float) -> int:
    """+1 when a yield fell by more than the band (good for small caps), -1 when it rose."""
    if value is None or abs(value) <= band:
        return 0
    return -1 if value > 0 else 1


def decide_stance(distance_from_long: float | None, short_minus_long: float | None,
                  momentum_13w: float | None, momentum_52w: float | None,
                  breadth_change: float | None = None, rate_change: float | None = None, *,
                  rate_band: float = 0.0025, risk_flags: Iterable[str] = ()) -> Stance:
    tests = (
        StanceTest("trend", distance_from_long, _sign(distance_from_long)),
        StanceTest("averages", short_minus_long, _sign(short_minus_long)),
        StanceTest("momentum_13w", momentum_13w, _sign(momentum_13w)),
        StanceTest("momentum_52w", momentum_52w, _sign(momentum_52w)),
        StanceTest("breadth", breadth_change, _sign(breadth_change)),
        StanceTest("rates", rate_change, _band(rate_change, rate_band)),
    )
    points = {t.name: t.points for t in tests}
    score = sum(points.values())
    if points["trend"] > 0 and points["averages"] > 0 and score >= 3:
        key = "lean_further"
    elif points["trend"] > 0 and score >= 0:
        key = "start_lean"
    else:
        key = "stay_large"
    flags = []
    if short_minus_long is not None and short_minus_long <= 0:
        flags.append("averages_not_crossed")
    if momentum_52w is not None and momentum_52w <= 0:
        flags.append("long_momentum_negative")
    flags += [f for f in risk_flags if f in FLAG_TEXT and f not in flags]
    level = "low" if not flags else "elevated" if len(flags) <= 2 else "high"
    return Stance(key, LABELS[key], score, len(tests), tests, level, tuple(flags),
                  key != "stay_large" and level != "low")


def held_at(raw: Stance, previous_raw: str, previous_published: str, stress: bool) -> Stance:
    """The published stance for a week, given last week's raw and published stances (see the module doc)."""
    now, before, held = ORDER.index(raw.key), ORDER.index(previous_raw), ORDER.index(previous_published)
    level, reason = held, None
    if now > held:
        if stress:
            reason = "stress"
        elif before > held:
            level = min(now, before)
        if level < now:
            reason = reason or "confirm"
    elif now < held:
        if stress or held - now >= 2 or before < held:
            level = max(now, before) if before < held and not stress and held - now < 2 else now
        if level > now:
            reason = "confirm_downgrade"
    if level == now:
        return raw
    key = ORDER[level]
    return replace(raw, key=key, label=LABELS[key], false_move_risk=key != "stay_large" and raw.risk_level != "low",
                   held_back=reason)
