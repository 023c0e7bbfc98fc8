"""The rule-based stance: six tests worth +1, -1 or 0, and a separate false-move risk level.

| test           | +1 when                                         | -1 when                   |
|----------------|-------------------------------------------------|---------------------------|
| trend          | ratio above its long (200-session) average      | below                     |
| averages       | short (50) average above the long (200)         | below                     |
| momentum_13w   | ratio up over 13 weeks                          | down                      |
| momentum_52w   | ratio up over 52 weeks                          | down                      |
| breadth        | fewer universe stocks below their 2021 high than 4 weeks ago | more         |
| rates          | 10-year yield down more than `rate_band` in 13 weeks | up more than the band |

A test without data scores 0 (a rates change inside the band also scores 0).

* ``lean_further`` ("Lean in further"): trend and averages both +1 and score >= 3;
* ``start_lean`` ("Start to lean in"): trend +1 and score >= 0 (the early turn);
* ``stay_large`` ("Stay with large caps"): everything else. Nothing leans toward
  small caps while the ratio is below (or has no) long average.

The false-move risk level counts warning flags: the averages not yet crossed,
52-week momentum still negative, small caps stretched (RSI or distance from the
50-day), a stressed VIX, a sharp yen rally, and two or more failed relative
breakouts in the last three years. None: "low"; one or two: "elevated"; three
or more: "high". ``false_move_risk`` is true when the stance leans toward small
caps and the level is not low: the call "could be a false move".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

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
    "yen_rally": "a sharp yen rally threatens carry-trade selling",
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


@dataclass(frozen=True)
class StanceWeek:
    session: date
    key: str
    label: str
    score: int
    risk_level: str


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
        StanceTest("breadth", breadth_change, -_sign(breadth_change)),
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
    if points["averages"] <= 0:
        flags.append("averages_not_crossed")
    if points["momentum_52w"] <= 0:
        flags.append("long_momentum_negative")
    flags += [f for f in risk_flags if f in FLAG_TEXT and f not in flags]
    level = "low" if not flags else "elevated" if len(flags) <= 2 else "high"
    return Stance(key, LABELS[key], score, len(tests), tests, level, tuple(flags),
                  key != "stay_large" and level != "low")
