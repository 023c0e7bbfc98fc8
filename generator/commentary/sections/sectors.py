"""Sectors: technology against the large-cap index, the leader and laggard, leadership ratios and the
rotation quadrants."""

from __future__ import annotations

from generator.commentary.argument import bridge_sectors
from generator.commentary.claims import (ALMOST_ALL, Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most,
                                         extreme, is_, less_than, positive, sign_of, within)
from generator.commentary.news import told_keys
from generator.commentary.news_lines import section_opening
from generator.commentary.table import Row, choose
from generator.commentary.rules import RARE_WEEK, SHOWN_ZERO, _Rules
from generator.metrics import paths as mp

# Tech's ratio to the large-cap index down this much over 52 weeks: tech stopped leading long ago.
TECH_BUST = 0.15
# Technology within this of the large-cap index over 13 weeks has moved "roughly in line" with it.
TECH_LEVEL = 0.005
# Technology's four-week move against the index at least this large before the words say it "may be tiring" or is
# "gaining ground" (readers found "tiring" on a 0.2% move).
TECH_TURN = 0.01


# A sector's week against the index must be at least this large (2 points) as well as RARE_WEEK-rare to lead
# the section: a rare 0.8% week in a quiet sector is not news.
SECTOR_WEEK_FLOOR = 0.02


def _rel(tech: str) -> str:
    return f"relative_to_large.{tech}.13w"


# Technology against the large-cap index over 13 weeks, and its last four weeks (the sector's momentum).
TECH = (
    Row("tech_level", lambda tech, q: [within(_rel(tech), TECH_LEVEL, tech, "relative 13w")]),
    Row("tech_leading_fading", lambda tech, q: [positive(_rel(tech), tech, "relative 13w"),
                                                at_most(f"sectors.{tech}.momentum", -TECH_TURN, tech, "relative 4w")]),
    Row("tech_leading", lambda tech, q: [positive(_rel(tech), tech, "relative 13w")]),
    # q: the first leadership ratio down TECH_BUST or more over 52 weeks (None: no tech bust)
    Row("tech_lagging_long", lambda tech, q: [at_most(_rel(tech), 0, tech, "relative 13w"),
                                              at_most(f"leadership.{q}.52w", -TECH_BUST, q, "relative 52w")]),
    Row("tech_lagging_recovering", lambda tech, q: [at_most(_rel(tech), 0, tech, "relative 13w"),
                                                    at_least(f"sectors.{tech}.momentum", TECH_TURN, tech, "relative 4w")]),
    Row("tech_lagging", lambda tech, q: [at_most(_rel(tech), 0, tech, "relative 13w")]),
)
# The week's tech test (issue 26, "thin sections"): technology's week against the large-cap index and small caps'
# week against it, read together. A side within the week's flat band (settings.stance.flat_band) gives no test; tech
# ahead and small caps behind is the thesis at work, tech behind and small caps ahead the turn small caps need, and
# both on the same side cuts against the thesis (small caps moved with tech, not against it).
_TW, _SW = "relative_to_large.{}.1w", mp.SPREAD_1W
TECH_WEEK = (
    Row("tech_week_level", lambda tech, pair, band, tv, sv: [within(_TW.format(tech), band, tech, "relative 1w"),
                                                             within(_SW, band, pair, "week")]),
    Row("tech_week_tech_level", lambda tech, pair, band, tv, sv: [within(_TW.format(tech), band, tech, "relative 1w"),
                                                                  sign_of(_SW, sv, pair, "week")]),
    Row("tech_week_small_level", lambda tech, pair, band, tv, sv: [within(_SW, band, pair, "week"),
                                                                   sign_of(_TW.format(tech), tv, tech, "relative 1w")]),
    Row("tech_week_thesis", lambda tech, pair, band, tv, sv: [at_least(_TW.format(tech), band, tech, "relative 1w"),
                                                              at_most(_SW, -band, pair, "week")]),
    Row("tech_week_turn", lambda tech, pair, band, tv, sv: [at_most(_TW.format(tech), -band, tech, "relative 1w"),
                                                            at_least(_SW, band, pair, "week")]),
    Row("tech_week_against_up", lambda tech, pair, band, tv, sv: [at_least(_TW.format(tech), band, tech,
                                                                           "relative 1w"),
                                                                  at_least(_SW, band, pair, "week")]),
    Row("tech_week_against_down", lambda tech, pair, band, tv, sv: [at_most(_TW.format(tech), -band, tech,
                                                                            "relative 1w"),
                                                                    at_most(_SW, -band, pair, "week")]),
)


