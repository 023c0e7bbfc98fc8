"""Rates: the policy backdrop, the 10-year yield's trend and week, and how the pair has moved with yields."""

from __future__ import annotations

from dataclasses import replace

from generator.commentary.claims import (ALMOST_ALL, Claim, Fact, Paragraph, Sentence, at_least, at_most, less_than,
                                         more_than, negative, positive, reads, within)
from generator.commentary.headline import CRASH_GAP
from generator.commentary.rules import RARE_WEEK, ROUT_DROP, WEEK_AGAINST, ZERO_POINT, _Rules
from generator.commentary.sections.policy import BACKDROP_READS, bill_reversal, flight as into_bills, flight_subjects, regime_claims, regime_key
from generator.commentary.table import Row, choose, first
from generator.metrics.regime import FEAR, RATE_MOVE, RATE_SPREAD, UNEASY, all_but
from generator.metrics import paths as mp

# "Has not changed much", "going nowhere": a 13-week 10-year move inside the trend band (settings) and no more
# than this (10 bp); a larger move inside the band is a drift, told with its direction (readers found "has not
# changed much" for +23 bp on a 0.86% yield).
YIELD_STILL = 0.001
# A one-week yield move at least this large (7 bp) is worth its own sentence.
RATE_WEEK_MOVE = 0.0007
# |correlation| of weekly relative returns with yield changes: below WEAK it is noise, above STRONG it leads the story.
CORR_WEAK, CORR_STRONG = 0.15, 0.3
# Small caps this far behind over 13 weeks have "been kept behind".
LAGGING = 0.02

# The 10-year yield's 13-week trend against the stance's rate band (the junk section reads it too).
YIELD_TREND = (
    Row("rising", lambda path, band, ly: [more_than(path, band, ly, "13w")]),
    Row("falling", lambda path, band, ly: [less_than(path, -band, ly, "13w")]),
    # a change of exactly the band is steady: the rows above take only what lies beyond it
    Row("steady", lambda path, band, ly: [within(path, band + 1e-12, ly, "13w")]),
)
# The 10-year's week, when it moved RATE_WEEK_MOVE or more.
WEEK_MOVE = (
    Row("down", lambda path, ly: [at_most(path, -RATE_WEEK_MOVE, ly, "1w")]),
    Row("up", lambda path, ly: [at_least(path, RATE_WEEK_MOVE, ly, "1w")]),
)
# A small-cap rout, in which falling yields are a flight to safety, not relief: small caps fell by ROUT_DROP or
# more, or trailed by CRASH_GAP.
ROUT = (
    Row("small_fell", lambda small, pair: [at_most(f"returns.{small}.1w", -ROUT_DROP, small, "week")]),
    Row("no_relief", lambda small, pair: [at_most(mp.SPREAD_1W, -CRASH_GAP, pair, "week")]),
)
# Falling yields in a week small caps fell this much are a growth scare, not relief (issue 26, "rates read
# together"): no sentence then reads the fall as easing the pressure on borrowers.
GROWTH_SCARE = 0.02


def scare(r: _Rules) -> list[Claim] | None:
    """The 10-year fell this week and small caps fell GROWTH_SCARE or more: the claims that say so, else None."""
    ly = r.t.long_yield or "^TNX"
    level, small = r.m.levels.get(ly), r.m.returns[r.small].get("1w")
    week = level.changes.get("1w") if level is not None else None
    if week is None or small is None or not (week < 0 and small <= -GROWTH_SCARE):
        return None
    return [negative(f"levels.{ly}.changes.1w", ly, "1w"),
            at_most(f"returns.{r.small}.1w", -GROWTH_SCARE, r.small, "week")]


def month_against(r: _Rules, ly: str) -> list[Claim] | None:
    """The 10-year's last four weeks ran against its quarter, by more than the quarter and by WEEK_AGAINST (10 bp)
    or more: the claims that say so, else None."""
    level = r.m.levels.get(ly)
    q, m4 = (level.changes.get("13w"), level.changes.get("4w")) if level is not None else (None, None)
    if q is None or m4 is None or q * m4 >= 0 or abs(m4) <= abs(q) or abs(m4) < WEEK_AGAINST:
        return None
    path = f"levels.{ly}.changes"
    return [(at_least if m4 > 0 else at_most)(f"{path}.4w", WEEK_AGAINST if m4 > 0 else -WEEK_AGAINST, ly, "4w"),
            Claim(f"{path}.13w", "<" if m4 > 0 else ">", 0.0, ly, "13w", 0)]


