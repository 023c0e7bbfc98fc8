"""The column's argument: the week's thesis, the case for and against small caps, and the bridges that carry
the argument from one section to the next (issue 15).

Like every other rule, these declare sentences (claims.py): which words they use (templates/words/thesis.html,
case.html, bridge.html), the figures they quote and what they claim, so the fact-check reads them like the rest.

The case for and against is built from the stance's six tests (generator.metrics.stance) and its false-move
warnings, plus the credit-and-quality evidence. Each item has a strength (how far its figure is from neutral,
on a scale set per item below); each side names its two strongest items in words, and the verdict says which
rule decides the call.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_least, at_most, is_, less_than,
                                         more_than, negative, positive, reads, sign_of, within)
from generator.commentary.rules import SHOWN_ZERO, WEEK_AGAINST, sense
from generator.commentary.sections.policy import regime_claims
from generator.commentary.sections.rates import CORR_STRONG, CORR_WEAK, scare, yields_loose, zero_rates
from generator.metrics.regime import all_but
from generator.metrics import paths as mp

# A test's figure this far from neutral counts as full strength (1.0); items are ranked by strength.
STRENGTH_SCALE = {"trend": 0.05, "averages": 0.03, "momentum_13w": 0.08, "momentum_52w": 0.15, "breadth": 0.10,
                  "rates": 0.005}
# A relative week at least this bad is "a poor week"; a smaller one is "soft" (readers met "poor week" for -0.6%).
POOR_WEEK = 0.01
# The score "Lean in further" needs besides the trend and the averages (generator/metrics/stance.py decide_stance).
FULLER_SCORE = 3
# A ratio level rare for this many years is news, even in a week the pair was level (RARE_LEVEL_YEARS).
RARE_LEVEL_YEARS = 1.0
# A rates item the rates section reads otherwise (see _rates_reading) counts at this share of its strength.
QUALIFIED = 0.5


@dataclass(frozen=True)
class Item:
    kind: str                  # the words: templates/words/case.html, _item
    side: int                  # +1 for small caps, -1 against
    strength: float
    fact: tuple[str, str, str] | None   # (path, subject, unit) of the figure the words quote
    claims: tuple[Claim, ...]
    subject: str
    # the week's figure of the same gauge, told beside a thirteen-week one it runs against ("..., though it rose
    # 51 bp this week"): (path, subject, unit), or None
    week: tuple[str, str, str] | None = None


def _test_items(r) -> list[Item]:
    m, pair, ly = r.m, r.pair, r.t.long_yield or "^TNX"
    items = []
    for i, t in enumerate(m.stance.tests):
        if not t.points or t.value is None:
            continue
        side = 1 if t.points > 0 else -1
        value_path = f"stance.tests.{i}.value"
        points = is_(f"stance.tests.{i}.points", t.points, "stance", f"test {t.name}")
        up = t.value > 0
        subject, topic = {"trend": (pair, "trend"), "averages": (pair, "averages"),
                          "momentum_13w": (pair, "momentum 13w"), "momentum_52w": (pair, "momentum 52w"),
                          "breadth": ("breadth", "share_above_200d_change_4w"), "rates": (ly, "13w")}[t.name]
        sign = positive(value_path, subject, topic) if up else negative(value_path, subject, topic)
        # the breadth test's value is a change in a share: percentage points, not %
        unit = "bp" if t.name == "rates" else "pp" if t.name == "breadth" else "pct"
        kind, strength, claims = f"{t.name}_{'up' if up else 'down'}", min(abs(t.value) / STRENGTH_SCALE[t.name], 2.0), \
            (points, sign)
        week = None
        if t.name == "rates":
            variant, qualified = _rates_reading(r, value_path, side, up)
            if variant == "_zero":
                continue   # the rates section reads this move the other way: the ledger does not count it (_side)
            kind, claims = kind + variant, claims + tuple(qualified)
            strength *= QUALIFIED if variant else 1.0
            against = week_against(r, up)
            if against is not None:
                week, claims = (against[0], ly, "bp"), claims + (against[1],)
        items.append(Item(kind, side, strength, (value_path, subject, unit), claims, subject, week))
    return items


def week_against(r, up: bool) -> tuple[str, Claim] | None:
    """The 10-year yield's week when it ran WEEK_AGAINST or more against its thirteen-week move (up: the
    quarter's direction): (path, claim). A sentence that tells the quarter tells this week beside it
    ("over 13 weeks ..., but this week ..."), or a reader takes the stale reading for the week's (issue 26)."""
    ly = r.t.long_yield
    level = r.m.levels.get(ly) if ly else None
    week = level.changes.get("1w") if level is not None else None
    if week is None:
        return None
    path = f"levels.{ly}.changes.1w"
    if up and week <= -WEEK_AGAINST:
        return path, at_most(path, -WEEK_AGAINST, ly, "1w")
    if not up and week >= WEEK_AGAINST:
        return path, at_least(path, WEEK_AGAINST, ly, "1w")
    return None


