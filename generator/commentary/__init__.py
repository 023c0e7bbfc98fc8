"""Commentary rules: metrics in, declared sentences out. No I/O, no wording.

Each section is a tuple of paragraphs, each a tuple of `Sentence`s (see
claims.py): which words template says it, the figures it quotes (paths into
metrics.json) and what it claims about them. The words live in
templates/words/, so a writer can reword a sentence without touching code;
what a sentence *claims* is decided here, where the fact-check can verify it
(generator/commentary/factcheck.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most, exceeds,
                                         by_definition, extreme, history_since, is_, is_not, less_than, more_than, negative, positive,
                                         sign_of, within)
from generator.commentary.crowding import crowding_paragraph
from generator.commentary.headline import CRASH_GAP
from generator.metrics import WeeklyMetrics
from generator.metrics.events import ZERO_RATE
from generator.metrics.regime import FEAR, RATE_MOVE, RATE_SPREAD, SETTLED, TENSE_PERCENTILE, UNEASY, all_but
from generator.metrics.stance import FLAG_TEXT
from generator.commentary.track import track_paragraph

# A one-week yield move at least this large (7 bp) is worth its own sentence.
RATE_WEEK_MOVE = 0.0007
# |correlation| of weekly relative returns with yield changes: below WEAK it is noise, above STRONG it leads the story.
CORR_WEAK, CORR_STRONG = 0.15, 0.3
# Tech's ratio to the large-cap index down this much over 52 weeks: tech stopped leading long ago.
TECH_BUST = 0.15
# Technology within this of the large-cap index over 13 weeks has moved "roughly in line" with it.
TECH_LEVEL = 0.005
# A change in the share of the universe below its reference high smaller than this is "unchanged".
BREADTH_BAND = 0.02
SECTIONS = ("divergence", "rates", "long-view", "sectors", "sectors-map", "policy", "junk", "risks", "positioning")


@dataclass(frozen=True)
class Commentary:
    headline: Sentence
    standfirst: Paragraph
    headings: Mapping[str, Sentence]
    sections: Mapping[str, tuple[Paragraph, ...]]
    ranked: tuple[tuple[str, float], ...] = ()   # sectors by 13-week return relative to large caps
    brief: Paragraph = ()                          # "The week in brief": three lines for skimmers

    def keys(self, section: str) -> list[str]:
        """The words keys a section uses, in order ("headline" and "lede" included), for tests and tools."""
        if section == "headline":
            return [self.headline.key]
        if section == "lede":
            return [s.key for s in self.standfirst]
        if section == "brief":
            return [s.key for s in self.brief]
        found = [self.headings[section].key] if section in self.headings else []
        return found + [s.key for p in self.sections.get(section, ()) for s in p]


class _Rules:
    """Names and paths shared by every rule of one issue."""

    def __init__(self, m: WeeklyMetrics, settings):
        self.m, self.settings = m, settings
        self.small, self.large = m.small, m.large
        self.pair = f"{m.small}/{m.large}"
        self.t = settings.tickers
        self._view = None
        self.regime = m.regime.key if m.regime is not None else None   # the week's market regime

    @property
    def view(self):
        """The week's measures as metrics.json holds them: what decision tables test their claims on."""
        if self._view is None:
            from generator.metrics.document import measures_view

            self._view = measures_view(self.m, self.settings)
        return self._view

    def fear(self) -> bool:
        """A week of fear (a shock or a flight to safety): falling yields are money hiding, not easier policy."""
        return self.regime in FEAR

    def say(self, section: str, key: str, subjects, facts=(), claims=(), *, relationship: bool = False,
            words: str | None = None, optional: int = 0, regimes: tuple[str, ...] = (), kind: str = "prose",
            follows: bool = False, **extra) -> Sentence:
        subjects = (subjects,) if isinstance(subjects, str) else tuple(subjects)
        flat: list[Claim] = []
        for c in claims:
            flat.extend(c if isinstance(c, tuple) else (c,))
        return Sentence(section, key, subjects, tuple(facts), tuple(flat), extra, relationship, words, optional,
                        tuple(regimes), kind, follows)

    def ret(self, ticker: str, period: str, name: str | None = None) -> Fact:
        return Fact(name or f"{ticker}_{period}", f"returns.{ticker}.{period}", ticker, "pct")


# --- the week's story: headline and standfirst -----------------------------------------------------------

# Each story's headline has several phrasings (templates/words/headline.html: `story`, `story__2`, ...), rotated
# by the week's number, so a story that lasts several weeks never repeats last week's headline.
# A weekly USD/JPY fall at least this large is "sharp".
SHARP_YEN = -0.025
# USD/JPY this far above its 200-day average is a stretched carry position.
FX_STRETCHED = 0.05
# A one-week move in the bill yield this large (20 bp) is news about policy expectations.
BILL_WEEK_MOVE = 0.002
# The ratio this far below its 200-day average has "cracked" its uptrend, not merely tested it.
CRACKED = 0.03
# Equal- versus cap-weight large caps within this over 13 weeks: participation is neither narrow nor widening.
NARROW_BAND = 0.005
# Credit or quality ratios within this over 13 weeks read as level.
JUNK_BAND = 0.005
# Three-year returns within this of each other are "about the same".
GAP_LEVEL = 0.005
# A small-cap week this bad makes a fall in yields a flight to safety.
FLIGHT_DROP = 0.04
# Small caps this far behind over 13 weeks have "been kept behind".
LAGGING = 0.02
# A VIX percentile this close to the top (or bottom) prints as "100%" (or "0%"): say "almost every day".
ALMOST_ALL = 0.995
# "Nothing alarming" only with the VIX below this percentile of its year and small caps not down this much.
QUIET_RANK, QUIET_DROP = 0.8, 0.04
# A call at most this many weeks old is "young" ("the evidence is young", "It is early").
YOUNG_WEEKS = 4
# A session in which the large-cap index itself moved this much gets a sentence in the lede.
BIG_MARKET_DAY = 0.03
# A single session in which the pair moved this much against each other is worth a sentence.
BIG_DAY = 0.02
# "A record", "a new high", "all-time" need this many years of history; with less the words say "the highest
# since <start>".
RECORD_YEARS = 10


def _record_history(r: "_Rules", path: str, start, subject: str) -> tuple[bool, list[Claim]]:
    """Whether the history at `path` (a first date) backs "a record" or "a new high", and the claim that says so."""
    from generator.commentary.claims import years_before

    bound = years_before(r.m.as_of, RECORD_YEARS)
    if start is not None and start.isoformat() <= bound:
        return True, [history_since(path, r.m.as_of, RECORD_YEARS, subject)]
    return False, [Claim(path, ">", bound, subject, "short history", 0)]


def week_story(r: _Rules) -> tuple[str, list[Claim]]:
    """The week's dominant story and what naming it claims: the decision table in
    generator/commentary/headline.py."""
    from generator.commentary.headline import week_story as story

    return story(r, r.view)


def _headline(r: _Rules) -> Sentence:
    story, claims = week_story(r)
    subjects = (f"{r.small}-{r.large}", r.small, r.large, "stance", r.pair, r.t.volatility or "^VIX",
                r.t.fx or "JPY=X", "yen", r.t.long_yield or "^TNX")
    return r.say("headline", story, subjects, claims=claims)


