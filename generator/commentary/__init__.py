"""Commentary rules: metrics in, sentence choices out. No I/O, no wording.

Each section gets a `Choice`: a `key` naming which sentence template to use
and the `facts` that template fills in. The words live in
templates/sections/, so a writer can reword a sentence without touching code,
and a test can show the choice changing when the numbers change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from generator.metrics import WeeklyMetrics

# A week's small-minus-large spread beyond this is a "big" week.
SURGE = 0.03
# Changes in a yield smaller than this (decimal, 0.001 = 10 bp) over 13 weeks are "flat".
RATE_BAND = 0.0025
# A one-week yield move at least this large (7 bp) is worth its own sentence.
RATE_WEEK_MOVE = 0.0007
# A VIX below CALM is complacent; above STRESSED is stressed.
VIX_CALM, VIX_STRESSED = 15.0, 25.0
# A one-week fall in USD/JPY of this size is a sharp yen rally (carry-trade risk);
# about one weekly standard deviation above the pair's usual 1.2-1.4 %.
YEN_RALLY = -0.015


@dataclass(frozen=True)
class Choice:
    key: str
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Commentary:
    headline: Choice
    week: Choice
    gap: Choice
    reference_high: Choice
    narrowness: Choice
    trend: Choice
    momentum: Choice
    rates: Choice
    sectors: Choice
    policy: Choice
    junk: Choice
    risks: Choice
    positioning: Choice


def _week(m: WeeklyMetrics, band: float) -> Choice:
    spread = m.spread.get("1w")
    if spread is None:
        return Choice("unknown")
    large = m.returns[m.large].get("1w") or 0.0
    facts = {"spread": spread, "market": "up" if large >= 0 else "down"}
    if spread >= band:
        return Choice("rally", facts)
    if spread <= -band:
        return Choice("slump", facts)
    return Choice("flat", facts)


def _headline(m: WeeklyMetrics, week: Choice) -> Choice:
    s = m.stance
    spread = m.spread.get("1w") or 0.0
    if spread >= SURGE and s.key == "lean_further":
        return Choice("surge_in_trend", {"spread": spread})
    if spread >= SURGE:
        return Choice("surge_question", {"spread": spread})
    if spread <= -SURGE and s.key != "stay_large":
        return Choice("setback_question", {"spread": spread})
    if s.key == "lean_further" and not s.false_move_risk:
        return Choice("small_trend")
    if s.key == "stay_large" and s.score <= -3 and week.key != "rally":
        return Choice("large_trend")
    if s.key != "stay_large" or week.key == "rally":
        return Choice("turning_question")
    return Choice("mixed_question")


def _gap(m: WeeklyMetrics) -> Choice:
    three_year = m.spread.get("3y")
    one_year = m.spread.get("52w")
    if three_year is None:
        return Choice("short_history", {"one_year": one_year})
    if three_year <= -0.25:
        return Choice("wide", {"three_year": three_year, "one_year": one_year})
    if three_year < 0:
        return Choice("moderate", {"three_year": three_year, "one_year": one_year})
    return Choice("small_ahead", {"three_year": three_year, "one_year": one_year})


def _reference_high(m: WeeklyMetrics) -> Choice:
    ref = m.reference_high
    if ref is None:
        return Choice("none")
    if ref.distance < 0:
        return Choice("below", {"ref": ref})
    return Choice("above", {"ref": ref})


def _narrowness(m: WeeklyMetrics) -> Choice:
    trend = m.ratios.get("narrowness")
    if trend is None or trend.momentum.get("13w") is None:
        return Choice("unavailable")
    key = "narrow" if trend.momentum["13w"] < 0 else "broadening"
    return Choice(key, {"trend": trend})


def _trend(m: WeeklyMetrics) -> Choice:
    r = m.ratio
    if r.sma_long is None:
        return Choice("short_history")
    if r.value > r.sma_long and r.sma_short is not None and r.sma_short > r.sma_long:
        return Choice("above_both")
    if r.value > r.sma_long:
        return Choice("above_long")
    return Choice("below_long")


def _momentum(m: WeeklyMetrics) -> Choice:
    known = [v for v in m.ratio.momentum.values() if v is not None]
    if not known:
        return Choice("unknown")
    ups = sum(v > 0 for v in known)
    if ups == len(known):
        return Choice("all_up", {"ups": ups, "n": len(known)})
    if ups == 0:
        return Choice("all_down", {"ups": ups, "n": len(known)})
    short = m.ratio.momentum.get(f"{min(int(k[:-1]) for k in m.ratio.momentum)}w")
    return Choice("short_up" if short is not None and short > 0 else "short_down", {"ups": ups, "n": len(known)})


def _rates(m: WeeklyMetrics, long_yield: str | None) -> Choice:
    level = m.levels.get(long_yield) if long_yield else None
    if level is None or level.changes.get("13w") is None:
        return Choice("unavailable")
    change = level.changes["13w"]
    key = "rising" if change > RATE_BAND else "falling" if change < -RATE_BAND else "steady"
    week = level.changes.get("1w")
    week_move = None if week is None or abs(week) < RATE_WEEK_MOVE else ("up" if week > 0 else "down")
    return Choice(key, {"level": level, "week_move": week_move})


def _sectors(m: WeeklyMetrics, tech: str | None) -> Choice:
    ranked = sorted(((t, r["13w"]) for t, r in m.relative_to_large.items() if r.get("13w") is not None),
                    key=lambda item: item[1], reverse=True)
    if not ranked:
        return Choice("unavailable")
    tech_rel = m.relative_to_large.get(tech, {}).get("13w") if tech else None
    if tech_rel is None:
        return Choice("no_tech", {"ranked": ranked, "leader": ranked[0], "laggard": ranked[-1]})
    key = "tech_leading" if tech_rel > 0 else "tech_lagging"
    return Choice(key, {"ranked": ranked, "leader": ranked[0], "laggard": ranked[-1], "tech": tech_rel,
                        "tech_ticker": tech})


def _policy(m: WeeklyMetrics, short_yield: str | None) -> Choice:
    level = m.levels.get(short_yield) if short_yield else None
    if level is None or level.changes.get("13w") is None:
        return Choice("unavailable")
    change = level.changes["13w"]
    key = "easing" if change < -RATE_BAND else "tightening" if change > RATE_BAND else "on_hold"
    return Choice(key, {"level": level})


def _junk(m: WeeklyMetrics) -> Choice:
    credit, quality = m.ratios.get("credit"), m.ratios.get("quality")
    if credit is None and quality is None:
        return Choice("unavailable")
    credit_up = credit is not None and (credit.momentum.get("13w") or 0) > 0
    junk_up = quality is not None and (quality.momentum.get("13w") or 0) > 0
    key = {(True, True): "risk_on", (False, False): "risk_off"}.get((credit_up, junk_up), "split")
    return Choice(key, {"credit": credit, "quality": quality})


def _risks(m: WeeklyMetrics, vix: str | None, fx: str | None) -> Choice:
    v = m.levels.get(vix) if vix else None
    y = m.levels.get(fx) if fx else None
    if v is None and y is None:
        return Choice("unavailable")
    yen_rally = y is not None and (y.changes.get("1w") or 0) <= YEN_RALLY
    if yen_rally:
        key = "yen_rally"
    elif v is not None and v.value >= VIX_STRESSED:
        key = "stressed"
    elif v is not None and v.value < VIX_CALM:
        key = "complacent"
    else:
        key = "normal"
    return Choice(key, {"vix": v, "fx": y})


def _positioning(m: WeeklyMetrics) -> Choice:
    return Choice(m.stance.key, {"stance": m.stance, "false_move_risk": m.stance.false_move_risk})


def write_commentary(m: WeeklyMetrics, settings) -> Commentary:
    t = settings.tickers
    week = _week(m, settings.stance.flat_band)
    return Commentary(
        headline=_headline(m, week), week=week, gap=_gap(m), reference_high=_reference_high(m),
        narrowness=_narrowness(m), trend=_trend(m), momentum=_momentum(m),
        rates=_rates(m, t.long_yield), sectors=_sectors(m, t.tech), policy=_policy(m, t.short_yield),
        junk=_junk(m), risks=_risks(m, t.volatility, t.fx), positioning=_positioning(m),
    )