def rates_read_otherwise(r) -> tuple[int, int, str] | None:
    """The rates test's vote when the rates section reads the yield's move the other way (zero short rates: a
    fall is weaker growth, a rise hope for growth), so the ledger leaves it out: (test index, side, its
    reading's sense for small caps), else None."""
    if not zero_rates(r):
        return None
    for i, t in enumerate(r.m.stance.tests):
        if t.name == "rates" and t.points and t.value is not None:
            return i, (1 if t.points > 0 else -1), (-1 if t.value < 0 else +1)
    return None


def _rates_reading(r, value_path: str, side: int, up: bool) -> tuple[str, list[Claim]]:
    """How the case reads the rates test, so that it agrees with the rates section: plainly (a lower 10-year
    yield is a point for small caps, a higher one against them), or qualified when the rates section reads the
    move otherwise: at zero short rates ("_zero": a fall may be weaker growth, a rise hope for growth), when
    small caps have done better in weeks of rising yields ("_growth"), or when yields have said little about
    the pair this past year ("_loose", outside a week in which the 10-year drove the pair)."""
    ly, c = r.t.long_yield or "^TNX", mp.RATE_SENSITIVITY_CORRELATION
    if zero_rates(r):
        return "_zero", regime_claims(r.m.events.regime)
    fell_in_scare = scare(r) if not up else None
    if fell_in_scare is not None and r.m.levels[ly].changes.get("13w", 0) < 0:
        # the rates section reads this fall as a growth scare (`scare`): one reading of the 10-year per issue, so the
        # case counts the point but says the week read it the other way (readers met "the case for small caps rests
        # on ... the 10-year yield is lower" beside "falling yields read as worry about growth")
        return "_scare", fell_in_scare
    growth = at_least(c, CORR_STRONG, "rates", "link")
    if up and growth.holds(r.view):
        return "_growth", [growth]
    if yields_loose(r):
        return "_loose", [*within(c, CORR_WEAK, "rates", "link")]
    # read plainly: the move counts for (or against) small caps, and yields as something that drives the pair
    return "", [reads(value_path, ly, side), reads(value_path, "rates", +1, "driver")]


def case_items(r) -> tuple[list[Item], list[Item]]:
    """(for, against), each strongest first; ties keep the tests' order. Only the scored tests: the ledger is
    printed from the same results that make the score (for - against = score), so a caveat that is not a test (a
    failed breakout, a stretched index, the VIX, the yen, credit) stays out of it; the false-move rating tells
    the warnings (readers met +5 beside "the case against rests on a single point", a failed breakout)."""
    items = _test_items(r)
    ranked = sorted(items, key=lambda it: -it.strength)
    return [it for it in ranked if it.side > 0], [it for it in ranked if it.side < 0]


def _subjects(r) -> tuple[str, ...]:
    t = r.t
    return ("case", "stance", r.pair, "breadth", t.long_yield or "^TNX", "rates", "policy", t.volatility or "^VIX",
            *(x for x in (t.high_yield, r.small, t.fx) if x), "yen")