def _standfirst(r: _Rules) -> Paragraph:
    m, band, rs, ev = r.m, r.settings.stance.flat_band, r.settings.risk, r.m.events
    pair, small, large = f"{r.small}-{r.large}", r.small, r.large
    spread = m.spread.get("1w")
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("lede", key, subjects, facts, claims, **x)  # noqa
    facts = (Fact("spread", "spread.1w", pair, "pct"), r.ret(small, "1w", "small"), r.ret(large, "1w", "large"))
    out = []
    vix, fx = r.t.volatility or "^VIX", r.t.fx or "JPY=X"
    selloff = ev.large_week is not None and ev.large_week <= rs.stress_week_drop
    tail = "_selloff" if selloff else ""
    drop = [at_most("events.large_week", rs.stress_week_drop, large, "week")] if selloff else []
    if spread is None:
        out.append(say("week_unknown", pair))
    elif spread >= band:
        out.append(say(f"week_beat{tail}", (pair, small, large), facts,
                       [at_least("spread.1w", band, pair, "week")] + drop))
    elif spread <= -band:
        out.append(say(f"week_trailed{tail}", (pair, small, large), facts,
                       [at_most("spread.1w", -band, pair, "week", -1)] + drop))
    else:
        out.append(say(f"week_level{tail}", (pair, small, large), facts,
                       [within("spread.1w", band, pair, "week")] + drop))
    # The week's events, which Friday-to-Friday returns hide.
    from generator.commentary.news import lead_is_news, news_lines, told

    lines, told_keys = news_lines(r), {i.key for i in told(m)}
    # the rarest fact opens the standfirst when it is not the week's returns; the week's line comes next
    week_at = 1 if lead_is_news(r) else 0
    out = lines[:week_at] + out + lines[week_at:]
    if ev.vix_spike and "vix_jump" not in told_keys:
        friday = ev.vix_high_date == m.as_of
        out.append(say("event_vix_spike_friday" if friday else "event_vix_spike", vix, (Fact("high", "events.vix_high", vix, "level"),
                                                Fact("day", "events.vix_high_date", vix, "date"),
                                                Fact("jump", "events.vix_jump", vix, "pct"),
                                                Fact("before", "events.vix_previous_close", vix, "level"),
                                                Fact("close", "risk.vix_level", vix, "level")),
                       [is_("events.vix_spike", True, vix, "spike", +1), positive("events.vix_jump", vix, "spike")]
                       + ([is_("events.vix_high_date", m.as_of.isoformat(), vix, "day")] if friday else [])))
    if ev.large_day_move is not None and abs(ev.large_day_move) >= BIG_MARKET_DAY and "large_day" not in told_keys:
        up = ev.large_day_move > 0
        out.append(say("event_market_day_up" if up else "event_market_day_down", large,
                       (Fact("move", "events.large_day_move", large, "pct"), Fact("day", "events.large_day", large, "date")),
                       [at_least("events.large_day_move", BIG_MARKET_DAY, large, "day") if up
                        else at_most("events.large_day_move", -BIG_MARKET_DAY, large, "day"),
                        # "the week's biggest session"
                        extreme("events.large_day_move", "events.large_day_moves", large, "day", 0)]))
    if ev.fx_from_peak is not None and ev.fx_from_peak <= rs.yen_from_peak and (m.risk.fx_week or 0) < 0 \
            and "fx_week" not in told_keys:
        out.append(say("event_yen", (fx, "yen"), (Fact("move", "events.fx_from_peak", fx, "pct"),
                                                  Fact("peak", "events.fx_peak_4w", fx, "level"),
                                                  Fact("day", "events.fx_peak_date", fx, "date")),
                       [at_most("events.fx_from_peak", rs.yen_from_peak, fx, "peak"),
                        at_most("events.fx_from_peak", rs.yen_from_peak, "yen", "peak", +1),
                        negative("risk.fx_week", fx, "week")]))
    if ev.biggest_day_move is not None and abs(ev.biggest_day_move) >= BIG_DAY:
        # the same session as the market's big day is told as part of it, not as a second story
        same = (ev.large_day == ev.biggest_day and ev.large_day_move is not None
                and abs(ev.large_day_move) >= BIG_MARKET_DAY)
        word = "event_big_day_same" if same else "event_big_day"
        out.append(say(f"{word}_{'up' if ev.biggest_day_move > 0 else 'down'}", (pair,),
                       (Fact("move", "events.biggest_day_move", pair, "pct"),
                        Fact("day", "events.biggest_day", pair, "date")),
                       [at_least("events.biggest_day_move", BIG_DAY, pair, "day") if ev.biggest_day_move > 0
                        else at_most("events.biggest_day_move", -BIG_DAY, pair, "day"),
                        # "the widest gap between the two indices this week": the largest of the week's sessions
                        extreme("events.biggest_day_move", "events.day_moves", pair, "day", 0)]
                       + ([Claim("events.biggest_day", "==", None, pair, "same day", 0, "events.large_day")] if same
                          else [])))
    from generator.commentary.argument import thesis

    out.append(thesis(r))
    out.append(_stance_line(r))
    return tuple(out)


def _call_line(r: _Rules) -> Sentence:
    """The brief's last line: the call, and how long it has stood."""
    rec = r.m.stance_record
    facts = (Fact("label", "stance.label", "stance", "text"), Fact("weeks", "stance.record.weeks_unchanged",
                                                                   "stance", "count"))
    claims = [is_("stance.key", r.m.stance.key, "stance", "stance"),
              is_("stance.record.weeks_unchanged", rec.weeks_unchanged, "stance", "run"),
              is_("stance.record.capped", rec.capped, "stance", "run")]
    return r.say("brief", "call", "stance", facts, claims, words="brief", capped=rec.capped)


def _stance_line(r: _Rules) -> Sentence:
    m = r.m
    st, rec = m.stance, m.stance_record
    say = lambda key, claims=(), facts=(), **x: r.say("lede", key, "stance", facts, claims, **x)  # noqa
    weeks = Fact("weeks", "stance.record.weeks_unchanged", "stance", "count")
    young = at_most("stance.record.weeks_unchanged", YOUNG_WEEKS, "stance", "stance", 0)
    if st.key == "stay_large":
        if st.held_back == "confirm":
            return say("rules_large_waiting", [is_("stance.held_back", "confirm", "stance", "stance")])
        if rec.changed_weeks_ago == 1:
            # "still" would be false the week the rules step back from small caps
            return say("rules_large_back", [is_("stance.key", "stay_large", "stance", "stance"),
                                            is_("stance.record.changed_weeks_ago", 1, "stance", "change"),
                                            is_("stance.record.direction", "down", "stance", "change", -1)])
        if rec.weeks_unchanged >= 2:
            return say("rules_large", [is_("stance.key", "stay_large", "stance", "stance"),
                                       at_least("stance.record.weeks_unchanged", 2, "stance", "run", 0)])
        return say("rules_large_plain", [is_("stance.key", "stay_large", "stance", "stance")])
    if st.key == "start_lean":
        if rec.weeks_unchanged <= YOUNG_WEEKS:
            return say("rules_turned", [is_("stance.key", "start_lean", "stance", "stance"), young], (weeks,))
        return say("rules_leaning", [is_("stance.key", "start_lean", "stance", "stance")])
    if st.held_back == "confirm_downgrade":
        return say("rules_wavering", [is_("stance.held_back", "confirm_downgrade", "stance", "stance")])
    return say("rules_small", [is_("stance.key", "lean_further", "stance", "stance"),
                               at_least("stance.score", 3, "stance", "stance")])


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
        streak = m.events.relative_streak
        S, L = f"returns.{small}.1w", f"returns.{large}.1w"
        flat = lambda path: within(path, SHOWN_ZERO, small if path == S else large, "week")  # noqa: E731
        up = lambda path: at_least(path, SHOWN_ZERO, small if path == S else large, "week")  # noqa: E731
        down = lambda path: at_most(path, -SHOWN_ZERO, small if path == S else large, "week")  # noqa: E731
        # a return that prints as 0.0% is "went nowhere", never "gained" or "fell"
        side = lambda v: "flat" if abs(v) < SHOWN_ZERO else "up" if v > 0 else "down"  # noqa: E731
        ahead = at_least("spread.1w", band, pair, "week")
        behind = at_most("spread.1w", -band, pair, "week")
        if spread >= band:
            key, claims = {
                ("up", "up"): ("week_rally_up", [up(S), up(L)]),
                ("up", "flat"): ("week_rally_flat_market", [up(S), flat(L)]),
                ("up", "down"): ("week_rally_against", [up(S), down(L)]),
                ("flat", "down"): ("week_rally_held", [flat(S), down(L)]),
                ("down", "down"): ("week_rally_down", [down(S), down(L)]),
            }[(side(s1), side(l1))]
            week.append(say(key, subjects, rets, [ahead] + claims))
        elif spread <= -band:
            if side(l1) == "down":
                week.append(say("week_slump_down", subjects, rets, [behind, down(L), down(S)]))
            elif side(l1) == "flat":
                week.append(say("week_slump_flat_market", subjects, rets, [behind, flat(L), down(S)]))
            elif streak <= -2:
                week.append(say("week_slump_up_streak", subjects, rets + (Fact("streak", "events.relative_streak",
                                                                               pair, "count", "abs"),),
                                [behind, up(L), is_("events.relative_streak", streak, pair, "streak", -1)]))
            else:
                week.append(say("week_slump_up", subjects, rets, [behind, up(L)]
                                + [Claim("events.relative_streak", ">", -2, pair, "streak", 0)]))
        elif m.events.large_week is not None and m.events.large_week <= r.settings.risk.stress_week_drop:
            week.append(say("week_flat_selloff", subjects, rets, [within("spread.1w", band, pair, "week"),
                                                                  at_most("events.large_week",
                                                                          r.settings.risk.stress_week_drop, large,
                                                                          "week")]))
        else:
            week.append(say("week_flat", subjects, rets, [within("spread.1w", band, pair, "week")]))
    if m.spread.get("13w") is not None:
        if m.spread.get("ytd") is not None and m.as_of.month > 3:
            week.append(say("spread_13w_ytd", pair, (Fact("q", "spread.13w", pair, "pct"),
                                                    Fact("ytd", "spread.ytd", pair, "pct"))))
        else:
            week.append(say("spread_13w", pair, (Fact("q", "spread.13w", pair, "pct"),)))
    paragraphs = [tuple(week)]

    three = m.spread.get("3y")
    ret3 = (r.ret(small, "3y", "small"), r.ret(large, "3y", "large"), Fact("gap", "spread.3y", pair, "pct"))
    if three is None:
        if m.spread.get("52w") is not None:
            paragraphs.append((say("gap_short_history", pair, (Fact("one_year", "spread.52w", pair, "pct"),)),))
    elif three <= -0.25:
        gap = [say("gap_wide", (pair, small, large), ret3, [at_most("spread.3y", -0.25, pair, "long run")])]
        if spread is not None and spread >= band:
            gap.append(say("gap_one_week", pair, claims=[at_least("spread.1w", band, pair, "week")], optional=1))
        paragraphs.append(tuple(gap))
    elif abs(three) < GAP_LEVEL:
        paragraphs.append((say("gap_level", (pair, small, large), ret3,
                               [within("spread.3y", GAP_LEVEL, pair, "long run")]),))
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
        para = []
        if ref.distance < 0:
            para.append(say("ref_below", small, facts, [negative("reference_high.distance", small, "price")]))
        else:
            para.append(say("ref_above", small, facts, [at_least("reference_high.distance", 0, small, "price")]))
        para.append(_large_high(r))
        paragraphs.append(tuple(p for p in para if p is not None))

    trend = m.ratios.get("narrowness")
    if trend is not None and trend.momentum.get("13w") is not None:
        ew, den = trend.numerator, trend.denominator
        facts = (Fact("move", "ratios.narrowness.momentum.13w", ew, "pct"), r.ret(den, "13w", "den"))
        den13 = m.returns.get(den, {}).get("13w")
        if abs(trend.momentum["13w"]) < NARROW_BAND:
            # a few tenths of a point either way is no story about participation
            paragraphs.append((say("narrow_level", (ew, den), facts, [within("ratios.narrowness.momentum.13w",
                                                                             NARROW_BAND, ew, "relative")],
                                   ew=ew, den=den),))
        elif trend.momentum["13w"] < 0 and den13 is not None and den13 > 0:
            paragraphs.append((say("narrow", (ew, den), facts, [negative("ratios.narrowness.momentum.13w", ew,
                                                                         "relative"),
                                                                positive(f"returns.{den}.13w", den, "13w")],
                                   ew=ew, den=den),))
        elif trend.momentum["13w"] < 0 and den13 is not None:
            paragraphs.append((say("narrow_falling", (ew, den), facts,
                                   [negative("ratios.narrowness.momentum.13w", ew, "relative"),
                                    Claim("ratios.narrowness.momentum.13w", "<", 0.0, den, "relative", +1),
                                    at_most(f"returns.{den}.13w", 0, den, "13w")], ew=ew, den=den),))
        elif trend.momentum["13w"] >= 0:
            paragraphs.append((say("broadening", (ew, den), facts, [at_least("ratios.narrowness.momentum.13w", 0, ew,
                                                                             "relative")], ew=ew, den=den),))

    paragraphs.append(_breadth(r))
    return tuple(paragraphs)


