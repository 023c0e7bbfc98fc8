"""Junk: what rates imply for the weakest borrowers, credit and quality as the evidence, and whether the
evidence agrees with the rates (issue 15)."""

from __future__ import annotations

from generator.commentary.claims import (ALMOST_ALL, Claim, Fact, Paragraph, at_least, at_most, is_, negative,
                                         positive, within)
from generator.commentary.rules import _Rules
from generator.commentary.rules import RARE_WEEK, WEEK_AGAINST, ZERO_POINT
from generator.commentary.sections.policy import regime_claims, regime_key, short_rising
from generator.commentary.sections.rates import YIELD_TREND, _still, scare
from generator.commentary.table import Row, choose, first
from generator.metrics.regime import FEAR, all_but
from generator.metrics import paths as mp

# Credit or quality ratios within this over 13 weeks read as level.
JUNK_BAND = 0.005

# A ratio's 13-week move: level inside JUNK_BAND (a 0.2% edge is not "outpacing"), else its sign.
SIDE = (
    Row("flat", lambda path, subject, topic: [within(path, JUNK_BAND, subject, topic)]),
    Row("up", lambda path, subject, topic: [positive(path, subject, topic)]),
    Row("down", lambda path, subject, topic: [negative(path, subject, topic)]),
)

_C, _Q = mp.RATIOS_CREDIT_MOMENTUM_13W, mp.RATIOS_QUALITY_MOMENTUM_13W
# Credit (HYG/IEF) and quality (IWM/IJR) together, each past JUNK_BAND: junk_<key>.
EVIDENCE = (
    Row("risk_on_stress", lambda c, q: [at_least(_C, JUNK_BAND, c, "credit"), at_least(_Q, JUNK_BAND, q, "junk"),
                                        is_(mp.EVENTS_MARKET_STRESS, True, "junk", "stress")]),
    Row("risk_on", lambda c, q: [at_least(_C, JUNK_BAND, c, "credit"), at_least(_Q, JUNK_BAND, q, "junk")]),
    Row("risk_off", lambda c, q: [at_most(_C, -JUNK_BAND, c, "credit"), at_most(_Q, -JUNK_BAND, q, "junk")]),
    Row("credit_only", lambda c, q: [at_least(_C, JUNK_BAND, c, "credit"), at_most(_Q, -JUNK_BAND, q, "junk")]),
    Row("junk_only", lambda c, q: [at_most(_C, -JUNK_BAND, c, "credit"), at_least(_Q, JUNK_BAND, q, "junk")]),
)


def _rate_case(r: _Rules) -> tuple[str, list[Claim], tuple[Fact, ...]] | None:
    """Where rates point for the weakest borrowers, as the junk argument needs it: (case, claims, facts).

    The short end is the policy regime (generator.metrics.events); the long end the 10-year yield's 13-week
    trend, with the stance's rate band. Cases: easing (cuts and a falling 10-year), cuts_long_up (cuts, the
    10-year not following), tight_rising (hiking or held high, the 10-year rising), tight_long_down (hiking or
    held high, the 10-year falling), tight_steady, zero (money at zero: the cost is not the question),
    hold_rising / hold_falling / hold_steady (policy on hold at a modest level). None without the data.
    The tight cases' words say "rising" for a hiking regime and "high" for rates held high."""
    m, band, ly = r.m, r.settings.stance.rate_band, r.t.long_yield
    regime = m.events.regime
    level = m.levels.get(ly) if ly else None
    change = level.changes.get("13w") if level is not None else None
    if regime is None or change is None:
        return None
    path = f"levels.{ly}.changes.13w"
    # the rates section, before this one, tells the 10-year's quarter: the junk argument refers back to it without the
    # figure (templates/words/junk.html _long; readers met the same 30 bp in the rates, policy and junk sections)
    facts: tuple[Fact, ...] = ()
    trend, (claim,) = choose(YIELD_TREND, r.view, path, band, ly)
    if trend == "steady" and not _still(level):
        # a drift (the rates section says which way): inside the band, but not "flat" (rates._still)
        claim = ((positive if change > 0 else negative)(path, ly, "13w"),
                 Claim(path, ">=", -band - 1e-12, ly, "13w band", 0), Claim(path, "<=", band + 1e-12, ly, "13w band", 0))
    key = regime_key(regime)
    claims = regime_claims(regime)
    if key in ("zero", "cut_to_zero"):
        return "zero", claims, ()
    if key == "cutting":
        return ("easing" if trend == "falling" else "cuts_long_up" if trend == "rising" else "cuts_long_steady"), \
            claims + [claim], facts
    if key in ("hiking", "high_hold"):
        return {"rising": "tight_rising", "falling": "tight_long_down", "steady": "tight_steady"}[trend], \
            claims + [claim], facts
    return f"hold_{trend}", claims + [claim], facts


# A 10-year down this much over four weeks, against a rising quarter: "refinancing is getting dearer" would be false
# this month (readers met it with the 10-year down 43 bp in four weeks).
MONTH_EASED = 0.0025