# The year's link between the pair's weekly relative return and the 10-year's weekly change.
LINK = (
    Row("hurt_by_rising", lambda c: [at_most(c, -CORR_STRONG, "rates", "link")]),
    Row("helped_by_rising", lambda c: [at_least(c, CORR_STRONG, "rates", "link")]),
    Row("unrelated", lambda c: [within(c, CORR_WEAK, "rates", "link")]),
    Row("loose", lambda c: [within(c, CORR_STRONG, "rates", "link")]),
)
LINK_PATH = mp.RATE_SENSITIVITY_CORRELATION


def _link(r: _Rules) -> float | None:
    s = r.m.rate_sensitivity
    return s.correlation if s is not None else None


def _link_positive(r: _Rules) -> bool:
    """Small caps have done better in weeks of rising yields over the past year (correlation CORR_WEAK or more):
    a fall in yields is not something they would be spared by."""
    c = _link(r)
    return c is not None and c >= CORR_WEAK


def _link_negative(r: _Rules) -> bool:
    """Small caps have done better in weeks of falling yields over the past year (correlation at or below zero)."""
    c = _link(r)
    return c is not None and c <= 0


def _link_not_positive(r: _Rules) -> list:
    """The claim behind words that expect falling yields to help small caps: the year's link is not the other way."""
    return [less_than(LINK_PATH, CORR_WEAK, "rates", "link", 0)] if _link(r) is not None else []


def _still(level) -> bool:
    """Is the 10-year's thirteen-week move small enough for "has not changed much" (YIELD_STILL)?"""
    v = level.changes.get("13w")
    return v is not None and abs(v) <= YIELD_STILL


def zero_rates(r: _Rules) -> bool:
    """Short rates at or cut to near zero: the 10-year's moves read as growth expectations, not as the cost of
    money (the rates section and the case for and against read them alike)."""
    regime = r.m.events.regime
    return regime is not None and regime_key(regime) in ("zero", "cut_to_zero")


def yields_loose(r: _Rules) -> bool:
    """A year in which yields have said little about the pair (|correlation| under CORR_WEAK), outside a week the
    10-year drove it: what "yields have not been the driver" says, and what every other reading must respect."""
    sens = r.m.rate_sensitivity
    return (sens is not None and sens.correlation is not None and abs(sens.correlation) < CORR_WEAK
            and r.regime != "rate_move")


def not_the_driver(c: str):
    """"Yields have not been the driver": a reading the case for and against must not contradict by arguing
    from the 10-year yield as if it were one."""
    return reads(c, "rates", -1, "driver")


# What the 10-year's thirteen-week move means for small caps in each reading of the rates section: a rise is a
# headwind and a fall a relief, but with short rates at zero a rise reads as hope for growth and a fall as a
# warning about it.
READS = {"rising": -1, "falling": +1, "rising_zero": +1, "falling_zero": -1}
UNRELATED = (
    Row("unrelated_lagging", lambda c, pair: [within(c, CORR_WEAK, "rates", "link"),
                                              at_most(mp.SPREAD_13W, -LAGGING, pair, "13w"), not_the_driver(c)]),
    Row("unrelated", lambda c, pair: [within(c, CORR_WEAK, "rates", "link"), not_the_driver(c)]),
)


# The 10-year down this much over four weeks eases what the weakest borrowers pay to refinance, hikes or not.
LONG_END_EASED = 0.0025