def _large_high(r: _Rules) -> Sentence | None:
    """Where the large-cap index stands against its own record, beside the small-cap reference high."""
    ev, large = r.m.events, r.large
    if ev.large_from_high is None:
        return None
    facts = (Fact("distance", "events.large_from_high", large, "pct"),
             Fact("day", "events.large_high_date", large, "date"))
    # "a record" (or "the top of their range since <start>" on a shorter history); the closing high is the
    # highest close in the data by definition
    long, history = _record_history(r, "events.large_start", ev.large_start, large)
    facts += (Fact("start", "events.large_start", large, "date"),)
    high = [by_definition("events.large_high_date", large)] + history
    if ev.large_from_high == 0:
        return r.say("divergence", "large_record", large, facts,
                     [at_extreme(is_("events.large_from_high", 0.0, large, "high", +1))] + history, long=long)
    if ev.large_from_high >= -0.005:
        return r.say("divergence", "large_at_high", large, facts,
                     [at_least("events.large_from_high", -0.005, large, "high", +1),
                      negative("events.large_from_high", large, "distance")] + high,
                     tiny=abs(ev.large_from_high) < SHOWN_ZERO, long=long)
    if ev.large_from_high >= -0.05:
        return r.say("divergence", "large_near_high", large, facts,
                     [at_least("events.large_from_high", -0.05, large, "high", +1),
                      negative("events.large_from_high", large, "distance")] + high, long=long)
    return r.say("divergence", "large_below_high", large, facts,
                 [less_than("events.large_from_high", -0.05, large, "high", -1)])


def _breadth(r: _Rules) -> Paragraph:
    """Breadth beneath the index: how many members were measured (and the survivorship caveat), the share below
    their reference-year high, the share above their 200-day average, the week's new highs against new lows,
    and the share that beat the large cap over 13 weeks. Each measure has its own topic, so a broad reading on
    one and a narrow one on another never read as a contradiction."""
    b = r.m.breadth
    say = lambda key, facts=(), claims=(), **x: r.say("divergence", key, "breadth", facts, claims, **x)  # noqa
    if b is None:
        return (say("breadth_unavailable", kind="note"),)
    fact = lambda name, path, unit, transform=None: Fact(name, f"breadth.{path}", "breadth", unit, transform)  # noqa
    band = BREADTH_BAND
    out = []

    as_of = r.settings.universe().as_of
    dated = as_of is not None
    # a list drawn up before this week misses later joiners and loses members that were delisted since; a list
    # drawn up after it misses the stocks that left the index before it was drawn up
    since = dated and r.m.as_of >= as_of
    out.append(say(("breadth_measured_since" if since else "breadth_measured") if dated else "breadth_measured_undated",
                   (fact("n", "with_data", "count"), fact("size", "members", "count"))
                   + ((fact("as_of", "universe.as_of", "date"),) if dated else ()), kind="note"))

    def split(path: str, topic: str) -> tuple[str, list]:
        """A share read as most (55% or more), about half, or few (45% or less), and the claim that says so."""
        share = getattr(b, path.split(".")[1])
        if share >= 0.55:
            return "most", [at_least(path, 0.55, "breadth", topic, +1)]
        if share <= 0.45:
            return "few", [at_most(path, 0.45, "breadth", topic, -1)]
        return "half", [more_than(path, 0.45, "breadth", topic, 0), less_than(path, 0.55, "breadth", topic, 0)]

    def trend(path: str, sense_falling: int) -> tuple[str, list]:
        """How a share moved over four weeks, and the claim that says so (`sense_falling`: the sense of a fall)."""
        change = getattr(b, path)
        full = f"breadth.{path}"
        if change is None:
            return "none", []
        if change > band:
            return "rising", [more_than(full, band, "breadth", path, -sense_falling)]
        if change < -band:
            return "falling", [less_than(full, -band, "breadth", path, sense_falling)]
        return "steady", [within(full, band, "breadth", path)]

    if b.share_below is not None:
        facts = (fact("below", "below_reference_high", "count"), fact("measured", "reference_measured", "count"),
                 fact("share", "share_below", "pct"), fact("year", "reference_year", "year"),
                 fact("before", "share_below_4w_ago", "pct"))
        if b.below_reference_high == 0:
            out.append(say("breadth_ref_all_recovered", facts,
                           [is_("breadth.below_reference_high", 0, "breadth", "reference", +1)]))
        else:
            move, claims = trend("share_below_change_4w", +1)  # fewer below is better
            if b.share_below >= 0.5:
                level = "most"
                claims.append(at_least("breadth.share_below", 0.5, "breadth", "reference", -1))
            else:
                level = "few"
                claims += [less_than("breadth.share_below", 0.5, "breadth", "reference", +1),
                           more_than("breadth.below_reference_high", 0, "breadth", "reference_count", -1)]
            out.append(say(f"breadth_ref_{level}_{move}", facts, claims))

    if b.share_above_200d is not None:
        facts = (fact("above", "above_200d", "count"), fact("measured", "measured_200d", "count"),
                 fact("share", "share_above_200d", "pct"), fact("before", "share_above_200d_4w_ago", "pct"))
        if b.above_200d == 0:
            out.append(say("breadth_200d_none", facts, [is_("breadth.above_200d", 0, "breadth", "200d", -1)]))
        else:
            move, claims = trend("share_above_200d_change_4w", -1)
            claims.append(more_than("breadth.above_200d", 0, "breadth", "200d_count", +1))
            level, level_claims = split("breadth.share_above_200d", "200d")
            out.append(say(f"breadth_200d_{level}_{move}", facts, claims + level_claims))

    extras = len(out)  # highs and lows, and the 13-week count: the first breadth sentences to give way
    if b.measured_52w:
        facts = (fact("highs", "new_highs", "count"), fact("lows", "new_lows", "count"),
                 fact("net", "net_new_highs", "count", "abs"), fact("measured", "measured_52w", "count"))
        if b.new_highs == b.new_lows == 0:
            out.append(say("breadth_highs_lows_none", facts, [is_("breadth.new_highs", 0, "breadth", "highs_lows"),
                                                              is_("breadth.new_lows", 0, "breadth", "highs_lows")]))
        elif b.new_highs > b.new_lows:
            out.append(say("breadth_highs_lows_more_highs", facts,
                           [exceeds("breadth.new_highs", "breadth.new_lows", "breadth", "highs_lows", +1)]))
        elif b.new_lows > b.new_highs:
            out.append(say("breadth_highs_lows_more_lows", facts,
                           [exceeds("breadth.new_lows", "breadth.new_highs", "breadth", "highs_lows", -1)]))
        else:
            out.append(say("breadth_highs_lows_even", facts, [is_("breadth.net_new_highs", 0, "breadth",
                                                                  "highs_lows")]))

    if b.share_beat_large_13w is not None:
        facts = (fact("beat", "beat_large_13w", "count"), fact("measured", "measured_13w", "count"),
                 fact("share", "share_beat_large_13w", "pct"))
        if b.beat_large_13w == 0:
            out.append(say("breadth_13w_none", facts, [is_("breadth.beat_large_13w", 0, "breadth", "13w", -1)]))
        else:
            level, claims = split("breadth.share_beat_large_13w", "13w")
            out.append(say(f"breadth_13w_{level}", facts,
                           claims + [more_than("breadth.beat_large_13w", 0, "breadth", "13w_count", +1)]))
    out[extras:] = [replace(s, optional=1) for s in out[extras:]]
    return tuple(out)


# --- rates -----------------------------------------------------------------------------------------------