def _scared(r: _Rules, case):
    """A falling case (easing, tight_long_down, hold_falling) in a week the 10-year fell and small caps fell
    rates.GROWTH_SCARE or more becomes "scare": falling yields read as a growth scare, never as relief to come."""
    if case is None or case[0] not in ("easing", "tight_long_down", "hold_falling"):
        return case
    claims = scare(r)
    if claims is None:
        return case
    return ("scare", case[1] + claims, case[2] + (r.ret(r.small, "1w", "small"),))


def _eased(r: _Rules, case):
    """A rising case (hold_rising, tight_rising) whose 10-year fell MONTH_EASED or more over the last four weeks
    becomes `<case>_eased`: the quarter's rise and the month's fall, both told."""
    if case is None or case[0] not in ("hold_rising", "tight_rising"):
        return case
    ly = r.t.long_yield
    month = r.m.levels[ly].changes.get("4w")
    if month is None or month > -MONTH_EASED:
        return case
    path = f"levels.{ly}.changes.4w"
    return (f"{case[0]}_eased", case[1] + [at_most(path, -MONTH_EASED, ly, "4w")],
            case[2] + (Fact("month", path, ly, "bp"),))


def _short_word(r: _Rules) -> tuple[str, list[Claim]]:
    """'hiking' or 'high' for the tight cases' words: short rates rising, or held high; and the claims of
    'rising'. The policy section's reading (policy.short_rising): a hiking regime whose bill yield fell this week
    or over four weeks has short rates that are high, not rising (March 2023: "rising short rates" beside a 51 bp
    fall in bills)."""
    rising = short_rising(r)
    if rising is not None:
        return "hiking", rising
    # "high" on a band of the bill's own history (events.regime.high), else only "up on the quarter" (2005: "short
    # rates are high" at 3%, after a decade mostly above it)
    high = r.m.events.regime is not None and r.m.events.regime.high
    return ("high" if high else "raised"), [is_(mp.EVENTS_REGIME_HIGH, high, "policy", "regime level")]


def _drift(r: _Rules, case: str) -> bool:
    """A steady case whose 10-year moved YIELD_STILL or more: the rates section calls it a drift (rates._still),
    so these words do not call it "steady" or "sideways"."""
    ly = r.t.long_yield
    return case.endswith("steady") and ly in r.m.levels and not _still(r.m.levels[ly])


def _credit_week_lead(r: _Rules, credit, quarter: float | None) -> list:
    """Credit's week first, with its rarity, when it is RARE_WEEK-rare against its own weeks, runs against the
    quarter's credit reading, and the section does not already open with it (commentary/news.py): the
    quarter's figure must not lead in a week credit will be remembered for (issue 26, "stale horizon")."""
    from generator.commentary.news_lines import section_opening

    item = r.m.news.items.get("credit_week") if r.m.news is not None else None
    if item is None or item.rarity is None or item.rarity < RARE_WEEK or quarter is None \
            or item.value * quarter >= 0 or abs(quarter) < JUNK_BAND or section_opening(r, "junk") is not None:
        return []
    p = mp.NEWS_ITEMS_CREDIT_WEEK
    rank = ("almost", [at_least(f"{p}.rarity", ALMOST_ALL, credit.numerator, "rarity", 0)]) \
        if item.rarity >= ALMOST_ALL else ("share", [at_least(f"{p}.rarity", RARE_WEEK, credit.numerator, "rarity", 0)])
    # the leg that moved ("Treasuries fell while junk barely moved"), decided once for the issue (rules.py)
    leg, leg_claims, leg_subjects = r.credit_leg()
    return [r.say("junk", "credit_week_rare", (credit.numerator, *leg_subjects),
                  (Fact("week", f"{p}.value", credit.numerator, "pct"), Fact("share", f"{p}.rarity", credit.numerator,
                                                                             "pct"),
                   Fact("start", f"{p}.history_start", credit.numerator, "date")),
                  [positive(f"{p}.value", credit.numerator, "credit week") if item.value > 0
                   else negative(f"{p}.value", credit.numerator, "credit week"), *rank[1], *leg_claims],
                  num=credit.numerator, den=credit.denominator, side="up" if item.value > 0 else "down",
                  rank=rank[0], leg=leg)]


# The 10-year's thirteen-week direction in each rates case that tells it.
LONG_SENSE = {"easing": -1, "cuts_long_up": +1, "tight_rising": +1, "tight_long_down": -1, "hold_rising": +1,
              "hold_falling": -1, "tight_rising_eased": +1, "hold_rising_eased": +1, "scare": -1}