def _long_end_eased(r: _Rules) -> bool:
    """The 10-year fell LONG_END_EASED or more over four weeks."""
    ly = r.t.long_yield
    level = r.m.levels.get(ly) if ly else None
    month = level.changes.get("4w") if level is not None else None
    return month is not None and month <= -LONG_END_EASED


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, band, ly = r.m, r.settings.stance.rate_band, r.t.long_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("rates", key, subjects, facts, claims, **x)  # noqa
    opening = [say("why_rates", "rates", optional=3)]
    regime = m.events.regime
    if regime is not None:
        reversal = bill_reversal(r)
        key = "hiking_reversal" if reversal else regime_key(regime)
        # In a week of fear, bill yields at zero or falling this week say less about policy: other words. In a week
        # the 10-year drove the pair, steady short rates are still "a backdrop", but the cost of money is the story.
        # (a hiking regime's bill plunge with the VIX up is a flight into bills too: policy.flight)
        run = into_bills(r) if key == "hiking_reversal" else ([], FEAR) if r.fear() else None
        variant = "_fear" if run is not None and key in ("hiking_reversal", "cut_to_zero") else \
            "_rate_move" if r.regime == "rate_move" and key == "on_hold" else ""
        long_end = _long_end_moved(r) if key == "on_hold" and not variant else None
        fits = run[1] if variant == "_fear" and run else ("rate_move",) if variant else BACKDROP_READS.get(key, ())
        reversal = reversal + (run[0] if variant == "_fear" and run else [])
        if long_end is not None:
            # "a backdrop rather than the story" is false beside a 10-year up 74 bp in the quarter: say where the
            # move was
            variant, way, claim = "_long_end", *long_end
            opening.append(say("backdrop_on_hold_long_end", ("rates", "policy", ly), (), regime_claims(regime)
                               + reversal + [claim], regimes=fits, way=way))
        elif key == "hiking" and not variant and _long_end_eased(r):
            # "refinancing is getting dearer" is false beside a 10-year down 25 bp or more in four weeks: the
            # hikes are told as a short-end matter, and the 10-year's own sentences tell its fall
            opening.append(say("backdrop_hiking_short_end", ("rates", "policy"), (), regime_claims(regime) + reversal,
                               regimes=fits))
        else:
            opening.append(say(f"backdrop_{key}{variant}", ("rates", "policy", *flight_subjects(r, run)), (),
                               regime_claims(regime) + reversal,
                               regimes=fits, point=ZERO_POINT if key in ("zero", "cut_to_zero") else None))
    level = m.levels.get(ly) if ly else None
    paragraphs = []
    if level is None or level.changes.get("13w") is None:
        paragraphs.append(tuple(opening))
        # housekeeping: no yield series at all, or too short a one for its thirteen-week change
        paragraphs.append((say("rates_unavailable" if level is None else "rates_short_history", "rates",
                               kind="note"),))
    else:
        path = f"levels.{ly}"
        facts = (Fact("level", f"{path}.value", ly, "yield"), Fact("change", f"{path}.changes.13w", ly, "bp"),
                 Fact("week", f"{path}.changes.1w", ly, "bp"))
        trend, (trend_claim,) = choose(YIELD_TREND, r.view, f"{path}.changes.13w", band, ly)
        # When small caps have done better in weeks of rising yields, a rise is not "a headwind" for them.
        growth_claim = at_least(mp.RATE_SENSITIVITY_CORRELATION, CORR_STRONG, "rates", "link")
        growth = growth_claim.holds(r.view)
        # With short rates at zero the cost of money is not the story (the sentence before says so): the
        # 10-year's moves read as growth expectations, not as pressure on borrowers.
        zero = zero_rates(r)
        zero_claims = regime_claims(regime) if zero else []
        # What each reading makes of the quarter's move for small caps (READS): the case for and against
        # (generator/commentary/argument.py) must not read the same move the other way.
        change = f"{path}.changes.13w"
        # a rare week against the quarter is told before anything that reads the quarter (the backdrop's "the cost
        # of money has moved at the long end" included: the agreement audit's stale horizon, 2002-10-18)
        lead = _rare_week_lead(r, say, ly, trend)
        opening[0:0] = lead
        if lead and lead[0].key == "ten_week_against" and trend == "steady":
            # the lead already told the steady quarter with the level ("to 3.66%, though it is still within 5 bp of
            # where it stood thirteen weeks ago"): a second "within 5 bp" sentence would repeat it (2010-04-30)
            pass
        elif trend == "rising" and growth:
            opening.append(say("ten_rising_growth", (ly, "rates"), facts, [trend_claim, growth_claim]))
        elif zero and trend != "steady":
            opening.append(say(f"ten_{trend}_zero", (ly, "policy"), facts,
                               [trend_claim, reads(change, ly, READS[f"{trend}_zero"])] + zero_claims,
                               point=ZERO_POINT))
        elif trend == "steady" and not _still(level):
            v = level.changes["13w"]
            opening.append(say("ten_drift", ly, facts, [trend_claim, (positive if v > 0 else negative)(change, ly, "13w"),
                                                        more_than(change, YIELD_STILL, ly, "13w size", 0) if v > 0
                                                        else less_than(change, -YIELD_STILL, ly, "13w size", 0)],
                               side="up" if v > 0 else "down"))
        elif trend == "falling" and scare(r) is not None:
            # falling yields in a week small caps fell GROWTH_SCARE or more: a growth scare, not relief for
            # borrowers (readers met "easing some of the pressure on indebted smaller firms" in such weeks)
            opening.append(say("ten_falling_scare", (ly, r.small), facts + (r.ret(r.small, "1w", "small"),),
                               [trend_claim, *scare(r)]))
        else:
            opening.append(say(f"ten_{trend}", ly, facts,
                               [trend_claim] + ([reads(change, ly, READS[trend])] if READS.get(trend) else [])
                               + (list(within(change, YIELD_STILL + 1e-12, ly, "13w size")) if trend == "steady"
                                  else [])))
        # the reason's core gauge, the 10-year's change, stays whatever else gives way (`Sentence.core`): readers met
        # "the reason" as one sentence with neither the yield's change nor its link to the pair
        told = len(opening) - 1 if not (lead and trend == "steady" and lead[0].key == "ten_week_against") else \
            opening.index(lead[0])   # the lead told the steady quarter, and the backdrop is not the 10-year
        opening[told] = replace(opening[told], core=True)
        month = month_against(r, ly)
        if month is not None:
            # the quarter is never told alone when the last four weeks ran the other way, and by more (readers met
            # "refinancing is getting dearer" with the 10-year down 40 bp in four weeks)
            # (never trimmed: the quarter must not stand without it)
            # ("That hides ..." refers to the 10-year's sentence: after a lead that told the steady quarter, it
            # comes right after that lead, not after the backdrop)
            opening.insert(told + 1, say("ten_month_against", ly, (Fact("month", f"{path}.changes.4w", ly, "bp"),),
                                         month, side="up" if level.changes["4w"] > 0 else "down", answers=True))
        # told first with its rarity (lead): not again after the quarter
        week = first(WEEK_MOVE, r.view, f"{path}.changes.1w", ly) if not lead else None
        loose = yields_loose(r)   # the link paragraph below says yields have not been the driver
        if week is not None:
            # The week's move is read against the quarter's trend: a rise after a fall is pressure returning,
            # a rise in a rising quarter adds to it; a fall in a rising quarter is only a pause. In a small-cap
            # rout, falling yields are a flight to safety, not relief; at zero rates, no word on pressure.
            way, (move,) = week
            pair = f"{r.small}-{r.large}"
            rout = first(ROUT, r.view, r.small, pair)
            if month is not None:
                # the four weeks ran against the quarter and were just told: the week is its figure alone (a reading
                # of it against the quarter would tell the quarter's direction again without its period)
                opening.append(say("ten_week_down_plain" if way == "down" else "ten_week_up_growth", ly, facts, [move]))
            elif way == "down" and rout is not None:
                # falling yields in a week small caps fell hard or trailed: no relief for them. "As investors ran
                # for safety" only in a week of fear or a VIX high for its year; otherwise the figures alone
                # (small caps fell hard with yields: cheaper money was no help)
                key, claims = rout
                rout_facts = facts + (r.ret(r.small, "1w", "small"), Fact("spread", mp.SPREAD_1W, pair, "pp"))
                if _link_positive(r):
                    # "no help", "did nothing to spare" expect falling yields to help small caps; in a year when
                    # they did better as yields rose, the week followed the pattern, and the words say so
                    opening.append(say(f"ten_week_down_pattern_{key}", (ly, r.small, pair, "rates"),
                                       rout_facts + (Fact("corr", mp.RATE_SENSITIVITY_CORRELATION, "rates", "level"),),
                                       [move] + claims + [at_least(LINK_PATH, CORR_WEAK, "rates", "link")]))
                else:
                    flight = key == "small_fell" and r.regime in UNEASY
                    opening.append(say("ten_week_down_flight" if flight else f"ten_week_down_{key}",
                                       (ly, r.small, pair, "rates"), rout_facts,
                                       [move] + claims + _link_not_positive(r), regimes=UNEASY if flight else ()))
            elif way == "down" and (zero or (r.fear() or loose) and trend != "rising"
                                    or trend != "rising" and (m.spread.get("1w") or 0) < r.settings.stance.flat_band
                                    or trend != "rising" and not _link_negative(r)):
                # at zero rates, or in a week of fear, a falling yield is not easier borrowing; in a year when yields
                # have said little about the pair, or a week small caps did not lead, not something small caps
                # "notice first": the figure alone
                opening.append(say("ten_week_down_plain", ly, facts, [move]))
            elif way == "down":
                # "small caps are usually the first to notice when borrowing costs ease": not in a week of fear, and
                # only in a week they led (the week's own figures would contradict it otherwise)
                pair = f"{r.small}-{r.large}"
                opening.append(say(f"ten_week_down_{trend}", (ly, pair, "rates") if trend != "rising" else ly, facts,
                                   [move, trend_claim] + ([reads(f"{path}.changes.1w", "rates", +1, "driver"),
                                                           at_least(mp.SPREAD_1W, r.settings.stance.flat_band, pair,
                                                                    "week"),
                                                           # "usually the first to notice": the year's link agrees
                                                           at_most(LINK_PATH, 0, "rates", "link", -1)]
                                                          if trend != "rising" else []),
                                   regimes=all_but(*FEAR) if trend != "rising" else ()))
            elif zero and not growth:
                opening.append(say("ten_week_up_growth", ly, facts, [move]))
            elif growth:
                opening.append(say("ten_week_up_growth", (ly, "rates"), facts, [move, growth_claim]))
            else:
                opening.append(say(f"ten_week_up_{trend}", ly, facts, [move, trend_claim],
                                   drift=trend == "steady" and not _still(level)))
        paragraphs.append(tuple(opening))
    s = m.rate_sensitivity
    if s is not None and s.correlation is not None:
        facts = (Fact("corr", mp.RATE_SENSITIVITY_CORRELATION, "rates", "level"),
                 Fact("weeks", mp.RATE_SENSITIVITY_OBSERVATIONS, "rates", "count"),
                 Fact("beta", mp.RATE_SENSITIVITY_BETA_PER_100BP, "rates", "pct"))
        c = mp.RATE_SENSITIVITY_CORRELATION
        key, claims = choose(LINK, r.view, c)
        pair = f"{r.small}-{r.large}"
        say = lambda key, subjects, facts=(), claims=(), **x: r.say("rates", key, subjects, facts, claims,  # noqa
                                                                   core=True, **x)   # the link: a core gauge
        if key == "unrelated" and r.regime == "rate_move":
            # "yields have not been the driver" is false in a week the 10-year moved 25 bp and the pair 2 points
            paragraphs.append((_unrelated_this_week(r, say, facts, c),))
        elif key == "unrelated":
            key, claims = choose(UNRELATED, r.view, c, pair)
            lagging = key == "unrelated_lagging"
            paragraphs.append((say(key, ("rates", pair), facts + ((Fact("q", mp.SPREAD_13W, pair, "pp"),) if lagging
                                                                  else ()),
                                   claims, regimes=all_but("rate_move")),))  # "yields have not been the driver"
        else:
            paragraphs.append((say(key, "rates", facts, claims, relationship=key != "loose"),))
    return tuple(paragraphs)