def tech_week(r: _Rules, say, tech: str | None) -> list[Sentence]:
    """The week's tech test, the sector lens's core gauge (`Sentence.core`): technology's week against the large-cap
    index and small caps' week against it, in one sentence with the inference (TECH_WEEK). Readers met the lens as
    one line on sectors with no tech test, and "small caps need tech to stop leading" in weeks small caps led with
    tech. Nothing without both figures."""
    m = r.m
    tv = m.relative_to_large.get(tech, {}).get("1w") if tech else None
    sv = m.spread.get("1w")
    if tv is None or sv is None:
        return []
    pair, band = f"{r.small}-{r.large}", r.settings.stance.flat_band
    key, claims = choose(TECH_WEEK, r.view, tech, pair, band, tv, sv)
    facts = (Fact("tech", _TW.format(tech), tech, "pp"), Fact("small", _SW, pair, "pp"))
    return [say(key, ("sectors", tech, pair), facts, claims, tech=tech, small=r.small,
                tech_side="up" if tv > 0 else "down", small_side="up" if sv > 0 else "down", core=True)]


# Tech's week against the large-cap index below this is quiet: its standing gives way first when the issue runs long.
TECH_QUIET = 0.01
# The strongest and weakest sectors: every sector behind the index (or ahead of it) is said so.
LEADER_LAGGARD = (
    Row("leader_laggard_all_behind", lambda leader, laggard: [at_most(_rel(leader), -SHOWN_ZERO, "sectors", "all")]),
    Row("leader_laggard_all_ahead", lambda leader, laggard: [at_least(_rel(laggard), SHOWN_ZERO, "sectors", "all")]),
    Row("leader_laggard", lambda leader, laggard: []),
)


