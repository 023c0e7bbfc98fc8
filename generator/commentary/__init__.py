"""Commentary rules: metrics in, declared sentences out. No I/O, no wording.

Each section is a tuple of paragraphs, each a tuple of `Sentence`s (see
claims.py): which words template says it, the figures it quotes (paths into
metrics.json) and what it claims about them. The words live in
templates/words/, so a writer can reword a sentence without touching code;
what a sentence *claims* is decided here, where the fact-check can verify it
(generator/commentary/factcheck.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_least, at_most, exceeds, is_,
                                         is_not, less_than, more_than, negative, positive, sign_of, within)
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
SECTIONS = ("divergence", "rates", "long-view", "sectors", "sectors-map", "policy", "junk", "risks", "positioning")


@dataclass(frozen=True)
class Commentary:
    headline: Sentence
    standfirst: Paragraph
    headings: Mapping[str, Sentence]
    sections: Mapping[str, tuple[Paragraph, ...]]
    ranked: tuple[tuple[str, float], ...] = ()   # sectors by 13-week return relative to large caps
    keys: Mapping[str, Any] = field(default_factory=dict)


class _Rules:
    """Names and paths shared by every rule of one issue."""

    def __init__(self, m: WeeklyMetrics, settings):
        self.m, self.settings = m, settings
        self.small, self.large = m.small, m.large
        self.pair = f"{m.small}/{m.large}"
        self.t = settings.tickers

    def say(self, section: str, key: str, subjects, facts=(), claims=(), *, relationship: bool = False,
            **extra) -> Sentence:
        subjects = (subjects,) if isinstance(subjects, str) else tuple(subjects)
        flat: list[Claim] = []
        for c in claims:
            flat.extend(c if isinstance(c, tuple) else (c,))
        return Sentence(section, key, subjects, tuple(facts), tuple(flat), extra, relationship)

    def ret(self, ticker: str, period: str, name: str | None = None) -> Fact:
        return Fact(name or f"{ticker}_{period}", f"returns.{ticker}.{period}", ticker, "pct")


# --- headline and standfirst -------------------------------------------------------------------------

def _headline(r: _Rules) -> Sentence:
    m, s = r.m, r.m.stance
    spread = m.spread.get("1w") or 0.0
    pair, small = r.pair, r.small
    say = lambda key, *claims: r.say("headline", key, (pair, small, "stance"), claims=claims)  # noqa: E731
    if spread >= SURGE and s.key == "lean_further":
        return say("surge_in_trend", at_least("spread.1w", SURGE, pair, "week"),
                   at_least("events.previous_spread", SURGE, pair, "week"), positive(f"returns.{small}.1w", small, "week"),
                   positive("ratio.momentum.13w", pair, "trend"))
    if spread >= SURGE:
        return say("surge_question", at_least("spread.1w", SURGE, pair, "week"),
                   positive(f"returns.{small}.1w", small, "week"))
    if spread <= -SURGE and s.key != "stay_large":
        return say("setback_question", at_most("spread.1w", -SURGE, pair, "week"),
                   is_not("stance.key", "stay_large", "stance", "stance"))
    if s.key == "lean_further" and not s.false_move_risk:
        return say("small_trend", is_("stance.key", "lean_further", "stance", "stance"),
                   positive("ratio.distance_from_sma_long", pair, "trend"))
    if s.key == "lean_further":
        return say("small_trend_question", is_("stance.key", "lean_further", "stance", "stance"))
    if s.key == "stay_large" and s.score <= -3 and (m.spread.get("1w") or 0) < r.settings.stance.flat_band:
        return say("large_trend", is_("stance.key", "stay_large", "stance", "stance"),
                   at_most("stance.score", -3, "stance", "stance"))
    if s.key != "stay_large" or spread >= r.settings.stance.flat_band:
        return say("turning_question")
    return say("mixed_question", negative("ratio.momentum.52w", pair, "momentum 52w"))


def _standfirst(r: _Rules) -> Paragraph:
    m, band = r.m, r.settings.stance.flat_band
    pair = f"{r.small}-{r.large}"
    spread = m.spread.get("1w")
    facts = (Fact("spread", "spread.1w", pair, "pct"),)
    out = []
    if spread is None:
        out.append(r.say("lede", "week_unknown", pair))
    elif spread >= band:
        out.append(r.say("lede", "week_beat", pair, facts, [at_least("spread.1w", band, pair, "week")]))
    elif spread <= -band:
        out.append(r.say("lede", "week_trailed", pair, facts, [at_most("spread.1w", -band, pair, "week", -1)]))
    else:
        out.append(r.say("lede", "week_level", pair, facts, [within("spread.1w", band, pair, "week")]))
    key = m.stance.key
    stance = "stance"
    if key == "stay_large":
        tail = "rally" if spread is not None and spread >= band else "slump" if spread is not None and spread <= -band \
            else "plain"
        out.append(r.say("lede", f"rules_large_{tail}", stance, claims=[is_("stance.key", "stay_large", stance,
                                                                                    "stance")]))
    elif key == "start_lean":
        out.append(r.say("lede", "rules_turned", stance,
                         claims=[is_("stance.key", "start_lean", stance, "stance"),
                                 less_than("stance.record.weeks_unchanged", r.settings.stance.history_weeks, stance,
                                           "stance", 0)]))
    else:
        out.append(r.say("lede", "rules_small", stance, claims=[at_least("stance.score", 3, stance, "stance")]))
    return tuple(out)


# --- the gap ---------------------------------------------------------------------------------------------

def _divergence(r: _Rules) -> tuple[Paragraph, ...]:
    m, band = r.m, r.settings.stance.flat_band
    small, large, pair = r.small, r.large, f"{r.small}-{r.large}"
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("divergence", key, subjects, facts, claims, **x)  # noqa
    week = []
    spread = m.spread.get("1w")
    rets = (r.ret(small, "1w", "small"), r.ret(large, "1w", "large"))
    subjects = (pair, small, large)
    if spread is None:
        week.append(say("week_unknown", pair))
    else:
        s1, l1 = m.returns[small]["1w"], m.returns[large]["1w"]
        if spread >= band and l1 >= 0:
            week.append(say("week_rally_up", subjects, rets, [at_least("spread.1w", band, pair, "week"),
                                                                 positive(f"returns.{small}.1w", small, "week")]))
        elif spread >= band and s1 >= 0:
            week.append(say("week_rally_against", subjects, rets, [
                at_least("spread.1w", band, pair, "week"), at_least(f"returns.{small}.1w", 0, small, "week"),
                negative(f"returns.{large}.1w", large, "week")]))
        elif spread >= band:
            week.append(say("week_rally_down", subjects, rets, [
                at_least("spread.1w", band, pair, "week"), negative(f"returns.{large}.1w", large, "week")]))
        elif spread <= -band and l1 < 0:
            week.append(say("week_slump_down", subjects, rets, [
                at_most("spread.1w", -band, pair, "week"), negative(f"returns.{large}.1w", large, "week"),
                negative(f"returns.{small}.1w", small, "week")]))
        elif spread <= -band:
            week.append(say("week_slump_up", subjects, rets, [
                at_most("spread.1w", -band, pair, "week"), negative("events.previous_spread", pair, "week"),
                at_least(f"returns.{large}.1w", 0, large, "week")]))
        else:
            week.append(say("week_flat", subjects, rets, [within("spread.1w", band, pair, "week")]))
    if m.spread.get("13w") is not None:
        week.append(say("spread_13w", pair, (Fact("q", "spread.13w", pair, "pct"),
                                            Fact("ytd", "spread.ytd", pair, "pct"))))
    paragraphs = [tuple(week)]

    three = m.spread.get("3y")
    ret3 = (r.ret(small, "3y", "small"), r.ret(large, "3y", "large"), Fact("gap", "spread.3y", pair, "pct"))
    if three is None:
        paragraphs.append((say("gap_short_history", pair, (Fact("one_year", "spread.52w", pair, "pct"),)),))
    elif three <= -0.25:
        gap = [say("gap_wide", (pair, small, large), ret3, [at_most("spread.3y", -0.25, pair, "long run")])]
        if spread is not None and spread >= band:
            gap.append(say("gap_one_week", pair, claims=[at_least("spread.1w", band, pair, "week")]))
        paragraphs.append(tuple(gap))
    elif three < 0:
        paragraphs.append((say("gap_moderate", (pair, small, large), ret3,
                               [negative("spread.3y", pair, "long run")]),))
    else:
        paragraphs.append((say("gap_small_ahead", (pair, small, large), ret3,
                               [at_least("spread.3y", 0, pair, "long run")]),))

    ref = m.reference_high
    if ref is not None:
        facts = (Fact("price", "reference_high.price", small, "level"),
                 Fact("distance", "reference_high.distance", small, "pct"),
                 Fact("year", "reference_high.year", small, "year"),
                 Fact("high", "reference_high.high", small, "level"),
                 Fact("high_date", "reference_high.high_date", small, "date"))
        if ref.distance < 0:
            paragraphs.append((say("ref_below", small, facts, [negative("reference_high.distance", small, "price")]),
                               say("large_new_highs", large, claims=[
                                   at_least("events.large_from_high", -0.05, large, "price", +1)])))
        else:
            paragraphs.append((say("ref_above", small, facts, [at_least("reference_high.distance", 0, small,
                                                                        "price")]),))

    trend = m.ratios.get("narrowness")
    if trend is not None and trend.momentum.get("13w") is not None:
        ew, den = trend.numerator, trend.denominator
        facts = (Fact("move", "ratios.narrowness.momentum.13w", ew, "pct"),)
        if trend.momentum["13w"] < 0:
            paragraphs.append((say("narrow", (ew, den), facts, [negative("ratios.narrowness.momentum.13w", ew,
                                                                         "relative"),
                                                                positive(f"returns.{den}.13w", den, "trend")],
                                   ew=ew, den=den),))
        else:
            paragraphs.append((say("broadening", (ew, den), facts, [at_least("ratios.narrowness.momentum.13w", 0, ew,
                                                                             "relative")], ew=ew, den=den),))

    paragraphs.append(_breadth(r))
    return tuple(paragraphs)


def _breadth(r: _Rules) -> Paragraph:
    b = r.m.breadth
    say = lambda key, facts=(), claims=(), **x: r.say("divergence", key, "breadth", facts, claims, **x)  # noqa
    if b is None:
        return (say("breadth_unavailable"),)
    counts = (Fact("members", "breadth.members", "breadth", "count"),
              Fact("highs", "breadth.new_highs", "breadth", "count"),
              Fact("lows", "breadth.new_lows", "breadth", "count"))
    if b.share_below is None:
        return (say("breadth_highs_lows", counts),)
    facts = counts + (Fact("year", "breadth.reference_year", "breadth", "year"),
                      Fact("below", "breadth.below_reference_high", "breadth", "count"),
                      Fact("share", "breadth.share_below", "breadth", "pct"),
                      Fact("before", "breadth.share_below_4w_ago", "breadth", "pct"))
    change = b.share_below - b.share_below_4w_ago if b.share_below_4w_ago is not None else 0.0
    trend = "improving" if change < -BREADTH_BAND else "worsening" if change > BREADTH_BAND else "unchanged"
    level = "most_below" if b.share_below >= 0.5 else "most_recovered"
    claims = [at_least("breadth.share_below", 0.5, "breadth", "level", -1) if level == "most_below"
              else less_than("breadth.share_below", 0.5, "breadth", "level", +1)]
    if trend == "improving":
        claims.append(Claim("breadth.share_below", "<", None, "breadth", "change", +1, "breadth.share_below_4w_ago"))
    elif trend == "worsening":
        claims.append(Claim("breadth.share_below", ">", None, "breadth", "change", -1, "breadth.share_below_4w_ago"))
    return (say(f"breadth_{level}_{trend}", facts, claims), say("breadth_highs_lows_week", counts))


# --- rates -----------------------------------------------------------------------------------------------

def _rates(r: _Rules) -> tuple[Paragraph, ...]:
    m, band, ly = r.m, r.settings.stance.rate_band, r.t.long_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("rates", key, subjects, facts, claims, **x)  # noqa
    first = [say("why_rates", "rates"), say("weakest", "rates")]
    level = m.levels.get(ly) if ly else None
    paragraphs = []
    if level is None or level.changes.get("13w") is None:
        paragraphs.append(tuple(first))
        paragraphs.append((say("rates_unavailable", "rates"),))
    else:
        path = f"levels.{ly}"
        facts = (Fact("level", f"{path}.value", ly, "yield"), Fact("change", f"{path}.changes.13w", ly, "bp"),
                 Fact("week", f"{path}.changes.1w", ly, "bp"))
        change = level.changes["13w"]
        if change > band:
            first.append(say("ten_rising", ly, facts, [more_than(f"{path}.changes.13w", band, ly, "13w")]))
        elif change < -band:
            first.append(say("ten_falling", ly, facts, [less_than(f"{path}.changes.13w", -band, ly, "13w")]))
        else:
            first.append(say("ten_steady", ly, facts, [within(f"{path}.changes.13w", band + 1e-12, ly, "13w")]))
        week = level.changes.get("1w")
        if week is not None and abs(week) >= RATE_WEEK_MOVE:
            if week < 0:
                first.append(say("ten_week_down", ly, facts, [at_most(f"{path}.changes.1w", -RATE_WEEK_MOVE, ly,
                                                                      "1w")]))
            else:
                first.append(say("ten_week_up", ly, facts, [at_least(f"{path}.changes.1w", RATE_WEEK_MOVE, ly,
                                                                     "1w")]))
        paragraphs.append(tuple(first))
    s = m.rate_sensitivity
    if s is not None and s.correlation is not None:
        facts = (Fact("corr", "rate_sensitivity.correlation", "rates", "level"),
                 Fact("weeks", "rate_sensitivity.observations", "rates", "count"),
                 Fact("beta", "rate_sensitivity.beta_per_100bp", "rates", "pct"))
        c = "rate_sensitivity.correlation"
        if s.correlation <= -CORR_STRONG:
            paragraphs.append((say("hurt_by_rising", "rates", facts, [at_most(c, -CORR_STRONG, "rates", "link")],
                                   relationship=True),))
        elif s.correlation >= CORR_STRONG:
            paragraphs.append((say("helped_by_rising", "rates", facts, [at_least(c, CORR_STRONG, "rates", "link")],
                                   relationship=True),))
        elif abs(s.correlation) < CORR_WEAK:
            paragraphs.append((say("unrelated", "rates", facts, [within(c, CORR_WEAK, "rates", "link")]),))
        else:
            paragraphs.append((say("loose", "rates", facts, [within(c, CORR_STRONG, "rates", "link")]),))
    return tuple(paragraphs)


# --- the long view --------------------------------------------------------------------------------------

def _long_view_heading(r: _Rules) -> Sentence:
    return r.say("long-view", "heading", r.pair, (Fact("years", "ratio.years_since_peak", r.pair, "years"),))


def _long_view(r: _Rules) -> tuple[Paragraph, ...]:
    m, pair = r.m, r.pair
    say = lambda key, subjects=pair, facts=(), claims=(), **x: r.say("long-view", key, subjects, facts, claims, **x)  # noqa
    ratio = m.ratio
    peak = (Fact("peak", "ratio.peak_value", pair, "level"), Fact("peak_date", "ratio.peak_date", pair, "date"),
            Fact("years", "ratio.years_since_peak", pair, "years"), Fact("value", "ratio.value", pair, "level"),
            Fact("drawdown", "ratio.drawdown_from_peak", pair, "pct"))
    first = [say("peak", pair, peak)]
    if ratio.years_since_peak >= 1:
        first.append(say("peak_age", pair, peak, [at_least("ratio.years_since_peak", 1, pair, "age", 0)]))
        if ratio.drawdown_from_peak < -0.25:
            first.append(say("peak_far", pair, peak, [less_than("ratio.drawdown_from_peak", -0.25, pair, "peak"),
                                                       is_("breakouts.current", None, pair, "current breakout", -1)]))
        else:
            first.append(say("peak_near", pair, peak, [at_least("ratio.drawdown_from_peak", -0.25, pair, "peak", +1),
                                                        at_most("ratio.drawdown_from_peak", 0, pair, "peak")]))
    else:
        first.append(say("peak_recent", pair, peak, [less_than("ratio.years_since_peak", 1, pair, "age", 0),
                                                      at_most("ratio.drawdown_from_peak", 0, pair, "peak")]))
    paragraphs = [tuple(first)]

    second = []
    dist = (Fact("distance", "ratio.distance_from_sma_long", pair, "pct"),)
    if ratio.sma_long is None:
        second.append(say("trend_short_history"))
    elif ratio.value > ratio.sma_long and ratio.sma_short is not None and ratio.sma_short > ratio.sma_long:
        second.append(say("trend_above_both", pair, dist, [positive("ratio.distance_from_sma_long", pair, "trend"),
                                                           exceeds("ratio.sma_short", "ratio.sma_long", pair,
                                                                   "averages")]))
    elif ratio.value > ratio.sma_long:
        second.append(say("trend_above_long", pair, dist, [positive("ratio.distance_from_sma_long", pair, "trend"),
                                                           Claim("ratio.sma_short", "<=", None, pair, "averages", -1,
                                                                 "ratio.sma_long")]))
    else:
        second.append(say("trend_below_long", pair, dist, [at_most("ratio.distance_from_sma_long", 0, pair,
                                                                   "trend")]))
    known = {k: v for k, v in ratio.momentum.items() if v is not None}
    if known:
        ups = sum(v > 0 for v in known.values())
        shortest = f"{min(int(k[:-1]) for k in ratio.momentum)}w"
        if ups == len(known):
            second.append(say("momentum_all_up", pair, (), [positive(f"ratio.momentum.{k}", pair, f"momentum {k}")
                                                            for k in known]))
        elif ups == 0:
            second.append(say("momentum_all_down", pair, (), [at_most(f"ratio.momentum.{k}", 0, pair, f"momentum {k}")
                                                              for k in known]))
        else:
            short = ratio.momentum.get(shortest)
            key = "momentum_short_up" if short is not None and short > 0 else "momentum_short_down"
            second.append(say(key, pair, (Fact("ups", "ratio.momentum_up", pair, "count"),
                                          Fact("n", "ratio.momentum_known", pair, "count")),
                              [sign_of(f"ratio.momentum.{shortest}", short, pair, f"momentum {shortest}"),
                               at_least("ratio.momentum_up", 1, pair, "momentum count", +1),
                               is_("ratio.momentum_up", ups, pair, "momentum count")]))
    paragraphs.append(tuple(second))

    b = m.breakouts
    failed, sustained = len(b.failed), len(b.sustained)
    counts = (Fact("failed", "breakouts.failed_count", pair, "count"),
              Fact("sustained", "breakouts.sustained_count", pair, "count"),
              Fact("total", "breakouts.episodes", pair, "count"),
              Fact("limit", "breakouts.limit_weeks", pair, "count"))
    if b.current is not None:
        paragraphs.append((say("breakout_in_progress", pair, counts + (Fact("start", "breakouts.current.start", pair,
                                                                             "date"),),
                               [positive("ratio.distance_from_sma_long", pair, "trend"),
                                at_least("breakouts.failed_count", 1, pair, "failed breakouts", -1)]),))
    elif b.failed:
        last = f"breakouts.failed.{failed - 1}"
        paragraphs.append((say("breakouts_failed", pair,
                               counts + (Fact("start", f"{last}.start", pair, "date"),
                                         Fact("excess", f"{last}.peak_excess", pair, "pct")),
                               [at_least("breakouts.failed_count", 1, pair, "breakouts", 0),
                                positive(f"{last}.peak_excess", pair, "failed breakout")]),))
    else:
        paragraphs.append((say("breakouts_none", pair, (), [is_("breakouts.failed_count", 0, pair, "breakouts")]),))
    return tuple(paragraphs)


# --- sectors ---------------------------------------------------------------------------------------------

def _sectors(r: _Rules) -> tuple[tuple[Paragraph, ...], tuple[Paragraph, ...], tuple[tuple[str, float], ...]]:
    m, large = r.m, r.large
    tech = r.t.tech_sector or r.t.tech
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("sectors", key, subjects, facts, claims, **x)  # noqa
    ranked = tuple(sorted(((t, v["13w"]) for t, v in m.relative_to_large.items()
                           if t in r.t.sectors and v.get("13w") is not None), key=lambda item: item[1], reverse=True))
    first = [say("why_sectors", "sectors")]
    paragraphs = []
    if not ranked:
        paragraphs.append(tuple(first))
        paragraphs.append((say("sectors_unavailable", "sectors"),))
        return tuple(paragraphs), (), ranked
    tech_rel = m.relative_to_large.get(tech, {}).get("13w") if tech else None
    if tech_rel is not None:
        facts = (Fact("tech", f"relative_to_large.{tech}.13w", tech, "pct"),)
        if tech_rel > 0:
            first.append(say("tech_leading", ("sectors", tech, large), facts, [positive(f"relative_to_large.{tech}.13w", tech,
                                                                             "relative")], tech=tech))
        else:
            first.append(say("tech_lagging", ("sectors", tech, large), facts, [at_most(f"relative_to_large.{tech}.13w", 0, tech,
                                                                            "relative")], tech=tech))
    leader, laggard = ranked[0][0], ranked[-1][0]
    first.append(say("leader_laggard", ("sectors", leader, laggard),
                     (Fact("leader", f"relative_to_large.{leader}.13w", leader, "pct"),
                      Fact("laggard", f"relative_to_large.{laggard}.13w", laggard, "pct")),
                     [Claim(f"relative_to_large.{leader}.13w", ">=", None, leader, "rank", 0,
                            f"relative_to_large.{laggard}.13w")], leader=leader, laggard=laggard))
    paragraphs.append(tuple(first))
    lead = []
    for item in m.leadership:
        t = item.ticker
        lead.append(say("leadership", t, (Fact("q", f"leadership.{t}.13w", t, "pct"),
                                          Fact("y", f"leadership.{t}.52w", t, "pct")),
                        [sign_of(f"leadership.{t}.13w", item.momentum.get("13w"), t, "relative 13w"),
                         sign_of(f"leadership.{t}.52w", item.momentum.get("52w"), t, "relative 52w")], ticker=t))
    if lead:
        paragraphs.append(tuple(lead))
    if m.sectors:
        groups = {q: [p.ticker for p in m.sectors if p.quadrant == q]
                  for q in ("leading", "improving", "weakening", "lagging")}
        quad = [say("quadrant_intro", "sectors")]
        senses = {"leading": +1, "improving": 0, "weakening": 0, "lagging": -1}
        not_up = lambda path, subject, topic: at_most(path, 0, subject, topic)  # noqa: E731
        sides = {"leading": (positive, positive), "improving": (not_up, positive),
                 "weakening": (positive, not_up), "lagging": (not_up, not_up)}
        for q, names in groups.items():
            if names:
                trend, moving = sides[q]
                claims = []
                for t in names:
                    claims += [is_(f"sectors.{t}.quadrant", q, t, "relative", senses[q]),
                               trend(f"sectors.{t}.trend", t, "relative trend"),
                               moving(f"sectors.{t}.momentum", t, "relative 4w")]
                quad.append(say(f"quadrant_{q}", tuple(names), (), claims, names=names))
        return tuple(paragraphs), (tuple(quad),), ranked
    return tuple(paragraphs), (), ranked


# --- policy ----------------------------------------------------------------------------------------------

def _policy_heading(r: _Rules) -> Sentence:
    sy = r.t.short_yield
    claims = [at_least(f"levels.{sy}.value", 0.035, sy, "level", 0)] if sy and sy in r.m.levels else []
    return r.say("policy", "heading_higher_for_longer", sy or "policy", claims=claims)


def _policy(r: _Rules) -> tuple[Paragraph, ...]:
    m, band, sy = r.m, r.settings.stance.rate_band, r.t.short_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("policy", key, subjects, facts, claims, **x)  # noqa
    level = m.levels.get(sy) if sy else None
    paragraphs = []
    if level is None or level.changes.get("13w") is None:
        paragraphs.append((say("policy_unavailable", "policy"),))
    else:
        path = f"levels.{sy}"
        facts = (Fact("level", f"{path}.value", sy, "yield"), Fact("change", f"{path}.changes.13w", sy, "bp"))
        first = [say("bill_level", sy, facts)]
        change = level.changes["13w"]
        if change < -band:
            first.append(say("bill_easing", sy, facts, [less_than(f"{path}.changes.13w", -band, sy, "13w")]))
        elif change > band:
            first.append(say("bill_tightening", sy, facts, [more_than(f"{path}.changes.13w", band, sy, "13w")]))
        else:
            first.append(say("bill_on_hold", sy, facts, [within(f"{path}.changes.13w", band + 1e-12, sy, "13w"),
                                                          is_("events.regime.key", "on_hold", sy, "regime")]))
        paragraphs.append(tuple(first))
    if m.analogue is not None:
        paragraphs.append((say("analogue", r.pair, (
            Fact("low_date", "analogue.low_date", r.pair, "date"), Fact("high_date", "analogue.high_date", r.pair, "date"),
            Fact("run", "analogue.run", r.pair, "pct"), Fact("weeks", "analogue.weeks", r.pair, "count")),
            [positive("analogue.run", r.pair, "analogue")]),))
    return tuple(paragraphs)


# --- junk ------------------------------------------------------------------------------------------------

def _junk(r: _Rules) -> tuple[Paragraph, ...]:
    m = r.m
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("junk", key, subjects, facts, claims, **x)  # noqa
    credit, quality = m.ratios.get("credit"), m.ratios.get("quality")
    if credit is None and quality is None:
        return ((say("junk_unavailable", "junk"),),)
    out = [say("why_junk", "junk")]
    credit_up = credit is not None and (credit.momentum.get("13w") or 0) > 0
    junk_up = quality is not None and (quality.momentum.get("13w") or 0) > 0
    if credit is not None:
        v = credit.momentum.get("13w")
        out.append(say("credit", credit.numerator, (Fact("move", "ratios.credit.momentum.13w", credit.numerator,
                                                         "pct"),),
                       [sign_of("ratios.credit.momentum.13w", v, credit.numerator, "credit")],
                       num=credit.numerator, den=credit.denominator, sense=_sense(v)))
    if quality is not None:
        v = quality.momentum.get("13w")
        out.append(say("quality", quality.numerator, (Fact("move", "ratios.quality.momentum.13w",
                                                           quality.numerator, "pct"),),
                       [sign_of("ratios.quality.momentum.13w", v, quality.numerator, "junk")],
                       num=quality.numerator, den=quality.denominator, sense=_sense(v)))
    if credit is None or quality is None:
        pass
    else:
        key = {(True, True): "risk_on", (False, False): "risk_off", (True, False): "credit_only"}.get(
            (credit_up, junk_up), "junk_only")
        cc = positive if credit_up else (lambda p, s, t: at_most(p, 0, s, t))
        jc = positive if junk_up else (lambda p, s, t: at_most(p, 0, s, t))
        out.append(say(f"junk_{key}", ("junk", credit.numerator, quality.numerator), (),
                       [cc("ratios.credit.momentum.13w", credit.numerator, "credit"),
                        jc("ratios.quality.momentum.13w", quality.numerator, "junk")]))
    return (tuple(out),)


def _sense(v: float | None) -> str:
    return "flat" if not v else "up" if v > 0 else "down"


# --- risks -----------------------------------------------------------------------------------------------

def _risks(r: _Rules) -> tuple[Paragraph, ...]:
    m, rs = r.m, r.settings.risk
    risk = m.risk
    vix, fx = r.t.volatility or "VIX", r.t.fx or "FX"
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    paragraphs = []
    if risk.vix_level is None and risk.fx_level is None:
        paragraphs.append((say("risks_unavailable", "risks"),))
    else:
        out = []
        vix_fact = Fact("vix", "risk.vix_level", vix, "level")
        if risk.yen_rally:
            out.append(say("yen_rally", (fx, "yen"), (Fact("move", "risk.fx_week", fx, "pct"),),
                           [at_most("risk.fx_week", rs.yen_rally_week, fx, "week"),
                            at_most("risk.fx_week", rs.yen_rally_week, "yen", "week", +1)]))
            out.append(say("carry_unwind", "carry trades"))
            key = "yen_rally"
        elif risk.vix_level is not None and risk.vix_level >= rs.vix_stressed:
            out.append(say("vix_stressed", vix, (vix_fact,), [at_least("risk.vix_level", rs.vix_stressed, vix,
                                                                       "level", +1)]))
            key = "stressed"
        elif risk.vix_level is not None and risk.vix_level < rs.vix_calm:
            out.append(say("vix_complacent", vix, (vix_fact,), [less_than("risk.vix_level", rs.vix_calm, vix,
                                                                          "level", -1)]))
            key = "complacent"
        else:
            out.append(say("nothing_alarming", ("risks", vix, fx), (), [
                is_("events.vix_spike", False, vix, "spike"),
                Claim("events.fx_from_peak", ">", rs.yen_from_peak, fx, "peak", 0),
                Claim("events.vix_high", "<", rs.vix_stressed, vix, "level", 0)]))
            key = "normal"
        if risk.vix_percentile_1y is not None:
            p = risk.vix_percentile_1y
            pf = (Fact("share", "risk.vix_percentile_1y", vix, "pct"),
                  Fact("share_lower", "risk.vix_percentile_1y", vix, "pct", "complement"), vix_fact)
            claim = at_least("risk.vix_percentile_1y", 0.5, vix, "level", +1) if p >= 0.5 else \
                less_than("risk.vix_percentile_1y", 0.5, vix, "level", -1)
            lead = "that" if key in ("stressed", "complacent") else "named"
            out.append(say(f"vix_rank_{'higher' if p >= 0.5 else 'lower'}_{lead}", vix, pf, [claim]))
        if risk.fx_level is not None and key != "yen_rally":
            out.append(say("fx_week", fx, (Fact("move", "risk.fx_week", fx, "pct"),)))
        if risk.fx_distance_200d is not None:
            d = risk.fx_distance_200d
            out.append(say("fx_trend_stretched" if d > 0.03 else "fx_trend", fx,
                           (Fact("distance", "risk.fx_distance_200d", fx, "pct"),
                            Fact("vol", "risk.fx_vol_20d", fx, "pct")),
                           [sign_of("risk.fx_distance_200d", d, fx, "trend")] +
                           ([more_than("risk.fx_distance_200d", 0.03, fx, "trend")] if d > 0.03 else []),
                           side=_sense(d)))
        paragraphs.append(tuple(out))
    if risk.small_rsi_14 is not None:
        small = r.small
        facts = (Fact("distance", "risk.small_distance_50d", small, "pct"),
                 Fact("rsi", "risk.small_rsi_14", small, "level"))
        d = risk.small_distance_50d
        side = sign_of("risk.small_distance_50d", d, small, "short run")
        if risk.stretched:
            paragraphs.append((say("stretched", small, facts, [side, is_("risk.stretched", True, small, "stretch",
                                                                         +1)], side=_sense(d)),))
        elif risk.small_rsi_14 < 100 - rs.rsi_stretched or (d is not None and d <= -rs.stretch_from_50d):
            paragraphs.append((say("oversold", small, facts, [side], side=_sense(d)),))
        else:
            paragraphs.append((say("not_stretched", small, facts, [side, is_("risk.stretched", False, small,
                                                                             "stretch")], side=_sense(d)),))
    return tuple(paragraphs)


# --- positioning -----------------------------------------------------------------------------------------

def _flag_claim(flag: str, pair: str, vix: str, rs) -> Claim | None:
    """What each false-move warning (generator.metrics.stance.FLAG_TEXT) says about the numbers."""
    return {
        "averages_not_crossed": Claim("ratio.sma_short", "<=", None, pair, "averages", -1, "ratio.sma_long"),
        "long_momentum_negative": at_most("ratio.momentum.52w", 0, pair, "momentum 52w"),
        "stretched": is_("risk.stretched", True, pair, "stretch", +1),
        "vix_stressed": at_least("risk.vix_level", rs.vix_stressed, vix, "level", +1),
        "yen_rally": is_("risk.yen_rally", True, pair, "yen"),
        "recent_failures": at_least("breakouts.failed_count", 2, pair, "breakouts", 0),
    }.get(flag)


def _positioning(r: _Rules) -> tuple[Paragraph, ...]:
    m, pair = r.m, r.pair
    s = m.stance
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("positioning", key, subjects, facts, claims, **x)  # noqa
    first = [say("stance", "stance", (Fact("score", "stance.score", "stance", "level"),
                                      Fact("max", "stance.max_score", "stance", "count")), label=s.label)]
    if s.key == "stay_large":
        first.append(say("advice_stay_large", ("stance", pair), (), [
            is_("stance.key", "stay_large", "stance", "stance"), negative("ratio.distance_from_sma_long", pair,
                                                                         "trend")]))
    elif s.key == "start_lean":
        first.append(say("advice_start_lean", "stance", (), [is_("stance.key", "start_lean", "stance", "stance")]))
    else:
        first.append(say("advice_lean_further", "stance", (), [is_("stance.key", "lean_further", "stance", "stance"),
                                                               is_("events.market_stress", False, "stance",
                                                                   "stress")]))
    weeks = m.stance_history
    if len(weeks) >= 2:
        rec = m.stance_record
        if weeks[-1].key != weeks[-2].key:
            up = ["stay_large", "start_lean", "lean_further"]
            key = "upgraded" if up.index(weeks[-1].key) > up.index(weeks[-2].key) else "downgraded"
            first.append(say(key, "stance", (), [is_("stance.record.changed_weeks_ago", 1, "stance", "change")],
                             previous=weeks[-2].label))
        elif rec.weeks_unchanged >= len(weeks):
            first.append(say("unchanged_all", "stance", (Fact("weeks", "stance.record.weeks_unchanged", "stance",
                                                              "count"),)))
        else:
            first.append(say("unchanged_run", "stance", (Fact("weeks", "stance.record.weeks_unchanged", "stance",
                                                              "count"),)))
    paragraphs = [tuple(first)]

    pro = [t.name for t in s.tests if t.points > 0]
    con = [t.name for t in s.tests if t.points < 0]
    pro_names, con_names = [TEST_NAMES[t] for t in pro], [TEST_NAMES[t] for t in con]
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
    second = [say(f"signals_{key}", "stance", (), (), pro=pro_names, con=con_names)]
    flag_texts = [FLAG_TEXT[f] for f in s.risk_flags]
    flag_claims = [c for c in (_flag_claim(f, pair, r.t.volatility or "^VIX", r.settings.risk) for f in s.risk_flags) if c is not None]
    if s.risk_level == "high":
        second.append(say("risk_high", ("stance", pair, r.t.volatility or "^VIX"), (), flag_claims, flags=flag_texts))
    elif s.risk_level == "elevated":
        second.append(say("risk_elevated", ("stance", pair, r.t.volatility or "^VIX"), (), flag_claims,
                          flags=flag_texts))
    else:
        second.append(say("risk_low", "stance", (), [is_("stance.risk_level", "low", "stance", "risk")]))
    if s.false_move_risk:
        second.append(say("false_move", "stance", (), [is_not("stance.key", "stay_large", "stance", "stance")]))
    paragraphs.append(tuple(second))
    return tuple(paragraphs)


def write_commentary(m: WeeklyMetrics, settings) -> Commentary:
    r = _Rules(m, settings)
    sectors, sector_map, ranked = _sectors(r)
    return Commentary(
        headline=_headline(r), standfirst=_standfirst(r),
        headings={"long-view": _long_view_heading(r), "policy": _policy_heading(r)},
        sections={"divergence": _divergence(r), "rates": _rates(r), "long-view": _long_view(r), "sectors": sectors, "sectors-map": sector_map,
                  "policy": _policy(r), "junk": _junk(r), "risks": _risks(r), "positioning": _positioning(r)},
        ranked=ranked,
    )