def _rare_week_lead(r: _Rules, say, ly: str, trend: str) -> list[Sentence]:
    """The 10-year's week first, with its rarity, when it is RARE_WEEK-rare against the yield's own weeks and runs
    against the quarter's trend, and the section does not already open with it (generator/commentary/news.py's
    section opening, which the standfirst may have taken): a stale thirteen-week reading must not lead
    (April 2025: "down 28 bp over thirteen weeks" above a 51 bp rise, the most since 2001; issue 26)."""
    from generator.commentary.news_lines import section_opening

    item = r.m.news.items.get("long_yield_week") if r.m.news is not None else None
    week = r.m.levels[ly].changes.get("1w")
    against = (trend == "rising" and week is not None and week <= -WEEK_AGAINST) or \
        (trend == "falling" and week is not None and week >= WEEK_AGAINST)
    if item is None or item.rarity is None or item.rarity < RARE_WEEK or not against:
        return _week_against_lead(r, say, ly, trend)
    opening = section_opening(r, "rates")
    if opening is not None and any("long_yield_week" in x.path for x in (*opening.facts, *opening.claims)):
        return []   # the section's news line already opens with the week
    p, w = mp.NEWS_ITEMS_LONG_YIELD_WEEK, f"levels.{ly}.changes.1w"
    rank = ("almost", [at_least(f"{p}.rarity", ALMOST_ALL, ly, "rarity", 0)]) if item.rarity >= ALMOST_ALL else \
        ("share", [at_least(f"{p}.rarity", RARE_WEEK, ly, "rarity", 0)])
    return [say("ten_week_rare", ly, (Fact("week", w, ly, "bp"), Fact("share", f"{p}.rarity", ly, "pct"),
                                      Fact("start", f"{p}.history_start", ly, "date")),
                [at_least(w, WEEK_AGAINST, ly, "1w") if week > 0 else at_most(w, -WEEK_AGAINST, ly, "1w"),
                 *rank[1]], side="up" if week > 0 else "down", rank=rank[0])]


