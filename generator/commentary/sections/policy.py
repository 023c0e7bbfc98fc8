"""Policy: the bill yield and the policy regime it implies (also the regime readings the rates and junk
sections share), and the historical analogue."""

from __future__ import annotations

from dataclasses import replace

from generator.commentary.claims import (SHOWN_ZERO_BP, STANDING, Claim, Fact, Paragraph, Sentence, at_least, at_most,
                                         is_, less_than, more_than, negative, positive)
from generator.commentary.news_lines import level_told
from generator.commentary.rules import WEEK_AGAINST, ZERO_POINT, _Rules
from generator.commentary.table import Row, choose, first, holds
from generator.metrics.events import REGIME_MOVE_13W, ZERO_RATE
from generator.metrics.regime import FEAR, UNEASY, all_but
from generator.metrics import paths as mp

# A one-week move in the bill yield this large (20 bp) is news about policy expectations.
BILL_WEEK_MOVE = 0.002

_C13, _C26 = mp.EVENTS_REGIME_CHANGE_13W, mp.EVENTS_REGIME_CHANGE_26W
# Which span a hiking (cutting) regime is told over: the quarter when the bill yield moved REGIME_MOVE_13W in it
# (generator.metrics.events), else the half-year, whose move made the regime.
HIKING = (
    Row("_26w", lambda sy: [less_than(_C13, REGIME_MOVE_13W, sy, "span", 0), positive(_C26, sy, "change")]),
    Row("", lambda sy: [positive(_C13, sy, "change")]),
)
CUTTING = (
    Row("_26w", lambda sy: [more_than(_C13, -REGIME_MOVE_13W, sy, "span", 0), negative(_C26, sy, "change")]),
    Row("", lambda sy: [negative(_C13, sy, "change")]),
)
# Bill yields near zero that have risen this much over thirteen weeks are lifting off it (December 2015: +16 bp
# in the Fed's first hike): "little room left to ease" would miss the week's policy story.
LIFT_OFF = 0.001


# A bill yield under this (0.25%) is at the zero floor: a move of a few basis points there is noise about money that
# is already free, never tightening or easing (2009-03-13: the bill from 0.01% to 0.19% two months after the Fed went
# to zero was read as "policy has begun to tighten"). The agreement audit's "bill floor" class checks it.
BILL_FLOOR = 0.0025
# A bill fall this large (30 bp) in a week the VIX rose, or a week of fear, is money running into bills: never read
# as easing or "an end to the tightening" (2023-03-17, the SVB week: -51 bp). Audit class "bill flight".
BILL_FLIGHT = 0.003


def above_floor(r: _Rules) -> list[Claim] | None:
    """The claim that the bill yield stands at BILL_FLOOR or more (its moves can be read as policy), or None."""
    sy = r.t.short_yield
    level = r.m.levels.get(sy) if sy else None
    if level is None or level.value < BILL_FLOOR:
        return None
    return [at_least(f"levels.{sy}.value", BILL_FLOOR, sy, "level", 0)]


def flight(r: _Rules) -> tuple[list[Claim], tuple[str, ...]] | None:
    """Is this week's bill fall money running into bills rather than policy? In a week of fear (any fall: the
    regime's words), or a fall of BILL_FLIGHT or more with the VIX up on the week. (claims, regimes the words fit)
    or None."""
    if r.fear():
        return [], FEAR
    sy = r.t.short_yield
    level = r.m.levels.get(sy) if sy else None
    week = level.changes.get("1w") if level is not None else None
    vix = r.m.regime.gauges.vix_change if r.m.regime is not None else None
    if week is None or week > -BILL_FLIGHT or vix is None or vix <= 0:
        return None
    return [at_most(f"levels.{sy}.changes.1w", -BILL_FLIGHT, sy, "1w"),
            positive(mp.REGIME_GAUGES_VIX_CHANGE, r.t.volatility or "^VIX", "1w")], ()


def flight_subjects(r: _Rules, run) -> tuple[str, ...]:
    """The subjects a flight's claims (policy.flight) add to a sentence: the bill and the VIX."""
    return (r.t.short_yield or "^IRX", r.t.volatility or "^VIX") if run and run[0] else ()