def _rates(r: _Rules) -> tuple[Paragraph, ...]:
    m, band, ly = r.m, r.settings.stance.rate_band, r.t.long_yield
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("rates", key, subjects, facts, claims, **x)  # noqa
    first = [say("why_rates", "rates", optional=3)]
    regime = m.events.regime
    if regime is not None:
        reversal = _bill_reversal(r)
        key = "hiking_reversal" if reversal else _regime_key(regime)
        # In a week of fear, bill yields at zero or falling this week say less about policy: other words. In a week
        # the 10-year drove the pair, steady short rates are still "a backdrop", but the cost of money is the story.
        variant = "_fear" if r.fear() and key in ("hiking_reversal", "cut_to_zero") else \
            "_rate_move" if r.regime == "rate_move" and key == "on_hold" else ""
        fits = FEAR if variant == "_fear" else ("rate_move",) if variant else _BACKDROP_READS.get(key, ())
        first.append(say(f"backdrop_{key}{variant}", ("rates", "policy"), (), _regime_claims(regime) + reversal,
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
        zero = regime is not None and _regime_key(regime) in ("zero", "cut_to_zero")
        zero_claims = _regime_claims(regime) if zero else []
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


# The policy readings that a week of fear contradicts: bill yields that fall in a flight to safety say little
# about easier policy ("policy is easing", "cut to the floor", "markets expect the tightening to end"). In such a
# week the rules pick the `_fear` words instead, which say the fall may be money hiding in bills.
_POLICY_READS = {"hiking_reversal": all_but(*FEAR), "cutting": all_but(*FEAR), "cut_to_zero": all_but(*FEAR)}
_HEADING_READS = {"cutting": all_but(*FEAR), "cut_to_zero": all_but(*FEAR)}      # "An easing cycle"
_BACKDROP_READS = {"hiking_reversal": all_but(*FEAR), "cut_to_zero": all_but(*FEAR),   # "cut to near zero"
                   "on_hold": all_but("rate_move")}       # "the cost of money is a backdrop rather than the story"


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


def _regime_key(regime) -> str:
    """hiking | cutting | cut_to_zero | zero | high_hold | on_hold: which era's words the rates and policy
    sections use. Cuts that have taken the bill yield to near zero (late 2008, March 2020) are not an easing
    that "could continue": there is no room left."""
    if regime.key == "on_hold" and regime.high:
        return "high_hold"
    if regime.key == "cutting" and regime.level < ZERO_RATE:
        return "cut_to_zero"
    return regime.key


def _regime_claims(regime) -> list[Claim]:
    claims = [is_("events.regime.key", regime.key, "policy", "regime",
                  {"hiking": +1, "cutting": -1}.get(regime.key, 0))]
    if regime.key == "on_hold":
        claims.append(is_("events.regime.high", regime.high, "policy", "regime level"))
    if regime.key == "cutting":
        claims.append(Claim("events.regime.level", "<" if regime.level < ZERO_RATE else ">=", ZERO_RATE, "policy",
                            "regime level", 0))
    return claims


# --- the long view --------------------------------------------------------------------------------------

def _long_view_heading(r: _Rules) -> Sentence:
    years = r.m.ratio.years_since_peak
    fact = (Fact("years", "ratio.years_since_peak", r.pair, "years"),)
    if r.m.ratio.drawdown_from_peak == 0:
        long, history = _record_history(r, "ratio.start", r.m.ratio.start, r.pair)
        return r.say("long-view", "heading_new_high" if long else "heading_new_high_short", r.pair,
                     () if long else (Fact("start", "ratio.start", r.pair, "date"),),
                     [at_extreme(is_("ratio.drawdown_from_peak", 0.0, r.pair, "peak", +1))] + history)
    if years < 1:
        return r.say("long-view", "heading_recent", r.pair, fact, [less_than("ratio.years_since_peak", 1, r.pair,
                                                                            "age", 0)])
    return r.say("long-view", "heading", r.pair, fact, [at_least("ratio.years_since_peak", 1, r.pair, "age", 0)])


def _long_view(r: _Rules) -> tuple[Paragraph, ...]:
    m, pair = r.m, r.pair
    # a distance that prints as 0.0% is written "just above/below" (x.tiny), never "0.0% above"
    tiny_dd = abs(m.ratio.drawdown_from_peak or 0) < SHOWN_ZERO
    tiny_d = m.ratio.distance_from_sma_long is not None and abs(m.ratio.distance_from_sma_long) < SHOWN_ZERO
    say = lambda key, subjects=pair, facts=(), claims=(), **x: r.say(  # noqa: E731
        "long-view", key, subjects, facts, claims, **{"tiny": tiny_d if key.startswith("trend") else tiny_dd, **x})
    ratio = m.ratio
    peak = (Fact("peak", "ratio.peak_value", pair, "level"), Fact("peak_date", "ratio.peak_date", pair, "date"),
            Fact("years", "ratio.years_since_peak", pair, "years"), Fact("value", "ratio.value", pair, "level"),
            Fact("drawdown", "ratio.drawdown_from_peak", pair, "pct"))
    if ratio.drawdown_from_peak == 0:
        long, history = _record_history(r, "ratio.start", ratio.start, pair)
        first = [say("peak_today" if long else "peak_today_short", pair,
                     peak + (Fact("start", "ratio.start", pair, "date"),),
                     [at_extreme(is_("ratio.drawdown_from_peak", 0.0, pair, "peak", +1))] + history)]
    else:
        first = [say("peak", pair, peak)]
        below = negative("ratio.drawdown_from_peak", pair, "distance")
        if ratio.years_since_peak >= 1:
            first.append(say("peak_age", pair, peak, [at_least("ratio.years_since_peak", 1, pair, "age", 0)],
                             optional=2))  # the heading already gives the age
            if ratio.drawdown_from_peak < -0.25 and m.breakouts.current is None:
                first.append(say("peak_far", pair, peak, [less_than("ratio.drawdown_from_peak", -0.25, pair, "peak"),
                                                           is_("breakouts.current", None, pair, "current breakout",
                                                               -1), below]))
            elif ratio.drawdown_from_peak < -0.25:
                first.append(say("peak_far_trying", pair, peak, [
                    less_than("ratio.drawdown_from_peak", -0.25, pair, "peak"), below,
                    is_not("breakouts.current", None, pair, "current breakout", +1)]))
            else:
                first.append(say("peak_near", pair, peak, [at_least("ratio.drawdown_from_peak", -0.25, pair, "peak",
                                                                    +1), below]))
        else:
            first.append(say("peak_recent", pair, peak, [less_than("ratio.years_since_peak", 1, pair, "age", 0),
                                                          below]))
    paragraphs = [tuple(first)]

    second = []
    dist = (Fact("distance", "ratio.distance_from_sma_long", pair, "pct"),)
    if ratio.sma_long is None:
        second.append(say("trend_short_history", kind="note"))
    elif ratio.value > ratio.sma_long and ratio.sma_short is not None and ratio.sma_short > ratio.sma_long:
        second.append(say("trend_above_both", pair, dist, [positive("ratio.distance_from_sma_long", pair, "trend"),
                                                           exceeds("ratio.sma_short", "ratio.sma_long", pair,
                                                                   "averages")]))
    elif ratio.value > ratio.sma_long and ratio.sma_short is not None:
        second.append(say("trend_above_long", pair, dist, [positive("ratio.distance_from_sma_long", pair, "trend"),
                                                           Claim("ratio.sma_short", "<=", None, pair, "averages", -1,
                                                                 "ratio.sma_long")]))
    elif ratio.value > ratio.sma_long:
        second.append(say("trend_above_long_only", pair, dist, [positive("ratio.distance_from_sma_long", pair,
                                                                         "trend")]))
    elif ratio.sma_short is not None and ratio.sma_short > ratio.sma_long:
        cracked = ratio.distance_from_sma_long is not None and ratio.distance_from_sma_long <= -CRACKED
        second.append(say("trend_below_long_cracked" if cracked else "trend_below_long_crossed", pair, dist, [
            at_most("ratio.distance_from_sma_long", -CRACKED if cracked else 0, pair, "trend"),
            exceeds("ratio.sma_short", "ratio.sma_long", pair, "averages")]
            + ([] if cracked else [more_than("ratio.distance_from_sma_long", -CRACKED, pair, "trend depth", 0)])))
    else:
        second.append(say("trend_below_long", pair, dist, [at_most("ratio.distance_from_sma_long", 0, pair,
                                                                   "trend")]))
    known = {k: v for k, v in ratio.momentum.items() if v is not None}
    if known:
        ups = sum(v > 0 for v in known.values())
        shortest = f"{min(int(k[:-1]) for k in known)}w"
        if ups == len(known):
            second.append(say("momentum_all_up", pair, (), [positive(f"ratio.momentum.{k}", pair, f"momentum {k}")
                                                            for k in known]))
        elif ups == 0:
            second.append(say("momentum_all_down", pair, (), [at_most(f"ratio.momentum.{k}", 0, pair, f"momentum {k}")
                                                              for k in known]))
        else:
            short = known[shortest]
            key = "momentum_short_up" if short > 0 else "momentum_short_down"
            second.append(say(key, pair, (Fact("ups", "ratio.momentum_up", pair, "count"),
                                          Fact("n", "ratio.momentum_known", pair, "count")),
                              [sign_of(f"ratio.momentum.{shortest}", short, pair, f"momentum {shortest}"),
                               at_least("ratio.momentum_up", 1, pair, "momentum count", +1),
                               is_("ratio.momentum_up", ups, pair, "momentum count")],
                              weeks=int(shortest[:-1])))
    paragraphs.append(tuple(second))

    b = m.breakouts
    failed, sustained = len(b.failed), len(b.sustained)
    counts = (Fact("failed", "breakouts.failed_count", pair, "count"),
              Fact("sustained", "breakouts.sustained_count", pair, "count"),
              Fact("total", "breakouts.episodes", pair, "count"),
              Fact("limit", "breakouts.limit_weeks", pair, "count"))
    # Counts up to ten are written in words, which the number check cannot read: claim them exactly.
    exact = [is_("breakouts.failed_count", failed, pair, "failed count"),
             is_("breakouts.sustained_count", sustained, pair, "sustained count")]
    if b.current is not None:
        start = (Fact("start", "breakouts.current.start", pair, "date"),)
        if failed + sustained == 0:
            paragraphs.append((say("breakout_first", pair, counts + start,
                                   [positive("ratio.distance_from_sma_long", pair, "trend"),
                                    is_("breakouts.episodes", 0, pair, "breakouts")]),))
        elif sustained == 0:
            paragraphs.append((say("breakout_in_progress_all_failed", pair, counts + start,
                                   [positive("ratio.distance_from_sma_long", pair, "trend"),
                                    at_least("breakouts.episodes", 1, pair, "breakouts", 0),
                                    Claim("breakouts.failed_count", ">=", 1, pair, "failed breakouts", -1)] + exact),))
        else:
            paragraphs.append((say("breakout_in_progress", pair, counts + start,
                                   [positive("ratio.distance_from_sma_long", pair, "trend"),
                                    at_least("breakouts.episodes", 1, pair, "breakouts", 0),
                                    Claim("breakouts.failed_count", ">=", 0, pair, "failed breakouts", -1)] + exact),))
    elif b.failed:
        last = f"breakouts.failed.{failed - 1}"
        paragraphs.append((say("breakouts_failed", pair,
                               counts + (Fact("start", f"{last}.start", pair, "date"),
                                         Fact("excess", f"{last}.peak_excess", pair, "pct")),
                               [at_least("breakouts.failed_count", 1, pair, "breakouts", 0),
                                positive(f"{last}.peak_excess", pair, "failed breakout")] + exact),))
    elif b.sustained:
        paragraphs.append((say("breakouts_sustained_only", pair, counts,
                               [is_("breakouts.failed_count", 0, pair, "breakouts"),
                                at_least("breakouts.sustained_count", 1, pair, "breakouts", +1)] + exact),))
    elif b.above_since_peak:
        paragraphs.append((say("above_since_peak", pair, (), [is_("breakouts.above_since_peak", True, pair,
                                                                  "breakouts"),
                                                              positive("ratio.distance_from_sma_long", pair,
                                                                       "trend")]),))
    else:
        paragraphs.append((say("breakouts_none", pair, (), [is_("breakouts.episodes", 0, pair, "breakouts"),
                                                            is_("breakouts.above_since_peak", False, pair,
                                                                "breakouts")]),))
    return tuple(paragraphs)


# --- sectors ---------------------------------------------------------------------------------------------

def _sectors(r: _Rules) -> tuple[tuple[Paragraph, ...], tuple[Paragraph, ...], tuple[tuple[str, float], ...]]:
    m, large = r.m, r.large
    tech = r.t.tech_sector or r.t.tech
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("sectors", key, subjects, facts, claims, **x)  # noqa
    ranked = tuple(sorted(((t, v["13w"]) for t, v in m.relative_to_large.items()
                           if t in r.t.sectors and v.get("13w") is not None), key=lambda item: item[1], reverse=True))
    from generator.commentary.argument import bridge_sectors

    first = [bridge_sectors(r), say("why_sectors", "sectors")]
    paragraphs = []
    if not ranked:
        paragraphs.append(tuple(first))
        paragraphs.append((say("sectors_unavailable", "sectors", kind="note"),))
        return tuple(paragraphs), (), ranked
    tech_rel = m.relative_to_large.get(tech, {}).get("13w") if tech else None
    points = {p.ticker: p for p in m.sectors}
    long_bust = next((item for item in m.leadership if (item.momentum.get("52w") or 0) <= -TECH_BUST), None)
    if tech_rel is not None:
        facts = (Fact("tech", f"relative_to_large.{tech}.13w", tech, "pct"),)
        rel = f"relative_to_large.{tech}.13w"
        point = points.get(tech)
        recent = point.momentum if point is not None else None
        if abs(tech_rel) < TECH_LEVEL:
            first.append(say("tech_level", ("sectors", tech, large), (), [within(rel, TECH_LEVEL, tech, "relative 13w")],
                             tech=tech, follows=True))
        elif tech_rel > 0 and recent is not None and recent <= 0:
            first.append(say("tech_leading_fading", ("sectors", tech, large), facts,
                             [positive(rel, tech, "relative 13w"), at_most(f"sectors.{tech}.momentum", 0, tech,
                                                                           "relative 4w")], tech=tech, follows=True))
        elif tech_rel > 0:
            first.append(say("tech_leading", ("sectors", tech, large), facts, [positive(rel, tech, "relative 13w")],
                             tech=tech, follows=True))
        elif long_bust is not None:
            # "That may be starting" is false a year into a tech bust (2001-02): tech stopped leading long ago
            q = long_bust.ticker
            first.append(say("tech_lagging_long", ("sectors", tech, large, q),
                             facts + (Fact("year", f"leadership.{q}.52w", q, "pct"),),
                             [at_most(rel, 0, tech, "relative 13w"),
                              at_most(f"leadership.{q}.52w", -TECH_BUST, q, "relative 52w")], tech=tech, q=q, follows=True))
        elif recent is not None and recent > 0:
            first.append(say("tech_lagging_recovering", ("sectors", tech, large), facts,
                             [at_most(rel, 0, tech, "relative 13w"), positive(f"sectors.{tech}.momentum", tech,
                                                                              "relative 4w")], tech=tech, follows=True))
        else:
            first.append(say("tech_lagging", ("sectors", tech, large), facts, [at_most(rel, 0, tech, "relative 13w")],
                             tech=tech, follows=True))
    leader, laggard = ranked[0][0], ranked[-1][0]
    if leader != laggard:
        lv, gv = m.relative_to_large[leader]["13w"], m.relative_to_large[laggard]["13w"]
        # "the strongest sector (-0.1%)" reads oddly: say when every sector lagged (or beat) the index
        word = ("leader_laggard_all_behind" if lv <= -SHOWN_ZERO else "leader_laggard_all_ahead" if gv >= SHOWN_ZERO
                else "leader_laggard")
        first.append(say(word, ("sectors", leader, laggard),
                         (Fact("leader", f"relative_to_large.{leader}.13w", leader, "pct"),
                          Fact("laggard", f"relative_to_large.{laggard}.13w", laggard, "pct")),
                         [Claim(f"relative_to_large.{leader}.13w", ">=", None, leader, "rank", 0,
                                f"relative_to_large.{laggard}.13w"),
                          # "the strongest sector", "the weakest": the extremes of the sectors ranked
                          extreme(f"relative_to_large.{leader}.13w",
                                  "|".join(f"relative_to_large.{t}.13w" for t, _ in ranked), leader, "rank", 0,
                                  "max of"),
                          extreme(f"relative_to_large.{laggard}.13w",
                                  "|".join(f"relative_to_large.{t}.13w" for t, _ in ranked), laggard, "rank", 0,
                                  "min of")]
                         + ([at_most(f"relative_to_large.{leader}.13w", -SHOWN_ZERO, "sectors", "all")]
                            if word.endswith("behind") else
                            [at_least(f"relative_to_large.{laggard}.13w", SHOWN_ZERO, "sectors", "all")]
                            if word.endswith("ahead") else []), leader=leader, laggard=laggard))
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
        return tuple(paragraphs), (), ranked
    groups = {q: [p.ticker for p in m.sectors if p.quadrant == q] for q in ("leading", "improving", "weakening",
                                                                           "lagging")}
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
            quad.append(say(f"quadrant_{q}", tuple(names), (), claims, names=names, optional=1))
    return tuple(paragraphs), (tuple(quad),), ranked


# --- policy ----------------------------------------------------------------------------------------------

def _policy_heading(r: _Rules) -> Sentence:
    regime = r.m.events.regime
    if regime is None:
        return r.say("policy", "heading_plain", "policy")
    reversal = _bill_reversal(r)
    key = "hiking_reversal" if reversal else _regime_key(regime)
    fearful = r.fear() and key in _HEADING_READS
    return r.say("policy", f"heading_{key}{'_fear' if fearful else ''}", "policy", (), _regime_claims(regime) + reversal,
                 regimes=FEAR if fearful else _HEADING_READS.get(key, ()))


def _bill_reversal(r: _Rules) -> list[Claim]:
    """A hiking regime by the quarter whose bill yield fell hard this week (March 2023): its claims, or []."""
    regime, sy = r.m.events.regime, r.t.short_yield
    level = r.m.levels.get(sy) if sy else None
    week = level.changes.get("1w") if level is not None else None
    if regime is None or regime.key != "hiking" or week is None or week > -BILL_WEEK_MOVE:
        return []
    return [at_most(f"levels.{sy}.changes.1w", -BILL_WEEK_MOVE, "policy", "1w", -1)]


def _policy(r: _Rules) -> tuple[Paragraph, ...]:
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
        key = _regime_key(regime)
        claims = _regime_claims(regime)
        week = level.changes.get("1w")
        if key == "hiking" and week is not None and week <= -BILL_WEEK_MOVE:
            # a hiking regime by the quarter, but the bill yield fell hard this week (March 2023): say both
            # "markets have started to price an end to the tightening"; in a week of fear, maybe only a flight
            first.append(say("bill_hiking_reversal_fear" if r.fear() else "bill_hiking_reversal", (sy, "policy"),
                             facts, claims + [positive("events.regime.change_13w", sy, "change"),
                                              at_most(f"{path}.changes.1w", -BILL_WEEK_MOVE, sy, "1w")],
                             regimes=FEAR if r.fear() else _POLICY_READS["hiking_reversal"]))
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
                                 regimes=_POLICY_READS[key]))  # "policy is easing", "cut as far as it can go"
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
        high = regime is not None and _regime_key(regime) in ("hiking", "high_hold")
        paragraphs.append((say("analogue_rates" if high else "analogue", (r.pair, "policy"), (
            Fact("low_date", "analogue.low_date", r.pair, "date"), Fact("high_date", "analogue.high_date", r.pair, "date"),
            Fact("run", "analogue.run", r.pair, "pct"), Fact("weeks", "analogue.weeks", r.pair, "count")),
            [positive("analogue.run", r.pair, "analogue")] + (_regime_claims(regime) if high else []), optional=1),))
    return tuple(paragraphs)