def _told_elsewhere(r, item: Item) -> bool:
    """The item's figure is a section's own reading, told there: the 10-year's 13-week change (the rates section),
    the ratio's distance from its 200-day average (the long view), the VIX's close (the risks). The case refers back
    to it without the figure (a figure is told once beyond the brief)."""
    m, ly = r.m, r.t.long_yield or "^TNX"
    if item.kind.startswith("rates_"):
        level = m.levels.get(ly)
        return level is not None and level.changes.get("13w") is not None
    if item.kind in ("trend_up", "trend_down"):
        return m.ratio.distance_from_sma_long is not None
    if item.kind in ("vix_stressed", "vix_over_line"):
        return m.risk.vix_level is not None
    if item.kind == "momentum_52w_down":
        # the long view tells the ratio's year beside an uptrend of the averages (sections/long_view.py down_year)
        r_ = m.ratio
        return r_.sma_long is not None and r_.sma_short is not None and r_.sma_short > r_.sma_long
    return False


def _side(r, name: str, items: list[Item]) -> Sentence:
    """One side of the ledger: its count of tests (the words say "a single point", "two things" or "four of our
    six tests" only for that count) and its two strongest, in words."""
    chosen = items[:2]
    key = f"case_{name}" + ("_none" if not items else "_one" if len(items) == 1 else "" if len(items) == 2
                            else "_many")
    facts, claims, extra = [], [], {"n": len(items), "tests": len(r.m.stance.tests)}
    sign = 1 if name == "for" else -1
    set_aside = rates_read_otherwise(r)
    scored = sum(1 for t in r.m.stance.tests if t.points * sign > 0)
    # the count the words give, from the tests that make the score: every test on this side but a rates vote the
    # rates section reads the other way (told as set aside, `neutral_sentence`)
    claims.append(is_(f"stance.ledger.{name}", scored, "stance", "ledger"))
    if set_aside is not None and set_aside[1] == sign:
        claims.append(Claim(f"stance.tests.{set_aside[0]}.points", "==", sign, "stance", "test rates", 0))
    for label, item in zip("ab", chosen):
        extra[label] = item.kind
        if item.fact is not None and not _told_elsewhere(r, item):
            facts.append(Fact(label, *item.fact))
        if item.week is not None:
            facts.append(Fact(f"{label}w", *item.week))
            extra[f"{label}w"] = True
        claims.extend(item.claims)
    left_out = rates_read_otherwise(r)
    if left_out is not None and left_out[1] != (1 if name == "for" else -1):
        left_out = None
    if not chosen:
        # "none of our tests favours them" (or "argues against them"): every test says so, but for a rates vote
        # the rates section reads the other way ("beyond a lower 10-year yield, which ... we read as ...")
        op = "<=" if name == "for" else ">="
        claims.extend(Claim(f"stance.tests.{i}.points", op, 0, "stance", f"test {t.name}", 0)
                      for i, t in enumerate(r.m.stance.tests) if left_out is None or i != left_out[0])
        if left_out is not None:
            i, _, read = left_out
            value_path, ly = f"stance.tests.{i}.value", r.t.long_yield or "^TNX"
            key += "_rates"
            level = r.m.levels.get(ly)
            if level is None or level.changes.get("13w") is None:
                facts.append(Fact("a", value_path, ly, "bp"))   # else the rates section tells it: referred back to
            value = r.m.stance.tests[i].value
            claims += [(negative if value < 0 else positive)(value_path, ly, "13w"), reads(value_path, ly, read),
                       *regime_claims(r.m.events.regime)]
            against = week_against(r, value > 0)
            if against is not None:
                facts.append(Fact("aw", against[0], ly, "bp"))
                claims.append(against[1])
                extra["aw"] = True
    for label in "ab":
        extra.setdefault(label, "")
        extra.setdefault(f"{label}w", False)
    return r.say("positioning", key, _subjects(r), facts, claims, words="case", **extra)