def _week_against_lead(r: _Rules, say, ly: str, trend: str) -> list[Sentence]:
    """The 10-year's week first, when it moved WEEK_AGAINST or more against its thirteen weeks and by more: the
    quarter is never read alone against a larger opposite week (issue 26, item 3; the agreement audit's "horizons":
    "within 8 bp of thirteen weeks ago ... has not changed much" the week it rose 27 bp)."""
    changes = r.m.levels[ly].changes
    week, quarter = changes.get("1w"), changes.get("13w")
    if week is None or quarter is None or abs(week) < WEEK_AGAINST or week * quarter >= 0 or abs(week) <= abs(quarter):
        return []
    w, q = f"levels.{ly}.changes.1w", f"levels.{ly}.changes.13w"
    size = Claim(q, ">" if week > 0 else "<", -week, ly, "13w size", 0)
    level = (Fact("level", f"levels.{ly}.value", ly, "yield"),) if trend == "steady" else ()
    return [say("ten_week_against", ly, (Fact("week", w, ly, "bp"), Fact("change", q, ly, "bp"), *level),
                [at_least(w, WEEK_AGAINST, ly, "1w") if week > 0 else at_most(w, -WEEK_AGAINST, ly, "1w"),
                 # a steady quarter (within the rate band) is told as "within", without a direction the other
                 # sentences would contradict
                 Claim(q, "<" if week > 0 else ">", 0.0, ly, "13w sign", 0 if trend == "steady" else -1 if week > 0
                       else +1), size], side="up" if week > 0 else "down", steady=trend == "steady")]