# --- junk ------------------------------------------------------------------------------------------------

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
    facts = (Fact("long", path, ly, "bp"),)
    if change > band:
        trend, claim = "rising", more_than(path, band, ly, "13w")
    elif change < -band:
        trend, claim = "falling", less_than(path, -band, ly, "13w")
    else:
        trend, claim = "steady", within(path, band + 1e-12, ly, "13w")
    key = _regime_key(regime)
    claims = _regime_claims(regime)
    if key in ("zero", "cut_to_zero"):
        return "zero", claims, ()
    if key == "cutting":
        return ("easing" if trend == "falling" else "cuts_long_up" if trend == "rising" else "cuts_long_steady"), \
            claims + [claim], facts
    if key in ("hiking", "high_hold"):
        return {"rising": "tight_rising", "falling": "tight_long_down", "steady": "tight_steady"}[trend], \
            claims + [claim], facts
    return f"hold_{trend}", claims + [claim], facts


def _short_word(r: _Rules) -> str:
    """'hiking' or 'high' for the tight cases' words: short rates rising, or held high."""
    regime = r.m.events.regime
    return "hiking" if regime is not None and regime.key == "hiking" else "high"


# Which way each rates case points for a junk rally: +1 toward one, -1 against, 0 neither.
RATE_CASE_SENSE = {"easing": +1, "tight_long_down": +1, "hold_falling": +1, "tight_rising": -1,
                   "hold_rising": -1, "cuts_long_up": 0, "cuts_long_steady": 0, "tight_steady": -1,
                   "hold_steady": 0, "zero": 0}