def _verdict(r, advice: tuple[str, list[Claim]] | None = None, against: list[Item] | None = None) -> Sentence | None:
    """Which rule decides the call. None when the call is held back (the advice then says why) or the ratio
    has too little history for its 200-day average. At "Lean in further" the verdict's verb is the advice's
    (`advice`: its words key and claims, sections/positioning.py ADVICE): "add in steps" only when the advice adds,
    the lean held as it is otherwise (readers met "lean in further" beside "neither add nor trim"); and the case
    against is named only when it holds an item (`against`; readers met "the warnings argue for adding gradually"
    beside "no warning is raised")."""
    m, pair = r.m, r.pair
    s = m.stance
    dist = m.ratio.distance_from_sma_long
    if s.held_back or dist is None:
        return None
    stance = is_(mp.STANCE_KEY, s.key, "stance", "stance")
    score = (Fact("score", mp.STANCE_SCORE, "stance", "level"),)
    say = lambda key, facts=(), claims=(): r.say("positioning", key, ("case", "stance", pair), facts,  # noqa
                                                 [stance, *claims], words="case")
    if s.key == "stay_large":
        if dist <= 0:
            if s.score < 0:
                return None   # the case against already outweighs: no rule has to overrule the balance
            # the balance leans to small caps or neither: the trend overrules it ("whatever the balance")
            return say("verdict_below_trend", (), [at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, 0, pair, "trend"),
                                                   at_least(mp.STANCE_SCORE, 0, "stance", "score", 0)])
        return say("verdict_above_trend_weak", score, [positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend"),
                                                       less_than(mp.STANCE_SCORE, 0, "stance", "score", 0)])
    if s.key == "start_lean":
        # what a fuller lean still needs: only the conditions not yet met (readers met "needs the 50-day above the
        # 200-day" beside a 50-day already 2% above it)
        crossed = Claim(mp.RATIO_SMA_SHORT, ">", None, pair, "averages", +1, mp.RATIO_SMA_LONG)
        uncrossed = Claim(mp.RATIO_SMA_SHORT, "<=", None, pair, "averages", -1, mp.RATIO_SMA_LONG)
        short = less_than(mp.STANCE_SCORE, FULLER_SCORE, "stance", "score", 0)
        needs = ("averages" if not crossed.holds(r.view) else "") + ("_score" if short.holds(r.view) else "")
        needs = needs.lstrip("_")
        if not needs:
            return None   # both met: the raw rules say "Lean in further", so the stance is held back (said above)
        claims = {"averages_score": [uncrossed, short], "averages": [uncrossed,
                  at_least(mp.STANCE_SCORE, FULLER_SCORE, "stance", "score", 0)],
                  "score": [crossed, short]}[needs]
        return say(f"verdict_start_{needs}", score, [positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend"),
                                                          at_least(mp.STANCE_SCORE, 0, "stance", "score", 0)] + claims)
    key, claims = advice if advice is not None else ("", [])
    adding = adds(key)
    con = list(against or ())
    return r.say("positioning", "verdict_further", ("case", "stance", pair, r.t.volatility or "^VIX"), score,
                 [stance, at_least(mp.STANCE_SCORE, 3, "stance", "score", 0), *claims],
                 words="case", adds=adding, against=bool(con))


def neutral_sentence(r) -> Sentence | None:
    """The tests that count for neither side, named (readers met "each test a point for or against" beside an odd
    score): a test at zero (no data, or a rates move inside the band), and a rates vote set aside because the rates
    section reads it the other way at near-zero short rates. None when every test took a side."""
    tests = r.m.stance.tests
    aside = rates_read_otherwise(r)
    names = [t.name for i, t in enumerate(tests) if not t.points and (aside is None or i != aside[0])]
    claims = [is_(f"stance.tests.{i}.points", 0, "stance", f"test {t.name}") for i, t in enumerate(tests)
              if not t.points]
    if aside is not None:
        # the score still counts the vote the words read otherwise: said so, for the reader's arithmetic
        claims += [*regime_claims(r.m.events.regime),
                   Claim(f"stance.tests.{aside[0]}.points", "==", aside[1], "stance", "test rates", 0)]
    if not names and aside is None:
        return None
    claims.append(is_(mp.STANCE_LEDGER_NEUTRAL, sum(1 for t in tests if not t.points), "stance", "ledger"))
    # the tests at zero are the reader's arithmetic, not an argument: said in the notes box (readers met "the breadth
    # test counts for neither side this week" in every issue); a rates vote read otherwise is an argument, in the prose
    return r.say("positioning", "case_neutral", ("case", "stance") + (("policy",) if aside is not None else ()), (),
                 claims, words="case", names=names, aside=aside is not None,
                 aside_for=aside is not None and aside[1] > 0, one=len(names) == 1,
                 kind="prose" if aside is not None else "note")