def _unrelated_this_week(r: _Rules, say, facts, c: str) -> Sentence:
    """The year's loose link between yields and the pair, and this week's exception (a rate_move week)."""
    ly, pair = r.t.long_yield, f"{r.small}-{r.large}"
    week, spread = r.m.levels[ly].changes["1w"], r.m.spread["1w"]
    path = f"levels.{ly}.changes.1w"
    return say("unrelated_this_week", ("rates", ly, pair),
               facts + (Fact("move", path, ly, "bp", "abs"), Fact("gap", mp.SPREAD_1W, pair, "pp", "abs")),
               [within(c, CORR_WEAK, "rates", "link"),
                at_least(path, RATE_MOVE, ly, "1w") if week > 0 else at_most(path, -RATE_MOVE, ly, "1w"),
                at_least(mp.SPREAD_1W, RATE_SPREAD, pair, "week") if spread > 0
                else at_most(mp.SPREAD_1W, -RATE_SPREAD, pair, "week")],
               regimes=("rate_move",), yield_side="up" if week > 0 else "down",
               pair_side="ahead" if spread > 0 else "behind")


def _long_end_moved(r: _Rules):
    """("up" or "down", its claim) when the 10-year moved beyond the stance's rate band over thirteen weeks, so
    steady short rates are not the whole rate story; None when it held within the band or has no reading."""
    ly = r.t.long_yield
    level = r.m.levels.get(ly) if ly else None
    v = level.changes.get("13w") if level is not None else None
    band = r.settings.stance.rate_band
    if v is None or abs(v) <= band:
        return None
    path = f"levels.{ly}.changes.13w"
    return ("up", more_than(path, band, ly, "13w")) if v > 0 else ("down", less_than(path, -band, ly, "13w"))
