"""Policy: the bill yield and the policy regime it implies (also the regime readings the rates and junk
sections share), and the historical analogue."""

from __future__ import annotations

from generator.commentary.claims import Claim, Fact, Paragraph, Sentence, at_least, at_most, is_, negative, positive
from generator.commentary.rules import _Rules
from generator.metrics.events import ZERO_RATE
from generator.metrics.regime import FEAR, UNEASY, all_but

# A one-week move in the bill yield this large (20 bp) is news about policy expectations.
BILL_WEEK_MOVE = 0.002

# The policy readings that a week of fear contradicts: bill yields that fall in a flight to safety say little
# about easier policy ("policy is easing", "cut to the floor", "markets expect the tightening to end"). In such a
# week the rules pick the `_fear` words instead, which say the fall may be money hiding in bills.
POLICY_READS = {"hiking_reversal": all_but(*FEAR), "cutting": all_but(*FEAR), "cut_to_zero": all_but(*FEAR)}
HEADING_READS = {"cutting": all_but(*FEAR), "cut_to_zero": all_but(*FEAR)}      # "An easing cycle"
BACKDROP_READS = {"hiking_reversal": all_but(*FEAR), "cut_to_zero": all_but(*FEAR),   # "cut to near zero"
                   "on_hold": all_but("rate_move")}       # "the cost of money is a backdrop rather than the story"


def heading(r: _Rules) -> Sentence:
    regime = r.m.events.regime
    if regime is None:
        return r.say("policy", "heading_plain", "policy")
    reversal = bill_reversal(r)
    key = "hiking_reversal" if reversal else regime_key(regime)
    fearful = r.fear() and key in HEADING_READS
    return r.say("policy", f"heading_{key}{'_fear' if fearful else ''}", "policy", (), regime_claims(regime) + reversal,
                 regimes=FEAR if fearful else HEADING_READS.get(key, ()))


def bill_reversal(r: _Rules) -> list[Claim]:
    """A hiking regime by the quarter whose bill yield fell hard this week (March 2023): its claims, or []."""
    regime, sy = r.m.events.regime, r.t.short_yield
    level = r.m.levels.get(sy) if sy else None
    week = level.changes.get("1w") if level is not None else None
    if regime is None or regime.key != "hiking" or week is None or week > -BILL_WEEK_MOVE:
        return []
    return [at_most(f"levels.{sy}.changes.1w", -BILL_WEEK_MOVE, "policy", "1w", -1)]


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, sy = r.m, r.t.short_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("policy", key, subjects, facts, claims, **x)  # noqa
    level, regime = (m.levels.get(sy) if sy else None), m.events.regime
    paragraphs = []
    if level is None or regime is None:
        paragraphs.append((say("policy_unavailable", "policy", kind="note"),))
    else:
        path = f"levels.{sy}"
        facts = (Fact("level", f"{path}.value", sy, "yield"), Fact("change", "events.regime.change_13w", sy, "bp"),
                 Fact("half", "events.regime.change_26w", sy, "bp"), Fact("week", f"{path}.changes.1w", sy, "bp"))
        first = [say("bill_level", sy, facts)]
        key = regime_key(regime)
        claims = regime_claims(regime)
        week = level.changes.get("1w")
        if key == "hiking" and week is not None and week <= -BILL_WEEK_MOVE:
            # a hiking regime by the quarter, but the bill yield fell hard this week (March 2023): say both
            # "markets have started to price an end to the tightening"; in a week of fear, maybe only a flight
            first.append(say("bill_hiking_reversal_fear" if r.fear() else "bill_hiking_reversal", (sy, "policy"),
                             facts, claims + [positive("events.regime.change_13w", sy, "change"),
                                              at_most(f"{path}.changes.1w", -BILL_WEEK_MOVE, sy, "1w")],
                             regimes=FEAR if r.fear() else POLICY_READS["hiking_reversal"]))
        elif key == "hiking":
            by_half = regime.change_13w < 0.0025
            claims.append(positive("events.regime.change_26w" if by_half else "events.regime.change_13w", sy,
                                   "change"))
            first.append(say("bill_hiking_26w" if by_half else "bill_hiking", (sy, "policy"), facts, claims))
        elif key in ("cutting", "cut_to_zero"):
            by_half = regime.change_13w > -0.0025
            claims.append(negative("events.regime.change_26w" if by_half else "events.regime.change_13w", sy,
                                   "change"))
            word = "bill_cut_to_zero" if key == "cut_to_zero" else "bill_cutting"
            if r.fear():
                # a week of fear: part of the fall may be money hiding in bills, not policy
                first.append(say("bill_falling_fear", (sy, "policy"), facts, claims, regimes=FEAR,
                                 span="26w" if by_half else "13w", zero=key == "cut_to_zero"))
            else:
                first.append(say(f"{word}_26w" if by_half else word, (sy, "policy"), facts, claims,
                                 regimes=POLICY_READS[key]))  # "policy is easing", "cut as far as it can go"
        else:
            first.append(say(f"bill_{key}", (sy, "policy"), facts, claims))
        if week is not None and abs(week) >= BILL_WEEK_MOVE and not (key == "hiking" and week < 0):
            # "as markets priced in easier (tighter) policy": not when the move may be money running into bills
            # (falling in a week of fear or a VIX high for its year) or out of them again (rising in a week of fear)
            if week > 0:
                key, fits = ("bill_week_up_plain", ()) if r.fear() else ("bill_week_up", all_but(*FEAR))
            else:
                key, fits = ("bill_week_down_fear", UNEASY) if r.regime in UNEASY else ("bill_week_down",
                                                                                       all_but(*UNEASY))
            first.append(say(key, sy, facts,
                             [at_least(f"{path}.changes.1w", BILL_WEEK_MOVE, sy, "1w") if week > 0
                              else at_most(f"{path}.changes.1w", -BILL_WEEK_MOVE, sy, "1w")], regimes=fits))
        paragraphs.append(tuple(first))
    if m.analogue is not None:
        high = regime is not None and regime_key(regime) in ("hiking", "high_hold")
        paragraphs.append((say("analogue_rates" if high else "analogue", (r.pair, "policy"), (
            Fact("low_date", "analogue.low_date", r.pair, "date"), Fact("high_date", "analogue.high_date", r.pair, "date"),
            Fact("run", "analogue.run", r.pair, "pct"), Fact("weeks", "analogue.weeks", r.pair, "count")),
            [positive("analogue.run", r.pair, "analogue")] + (regime_claims(regime) if high else []), optional=1),))
    return tuple(paragraphs)


def regime_key(regime) -> str:
    """hiking | cutting | cut_to_zero | zero | high_hold | on_hold: which era's words the rates and policy
    sections use. Cuts that have taken the bill yield to near zero (late 2008, March 2020) are not an easing
    that "could continue": there is no room left."""
    if regime.key == "on_hold" and regime.high:
        return "high_hold"
    if regime.key == "cutting" and regime.level < ZERO_RATE:
        return "cut_to_zero"
    return regime.key


def regime_claims(regime) -> list[Claim]:
    claims = [is_("events.regime.key", regime.key, "policy", "regime",
                  {"hiking": +1, "cutting": -1}.get(regime.key, 0))]
    if regime.key == "on_hold":
        claims.append(is_("events.regime.high", regime.high, "policy", "regime level"))
    if regime.key == "cutting":
        claims.append(Claim("events.regime.level", "<" if regime.level < ZERO_RATE else ">=", ZERO_RATE, "policy",
                            "regime level", 0))
    return claims