def lifting_off(r: _Rules, subject: str | None = None) -> list[Claim] | None:
    """The claims that say bill yields near zero are rising off it (about `subject`: the bill, or "policy" for
    the heading), or None. Not while the bill is still under BILL_FLOOR: that is noise at the floor."""
    regime, floor = r.m.events.regime, above_floor(r)
    if regime is None or regime_key(regime) != "zero" or regime.change_13w is None or regime.change_13w < LIFT_OFF \
            or floor is None:
        return None
    return [at_least(mp.EVENTS_REGIME_CHANGE_13W, LIFT_OFF, subject or r.t.short_yield or "policy", "change", +1)] \
        + floor


# The bill yield's week, when it moved BILL_WEEK_MOVE or more.
BILL_WEEK = (
    Row("up", lambda path, sy: [at_least(path, BILL_WEEK_MOVE, sy, "1w")]),
    Row("down", lambda path, sy: [at_most(path, -BILL_WEEK_MOVE, sy, "1w")]),
)

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
    reversal, lifting = bill_reversal(r), lifting_off(r, "policy")
    key = "hiking_reversal" if reversal else "zero_lifting" if lifting else regime_key(regime)
    run = flight(r)
    # a hiking title's turn ("Has the tightening peaked?") is no read of a flight into bills either
    fearful = run is not None and (key in HEADING_READS or key == "hiking_reversal")
    against = _week_against_title(r, key) if not fearful else None
    if against is not None:
        return r.say("policy", f"heading_{key}_interrupted", ("policy", against[0].subject), (),
                     regime_claims(regime) + against)
    return r.say("policy", f"heading_{key}{'_fear' if fearful else ''}", ("policy", *flight_subjects(r, run),
                                                                             *((r.t.short_yield,) if lifting else ())), (),
                 regime_claims(regime) + reversal + (lifting or []) + (run[0] if fearful else []),
                 regimes=run[1] if fearful else HEADING_READS.get(key, ()))


# A 10-year move this large (25 bp) in the week against a cutting (hiking) regime's direction makes its title mixed.
TEN_WEEK_TITLE = 0.0025


def _week_against_title(r: _Rules, key: str) -> list[Claim] | None:
    """The claims that this week's bill (BILL_WEEK_MOVE) or 10-year (TEN_WEEK_TITLE) moved against the direction a
    cutting or hiking title names, or None: the title then asks whether the cycle was interrupted (readers met
    "Rates on the way down" with the 10-year up 27 bp and the bill up 20 bp that week)."""
    if key not in ("cutting", "hiking"):
        return None
    way = -1 if key == "cutting" else +1
    for ticker, size in ((r.t.short_yield, BILL_WEEK_MOVE), (r.t.long_yield, TEN_WEEK_TITLE)):
        level = r.m.levels.get(ticker) if ticker else None
        week = level.changes.get("1w") if level is not None else None
        if week is not None and week * -way >= size:
            path = f"levels.{ticker}.changes.1w"
            return [at_least(path, size, ticker, "1w", +1) if way < 0 else at_most(path, -size, ticker, "1w", -1)]
    return None


def short_rising(r: _Rules) -> list[Claim] | None:
    """Are short rates still rising now, as "short rates are rising", "keep rising", "still edging up" say? A
    hiking regime (read over a quarter or half-year) whose bill yield fell this week or over four weeks is not
    (December 2018: -4 bp on the week, -2 bp over four; March 2023: -51 bp): then its rates are "high". One
    reading for the policy, rates and junk sections (issue 26). The claims that say so, or None."""
    return _short_still(r, "hiking", +1)


def short_falling(r: _Rules) -> list[Claim] | None:
    """Are short rates still falling now ("still edging down")? Not in a cutting regime whose bill yield rose this
    week or did not fall over four weeks (March 2003: +5 bp on the week). The claims that say so, or None."""
    return _short_still(r, "cutting", -1)