def _week_against(r: _Rules, case: str) -> list:
    """The 10-year yield's week, when it ran WEEK_AGAINST or more against the thirteen-week move the rates case
    reads (November 2023: "money is getting dearer" in a week the 10-year fell 29 bp): told before it."""
    ly = r.t.long_yield
    level = r.m.levels.get(ly) if ly else None
    trend = LONG_SENSE.get(case)
    if trend is None and _drift(r, case):
        trend = 1 if level.changes["13w"] > 0 else -1   # a drift has a direction too (rates._still)
    week = level.changes.get("1w") if level is not None else None
    if trend is None or week is None or trend * week > -WEEK_AGAINST:
        return []
    path = f"levels.{ly}.changes.1w"
    claim = at_most(path, -WEEK_AGAINST, ly, "1w") if week < 0 else at_least(path, WEEK_AGAINST, ly, "1w")
    return [r.say("junk", "long_week_against", ly, (Fact("week", path, ly, "bp"),), [claim],
                  side="down" if week < 0 else "up")]


# Which way each rates case points for a junk rally: +1 toward one, -1 against, 0 neither.
RATE_CASE_SENSE = {"easing": +1, "tight_long_down": +1, "hold_falling": +1, "tight_rising": -1,
                   "hold_rising": -1, "tight_rising_eased": 0, "hold_rising_eased": 0, "scare": 0, "cuts_long_up": 0,
                   "cuts_long_steady": 0, "tight_steady": -1,
                   "hold_steady": 0, "zero": 0}


def section(r: _Rules) -> tuple[Paragraph, ...]:
    """The junk argument, made conditionally in the direction rates actually point (issue 15): first what
    rates imply for the weakest borrowers, then credit (HYG/IEF) and quality (IWM/IJR) as the evidence, then
    whether the evidence agrees with the rates."""
    m = r.m
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("junk", key, subjects, facts, claims, **x)  # noqa
    credit, quality = m.ratios.get("credit"), m.ratios.get("quality")
    cv = credit.momentum.get("13w") if credit is not None else None
    qv = quality.momentum.get("13w") if quality is not None and quality.numerator != quality.denominator else None
    if cv is None and qv is None:
        return ((say("junk_unavailable", "junk", kind="note"),),)
    case = _scared(r, _eased(r, _rate_case(r)))
    if case is None:
        out = [say("why_junk", "junk", optional=3)]
    else:
        short, rising = _short_word(r)
        tight = case[0].startswith("tight")
        # the week first when it ran against the quarter: the length budget trims from a section's end, and the
        # quarter's reading must never stand without it
        out = _week_against(r, case[0])
        out += [say(f"if_{case[0]}", ("junk", "rates", "policy", r.t.long_yield or "^TNX",
                                     *((r.t.short_yield,) if tight and r.t.short_yield else ()),
                                     *((r.small,) if case[0] == "scare" else ())), case[2],
                   case[1] + (rising if tight else []), short=short, drift=_drift(r, case[0]),
                   point=ZERO_POINT if case[0] == "zero" else None,
                   # the section's argument: it refers back to the rates section's figure, and stays for want of one
                   answers=case[0] != "zero")]
    lead = _credit_week_lead(r, credit, cv)
    out = lead + out   # the week's credit move leads when it is rare and runs against the quarter
    if cv is not None:
        move, claims = choose(SIDE, r.view, mp.RATIOS_CREDIT_MOMENTUM_13W, credit.numerator, "credit")
        # the section's core gauges, credit and quality, stay whatever else gives way (`Sentence.core`): readers met
        # a junk section of one rates sentence, and "the lower-quality end is leading too" with no credit before it
        out.append(say(f"credit_{move}", credit.numerator,
                       (Fact("move", mp.RATIOS_CREDIT_MOMENTUM_13W, credit.numerator, "pct"),), claims,
                       num=credit.numerator, den=credit.denominator, core=True))
    if qv is not None:
        alone = "" if cv is not None else "_alone"  # "over the same span" needs a span named before it
        move, claims = choose(SIDE, r.view, mp.RATIOS_QUALITY_MOMENTUM_13W, quality.numerator, "junk")
        out.append(say(f"quality_{move}{alone}", quality.numerator,
                       (Fact("move", mp.RATIOS_QUALITY_MOMENTUM_13W, quality.numerator, "pct"),), claims,
                       num=quality.numerator, den=quality.denominator, core=True))
    # both past the band: what credit and quality say together (nothing when either is level)
    verdict = first(EVIDENCE, r.view, credit.numerator, quality.numerator) if cv is not None and qv is not None \
        else None
    if verdict is not None:
        key, claims = verdict
        if key in ("risk_on", "risk_off") and case is not None and RATE_CASE_SENSE[case[0]]:
            # the evidence read against the rates: agreeing, or running ahead of (or behind) them
            agrees = (key == "risk_on") == (RATE_CASE_SENSE[case[0]] > 0)
            key = f"{key}_{'agrees' if agrees else 'against'}_{'easing' if RATE_CASE_SENSE[case[0]] > 0 else 'tight'}"
            claims = claims + case[1]
        # "credit markets are calm", "lenders are relaxed": over the quarter, and not in a week of fear
        fits = ()
        if key == "credit_only":
            key, fits = ("credit_only_fear", FEAR) if r.fear() else ("credit_only", all_but(*FEAR))
        out.append(say(f"junk_{key}", ("junk", credit.numerator, quality.numerator, "policy", r.t.long_yield or "^TNX"), (),
                       claims, regimes=fits))
    return (tuple(out),)