# The advice keys (sections/positioning.py ADVICE) that add to a lean: every other advice holds, trims, waits or
# steps back, and no sentence of the issue may then say "lean in further" or "add" as this week's action.
ADDING = ("advice_start_lean", "advice_lean_further", "advice_lean_further_vix")


def adds(advice_key: str) -> bool:
    """Whether the week's advice adds to the lean (ADDING)."""
    return advice_key.split("__")[0] in ADDING


def case_paragraph(r, advice: tuple[str, list[Claim]] | None = None) -> Paragraph:
    """The case for small caps, the case against, and the verdict (whose verb follows `advice`, the week's ADVICE
    row)."""
    pro, con = case_items(r)
    out = [_side(r, "for", pro), _side(r, "against", con)]
    neutral = neutral_sentence(r)
    if neutral is not None:
        out.append(neutral)
    verdict = _verdict(r, advice, con[:2])
    if verdict is not None:
        out.append(verdict)
    return tuple(out)


# --- the thesis ------------------------------------------------------------------------------------------

# The index's week this far the way of a rare session for the thesis to call it "a rally" ("a fall") of the week.
RALLY_WEEK = 0.01

# The question the week's rarest fact (generator/metrics/news/ `News.rarest`) puts to the small-versus-large call,
# by the fact's kind: {key: topic}, the topic then split by the fact's direction (a level's side, a drawdown's line).
TOPICS = {"large_drawdown": "drawdown", "small_drawdown": "drawdown", "large_high": "high", "small_high": "high",
          "large_level": "index_level", "small_level": "index_level", "long_yield_week": "yields",
          "long_yield_level": "yields", "short_yield_week": "bills", "short_yield_level": "bills",
          "vix_day": "fear", "vix_jump": "fear", "vix_level": "fear", "ratio_level": "ratio", "sector_week": "sector",
          "fx_week": "yen", "fx_level": "yen", "credit_week": "credit", "small_week": "market", "large_week": "market",
          "small_day": "market", "large_day": "market", "spread_week": "gap", "spread_day": "gap",
          "small_2d": "market", "large_2d": "market", "small_4w": "market", "large_4w": "market",
          "long_yield_4w": "yields", "quarter_spread": "period", "year_spread": "period", "curve_level": "curve",
          "curve_cross": "curve", "small_run": "market", "large_run": "market", "small_record": "index_level",
          "large_record": "index_level", "vix_low": "fear", "long_yield_round": "yields",
          "vix_fall": "fear"}