def _short_still(r: _Rules, regime_key_: str, sign: int) -> list[Claim] | None:
    regime, sy = r.m.events.regime, r.t.short_yield
    level = r.m.levels.get(sy) if sy else None
    if regime is None or regime.key != regime_key_ or level is None:
        return None
    week, month = level.changes.get("1w"), level.changes.get("4w")
    if week is None or month is None or sign * week <= -SHOWN_ZERO_BP or sign * month <= 0:
        return None
    w, m4 = f"levels.{sy}.changes.1w", f"levels.{sy}.changes.4w"
    if sign > 0:
        return [more_than(w, -SHOWN_ZERO_BP, sy, "1w", 0), positive(m4, sy, "4w")]
    return [less_than(w, SHOWN_ZERO_BP, sy, "1w", 0), negative(m4, sy, "4w")]


def _paused(r: _Rules, path: str, sign: int) -> tuple[list[Claim], bool]:
    """Why a regime's short rates are not still moving its way: its four weeks (True) or only its week (False)."""
    sy = r.t.short_yield
    changes = r.m.levels[sy].changes
    if sign * (changes.get("4w") or 0) <= 0:
        return [Claim(f"{path}.changes.4w", "<=" if sign > 0 else ">=", 0, sy, "4w", -sign)], True
    return [Claim(f"{path}.changes.1w", "<=" if sign > 0 else ">=", -sign * SHOWN_ZERO_BP, sy, "1w", -sign)], False


def bill_reversal(r: _Rules) -> list[Claim]:
    """A hiking regime by the quarter whose bill yield fell hard this week (March 2023): its claims, or []."""
    regime, sy = r.m.events.regime, r.t.short_yield
    fell = [at_most(f"levels.{sy}.changes.1w", -BILL_WEEK_MOVE, "policy", "1w", -1)]
    if regime is None or regime.key != "hiking" or not sy or not holds(fell, r.view):
        return []
    return fell


# A 10-year up this much over thirteen weeks while the bill falls: easing at the short end only (issue 26, "rates read
# together": never "easing" and "refinancing fears should fade" while the long end rose a lot).
LONG_END_UP = 0.0025


def _long_end_up(r: _Rules) -> list[Claim] | None:
    """The 10-year rose LONG_END_UP or more over thirteen weeks: the claim that says so, else None."""
    ly = r.t.long_yield or "^TNX"
    level = r.m.levels.get(ly)
    q = level.changes.get("13w") if level is not None else None
    if q is None or q < LONG_END_UP:
        return None
    return [at_least(f"levels.{ly}.changes.13w", LONG_END_UP, ly, "13w")]


