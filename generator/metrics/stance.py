"""The first rule-based stance: four trend and momentum tests, each worth +1 or -1.

| test                     | +1 when                                   |
|--------------------------|-------------------------------------------|
| trend                    | ratio above its long (200-session) average |
| averages                 | short (50) average above the long (200)    |
| 13-week momentum         | ratio up over 13 weeks                     |
| 52-week momentum         | ratio up over 52 weeks                     |

A test without enough history scores 0. The score (-4..+4) maps to a stance:

* ``lean_further`` ("Lean in further"): score >= 3, the relative trend is established;
* ``start_lean`` ("Start to lean in"): score >= 0, i.e. the ratio has crossed
  above its long average and at most one other test disagrees: the early turn;
* ``stay_large`` ("Stay with large caps"): everything else,

and either lean needs the ratio *above* its long average: with the trend
test down or unknown (too little history), the stance stays with large caps.

``false_move_risk`` is raised when the stance leans to small caps while the
52-week momentum or the averages still point the other way: the turn is young
and could fail, as every relative rally since the peak has so far.
"""

from __future__ import annotations

from dataclasses import dataclass

LABELS = {
    "stay_large": "Stay with large caps",
    "start_lean": "Start to lean in",
    "lean_further": "Lean in further",
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
    false_move_risk: bool


def _sign(value: float | None) -> int:
    if value is None:
        return 0
    return 1 if value > 0 else -1


def decide_stance(distance_from_long: float | None, short_minus_long: float | None,
                  momentum_13w: float | None, momentum_52w: float | None) -> Stance:
    tests = (
        StanceTest("trend", distance_from_long, _sign(distance_from_long)),
        StanceTest("averages", short_minus_long, _sign(short_minus_long)),
        StanceTest("momentum_13w", momentum_13w, _sign(momentum_13w)),
        StanceTest("momentum_52w", momentum_52w, _sign(momentum_52w)),
    )
    score = sum(t.points for t in tests)
    above_trend = tests[0].points > 0
    if score >= 3 and above_trend:
        key = "lean_further"
    elif score >= 0 and above_trend:
        key = "start_lean"
    else:
        key = "stay_large"
    risk = key != "stay_large" and (tests[3].points <= 0 or tests[1].points <= 0)
    return Stance(key, LABELS[key], score, len(tests), tests, risk)
