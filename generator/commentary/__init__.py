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
from generator.metrics.stance import FLAG_TEXT

# A week's small-minus-large spread beyond this is a "big" week.
SURGE = 0.03
# A one-week yield move at least this large (7 bp) is worth its own sentence.
RATE_WEEK_MOVE = 0.0007
# |correlation| of weekly relative returns with yield changes: below WEAK it is noise, above STRONG it leads the story.
CORR_WEAK, CORR_STRONG = 0.15, 0.3
# A change in the share of the universe below its reference high smaller than this is "unchanged".
BREADTH_BAND = 0.02
TEST_NAMES = {"trend": "the 200-day trend", "averages": "the moving-average cross", "momentum_13w": "13-week momentum",
              "momentum_52w": "52-week momentum", "breadth": "breadth", "rates": "the rates signal"}


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
    breadth: Choice
    trend: Choice
    momentum: Choice
    breakouts: Choice
    rates: Choice
    sensitivity: Choice
    sectors: Choice
    quadrant: Choice
    policy: Choice
    analogue: Choice
    junk: Choice
    risks: Choice
    stretch: Choice
    positioning: Choice
    signals: Choice
    history: Choice


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
    if s.key == "lean_further":
        return Choice("small_trend_question")
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


def _breadth(m: WeeklyMetrics) -> Choice:
    b = m.breadth
    if b is None:
        return Choice("unavailable")
    facts = {"b": b}
    if b.share_below is None:
        return Choice("highs_lows_only", facts)
    change = b.share_below - b.share_below_4w_ago if b.share_below_4w_ago is not None else 0.0
    trend = "improving" if change < -BREADTH_BAND else "worsening" if change > BREADTH_BAND else "unchanged"
    level = "most_below" if b.share_below >= 0.5 else "most_recovered"
    return Choice(f"{level}_{trend}", {**facts, "change": change})


def _breakouts(m: WeeklyMetrics) -> Choice:
    b = m.breakouts
    facts = {"failed": len(b.failed), "sustained": len(b.sustained), "last": b.failed[-1] if b.failed else None,
             "current": b.current}
    if b.current is not None:
        return Choice("in_progress", facts)
    if b.failed:
        return Choice("all_failed" if not b.sustained else "mostly_failed", facts)
    return Choice("none", facts)


def _sensitivity(m: WeeklyMetrics) -> Choice:
    s = m.rate_sensitivity
    if s is None or s.correlation is None:
        return Choice("unavailable")
    if s.correlation <= -CORR_STRONG:
        return Choice("hurt_by_rising", {"s": s})
    if s.correlation >= CORR_STRONG:
        return Choice("helped_by_rising", {"s": s})
    if abs(s.correlation) < CORR_WEAK:
        return Choice("unrelated", {"s": s})
    return Choice("loose", {"s": s})


def _quadrant(m: WeeklyMetrics) -> Choice:
    if not m.sectors:
        return Choice("unavailable")
    groups = {q: [p.ticker for p in m.sectors if p.quadrant == q]
              for q in ("leading", "improving", "weakening", "lagging")}
    return Choice("groups", {"groups": groups})


def _analogue(m: WeeklyMetrics) -> Choice:
    if m.analogue is None:
        return Choice("unavailable")
    return Choice("run", {"a": m.analogue})


def _stretch(m: WeeklyMetrics, risk_settings) -> Choice:
    r = m.risk
    if r.small_rsi_14 is None:
        return Choice("unavailable")
    if r.stretched:
        return Choice("stretched", {"r": r})
    oversold = r.small_rsi_14 < 100 - risk_settings.rsi_stretched or (
        r.small_distance_50d is not None and r.small_distance_50d <= -risk_settings.stretch_from_50d)
    return Choice("oversold" if oversold else "not_stretched", {"r": r})


def _signals(m: WeeklyMetrics) -> Choice:
    """Which tests point which way, so the text can say plainly when they disagree."""
    pro = [TEST_NAMES[t.name] for t in m.stance.tests if t.points > 0]
    con = [TEST_NAMES[t.name] for t in m.stance.tests if t.points < 0]
    if pro and con and min(len(pro), len(con)) >= 2:
        key = "conflict"
    elif pro and not con:
        key = "aligned_small"
    elif con and not pro:
        key = "aligned_large"
    elif len(pro) > len(con):
        key = "mostly_small"
    elif con:
        key = "mostly_large"
    else:
        key = "no_signal"
    return Choice(key, {"pro": pro, "con": con})