def _junk(r: _Rules) -> tuple[Paragraph, ...]:
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
    case = _rate_case(r)
    if case is None:
        out = [say("why_junk", "junk", optional=3)]
    else:
        out = [say(f"if_{case[0]}", ("junk", "rates", "policy", r.t.long_yield or "^TNX"), case[2], case[1],
                   short=_short_word(r))]
    # moves inside JUNK_BAND read as level: a 0.2% edge is not "outpacing"
    side = lambda v: "flat" if abs(v) < JUNK_BAND else "up" if v > 0 else "down"  # noqa: E731

    def claim(path, v, subject, topic):
        if abs(v) < JUNK_BAND:
            return within(path, JUNK_BAND, subject, topic)
        return positive(path, subject, topic) if v > 0 else negative(path, subject, topic)

    if cv is not None:
        out.append(say(f"credit_{side(cv)}", credit.numerator,
                       (Fact("move", "ratios.credit.momentum.13w", credit.numerator, "pct"),),
                       [claim("ratios.credit.momentum.13w", cv, credit.numerator, "credit")],
                       num=credit.numerator, den=credit.denominator))
    if qv is not None:
        alone = "" if cv is not None else "_alone"  # "over the same span" needs a span named before it
        out.append(say(f"quality_{side(qv)}{alone}", quality.numerator,
                       (Fact("move", "ratios.quality.momentum.13w", quality.numerator, "pct"),),
                       [claim("ratios.quality.momentum.13w", qv, quality.numerator, "junk")],
                       num=quality.numerator, den=quality.denominator))
    if cv is not None and qv is not None and abs(cv) >= JUNK_BAND and abs(qv) >= JUNK_BAND:
        up_c, up_q = cv >= JUNK_BAND, qv >= JUNK_BAND
        key = {(True, True): "risk_on", (False, False): "risk_off", (True, False): "credit_only"}.get(
            (up_c, up_q), "junk_only")
        cc = (lambda p, s_, t: at_least(p, JUNK_BAND, s_, t)) if up_c else (lambda p, s_, t: at_most(p, -JUNK_BAND, s_, t))
        jc = (lambda p, s_, t: at_least(p, JUNK_BAND, s_, t)) if up_q else (lambda p, s_, t: at_most(p, -JUNK_BAND, s_, t))
        extra = []
        if key == "risk_on" and m.events.market_stress:
            key, extra = "risk_on_stress", [is_("events.market_stress", True, "junk", "stress")]
        elif key in ("risk_on", "risk_off") and case is not None and RATE_CASE_SENSE[case[0]]:
            # the evidence read against the rates: agreeing, or running ahead of (or behind) them
            agrees = (key == "risk_on") == (RATE_CASE_SENSE[case[0]] > 0)
            key = f"{key}_{'agrees' if agrees else 'against'}_{'easing' if RATE_CASE_SENSE[case[0]] > 0 else 'tight'}"
            extra = case[1]
        # "credit markets are calm", "lenders are relaxed": over the quarter, and not in a week of fear
        fits = ()
        if key == "credit_only":
            key, fits = ("credit_only_fear", FEAR) if r.fear() else ("credit_only", all_but(*FEAR))
        out.append(say(f"junk_{key}", ("junk", credit.numerator, quality.numerator, "policy", r.t.long_yield or "^TNX"), (),
                       [cc("ratios.credit.momentum.13w", credit.numerator, "credit"),
                        jc("ratios.quality.momentum.13w", quality.numerator, "junk")] + extra, regimes=fits))
    return (tuple(out),)


def _sense(v: float | None, flat: float = 0.0) -> str:
    """'up', 'down' or 'flat' (inside +/- flat: a figure that prints as zero)."""
    return "flat" if not v or abs(v) < flat else "up" if v > 0 else "down"


# A percentage below this prints as 0.0%: its sentence says "level" or "little changed", never up or down.
SHOWN_ZERO = 0.0005


# --- risks -----------------------------------------------------------------------------------------------

def _risks(r: _Rules) -> tuple[Paragraph, ...]:
    m, rs, ev = r.m, r.settings.risk, r.m.events
    risk = m.risk
    vix, fx = r.t.volatility or "^VIX", r.t.fx or "JPY=X"
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    paragraphs = []
    if risk.vix_level is None and risk.fx_level is None:
        paragraphs.append((say("risks_unavailable", "risks", kind="note"),))
    else:
        from generator.commentary.argument import bridge_risks

        out: list[Sentence] = [bridge_risks(r)]
        vix_fact = Fact("vix", "risk.vix_level", vix, "level")
        yen_peak = ev.fx_from_peak is not None and ev.fx_from_peak <= rs.yen_from_peak
        # What happened inside the week comes first: a Friday close can hide it.
        if ev.vix_spike:
            friday = ev.vix_high_date == m.as_of
            out.append(say("vix_spike_friday" if friday else "vix_spike", vix,
                           (Fact("high", "events.vix_high", vix, "level"),
                            Fact("day", "events.vix_high_date", vix, "date"), vix_fact,
                            Fact("before", "events.vix_previous_close", vix, "level")),
                           [is_("events.vix_spike", True, vix, "spike", +1)]
                           + ([is_("events.vix_high_date", m.as_of.isoformat(), vix, "day")] if friday else
                              [Claim("risk.vix_level", "<", None, vix, "close", 0, "events.vix_high")])))
        if risk.yen_rally:
            sharp = risk.fx_week <= SHARP_YEN
            out.append(say("yen_rally_sharp" if sharp else "yen_rally", (fx, "yen"),
                           (Fact("move", "risk.fx_week", fx, "pct"),),
                           [at_most("risk.fx_week", SHARP_YEN if sharp else rs.yen_rally_week, fx, "week"),
                            at_most("risk.fx_week", rs.yen_rally_week, "yen", "week", +1)]))
        if yen_peak:
            larger = risk.yen_rally and ev.fx_from_peak < risk.fx_week
            fading = risk.fx_week is not None and risk.fx_week > 0
            out.append(say("yen_from_peak_larger" if larger else "yen_from_peak_fading" if fading else "yen_from_peak",
                           (fx, "yen"),
                           (Fact("move", "events.fx_from_peak", fx, "pct"),
                            Fact("day", "events.fx_peak_date", fx, "date"), Fact("peak", "events.fx_peak_4w", fx,
                                                                                 "level")),
                           [at_most("events.fx_from_peak", rs.yen_from_peak, fx, "peak"),
                            at_most("events.fx_from_peak", rs.yen_from_peak, "yen", "peak", +1)]
                           + ([Claim("events.fx_from_peak", "<", None, fx, "peak", 0, "risk.fx_week")] if larger
                              else [])
                           + ([positive("risk.fx_week", fx, "week"), Claim("risk.fx_week", ">", 0.0, "yen", "week",
                                                                            -1)] if fading else [])))
        if risk.yen_rally or yen_peak:
            out.append(say("carry_unwind", "carry trades", optional=2))
        out += _vix_level(r, vix_fact, vix, fx)
        if risk.fx_week is not None and not risk.yen_rally:
            out.append(say("fx_week" if abs(risk.fx_week) >= SHOWN_ZERO else "fx_week_flat", fx,
                           (Fact("move", "risk.fx_week", fx, "pct"),),
                           [sign_of("risk.fx_week", risk.fx_week, fx, "week", SHOWN_ZERO)] if risk.fx_week else [],
                           optional=2))
        if risk.fx_distance_200d is not None:
            d = risk.fx_distance_200d
            named = not out or out[-1].subject != fx
            out.append(say(f"fx_trend{'_stretched' if d > FX_STRETCHED else ''}_{'named' if named else 'it'}", fx,
                           (Fact("distance", "risk.fx_distance_200d", fx, "pct"),
                            Fact("vol", "risk.fx_vol_20d", fx, "pct")),
                           [sign_of("risk.fx_distance_200d", d, fx, "trend", SHOWN_ZERO)] +
                           ([more_than("risk.fx_distance_200d", FX_STRETCHED, fx, "trend")] if d > FX_STRETCHED
                            else []),
                           side=_sense(d, SHOWN_ZERO), optional=2))
        paragraphs.append(tuple(out))
    if risk.small_rsi_14 is not None and risk.small_distance_50d is not None:
        small = r.small
        facts = (Fact("distance", "risk.small_distance_50d", small, "pct"),
                 Fact("rsi", "risk.small_rsi_14", small, "level"))
        d = risk.small_distance_50d
        side = sign_of("risk.small_distance_50d", d, small, "short run", SHOWN_ZERO)
        if risk.stretched:
            paragraphs.append((say("stretched", small, facts, [side, is_("risk.stretched", True, small, "stretch",
                                                                         +1)], side=_sense(d, SHOWN_ZERO)),))
        elif risk.small_rsi_14 < 100 - rs.rsi_stretched or (d <= -rs.stretch_from_50d and risk.small_rsi_14 < 40):
            # far below the 50-day is not "oversold" once a bounce has lifted the RSI back toward the middle
            paragraphs.append((say("oversold", small, facts, [side, is_("risk.stretched", False, small, "stretch")],
                                   side=_sense(d, SHOWN_ZERO)),))
        else:
            paragraphs.append((say("not_stretched", small, facts, [side, is_("risk.stretched", False, small,
                                                                             "stretch")], side=_sense(d, SHOWN_ZERO),
                                   optional=2),))
    paragraphs += [p for p in (crowding_paragraph(r),) if p]
    return tuple(paragraphs)