def section(r: _Rules) -> tuple[tuple[Paragraph, ...], tuple[Paragraph, ...]]:
    m, large = r.m, r.large
    tech = r.t.tech_sector or r.t.tech
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("sectors", key, subjects, facts, claims, **x)  # noqa
    ranked = m.sector_ranking
    tech_or = tech if tech in m.relative_to_large else None
    named = {x for x in (tech_or, ranked[0][0] if ranked else None, ranked[-1][0] if ranked else None) if x}
    first = [bridge_sectors(r), *_rare_week(r, say, named), say("why_sectors", "sectors")]
    paragraphs = []
    if not ranked:
        paragraphs.append(tuple(first))
        paragraphs.append((say("sectors_unavailable", "sectors", kind="note"),))
        return tuple(paragraphs), ()
    tech_rel = m.relative_to_large.get(tech, {}).get("13w") if tech else None
    long_bust = next((item for item in m.leadership if (item.momentum.get("52w") or 0) <= -TECH_BUST), None)
    if tech_rel is not None:
        facts = (Fact("tech", f"relative_to_large.{tech}.13w", tech, "pp"),)
        # "That may be starting" is false a year into a tech bust (2001-02): tech stopped leading long ago
        q = long_bust.ticker if long_bust is not None else None
        key, claims = choose(TECH, r.view, tech, q)
        # a week in which tech barely moved against the index: the question and its answer give way first when the
        # issue runs long (a reader met "small caps need large-cap tech to stop leading" nearly every week)
        week_rel = m.relative_to_large.get(tech, {}).get("1w")
        # (the week's tech test below is the section's core: this standing gives way before it in any long issue)
        quiet = 1 + int(week_rel is None or abs(week_rel) < TECH_QUIET)
        if key == "tech_lagging_long":
            first.append(say(key, ("sectors", tech, large, q), facts + (Fact("year", f"leadership.{q}.52w", q, "pct"),),
                             claims, tech=tech, q=q, follows=True, optional=quiet))
        else:
            first.append(say(key, ("sectors", tech, large), () if key == "tech_level" else facts, claims, tech=tech,
                             follows=True, optional=quiet))
    first += tech_week(r, say, tech_or)
    leader, laggard = ranked[0][0], ranked[-1][0]
    if leader != laggard:
        # "the strongest sector (-0.1%)" reads oddly: say when every sector lagged (or beat) the index
        word, all_claims = choose(LEADER_LAGGARD, r.view, leader, laggard)
        first.append(say(word, ("sectors", leader, laggard),
                         (Fact("leader", f"relative_to_large.{leader}.13w", leader, "pp"),
                          Fact("laggard", f"relative_to_large.{laggard}.13w", laggard, "pp")),
                         [Claim(f"relative_to_large.{leader}.13w", ">=", None, leader, "rank", 0,
                                f"relative_to_large.{laggard}.13w"),
                          # "the strongest sector", "the weakest": the extremes of the sectors ranked
                          extreme(f"relative_to_large.{leader}.13w",
                                  "|".join(f"relative_to_large.{t}.13w" for t, _ in ranked), leader, "rank", 0,
                                  "max of"),
                          extreme(f"relative_to_large.{laggard}.13w",
                                  "|".join(f"relative_to_large.{t}.13w" for t, _ in ranked), laggard, "rank", 0,
                                  "min of")] + all_claims, leader=leader, laggard=laggard, optional=2 - _turn(r)))
    paragraphs.append(tuple(first))
    lead = []
    for item in m.leadership:
        t = item.ticker
        if t == tech:
            continue  # its 13-week standing is already in the sentence above
        lead.append(say("leadership", t, (Fact("q", f"leadership.{t}.13w", t, "pct"),
                                          Fact("y", f"leadership.{t}.52w", t, "pct")),
                        [sign_of(f"leadership.{t}.13w", item.momentum.get("13w"), t, "relative 13w"),
                         sign_of(f"leadership.{t}.52w", item.momentum.get("52w"), t, "relative 52w")], ticker=t,
                        optional=2))
    if lead:
        paragraphs.append(tuple(lead))
    if not m.sectors:
        return tuple(paragraphs), ()
    groups = {q: [p.ticker for p in m.sectors if p.quadrant == q] for q in ("leading", "improving", "weakening",
                                                                           "lagging")}
    # the section's routine readings give way in turn when the issue runs long: one week the leader and laggard
    # stay, the next the quadrants (readers met the same sector sentence nearly every week)
    quad = [say("quadrant_intro", "sectors", optional=3)]
    not_up = lambda path, subject, topic: at_most(path, 0, subject, topic)  # noqa: E731
    sides = {"leading": (positive, positive), "improving": (not_up, positive),
             "weakening": (positive, not_up), "lagging": (not_up, not_up)}
    for q, names in groups.items():
        if names:
            trend, moving = sides[q]
            claims = []
            for t in names:
                claims += [is_(f"sectors.{t}.quadrant", q, t, "quadrant"),
                           trend(f"sectors.{t}.trend", t, "relative trend"),
                           moving(f"sectors.{t}.momentum", t, "relative 4w")]
            quad.append(say(f"quadrant_{q}", tuple(names), (), claims, names=names, optional=1 + _turn(r)))
    return tuple(paragraphs), (tuple(quad),)


# Besides the rarest, at most this many other rare sector weeks that run against their quarter are told.
MORE_RARE_WEEKS = 2


def rare_weeks(r: _Rules, named=frozenset()) -> list[tuple[str, float, float]]:
    """The rarest sector week (rare_week), then up to MORE_RARE_WEEKS other sectors whose week is as rare and runs
    against their thirteen-week standing (those are what a thirteen-week reading would misstate), the ones the
    section's thirteen-week sentences name (`named`: tech, the leader, the laggard) first."""
    first = rare_week(r)
    if first is None:
        return []
    told = news_sector(r)
    others = []
    for t, rarity in (r.m.sector_week_rarity or {}).items():
        rel = r.m.relative_to_large.get(t, {})
        week, quarter = rel.get("1w"), rel.get("13w")
        if t in (first[0], told) or t not in r.t.sectors or rarity is None or week is None or quarter is None:
            continue
        if rarity >= RARE_WEEK and abs(week) >= SECTOR_WEEK_FLOOR and week * quarter < 0:
            others.append((t in named, rarity, abs(week), t, week))
    return [first] + [(t, week, rarity) for _, rarity, _, t, week in sorted(others, reverse=True)[:MORE_RARE_WEEKS]]


