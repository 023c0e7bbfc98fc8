"""Rates: the policy backdrop, the 10-year yield's trend and week, and how the pair has moved with yields."""

from __future__ import annotations

from generator.commentary.claims import Fact, Paragraph, Sentence, at_least, at_most, less_than, more_than, within
from generator.commentary.headline import CRASH_GAP
from generator.commentary.rules import _Rules
from generator.commentary.sections.policy import BACKDROP_READS, bill_reversal, regime_claims, regime_key
from generator.metrics.regime import FEAR, RATE_MOVE, RATE_SPREAD, UNEASY, all_but

# A one-week yield move at least this large (7 bp) is worth its own sentence.
RATE_WEEK_MOVE = 0.0007
# |correlation| of weekly relative returns with yield changes: below WEAK it is noise, above STRONG it leads the story.
CORR_WEAK, CORR_STRONG = 0.15, 0.3
# A small-cap week this bad makes a fall in yields a flight to safety.
FLIGHT_DROP = 0.04
# Small caps this far behind over 13 weeks have "been kept behind".
LAGGING = 0.02


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, band, ly = r.m, r.settings.stance.rate_band, r.t.long_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("rates", key, subjects, facts, claims, **x)  # noqa
    first = [say("why_rates", "rates", optional=3)]
    regime = m.events.regime
    if regime is not None:
        reversal = bill_reversal(r)
        key = "hiking_reversal" if reversal else regime_key(regime)
        # In a week of fear, bill yields at zero or falling this week say less about policy: other words. In a week
        # the 10-year drove the pair, steady short rates are still "a backdrop", but the cost of money is the story.
        variant = "_fear" if r.fear() and key in ("hiking_reversal", "cut_to_zero") else \
            "_rate_move" if r.regime == "rate_move" and key == "on_hold" else ""
        fits = FEAR if variant == "_fear" else ("rate_move",) if variant else BACKDROP_READS.get(key, ())
        first.append(say(f"backdrop_{key}{variant}", ("rates", "policy"), (), regime_claims(regime) + reversal,
                         regimes=fits))
    level = m.levels.get(ly) if ly else None
    paragraphs = []
    if level is None or level.changes.get("13w") is None:
        paragraphs.append(tuple(first))
        # housekeeping: no yield series at all, or too short a one for its thirteen-week change
        paragraphs.append((say("rates_unavailable" if level is None else "rates_short_history", "rates",
                               kind="note"),))
    else:
        path = f"levels.{ly}"
        facts = (Fact("level", f"{path}.value", ly, "yield"), Fact("change", f"{path}.changes.13w", ly, "bp"),
                 Fact("week", f"{path}.changes.1w", ly, "bp"))
        change = level.changes["13w"]
        if change > band:
            trend, trend_claim = "rising", more_than(f"{path}.changes.13w", band, ly, "13w")
        elif change < -band:
            trend, trend_claim = "falling", less_than(f"{path}.changes.13w", -band, ly, "13w")
        else:
            trend, trend_claim = "steady", within(f"{path}.changes.13w", band + 1e-12, ly, "13w")
        # When small caps have done better in weeks of rising yields, a rise is not "a headwind" for them.
        sens = m.rate_sensitivity
        growth = sens is not None and sens.correlation is not None and sens.correlation >= CORR_STRONG
        growth_claim = at_least("rate_sensitivity.correlation", CORR_STRONG, "rates", "link")
        # With short rates at zero the cost of money is not the story (the sentence before says so): the
        # 10-year's moves read as growth expectations, not as pressure on borrowers.
        zero = regime is not None and regime_key(regime) in ("zero", "cut_to_zero")
        zero_claims = regime_claims(regime) if zero else []
        if trend == "rising" and growth:
            first.append(say("ten_rising_growth", (ly, "rates"), facts, [trend_claim, growth_claim]))
        elif zero and trend != "steady":
            first.append(say(f"ten_{trend}_zero", (ly, "policy"), facts, [trend_claim] + zero_claims))
        else:
            first.append(say(f"ten_{trend}", ly, facts, [trend_claim]))
        week = level.changes.get("1w")
        small_week = m.returns[r.small].get("1w")
        rout = (small_week is not None and small_week <= -FLIGHT_DROP) or (
            m.spread.get("1w") is not None and m.spread["1w"] <= -CRASH_GAP)
        if week is not None and abs(week) >= RATE_WEEK_MOVE:
            # The week's move is read against the quarter's trend: a rise after a fall is pressure returning,
            # a rise in a rising quarter adds to it; a fall in a rising quarter is only a pause. In a small-cap
            # rout, falling yields are a flight to safety, not relief; at zero rates, no word on pressure.
            if week < 0:
                move = at_most(f"{path}.changes.1w", -RATE_WEEK_MOVE, ly, "1w")
                if rout:
                    # falling yields in a week small caps fell hard or trailed: no relief for them
                    pair = f"{r.small}-{r.large}"
                    worst = small_week is not None and small_week <= -FLIGHT_DROP
                    # "as investors ran for safety" only in a week of fear or a VIX high for its year; otherwise the
                    # figures alone (small caps fell hard with yields: cheaper money was no help)
                    flight = worst and r.regime in UNEASY
                    first.append(say("ten_week_down_flight" if flight else "ten_week_down_small_fell" if worst
                                     else "ten_week_down_no_relief", (ly, r.small, pair),
                                     facts + (r.ret(r.small, "1w", "small"), Fact("spread", "spread.1w", pair, "pct")),
                                     [move, at_most(f"returns.{r.small}.1w", -FLIGHT_DROP, r.small, "week") if worst
                                      else at_most("spread.1w", -CRASH_GAP, pair, "week")],
                                     regimes=UNEASY if flight else ()))
                elif zero or (r.fear() and trend != "rising"):
                    # at zero rates, or in a week of fear, a falling yield is not easier borrowing: the figure alone
                    first.append(say("ten_week_down_plain", ly, facts, [move]))
                else:
                    # "small caps are usually the first to notice when borrowing costs ease": not in a week of fear
                    first.append(say(f"ten_week_down_{trend}", ly, facts, [move, trend_claim],
                                     regimes=all_but(*FEAR) if trend != "rising" else ()))
            elif zero and not growth:
                first.append(say("ten_week_up_growth", ly, facts,
                                 [at_least(f"{path}.changes.1w", RATE_WEEK_MOVE, ly, "1w")]))
            else:
                move = at_least(f"{path}.changes.1w", RATE_WEEK_MOVE, ly, "1w")
                if growth:
                    first.append(say("ten_week_up_growth", (ly, "rates"), facts, [move, growth_claim]))
                else:
                    first.append(say(f"ten_week_up_{trend}", ly, facts, [move, trend_claim]))
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
            lagging = m.spread.get("13w") is not None and m.spread["13w"] <= -LAGGING
            pair = f"{r.small}-{r.large}"
            if r.regime == "rate_move":
                # "yields have not been the driver" is false in a week the 10-year moved 25 bp and the pair 2 points
                paragraphs.append((_unrelated_this_week(r, say, facts, c),))
            else:
                paragraphs.append((say("unrelated_lagging" if lagging else "unrelated", ("rates", pair),
                                       facts + ((Fact("q", "spread.13w", pair, "pct"),) if lagging else ()),
                                       [within(c, CORR_WEAK, "rates", "link")]
                                       + ([at_most("spread.13w", -LAGGING, pair, "13w")] if lagging else []),
                                       regimes=all_but("rate_move")),))  # "yields have not been the driver"
        else:
            paragraphs.append((say("loose", "rates", facts, [within(c, CORR_STRONG, "rates", "link")]),))
    return tuple(paragraphs)


def _unrelated_this_week(r: _Rules, say, facts, c: str) -> Sentence:
    """The year's loose link between yields and the pair, and this week's exception (a rate_move week)."""
    ly, pair = r.t.long_yield, f"{r.small}-{r.large}"
    week, spread = r.m.levels[ly].changes["1w"], r.m.spread["1w"]
    path = f"levels.{ly}.changes.1w"
    return say("unrelated_this_week", ("rates", ly, pair),
               facts + (Fact("move", path, ly, "bp", "abs"), Fact("gap", "spread.1w", pair, "pct", "abs")),
               [within(c, CORR_WEAK, "rates", "link"),
                at_least(path, RATE_MOVE, ly, "1w") if week > 0 else at_most(path, -RATE_MOVE, ly, "1w"),
                at_least("spread.1w", RATE_SPREAD, pair, "week") if spread > 0
                else at_most("spread.1w", -RATE_SPREAD, pair, "week")],
               regimes=("rate_move",), yield_side="up" if week > 0 else "down",
               pair_side="ahead" if spread > 0 else "behind")