def _top_fact_thesis(r, stance: Claim) -> Sentence | None:
    """The question the week's rarest fact raises for the call, when one reaches back MULTI_YEAR or more: a bear
    market asks whether small caps' fall makes them cheap or fragile, a 10-year plunge whether falling yields help
    them this time. The words key is the topic and the fact's direction; the claims say the fact is the week's
    rarest, that rare, and that way."""
    from generator.metrics.news import MULTI_YEAR

    news = r.m.news
    top = news.rarest() if news is not None else None
    if top is None or top.key not in TOPICS:
        return None
    path = f"news.items.{top.key}"
    claims = [stance, is_(mp.NEWS_RAREST, top.key, "thesis", "top fact"),
              at_least(mp.NEWS_RAREST_YEARS, MULTI_YEAR, "thesis", "top fact", 0)]
    topic = TOPICS[top.key]
    if topic == "drawdown":
        way = top.label                       # "bear" or "correction"
        claims.append(is_(f"{path}.label", way, top.subject, "from high"))
    elif top.unit == "level":
        # a level's extreme: "high" or "low"; the VIX's level is only ranked as a high ("highest since"), label ""
        low = top.label in ("low", "near_low", "below")
        way = "down" if low else "up"
        claims.append(is_(f"{path}.label", top.label, top.subject, top.key, -1 if low else 1))
    else:
        way = "up" if top.value > 0 else "down"
        claims.append(Claim(f"{path}.value", ">" if top.value > 0 else "<", 0.0, top.subject, top.key,
                            1 if top.value > 0 else -1))   # "fear jumped", "falling yields"
    if topic == "high":
        way = "up"
    if topic == "market" and top.key.endswith(("_day", "_2d")):
        # a rare session in a week that did not go its way by RALLY_WEEK is told as a session, never as "a rally"
        # or "a fall" of the week (readers met "a rally this rare" for a week small caps ended lower)
        index = r.large if top.key.startswith("large") else r.small
        week = r.m.returns.get(index, {}).get("1w")
        path_w = f"returns.{index}.1w"
        if week is not None and (week < RALLY_WEEK if way == "up" else week > -RALLY_WEEK):
            claims.append(less_than(path_w, RALLY_WEEK, index, "week", 0) if way == "up"
                          else more_than(path_w, -RALLY_WEEK, index, "week", 0))
            way = f"session_{way}"
        elif week is not None:
            claims.append(at_least(path_w, RALLY_WEEK, index, "week", +1) if way == "up"
                          else at_most(path_w, -RALLY_WEEK, index, "week", -1))
    subjects = ("thesis", top.subject, "stance")
    leaning = r.m.stance.key != "stay_large"
    return r.say("lede", f"top_{topic}_{way}", subjects, (), claims, words="thesis", leaning=leaning,
                 index=r.large if top.key.startswith("large") else r.small,
                 sector=top.subject if top.key == "sector_week" else "")


def thesis(r) -> Sentence:
    """The week's question: first the one the week's rarest fact raises (`_top_fact_thesis`); in a week with no
    fact rare for years, from the week's move and the call: a test of a turn, a setback inside a turn, a week that
    adds to the call, one more week of a trend, or a market under stress."""
    m, pair = r.m, f"{r.small}-{r.large}"
    band = r.settings.stance.flat_band
    spread = m.spread.get("1w")
    leaning = m.stance.key != "stay_large"
    stance = (is_not_large if leaning else is_large)()
    subjects = ("thesis", pair, "stance", r.pair, "market", r.small)
    # "a poor week" only for a relative week of POOR_WEEK or worse ("soft" below it); "a winning week" only when
    # small caps rose (a relative win in a falling market is a week of losing less)
    small_week = m.returns[r.small].get("1w")
    poor = spread is not None and spread <= -POOR_WEEK
    way = sense(small_week, SHOWN_ZERO)   # small caps' own week: "a winning week" only when they rose
    words = [at_most(mp.SPREAD_1W, -POOR_WEEK, pair, "week")] if poor else []
    if spread is not None and spread > 0 and small_week is not None:
        words.append(sign_of(f"returns.{r.small}.1w", small_week, r.small, "week", SHOWN_ZERO))
    say = lambda key, claims: r.say("lede", key, subjects, (), [stance, *claims, *words],  # noqa
                                    words="thesis", poor=poor, small_way=way)
    top = _top_fact_thesis(r, stance)
    if top is not None:
        return top
    if m.events.market_stress:
        return say("stress_lean" if leaning else "stress_large", [is_(mp.EVENTS_MARKET_STRESS, True, "market",
                                                                      "stress")])
    if spread is None or abs(spread) < band:
        flat = [more_than(mp.SPREAD_1W, -band, pair, "week", 0), less_than(mp.SPREAD_1W, band, pair, "week", 0)]
        level = m.news.items.get("ratio_level") if m.news is not None else None
        if level is not None and level.label in ("high", "low") and (level.since_years or 0) >= RARE_LEVEL_YEARS:
            # a level week that leaves the ratio at a level rare for a year or more is no "quiet week for the pair"
            # (readers met "little changed between the two" at the ratio's lowest in two years)
            return r.say("lede", f"flat_{'lean' if leaning else 'large'}_at_{level.label}", subjects, (),
                         [stance, *flat, *words, is_(mp.NEWS_ITEMS_RATIO_LEVEL_LABEL, level.label, r.pair, "level"),
                          at_least(mp.NEWS_ITEMS_RATIO_LEVEL_SINCE_YEARS, RARE_LEVEL_YEARS, r.pair, "level", 0)],
                         words="thesis", poor=poor, small_way=way)
        return say("flat_lean" if leaning else "flat_large", flat)
    if spread > 0:
        return say("strong_lean" if leaning else "strong_large", [at_least(mp.SPREAD_1W, band, pair, "week")])
    if leaning:
        return say("weak_lean", [at_most(mp.SPREAD_1W, -band, pair, "week")])
    dist = m.ratio.distance_from_sma_long
    cross = m.news.items.get("trend_cross") if m.news is not None else None
    if dist is not None and dist <= 0 and cross is not None and cross.label == "below":
        # the week the ratio fell through its 200-day average: the trend did not "already" favour large caps
        return say("weak_large_crossed", [at_most(mp.SPREAD_1W, -band, pair, "week"),
                                          at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, 0, r.pair, "trend"),
                                          is_(mp.NEWS_ITEMS_TREND_CROSS_LABEL, "below", r.pair, "cross", -1)])
    if dist is not None and dist <= 0:
        return say("weak_large_trend", [at_most(mp.SPREAD_1W, -band, pair, "week"),
                                        at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, 0, r.pair, "trend")])
    if dist is None:
        return say("weak_large_young", [at_most(mp.SPREAD_1W, -band, pair, "week"),
                                        is_(mp.RATIO_DISTANCE_FROM_SMA_LONG, None, r.pair, "trend")])
    return say("weak_large", [at_most(mp.SPREAD_1W, -band, pair, "week"),
                              positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, r.pair, "trend")])