# A week's move in the bill yield below this (5 bp) is quiet.
BILL_QUIET = 0.0005


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, sy = r.m, r.t.short_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("policy", key, subjects, facts, claims, **x)  # noqa
    level, regime = (m.levels.get(sy) if sy else None), m.events.regime
    paragraphs = []
    if level is None or regime is None:
        paragraphs.append((say("policy_unavailable", "policy", kind="note"),))
    else:
        path = f"levels.{sy}"
        facts = (Fact("level", f"{path}.value", sy, "yield"), Fact("change", mp.EVENTS_REGIME_CHANGE_13W, sy, "bp"),
                 Fact("half", mp.EVENTS_REGIME_CHANGE_26W, sy, "bp"), Fact("week", f"{path}.changes.1w", sy, "bp"))
        # the bill's level, when its news line quotes it, is referred back to without the figure
        # a bill that barely moved this week: its level stands (claims.STANDING), left to the table in a quiet week
        quiet = int(abs(level.changes.get("1w") or 0.0) < BILL_QUIET)
        opening = [say("bill_level_told", sy) if level_told(r, "short_yield_level", "policy", level.value)
                   else say("bill_level", sy, facts, optional=STANDING * quiet)]
        key = regime_key(regime)
        claims = regime_claims(regime)
        lifting = lifting_off(r)
        if bill_reversal(r):
            # a hiking regime by the quarter, but the bill yield fell hard this week (March 2023): say both
            # "markets have started to price an end to the tightening"; in a week of fear, maybe only a flight
            # in a flight into bills (policy.flight), only the rush for safety
            run = flight(r)
            opening.append(say("bill_hiking_reversal_fear" if run else "bill_hiking_reversal",
                               (sy, "policy", *flight_subjects(r, run)),
                             facts, claims + [positive(mp.EVENTS_REGIME_CHANGE_13W, sy, "change"),
                                              at_most(f"{path}.changes.1w", -BILL_WEEK_MOVE, sy, "1w")]
                             + (run[0] if run else []),
                             regimes=run[1] if run else POLICY_READS["hiking_reversal"], answers=True))
        elif key == "hiking":
            span, span_claims = choose(HIKING, r.view, sy)
            rising, paused = short_rising(r), False
            if span == "_26w" and rising is None:
                # "still edging up" is false when the bill yield fell this week or over four weeks
                why, paused = _paused(r, path, +1)
                span, span_claims = "_26w_paused", span_claims + why
            opening.append(say(f"bill_hiking{span}", (sy, "policy"), facts, claims + span_claims
                               + (rising if span == "_26w" else []), paused=paused, answers=True))
        elif key in ("cutting", "cut_to_zero"):
            span, span_claims = choose(CUTTING, r.view, sy)
            claims += span_claims
            by_half = span == "_26w"
            word = "bill_cut_to_zero" if key == "cut_to_zero" else "bill_cutting"
            run = flight(r)
            if run is not None:
                # a week of fear, or a bill plunge with the VIX up (policy.flight): part of the fall may be money
                # hiding in bills, not policy
                opening.append(say("bill_falling_fear" if r.fear() else "bill_falling_flight",
                                   (sy, "policy", *flight_subjects(r, run)), facts,
                                   claims + run[0], regimes=run[1], span="26w" if by_half else "13w",
                                   zero=key == "cut_to_zero", answers=True))
            elif m.events.vix_spike and (level.changes.get("1w") or 0) < 0:
                # a VIX spike with the bill falling this week: a flight to safety may be part of it, not easing
                # (readers met "policy easing" for a bill plunge in a VIX spike)
                vix = r.t.volatility or "^VIX"
                opening.append(say("bill_falling_spike", (sy, "policy", vix), facts,
                                   claims + [is_(mp.EVENTS_VIX_SPIKE, True, vix, "spike", +1),
                                             negative(f"{path}.changes.1w", sy, "1w")],
                                   span="26w" if by_half else "13w", zero=key == "cut_to_zero", answers=True))
            else:
                falling, paused = short_falling(r), False
                if by_half and key == "cutting" and falling is None:
                    # "still edging down" is false when the bill yield rose this week or not fell over four weeks
                    why, paused = _paused(r, path, -1)
                    word, claims = "bill_cutting_paused", claims + why
                elif by_half and key == "cutting":
                    claims = claims + falling
                long_up = _long_end_up(r) if key == "cutting" else None
                if long_up is not None:
                    # the bill falls but the 10-year rose LONG_END_UP or more: easing at the short end only, and
                    # refinancing is not getting cheaper (readers met "policy is easing ... refinancing fears should
                    # fade" with the 10-year up 28 bp over the quarter); a 10-year week of WEEK_AGAINST or more the
                    # other way is told with it
                    ly = r.t.long_yield or "^TNX"
                    lweek = r.m.levels[ly].changes.get("1w")
                    against = lweek is not None and lweek <= -WEEK_AGAINST
                    opening.append(say("bill_cutting_long_up", (sy, "policy", ly),
                                       # the 10-year's quarter is the rates section's, referred back to here
                                       facts + (Fact("lweek", f"levels.{ly}.changes.1w", ly, "bp"),),
                                       claims + long_up + ([at_most(f"levels.{ly}.changes.1w", -WEEK_AGAINST, ly,
                                                                    "1w")] if against else []),
                                       regimes=POLICY_READS[key], span="26w" if by_half else "13w", paused=paused,
                                       lweek=against, answers=True))
                else:
                    opening.append(say(f"{word}_26w" if by_half else word, (sy, "policy"), facts, claims,
                                       regimes=POLICY_READS[key], paused=paused, answers=True))  # "policy is easing"
        elif lifting:
            opening.append(say("bill_zero_lifting", (sy, "policy"), facts, claims + lifting, answers=True))
        else:
            opening.append(say(f"bill_{key}", (sy, "policy"), facts, claims, answers=True))
        moved = first(BILL_WEEK, r.view, f"{path}.changes.1w", sy)
        if moved is not None and not (key == "hiking" and moved[0] == "down"):   # a hiking fall is told above
            # "as markets priced in easier (tighter) policy": not when the move may be money running into bills
            # (falling in a week of fear or a VIX high for its year) or out of them again (rising in a week of fear)
            way, move = moved
            # under BILL_FLOOR a move is noise at the zero floor, not policy: the figure alone
            floor = above_floor(r)
            if way == "up":
                key, fits = ("bill_week_up_plain", ()) if r.fear() or floor is None else ("bill_week_up", all_but(*FEAR))
            elif r.regime in UNEASY:
                key, fits = "bill_week_down_fear", UNEASY
            elif m.events.vix_spike or _long_end_up(r) is not None or flight(r) is not None or floor is None:
                # a bill plunge in a VIX spike or with the VIX up (policy.flight) may be a flight to safety, and with
                # the 10-year up LONG_END_UP over the quarter nothing is easing at the long end: the figure alone
                key, fits = "bill_week_down_plain", ()
            else:
                key, fits = "bill_week_down", all_but(*UNEASY)
            opening.append(say(key, sy, facts, move + (floor if key in ("bill_week_up", "bill_week_down") else []),
                               regimes=fits))
        _week_first(r, opening, say, path, facts)
        if regime_key(regime) in ("zero", "cut_to_zero"):
            # this section is where the column says short rates are at zero (ZERO_POINT's home): its answer says it
            opening = [replace(s, point=ZERO_POINT) if s.answers else s for s in opening]
        paragraphs.append(tuple(opening))
    if m.analogue is not None:
        high = regime is not None and regime_key(regime) in ("hiking", "high_hold")
        paragraphs.append((say("analogue_rates" if high else "analogue", (r.pair, "policy"), (
            Fact("low_date", mp.ANALOGUE_LOW_DATE, r.pair, "date"), Fact("high_date", mp.ANALOGUE_HIGH_DATE, r.pair, "date"),
            Fact("run", mp.ANALOGUE_RUN, r.pair, "pct"), Fact("weeks", mp.ANALOGUE_WEEKS, r.pair, "count")),
            [positive(mp.ANALOGUE_RUN, r.pair, "analogue")] + (regime_claims(regime) if high else []), optional=1),))
    return tuple(paragraphs)