def _turn(r: _Rules) -> int:
    """0 or 1 by the week (weeks since a fixed Monday, odd or even): which routine sector reading gives way first."""
    return (r.m.as_of.toordinal() - 1) // 7 % 2


def news_sector(r: _Rules) -> str | None:
    """The sector whose week opens this section as its news line: its week is not told a second time below it.
    (One the standfirst told is still read here against its quarter, or the quarter would stand alone.)"""
    item = r.m.news.items.get("sector_week") if r.m.news is not None else None
    opening = section_opening(r, "sectors") if item is not None else None
    return item.subject if opening is not None and opening.key == "sector_week" else None


def _lede_told(r: _Rules, ticker: str) -> bool:
    """The standfirst told this sector's week (its news line)."""
    item = r.m.news.items.get("sector_week") if r.m.news is not None else None
    return item is not None and item.subject == ticker and "sector_week" in told_keys(r.m, events=False)


def rare_week(r: _Rules) -> tuple[str, float, float] | None:
    """The sector whose week against the large-cap index was the rarest, when at least RARE_WEEK rare against its
    own earlier weeks, SECTOR_WEEK_FLOOR in size and against its thirteen-week standing: (ticker, its week, its
    rarity), else None. A section that leads with thirteen-week standings would misstate it (issue 26, "stale
    horizon")."""
    told = news_sector(r)
    found = []
    for t, rarity in (r.m.sector_week_rarity or {}).items():
        week = r.m.relative_to_large.get(t, {}).get("1w")
        quarter = r.m.relative_to_large.get(t, {}).get("13w")
        # only a week that runs against the sector's quarter: one that agrees adds to its thirteen-week figure
        if t in r.t.sectors and t != told and rarity is not None and week is not None and rarity >= RARE_WEEK \
                and abs(week) >= SECTOR_WEEK_FLOOR and quarter is not None and week * quarter < 0:
            found.append((rarity, abs(week), t, week))
    if not found:
        return None
    rarity, _, t, week = max(found)
    return t, week, rarity


def _rare_week(r: _Rules, say, named) -> list[Sentence]:
    """The rarest sector weeks first, each with its rarity, then its thirteen-week standing (rare_weeks)."""
    return [_one_rare_week(r, say, t, week, rarity, i > 0)
            for i, (t, week, rarity) in enumerate(rare_weeks(r, named))]


def _one_rare_week(r: _Rules, say, t: str, week: float, rarity: float, also: bool) -> Sentence:
    w, q, p = f"relative_to_large.{t}.1w", _rel(t), f"sector_week_rarity.{t}"
    quarter = r.m.relative_to_large[t].get("13w")
    rank = ("all", [at_extreme(at_least(p, 1, t, "rarity", 0))]) if rarity >= 1 else \
        ("almost", [at_least(p, ALMOST_ALL, t, "rarity", 0), less_than(p, 1, t, "rarity top", 0)]) \
        if rarity >= ALMOST_ALL else ("share", [at_least(p, RARE_WEEK, t, "rarity", 0)])
    facts = (Fact("week", w, t, "pp"), Fact("rarity", p, t, "pct"))
    claims = [sign_of(w, week, t, "relative 1w", SHOWN_ZERO), at_least(p, RARE_WEEK, t, "rarity", 0), *rank[1]]
    if quarter is not None and abs(quarter) >= SHOWN_ZERO:
        facts += (Fact("quarter", q, t, "pp"),)
        claims.append(sign_of(q, quarter, t, "relative 13w", SHOWN_ZERO))
        if not also and _lede_told(r, t):
            # the standfirst told the week and its rarity: here only the quarter it ran against (figures told twice
            # at most, counting the brief)
            return say("sector_week_told", (t, r.large), (Fact("quarter", q, t, "pp"),),
                       [sign_of(w, week, t, "relative 1w", SHOWN_ZERO), sign_of(q, quarter, t, "relative 13w",
                                                                                 SHOWN_ZERO)],
                       ticker=t, large=r.large, side="up" if week > 0 else "down",
                       quarter="up" if quarter > 0 else "down")
    return say("sector_week_also" if also else "sector_week", (t, r.large), facts, claims, ticker=t, large=r.large,
               rank=rank[0], side="up" if week > 0 else "down",
               quarter=None if quarter is None or abs(quarter) < SHOWN_ZERO else "up" if quarter > 0 else "down")