def is_large() -> Claim:
    return is_(mp.STANCE_KEY, "stay_large", "stance", "stance")


def is_not_large() -> Claim:
    return Claim(mp.STANCE_KEY, "!=", "stay_large", "stance", "stance", 0)


# --- bridges between sections ----------------------------------------------------------------------------

def bridge_sectors(r) -> Sentence | None:
    """From rates to the sector mix: how much of the gap rates explain decides how the sector section opens."""
    s = r.m.rate_sensitivity
    if s is None or s.correlation is None:
        return r.say("sectors", "from_rates_unknown", ("sectors",), words="bridge", optional=1)
    c = mp.RATE_SENSITIVITY_CORRELATION
    if abs(s.correlation) >= CORR_STRONG:
        claims = [at_least(c, CORR_STRONG, "rates", "link", 0)] if s.correlation > 0 else \
            [at_most(c, -CORR_STRONG, "rates", "link", 0)]
        return r.say("sectors", "from_rates_strong", ("sectors", "rates"), (), claims, relationship=True,
                     words="bridge", optional=1)
    if yields_loose(r):
        return r.say("sectors", "from_rates_weak", ("sectors", "rates"), (),
                     [*within(c, CORR_WEAK, "rates", "link"), reads(c, "rates", -1, "driver")],
                     relationship=True, words="bridge", optional=1,
                     regimes=all_but("rate_move"))  # "rates have had little to do with the relative trade"
    return r.say("sectors", "from_rates_loose", ("sectors", "rates"), (),
                 [more_than(c, -CORR_STRONG, "rates", "link", 0), less_than(c, CORR_STRONG, "rates", "link", 0)],
                 relationship=True, words="bridge", optional=1)


def bridge_risks(r) -> Sentence:
    """Into the risks: what they threaten depends on the call."""
    leaning = r.m.stance.key != "stay_large"
    return r.say("risks", "into_risks_lean" if leaning else "into_risks_large", ("risks", "stance"), (),
                 [is_not_large() if leaning else is_large()], words="bridge", optional=1)