def _vix_level(r: _Rules, vix_fact: Fact, vix: str, fx: str) -> list[Sentence]:
    """The VIX's level, read against fixed thresholds and against its own past year; when the two
    readings disagree, one sentence says both, so no two sentences contradict each other."""
    m, rs, ev = r.m, r.settings.risk, r.m.events
    risk = m.risk
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    if risk.vix_level is None:
        return []
    p = risk.vix_percentile_1y
    rank = (Fact("share", "risk.vix_percentile_1y", vix, "pct"),
            Fact("share_lower", "risk.vix_percentile_1y", vix, "pct", "complement"), vix_fact)
    high_rank = lambda topic: at_least("risk.vix_percentile_1y", 0.5, vix, topic, +1)  # noqa: E731
    low_rank = lambda topic: less_than("risk.vix_percentile_1y", 0.5, vix, topic, -1)  # noqa: E731
    if risk.vix_level >= rs.vix_stressed:
        level = at_least("risk.vix_level", rs.vix_stressed, vix, "level", +1)
        if p is not None and p < 0.5:
            return [say("vix_stressed_but_lower", vix, rank, [level, low_rank("rank 1y")])]
        out = [say("vix_stressed", vix, (vix_fact,), [level])]
        if p is not None and p >= 1:
            out.append(say("vix_rank_top_that", vix, rank, [at_extreme(at_least("risk.vix_percentile_1y", 1, vix,
                                                                                "level"))]))
        elif p is not None and p >= ALMOST_ALL:
            # "higher than on 100% of days" would be false: a higher close exists, the share just rounds up
            out.append(say("vix_rank_almost_top_that", vix, rank, [at_least("risk.vix_percentile_1y", ALMOST_ALL, vix,
                                                                            "level"),
                                                                   less_than("risk.vix_percentile_1y", 1, vix,
                                                                             "rank top", 0)]))
        elif p is not None:
            out.append(say("vix_rank_higher_that", vix, rank, [high_rank("level")]))
        return out
    if risk.vix_level < rs.vix_calm:
        level = less_than("risk.vix_level", rs.vix_calm, vix, "level", -1)
        if p is not None and p >= 0.5:
            return [say("vix_calm_but_higher", vix, rank, [level, high_rank("rank 1y")])]
        if r.regime in SETTLED or r.regime is None:
            out = [say("vix_complacent", vix, (vix_fact,), [level], regimes=SETTLED)]  # "calm can be a risk"
        else:
            # a low VIX in a week of fear or just after a scare is not complacency: calm can end fast
            out = [say("vix_low_uneasy", vix, (vix_fact,), [level], regimes=all_but(*SETTLED),
                       when="this week" if r.regime in UNEASY else "recent weeks")]
        if p is not None and p <= 1 - ALMOST_ALL:
            out.append(say("vix_rank_almost_bottom_that", vix, rank, [at_most("risk.vix_percentile_1y",
                                                                              1 - ALMOST_ALL, vix, "level")]))
        elif p is not None:
            out.append(say("vix_rank_lower_that", vix, rank, [low_rank("level")]))
        return out
    out = []
    small_week = m.returns[r.small].get("1w")
    # "Nothing alarming" needs every gauge quiet: no spike, no yen move, a VIX not high for its year, no
    # market-wide stress and no small-cap rout (the week of SVB's failure had a VIX under 25).
    quiet = not ev.vix_spike and (ev.vix_high is None or ev.vix_high < rs.vix_stressed) and not risk.yen_rally \
        and (ev.fx_from_peak is None or ev.fx_from_peak > rs.yen_from_peak) and not ev.market_stress \
        and (p is None or p < QUIET_RANK) and (small_week is None or small_week > -QUIET_DROP) \
        and (ev.large_day_move is None or abs(ev.large_day_move) < BIG_MARKET_DAY)
    if quiet and r.regime not in UNEASY:
        out.append(say("nothing_alarming", ("risks", vix, fx, r.small, r.large), (), [
            is_("events.vix_spike", False, vix, "spike"), is_("risk.yen_rally", False, fx, "week"),
            is_("events.market_stress", False, "risks", "stress")] +
            ([less_than("risk.vix_percentile_1y", QUIET_RANK, vix, "rank", 0)] if p is not None else []) +
            ([more_than(f"returns.{r.small}.1w", -QUIET_DROP, r.small, "rout", 0)] if small_week is not None else []) +
            (list(within("events.large_day_move", BIG_MARKET_DAY, r.large, "big day")) if ev.large_day_move is not None
             else []) +
            ([Claim("events.fx_from_peak", ">", rs.yen_from_peak, fx, "peak", 0)] if ev.fx_from_peak is not None
             else []) +
            ([Claim("events.vix_high", "<", rs.vix_stressed, vix, "level", 0)] if ev.vix_high is not None else []),
            regimes=all_but(*UNEASY)))
    if p is not None and ALMOST_ALL <= p < 1:
        out.append(say("vix_rank_almost_top_named", vix, rank, [at_least("risk.vix_percentile_1y", ALMOST_ALL, vix,
                                                                         "level"),
                                                                less_than("risk.vix_percentile_1y", 1, vix, "rank top",
                                                                          0)]))
    elif p is not None and p >= 1:
        out.append(say("vix_rank_top_named", vix, rank, [at_extreme(at_least("risk.vix_percentile_1y", 1, vix,
                                                                             "level"))]))
    elif p is not None and p <= 1 - ALMOST_ALL:
        out.append(say("vix_rank_almost_bottom_named", vix, rank, [at_most("risk.vix_percentile_1y", 1 - ALMOST_ALL,
                                                                           vix, "level")]))
    elif p is not None:
        out.append(say(f"vix_rank_{'higher' if p >= 0.5 else 'lower'}_named", vix, rank,
                       [high_rank("level") if p >= 0.5 else low_rank("level")]))
    else:
        out.append(say("vix_level_named", vix, (vix_fact,)))
    return out


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
    s, ev = m.stance, m.events
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("positioning", key, subjects, facts, claims, **x)  # noqa
    stance = lambda key: is_("stance.key", key, "stance", "stance")  # noqa: E731
    first = [say("stance", "stance", (Fact("score", "stance.score", "stance", "level"),
                                      Fact("max", "stance.max_score", "stance", "count")), label=s.label)]
    if s.key == "stay_large":
        if s.held_back == "confirm":
            first.append(say("advice_stay_large_confirm", ("stance", pair), (), [
                stance("stay_large"), is_("stance.held_back", "confirm", "stance", "stance")],
                raw=_label(m.stance_history[-1].raw_key)))
        elif m.ratio.distance_from_sma_long is None:
            first.append(say("advice_stay_large_short_history", ("stance", pair), (), [
                stance("stay_large"), is_("ratio.distance_from_sma_long", None, pair, "trend")]))
        elif m.ratio.distance_from_sma_long > 0:
            first.append(say("advice_stay_large_weak", ("stance", pair), (), [
                stance("stay_large"), positive("ratio.distance_from_sma_long", pair, "trend")]))
        else:
            first.append(say("advice_stay_large", ("stance", pair), (), [
                stance("stay_large"), at_most("ratio.distance_from_sma_long", 0, pair, "trend")]))
    elif s.key == "start_lean":
        if ev.market_stress:
            first.append(say("advice_start_lean_stress", "stance", (), [stance("start_lean"),
                                                                        is_("events.market_stress", True, "stance",
                                                                            "stress")]))
        else:
            first.append(say("advice_start_lean", "stance", (), [stance("start_lean")]))
    elif ev.market_stress:
        first.append(say("advice_lean_further_stress", "stance", (), [stance("lean_further"),
                                                                      is_("events.market_stress", True, "stance",
                                                                          "stress")]))
    elif m.risk.vix_level is not None and m.risk.vix_level >= r.settings.risk.vix_stressed:
        first.append(say("advice_lean_further_vix", ("stance", r.t.volatility or "^VIX"),
                         (Fact("vix", "risk.vix_level", r.t.volatility or "^VIX", "level"),),
                         [stance("lean_further"), is_("events.market_stress", False, "stance", "stress"),
                          at_least("risk.vix_level", r.settings.risk.vix_stressed, r.t.volatility or "^VIX", "level",
                                   +1)]))
    else:
        first.append(say("advice_lean_further", "stance", (), [stance("lean_further"),
                                                               is_("events.market_stress", False, "stance",
                                                                   "stress")]))
    if s.held_back in ("stress", "confirm_downgrade"):
        # "we never lean further in" reads oddly when the stance has not leaned at all
        word = "held_stress_start" if s.held_back == "stress" and s.key == "stay_large" else f"held_{s.held_back}"
        first.append(say(word, "stance", (), [is_("stance.held_back", s.held_back, "stance", "stance"),
                                              is_("stance.key", s.key, "stance", "stance")],
                         raw=_label(m.stance_history[-1].raw_key)))
    first += _record(r)
    from generator.commentary.argument import case_paragraph

    paragraphs = [case_paragraph(r), tuple(first)]
    second: list[Sentence] = []
    flag_texts = [FLAG_TEXT[f] for f in s.risk_flags]
    flag_claims = [c for c in (_flag_claim(f, pair, r.t.volatility or "^VIX", r.settings.risk) for f in s.risk_flags)
                   if c is not None]
    subjects = ("stance", pair, r.t.volatility or "^VIX")
    if s.risk_level == "high":
        second.append(say("risk_high", subjects, (), flag_claims, flags=flag_texts))
    elif s.risk_level == "elevated":
        second.append(say("risk_elevated", subjects, (), flag_claims, flags=flag_texts))
    else:
        # "warning signs of a false move are few": not in a week of fear or just after one, nor beside a VIX in the
        # top tenth of its year (a squeeze or a rate move can have one)
        pct = m.risk.vix_percentile_1y
        if (r.regime in SETTLED or r.regime is None) and (pct is None or pct < TENSE_PERCENTILE):
            second.append(say("risk_low", ("stance", r.t.volatility or "^VIX"), (),
                              [is_("stance.risk_level", "low", "stance", "risk")]
                              + ([less_than("risk.vix_percentile_1y", TENSE_PERCENTILE, r.t.volatility or "^VIX",
                                            "rank", 0)] if pct is not None else []), regimes=SETTLED))
        else:
            second.append(say("risk_low_uneasy", "stance", (), [is_("stance.risk_level", "low", "stance", "risk")],
                              regimes=all_but("calm", "grind"),
                              mood="rebound" if r.regime == "relief_rally" else "stress"))
    if s.false_move_risk:
        # "It is early" only while the call is young; an established lean can still be a false move.
        young = m.stance_record.weeks_unchanged <= YOUNG_WEEKS
        second.append(say("false_move" if young else "false_move_established", "stance",
                          (Fact("weeks", "stance.record.weeks_unchanged", "stance", "count"),) if not young else (),
                          [is_not("stance.key", "stay_large", "stance", "stance"),
                           at_most("stance.record.weeks_unchanged", YOUNG_WEEKS, "stance", "age", 0) if young
                           else more_than("stance.record.weeks_unchanged", YOUNG_WEEKS, "stance", "age", 0)]
                          + ([is_("stance.record.capped", m.stance_record.capped, "stance", "age")] if not young
                             else []), capped=m.stance_record.capped))
    paragraphs.append(tuple(second))
    paragraphs += [p for p in (track_paragraph(r),) if p]   # how our call has done (generator/commentary/track.py)
    return tuple(paragraphs)