def _history(m: WeeklyMetrics) -> Choice:
    weeks = m.stance_history
    if len(weeks) < 2:
        return Choice("first")
    current = weeks[-1].key
    previous = weeks[-2].key
    order = ["stay_large", "start_lean", "lean_further"]
    if current != previous:
        key = "upgraded" if order.index(current) > order.index(previous) else "downgraded"
        return Choice(key, {"previous": weeks[-2].label})
    run = 1
    for w in reversed(weeks[:-1]):
        if w.key != current:
            break
        run += 1
    return Choice("unchanged", {"weeks": run, "all": run == len(weeks)})


def _rates(m: WeeklyMetrics, long_yield: str | None, band: float) -> Choice:
    level = m.levels.get(long_yield) if long_yield else None
    if level is None or level.changes.get("13w") is None:
        return Choice("unavailable")
    change = level.changes["13w"]
    key = "rising" if change > band else "falling" if change < -band else "steady"
    week = level.changes.get("1w")
    week_move = None if week is None or abs(week) < RATE_WEEK_MOVE else ("up" if week > 0 else "down")
    return Choice(key, {"level": level, "week_move": week_move})


def _sectors(m: WeeklyMetrics, tech: str | None, sectors: list[str]) -> Choice:
    ranked = sorted(((t, r["13w"]) for t, r in m.relative_to_large.items()
                     if t in sectors and r.get("13w") is not None),
                    key=lambda item: item[1], reverse=True)
    if not ranked:
        return Choice("unavailable")
    tech_rel = m.relative_to_large.get(tech, {}).get("13w") if tech else None
    if tech_rel is None:
        return Choice("no_tech", {"ranked": ranked, "leader": ranked[0], "laggard": ranked[-1]})
    key = "tech_leading" if tech_rel > 0 else "tech_lagging"
    return Choice(key, {"ranked": ranked, "leader": ranked[0], "laggard": ranked[-1], "tech": tech_rel,
                        "tech_ticker": tech})


def _policy(m: WeeklyMetrics, short_yield: str | None, band: float) -> Choice:
    level = m.levels.get(short_yield) if short_yield else None
    if level is None or level.changes.get("13w") is None:
        return Choice("unavailable")
    change = level.changes["13w"]
    key = "easing" if change < -band else "tightening" if change > band else "on_hold"
    return Choice(key, {"level": level})


def _junk(m: WeeklyMetrics) -> Choice:
    credit, quality = m.ratios.get("credit"), m.ratios.get("quality")
    if credit is None and quality is None:
        return Choice("unavailable")
    credit_up = credit is not None and (credit.momentum.get("13w") or 0) > 0
    junk_up = quality is not None and (quality.momentum.get("13w") or 0) > 0
    key = {(True, True): "risk_on", (False, False): "risk_off", (True, False): "credit_only"}.get(
        (credit_up, junk_up), "junk_only")
    if credit is None or quality is None:
        key = "one_signal"
    return Choice(key, {"credit": credit, "quality": quality})


def _risks(m: WeeklyMetrics, risk_settings) -> Choice:
    r = m.risk
    if r.vix_level is None and r.fx_level is None:
        return Choice("unavailable")
    if r.yen_rally:
        key = "yen_rally"
    elif r.vix_level is not None and r.vix_level >= risk_settings.vix_stressed:
        key = "stressed"
    elif r.vix_level is not None and r.vix_level < risk_settings.vix_calm:
        key = "complacent"
    else:
        key = "normal"
    return Choice(key, {"r": r})


def _positioning(m: WeeklyMetrics) -> Choice:
    return Choice(m.stance.key, {"stance": m.stance, "false_move_risk": m.stance.false_move_risk,
                                 "flag_texts": [FLAG_TEXT[f] for f in m.stance.risk_flags]})


def write_commentary(m: WeeklyMetrics, settings) -> Commentary:
    t = settings.tickers
    band = settings.stance.rate_band
    week = _week(m, settings.stance.flat_band)
    return Commentary(
        headline=_headline(m, week), week=week, gap=_gap(m), reference_high=_reference_high(m),
        narrowness=_narrowness(m), breadth=_breadth(m), trend=_trend(m), momentum=_momentum(m),
        breakouts=_breakouts(m), rates=_rates(m, t.long_yield, band), sensitivity=_sensitivity(m),
        sectors=_sectors(m, t.tech_sector or t.tech, t.sectors), quadrant=_quadrant(m),
        policy=_policy(m, t.short_yield, band), analogue=_analogue(m), junk=_junk(m),
        risks=_risks(m, settings.risk), stretch=_stretch(m, settings.risk), positioning=_positioning(m),
        signals=_signals(m), history=_history(m),
    )