def _week_first(r: _Rules, opening: list, say, path: str, facts) -> None:
    """When the bill's week moved WEEK_AGAINST or more against its thirteen (or twenty-six) weeks, and by more, the
    week is told right after the level, before the longer horizon is read (issue 26, item 3; the agreement audit's
    "horizons"): its own sentence moves up, or its figure alone is added when it moved under BILL_WEEK_MOVE. Not
    when the regime's sentence already tells the week (a hiking reversal)."""
    changes = r.m.levels[r.t.short_yield].changes
    week, regime = changes.get("1w"), r.m.events.regime
    longer = [c for c in (regime.change_13w, regime.change_26w) if c is not None]
    if week is None or abs(week) < WEEK_AGAINST or not any(c * week < 0 and abs(c) < abs(week) for c in longer) \
            or bill_reversal(r) or len(opening) < 2:
        return
    told = [i for i, s in enumerate(opening) if s.key.startswith("bill_week_")]
    if told:
        opening.insert(1, opening.pop(told[0]))
        return
    w = f"{path}.changes.1w"
    claim = at_least(w, WEEK_AGAINST, r.t.short_yield, "1w") if week > 0 else at_most(w, -WEEK_AGAINST,
                                                                                        r.t.short_yield, "1w")
    opening.insert(1, say("bill_week_up_plain" if week > 0 else "bill_week_down_plain", r.t.short_yield, facts,
                          [claim]))


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
    claims = [is_(mp.EVENTS_REGIME_KEY, regime.key, "policy", "regime",
                  {"hiking": +1, "cutting": -1}.get(regime.key, 0))]
    if regime.key == "on_hold":
        claims.append(is_(mp.EVENTS_REGIME_HIGH, regime.high, "policy", "regime level"))
    if regime.key == "cutting":
        claims.append(Claim(mp.EVENTS_REGIME_LEVEL, "<" if regime.level < ZERO_RATE else ">=", ZERO_RATE, "policy",
                            "regime level", 0))
    return claims