def _label(key: str) -> str:
    from generator.metrics.stance import LABELS

    return LABELS[key]


def _record(r: _Rules) -> list[Sentence]:
    """What the stance did lately: this week's change, a change in the last four weeks and how the ratio
    has moved since, a call toward small caps that failed, or how long the stance has held."""
    m = r.m
    rec, weeks = m.stance_record, m.stance_history
    say = lambda key, facts=(), claims=(), **x: r.say("positioning", key, ("stance", r.pair), facts, claims, **x)  # noqa
    if len(weeks) < 2:
        return []
    ago = Fact("weeks", "stance.record.weeks_since_change", "stance", "count")
    since = Fact("since", "stance.record.ratio_since_change", r.pair, "pct")
    failed_call = None
    if (rec.upgrade_weeks_ago is not None and rec.ratio_since_upgrade is not None
            and rec.ratio_since_upgrade <= -SHOWN_ZERO and rec.weeks_since_upgrade):
        facts = (Fact("weeks", "stance.record.weeks_since_upgrade", "stance", "count"),
                 Fact("since", "stance.record.ratio_since_upgrade", r.pair, "pct"))
        claims = [at_most("stance.record.ratio_since_upgrade", -SHOWN_ZERO, r.pair, "since upgrade"),
                  is_not("stance.record.upgrade_to", None, "stance", "upgrade", +1),
                  is_("stance.record.weeks_since_upgrade", rec.weeks_since_upgrade, "stance", "upgrade age")]
        if rec.upgrade_undone:
            failed_call = say("call_failed", facts, claims + [is_("stance.record.upgrade_undone", True, "stance",
                                                                  "call")], to=_label(rec.upgrade_to))
        else:
            failed_call = say("call_struggling", facts, claims + [is_("stance.record.upgrade_undone", False, "stance",
                                                                      "call")], to=_label(rec.upgrade_to))
    if rec.changed_weeks_ago == 1:
        change = say(f"{'upgraded' if rec.direction == 'up' else 'downgraded'}", (), [
            is_("stance.record.changed_weeks_ago", 1, "stance", "change"),
            is_("stance.record.direction", rec.direction, "stance", "change", +1 if rec.direction == "up" else -1)],
            previous=_label(rec.changed_from))
        # a downgrade that undoes a call toward small caps owns it in the same breath
        return [change] + ([failed_call] if rec.direction == "down" and failed_call is not None else [])
    if rec.changed_weeks_ago is not None and rec.changed_weeks_ago <= 5 and rec.ratio_since_change is not None:
        v = rec.ratio_since_change
        claims = [is_("stance.record.weeks_since_change", rec.weeks_since_change, "stance", "change age"),
                  is_("stance.record.changed_weeks_ago", rec.changed_weeks_ago, "stance", "change"),
                  is_("stance.record.direction", rec.direction, "stance", "change", +1 if rec.direction == "up" else -1),
                  sign_of("stance.record.ratio_since_change", v, r.pair, "since change", SHOWN_ZERO)]
        recent = [say(f"changed_recently_{rec.direction}_{_sense(v, SHOWN_ZERO)}", (ago, since), claims,
                    to=_label(rec.changed_to), previous=_label(rec.changed_from))]
        # a step back that undid a call toward small caps still owns that call
        return recent + ([failed_call] if rec.direction == "down" and failed_call is not None else [])
    if failed_call is not None:
        return [failed_call]
    run = Fact("weeks", "stance.record.weeks_unchanged", "stance", "count")
    if rec.weeks_unchanged >= len(weeks):
        return [say("unchanged_all", (run,), [at_least("stance.record.weeks_unchanged", len(weeks), "stance", "run",
                                                       0)], optional=2)]
    return [say("unchanged_run", (run,), [is_("stance.record.weeks_unchanged", rec.weeks_unchanged, "stance",
                                              "run")])]


def write_commentary(m: WeeklyMetrics, settings) -> Commentary:
    r = _Rules(m, settings)
    sectors, sector_map, ranked = _sectors(r)
    from generator.commentary.news import brief, section_opening

    sections = {"divergence": _divergence(r), "rates": _rates(r), "long-view": _long_view(r), "sectors": sectors,
                "sectors-map": sector_map, "policy": _policy(r), "junk": _junk(r), "risks": _risks(r),
                "positioning": _positioning(r)}
    # each section opens with what changed this week, when its news is rare and the standfirst has not told it
    for name, paragraphs in sections.items():
        opening = section_opening(r, name)
        if opening is not None:
            sections[name] = ((opening,), *paragraphs)
    return Commentary(
        headline=_headline(r), standfirst=_standfirst(r), brief=brief(r, _call_line(r)),
        headings={"long-view": _long_view_heading(r), "policy": _policy_heading(r)},
        sections=sections, ranked=ranked,
    )
