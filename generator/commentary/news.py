"""The week's news in words: the standfirst's lead lines and "The week in brief", from the ranking in
generator/metrics/news/.

What leads is decided by the numbers: the facts over the news bar (`must_tell`) are always told, then the
next most newsworthy, up to `LEAD_LINES` in all. A fact's rarity is said only as the data show it: "the
biggest since <Month Year>" when the comparison reaches back a year or more, "the biggest in our data, which
start in <Month Year>" when nothing earlier was as big. There is no news feed: no sentence gives a cause.

Each row of `TOLD` is one kind of fact: its subject in the words, the figures it quotes and whether a line of
its own tells it (the week's returns are told by the standfirst's first line, so their rarity is a short
line that quotes no figure again).
"""

from __future__ import annotations

from generator.commentary.claims import (SHOWN_ZERO, SHOWN_ZERO_BP, Claim, Fact, Sentence, at_extreme, at_least,
                                         at_most, history_since, is_, sign_of)
from generator.metrics.news.levels import RECORD_HISTORY_YEARS
from generator.metrics.news import (BEAR, CONTAINS, CORRECTION, CROSS_KEYS,
                                    HIGH_GAP_YEARS, MULTI_YEAR, NEAR_EXTREME, NEWSWORTHY,
                                    RECORD_LEVELS, SINCE_YEARS, UP_ONLY, NewsItem, lead_years, outranks_lead,
                                    years_rare)
from generator.metrics import paths as mp

WORDS = "news"
# The standfirst tells at most this many news lines, unless more facts are over the news bar.
LEAD_LINES = 3
# Facts the standfirst never tells as news lines: an event is told by the stance line and the long view; the
# VIX's level goes with its jump, unless it is the highest close in a year or more (`leads`).
NOT_LEAD = {"stance_change", "trend_cross", "vix_level"}
# The standfirst always tells, beside the facts over the news bar (`must_tell`), these rarities whose size the bar
# does not measure (a level, a first high in months): the VIX's or the pair ratio's highest or lowest close in years,
# the ratio a hair from its extreme in the data, an index's first 52-week high in months, small caps' best or worst
# session against large caps in years.
RATIO_LEAD_YEARS = 5
SPREAD_DAY_LEAD_YEARS = 2
# A week with this many facts over the news bar is crowded: the standfirst adds only the rarest of the `leads`
# (a 900-word issue has room for about eight lead lines).
CROWDED = 6
# ... and tells, beside them, this many of the other newsworthy facts (and the week's lead, `News.lead`).
CROWDED_LINES = 1
# A one-session gap this wide already has the standfirst's own line (generator/commentary `event_big_day`, the
# week's widest session): its rarity is told by the brief and the divergence section's opening instead.
BIG_GAP_DAY = 0.02
# Drawdown lines: the line crossed, by label.
LINES = {"correction": CORRECTION, "bear": BEAR}
DRAWDOWN_KEYS = {"large_drawdown", "small_drawdown"}
HIGH_KEYS = {"large_high", "small_high"}
# An index's first record close in a year or more (generator/metrics/news/levels.py `_record_close`).
RECORD_KEYS = {"large_record", "small_record"}
# Weekly moves whose rarity can be told as a share of earlier weeks (a session's rarity is measured against
# each week's biggest session, which does not read plainly; a level's share says little).
SHARE_KEYS = {"small_week", "large_week", "spread_week", "vix_jump", "long_yield_week", "short_yield_week",
              "credit_week", "fx_week", "sector_week", "tech_week", "small_tech_week", "treasury_week", "vix_fall"}
# Levels at their highest or lowest since some date (generator/metrics/news/levels.py `_level`).
LEVEL_KEYS = {"long_yield_level", "small_level", "ratio_level", "large_level", "short_yield_level", "fx_level",
              "curve_level", "vix_low"}
# Levels printed in basis points (the yield curve: the 10-year less the bill).
BP_LEVELS = {"curve_level"}
YIELD_LEVELS = {"long_yield_level", "short_yield_level"}
# Differences of two returns (small less large, a sector less the large-cap index): percentage points, not "%".
SPREAD_KEYS = {"spread_week", "spread_day", "sector_week", "quarter_spread", "year_spread", "tech_week",
               "small_tech_week", "small_tech_day"}
# The gauges beside the pair (generator/metrics/news/cross.py): the standfirst and the brief tell them only when they
# lead or outrank the lead (metrics/news/ `outranks_lead`), a section opens with one only when it is MULTI_YEAR rare:
# the column's length goes to the pair's own news (900 words at most).
QUIET = set(CROSS_KEYS)
# ... save one last matched this many years before and longer ago than the lead (the top of the issue tells the week's
# first-ranked fact two years rare, generator/history.py TOP_YEARS).
QUIET_YEARS = 2.0


def quiet_told(item: NewsItem, lead: NewsItem | None) -> bool:
    """A gauge beside the pair the standfirst tells though it does not lead (see QUIET)."""
    return item.newsworthy and not item.streak and years_rare(item) >= QUIET_YEARS and (
        lead is None or years_rare(item) > years_rare(lead)) and not (item.key in UP_ONLY and item.value <= 0)
# The tech index's correction or bear market (generator/metrics/news/cross.py): told as an index's drawdown, by its
# own line (the pair's drawdowns, DRAWDOWN_KEYS, may share one).
TECH_DRAWDOWN = "tech_drawdown"
# The week's returns: the standfirst's first line quotes them, so their news line only adds the rarity.
WEEK_KEYS = {"small_week", "large_week", "spread_week"}


# The news facts the headline can name with their figure and "since" (templates/words/headline.html `rare`); the
# drawdowns and first highs have their own rows in the headline's table (generator/commentary/headline.py).
# The backdrop's facts (a sector, the yen, credit, bills: metrics/news/ BACKDROP) are not among them: their rare
# week opens the brief, and the headline tells the pair's week (reader R2, class 7: 2019-10-25 headlined energy,
# 2024-04-19 financials, 2021-03-12 consumer discretionary while small caps rose 7%).
RARE_HEADLINE = {"small_week", "large_week", "small_day", "large_day", "spread_week", "spread_day", "vix_jump",
                 "vix_day", "vix_level", "long_yield_week", "long_yield_level", "small_level", "large_level",
                 "ratio_level", "small_2d", "large_2d", "small_4w", "large_4w", "long_yield_4w", "quarter_spread",
                 "year_spread", "curve_level", "curve_cross", "vix_low", "small_run", "large_run", "small_record",
                 "large_record", "long_yield_round", "vix_fall"}


def headline_fact(m) -> NewsItem | None:
    """The week's rarest fact a year or more back (`News.lead`) when the headline names it, figure and "since"; else
    the pair's ratio a hair from its extreme in the data (2025-08-01: within 0.1% of its lowest close), which no
    "since" measures but a reader would want named."""
    lead = m.news.lead() if m.news is not None else None
    if lead is None and m.news is not None:
        # a level at its extreme in our data, though the last record came within the year (the 10-year's lowest close
        # in our data on 2012-06-01, a few months after the one before), is still the week's headline
        record = next((m.news.items[k] for k in m.news.ranked if k in RECORD_LEVELS
                       and m.news.items[k].record and m.news.items[k].newsworthy and not m.news.items[k].streak), None)
        if record is not None:
            return record
        near = m.news.items.get("ratio_level")
        return near if near is not None and near.newsworthy and near.label.startswith("near") else None
    if lead.key not in RARE_HEADLINE or lead.label.startswith("near"):
        return None
    return lead


# The headline's stories that tell a change of stance (templates/words/headline.html).
STANCE_STORIES = {"upgrade", "downgrade", "downgrade_trim"}


def stance_gives_way(m) -> NewsItem | None:
    """The rarest fact the headline can name (RARE_HEADLINE) a year or more back, not one more close of a run: a week's
    change of stance gives the headline to it (a week whose lead is the backdrop's, a sector or the yen, has no rare
    headline of its own)."""
    if m.news is None:
        return None
    found = [i for i in (m.news.items[k] for k in m.news.ranked) if i.key in RARE_HEADLINE and i.newsworthy
             and not i.streak and years_rare(i) >= SINCE_YEARS and not (i.key in UP_ONLY and i.value <= 0)]
    return max(found, key=lambda i: (lead_years(i), i.score)) if found else None


def leads(item: NewsItem) -> bool:
    """A rarity the standfirst always tells though the news bar does not measure its size (see `RATIO_LEAD_YEARS`)."""
    if not item.newsworthy:
        return False
    years = item.since_years or 0.0
    if item.key == "vix_level":
        return item.record or years >= SINCE_YEARS
    if item.key == "ratio_level":
        return item.record or years >= RATIO_LEAD_YEARS or item.label.startswith("near")
    if item.key in HIGH_KEYS | RECORD_KEYS:
        return True
    if item.key == "long_yield_round":
        return True
    if item.key in ("vix_low", "small_run", "large_run"):
        # the VIX's lowest close, a run of weekly gains or losses: when multi-year rare
        return item.record or years >= MULTI_YEAR
    if item.key == "spread_day":
        return (item.record or years >= SPREAD_DAY_LEAD_YEARS) and abs(item.value) < BIG_GAP_DAY
    if item.key == "vix_day":
        # the VIX's one-session jump, told as a session's: when it is the biggest in years
        return item.record or years >= MULTI_YEAR
    return False


def same_vix_move(day: NewsItem | None, jump: NewsItem | None) -> bool:
    """The VIX's one-session jump and its jump within the week are one move: the same close over the same close
    (the spike came in the week's first session)."""
    return (day is not None and jump is not None and day.day == jump.day
            and abs(day.value - jump.value) < SAME_MOVE)


# Two moves this close (in decimal) are the same move measured twice.
SAME_MOVE = 1e-9


def crowded(m) -> bool:
    """A week with CROWDED facts or more over the news bar."""
    return m.news is not None and sum(1 for i in m.news.items.values() if i.must_tell) >= CROWDED


def told(m) -> list[NewsItem]:
    """The news items the standfirst tells, most newsworthy first."""
    if m.news is None:
        return []
    items = [m.news.items[k] for k in m.news.ranked
             if k not in NOT_LEAD or (k == "vix_level" and leads(m.news.items[k]))]
    items = [i for i in items if not (i.key == "vix_jump" and i.value <= 0)]
    lead = m.news.lead()
    # the gauges beside the pair take a line only when they lead or outrank the lead (the column's length is the pair's)
    items = [i for i in items if i.key not in QUIET or (lead is not None and i.key == lead.key) or quiet_told(i, lead)]
    # a move over several sessions takes a line only when it is the week's lead (the brief and its section tell it
    # otherwise): the day and the week inside it have their own lines
    lead = m.news.lead()
    items = [i for i in items if i.key not in CONTAINS or (lead is not None and i.key == lead.key)
             or outranks_lead(i, lead)]
    # the VIX's jump in one session, when it leads, tells the week's jump when they are one move (the week's first
    # session: its own scope, "in a single session", never "weekly")
    day, jump = m.news.items.get("vix_day"), m.news.items.get("vix_jump")
    if day is not None and leads(day) and not (jump is not None and jump.must_tell and same_vix_move(day, jump)):
        items = [i for i in items if not (i.key == "vix_jump" and same_vix_move(day, i))]
    else:
        # a jump over the news bar is told as the week's (from last week's close, with the week's "since"), which
        # its words scope as such; the session's line would give a different "since" for the same move
        items = [i for i in items if i.key != "vix_day"]
    # a gap the standfirst's own line tells (the week's widest session) is not told twice
    items = [i for i in items if not (i.key == "spread_day" and abs(i.value) >= BIG_GAP_DAY)]
    # an index's first 52-week high in months tells its close: the level's line on the same close is not told again
    highs = {i.subject: i.day for i in items if i.key in HIGH_KEYS}
    items = [i for i in items if not (i.key in ("small_level", "large_level") and highs.get(i.subject) == i.day)]
    bar = [i for i in items if i.must_tell]
    busy = crowded(m)
    keys = {i.key for i in items}
    # in a crowded week only the rarest of them: the ratio at (or a hair from) its extreme in the data, and the VIX's
    # level when its jump is told with it on the same session (one line)
    must = bar + [i for i in items if not i.must_tell and leads(i) and (
        not busy or (i.key == "ratio_level" and (i.record or i.label.startswith("near")))
        or (i.key == "vix_level" and "vix_jump" in keys and m.news.items["vix_jump"].day == i.day))]
    # a fact last matched five years or more before and rarer than the lead is told though the lead keeps the headline
    # (metrics/news/ `outranks_lead`): XLF's worst week against SPY since 2009 under small caps' worst in two years
    must += [i for i in items if i not in must and outranks_lead(i, lead)]
    # the VIX at its highest close in years in a week the standfirst would call a spike: its jump is told with it
    # (one line when the same close), never the spike line beside the level's
    if any(i.key == "vix_level" for i in must) and m.events.vix_spike:
        must += [i for i in items if i.key == "vix_jump" and i not in must]
    news = [i for i in items if i.newsworthy]
    # a crowded week's standfirst adds to the facts it must tell only the most newsworthy other one and the week's lead
    # (the multi-session moves of 2008 and 2020 would run it past 900 words)
    # (a multi-session lead is one line more than the day's and the week's own: it takes the place of another)
    lines = LEAD_LINES - 1 if lead is not None and lead.key in CONTAINS else LEAD_LINES
    extra = news[:CROWDED_LINES] + [i for i in news if lead is not None and i.key == lead.key] if busy \
        else news[:lines]
    chosen = {i.key for i in must} | {i.key for i in extra}
    # a week's rarity with nothing to say about it (no "since" of a year, no record) is not a line
    return [i for i in items if i.key in chosen and not (i.key in WEEK_KEYS and _when(i) == "plain")]


# A "since" this close to the start of the data (in days) is the data's edge: "the biggest since November 2001" in
# data that start in January 2001 says where the data start (reader RC, 2025-04-11), the true record may be older.
DATA_EDGE_DAYS = 365


def at_data_edge(item: NewsItem) -> bool:
    """The fact's "since" falls within DATA_EDGE_DAYS of the first observation it was compared with."""
    return (item.since is not None and item.history_start is not None
            and (item.since - item.history_start).days < DATA_EDGE_DAYS)


def _when(item: NewsItem) -> str:
    """How the line states the fact's rarity: `since` (a date a year or more back), `record` or `plain`."""
    if item.since_years is not None and item.since_years >= SINCE_YEARS:
        return "since"
    if item.record:
        return "record"
    return "plain"


def _subject(r, item: NewsItem) -> str:
    return {"small_day": r.small, "large_day": r.large, "small_week": r.small, "large_week": r.large,
            "spread_week": f"{r.small}-{r.large}", "spread_day": f"{r.small}-{r.large}", "small_drawdown": r.small,
            "large_drawdown": r.large, "small_high": r.small, "large_high": r.large,
            "large_level": r.large, "small_2d": r.small, "large_2d": r.large, "small_4w": r.small,
            "large_4w": r.large, "quarter_spread": f"{r.small}-{r.large}",
            "year_spread": f"{r.small}-{r.large}", "small_run": r.small, "large_run": r.large,
            "small_record": r.small, "large_record": r.large}.get(item.key,
                                                                                                 item.subject)


def _drawdown_claims(r, item: NewsItem) -> tuple[list[Fact], list[Claim], str]:
    """An index closing the week beyond the correction (or bear-market) line of its 52-week high: the fall, the
    high and its day, and "for the first time since <Month Year>" when the last week that far below a high was a
    year or more before."""
    path, subject = f"news.items.{item.key}", _subject(r, item)
    line = LINES[item.label]
    facts = [Fact("move", f"{path}.value", subject, "pct"), Fact("peak", f"{path}.ref_day", subject, "date"),
             Fact("line", f"news.bar.{item.label}", subject, "pct")]
    claims: list[Claim] = [at_most(f"{path}.value", -line, subject, "from high"),
                           is_(f"{path}.label", item.label, subject, "from high", -1)]
    when = "plain"
    if item.since_years is not None and item.since_years >= SINCE_YEARS:
        when = "since"
        facts.append(Fact("since", f"{path}.since", subject, "date"))
        claims.append(at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0))
    return facts, claims, when


def _special_line(r, item: NewsItem, section: str, words: str, key: str | None) -> Sentence | None:
    """The lines of the facts measured from a reference (a 52-week high, the data's extreme close)."""
    path, subject = f"news.items.{item.key}", _subject(r, item)
    if item.key in DRAWDOWN_KEYS | {TECH_DRAWDOWN}:
        facts, claims, when = _drawdown_claims(r, item)
        return r.say(section, key or item.key, subject, facts, claims, words=words, when=when, label=item.label,
                     fact=item.key, ticker=item.subject)
    if item.key in RECORD_KEYS:
        # "its first record close since <Month Year>": the last record close was that long ago
        facts = [Fact("move", f"{path}.value", subject, "level"), Fact("day", f"{path}.day", subject, "date"),
                 Fact("since", f"{path}.since", subject, "date")]
        claims = [at_extreme(is_(f"{path}.label", "record", subject, "record", +1)),
                  at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0),
                  history_since(f"{path}.history_start", r.m.as_of, RECORD_HISTORY_YEARS, subject)]
        if item.day == r.m.as_of:
            claims.append(is_(f"{path}.day", r.m.as_of.isoformat(), subject, "day"))
        return r.say(section, key or item.key, subject, facts, claims, words=words, last=item.day == r.m.as_of,
                     fact=item.key, up=True, when="since")
    if item.key == "long_yield_round":
        # "below 2% for the first time since <Month Year>": the week-end close beyond a whole point, the last close
        # beyond it that long ago
        below = item.label == "below"
        facts = [Fact("move", f"{path}.value", subject, "yield"), Fact("line", f"{path}.ref_value", subject, "yield")]
        claims = [Claim(f"{path}.value", "<" if below else ">", None, subject, item.key, -1 if below else +1,
                        f"{path}.ref_value")]
        when = "since" if item.since is not None else "record"
        if when == "since":
            facts.append(Fact("since", f"{path}.since", subject, "date"))
            claims.append(at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0)))
        else:
            facts.append(Fact("start", f"{path}.history_start", subject, "date"))
            claims.append(at_extreme(is_(f"{path}.record", True, subject, "rarity")))
        return r.say(section, key or item.key, subject, facts, claims, words=words, when=when, up=not below,
                     fact=item.key, last=True)
    if item.key in HIGH_KEYS:
        # "its first 52-week high since <Month Year>": the last one was that long ago
        facts = [Fact("move", f"{path}.value", subject, "level"), Fact("day", f"{path}.day", subject, "date"),
                 Fact("since", f"{path}.since", subject, "date")]
        claims = [at_extreme(is_(f"{path}.label", "high", subject, "from high", +1)),
                  at_least(f"{path}.since_years", HIGH_GAP_YEARS, subject, "rarity", 0)]
        if item.day == r.m.as_of:
            claims.append(is_(f"{path}.day", r.m.as_of.isoformat(), subject, "day"))
        return r.say(section, key or item.key, subject, facts, claims, words=words,
                     last=item.day == r.m.as_of)
    if item.key == "ratio_level" and item.label.startswith("near"):
        low = item.label == "near_low"
        facts = [Fact("gap", f"{path}.value", subject, "pct"), Fact("peak", f"{path}.ref_day", subject, "date"),
                 Fact("start", f"{path}.history_start", subject, "date"), Fact("day", f"{path}.day", subject, "date")]
        # "within 0.3% of its lowest close in our data": the reference is the data's extreme, the close is that near
        claims = [at_extreme(is_(f"{path}.label", item.label, subject, item.key, -1 if low else +1)),
                  at_most(f"{path}.value", NEAR_EXTREME, subject, "near", 0) if low
                  else at_least(f"{path}.value", -NEAR_EXTREME, subject, "near", 0)]
        return r.say(section, key or "ratio_near", subject, facts, claims, words=words, up=not low, fact=item.key,
                     label=item.label)
    return None


def news_line(r, item: NewsItem, section: str = "lede", words: str = WORDS, key: str | None = None) -> Sentence:
    """One news fact as a sentence: its move (unless the week's line quotes it), its day, and its rarity."""
    special = _special_line(r, item, section, words, key)
    if special is not None:
        return special
    path = f"news.items.{item.key}"
    subject = _subject(r, item)
    when = _when(item)
    facts = [Fact("day", f"{path}.day", subject, "date")]
    claims: list[Claim] = []
    unit = ("bp" if item.unit == "bp" or item.key in BP_LEVELS else "yield" if item.key in YIELD_LEVELS
            else "level" if item.unit == "level" else "count" if item.unit == "weeks"
            else "pp" if item.key in SPREAD_KEYS else "pct")
    # a yield's level the brief quotes is told here by its rarity alone: the rates or policy section reads the level
    # again (a figure told at most twice, counting the brief)
    bare = section == "lede" and item.key in BARE_LEVELS and any(i.key == item.key for i in brief_picks(r.m))
    # the standfirst's first line quotes the spread, not each index's week: a rare week is told with its size
    if item.unit != "event" and (item.key != "spread_week" or section != "lede") and not bare:
        # (a run's weeks are told as a count, whichever way it ran)
        facts.append(Fact("move", f"{path}.value", subject, unit, "abs" if unit == "count" else None))
    if item.key in LEVEL_KEYS:
        # "its highest close since": the side is the claim; "closed the week at" only when the week's last session
        # made it (else the words name the session)
        claims.append(is_(f"{path}.label", item.label, subject, item.key, +1 if item.label == "high" else -1))
        if item.day == r.m.as_of:
            claims.append(is_(f"{path}.day", r.m.as_of.isoformat(), subject, "day"))
        if item.key in BP_LEVELS:
            # "most inverted" / "least inverted" (below zero) against "steepest" / "flattest": the curve's sign
            claims.append(Claim(f"{path}.value", "<" if item.value < 0 else ">=", 0.0, subject, "curve", 0))
    else:
        # the direction the words give the move ("fell", "jumped"); a move that prints as zero is "level",
        # never "up" (the flat band is what the unit rounds to zero)
        flat = {"pct": SHOWN_ZERO, "bp": SHOWN_ZERO_BP}.get(unit, 0.0) if item.unit != "event" else 0.0
        direction = sign_of(f"{path}.value", item.value, subject, item.key, flat=flat)
        claims.extend(direction if isinstance(direction, tuple) else (direction,))
        if item.key in ("vix_level", "vix_jump") and item.day == r.m.as_of:
            # "closed the week at", "over the week": the week's last session made the close
            claims.append(is_(f"{path}.day", r.m.as_of.isoformat(), subject, "day"))
    edge = when == "since" and at_data_edge(item)
    if when == "since":
        facts.append(Fact("since", f"{path}.since", subject, "date"))
        # "the biggest since <Month Year>": the last as extreme was that long ago
        claims.append(at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0)))
        if edge:
            # "since November 2001 (our data start in January 2001)": the true record may be older
            facts.append(Fact("start", f"{path}.history_start", subject, "date"))
    elif when == "record":
        facts.append(Fact("start", f"{path}.history_start", subject, "date"))
        claims.append(at_extreme(is_(f"{path}.record", True, subject, "rarity")))
    elif item.rarity is not None and item.rarity >= NEWSWORTHY and item.key in SHARE_KEYS:
        # rare, though not the rarest in a year: "larger than in 97% of weeks since June 2000"
        when = "share"
        facts += [Fact("share", f"{path}.rarity", subject, "pct"), Fact("start", f"{path}.history_start", subject,
                                                                         "date")]
        claims.append(at_least(f"{path}.rarity", NEWSWORTHY, subject, "rarity", 0))
    subjects = [subject]
    if item.series and when != "plain":
        # "since October 1987 for the Russell 2000 index": the rarity is the index's, and the words name it
        claims.append(is_(f"{path}.series", item.series, subject, "series", 0))
        if item.series_value is not None:
            # and the figure the rarity belongs to: the index's own move, beside the fund's
            facts.append(Fact("series_move", f"{path}.series_value", item.series, "pct"))
            subjects.append(item.series)
    if item.key == "fx_week":
        # USD/JPY down is the yen up: "the yen strengthened"
        subjects.append("yen")
        claims.append(Claim(f"{path}.value", "<" if item.value < 0 else ">", 0.0, "yen", item.key,
                            +1 if item.value < 0 else -1))
    if item.key == "vix_jump":
        facts += [Fact("before", mp.EVENTS_VIX_PREVIOUS_CLOSE, subject, "level"),
                  Fact("high", mp.EVENTS_VIX_HIGH, subject, "level")]
    names = {"yield_name": "the 10-year Treasury yield" if item.key in ("long_yield_week", "long_yield_level",
                                                                                 "long_yield_4w")
             else "the 13-week Treasury bill yield", "fx": "USD/JPY" if (r.t.fx or "JPY=X") == "JPY=X" else r.t.fx,
             "hy": r.t.high_yield, "ust": r.t.treasuries,
             # the sector's symbol: the words name it from generator/names.py ("industrials (XLI)")
             "sector": item.subject if item.key in ("sector_week", "tech_week") else "",
             # the tech index small caps are measured against (cross.py `small_tech_*`)
             "tech": r.t.tech or "",
             "inverted": item.key in BP_LEVELS | {"curve_cross"} and item.value < 0}
    other = other_side(r, item) if section == "headline" else None
    if other is not None:
        subjects.append(_subject(r, r.m.news.items[OTHER_SIDE[item.key]]))
        claims.append(other[1])
    leg = "junk"
    if item.key == "credit_week":
        # the leg that moved: "Treasuries fell while junk barely moved" when the high-yield fund did not (rules.py)
        leg, leg_claims, leg_subjects = r.credit_leg()
        claims += leg_claims
        subjects += [s for s in leg_subjects if s not in subjects]
        names["leg"] = leg
    net = net_turn(r, item) if section == "headline" else None
    if net is not None:
        claims.append(net[1])
    return r.say(section, key or item.key, subjects, facts, claims, words=words, when=when, other=other and other[0],
                 net=net and net[0],
                 up=(item.label == "high") if item.key in LEVEL_KEYS else item.value > 0, label=item.label,
                 last=item.day == r.m.as_of, fact=item.key, bare=bare, series=item.series if when != "plain" else "",
                 edge=edge, **names)


# One side's week or four weeks, and the other side's same measure: a headline naming one side's best (or worst) says
# so when the other did better still (or worse): "large caps' best four weeks since 2009" while small caps did better
# misleads (reader RA, 2005).
OTHER_SIDE = {"small_week": "large_week", "large_week": "small_week", "small_4w": "large_4w", "large_4w": "small_4w"}


def other_side(r, item: NewsItem) -> tuple[str, Claim] | None:
    """("better" or "worse", its claim) when the other side's same measure went further the same way this week."""
    twin = r.m.news.items.get(OTHER_SIDE.get(item.key, "")) if r.m.news is not None else None
    if twin is None or (twin.value > 0) != (item.value > 0) or abs(twin.value) <= abs(item.value):
        return None
    up = item.value > 0
    claim = Claim(f"news.items.{twin.key}.value", ">" if up else "<", None, _subject(r, twin), twin.key,
                  +1 if up else -1, f"news.items.{item.key}.value")
    return ("better" if up else "worse"), claim


# A session's (or two sessions') extreme in a headline, and the same gauge's week: a Monday VIX spike in a week the
# VIX fell is told with its week (reader RA, 2002).
SESSION_KEYS = {"small_day", "large_day", "small_2d", "large_2d", "vix_day", "vix_jump", "vix_level"}


def net_turn(r, item: NewsItem) -> tuple[str, Claim] | None:
    """("rose" or "fell", its claim) when the gauge whose session a headline names ended the week the other way."""
    if item.key not in SESSION_KEYS or (item.key in ("vix_jump", "vix_level") and item.day == r.m.as_of):
        return None
    if item.key.startswith("vix"):
        vix = r.t.volatility or "^VIX"
        path, level = f"levels.{vix}.changes.1w", r.m.levels.get(vix)
        week = level.changes.get("1w") if level is not None else None
    else:
        ticker = _subject(r, item)
        path, week = f"returns.{ticker}.1w", r.m.returns.get(ticker, {}).get("1w")
    if week is None or week == 0 or (week > 0) == (item.value > 0):
        return None
    return ("rose" if week > 0 else "fell"), Claim(path, ">" if week > 0 else "<", 0.0, item.subject, "week",
                                                    +1 if week > 0 else -1)


# The 10-year's level: the standfirst tells it without its figure when the brief quotes it (`news_line`).
BARE_LEVELS = {"long_yield_level"}


def told_keys(m, *, events: bool = True) -> set[str]:
    """The news keys the standfirst tells, with the facts a told line covers: the VIX's one-session jump tells the
    week's jump on the same session (one fact; the sections refer back to it, they do not quote it again). With
    `events`, also the facts the standfirst's event lines tell (story.py): the sections' view of what is told."""
    keys = {i.key for i in told(m)}
    day, jump = (m.news.items.get("vix_day"), m.news.items.get("vix_jump")) if m.news is not None else (None, None)
    if {"vix_day", "vix_jump"} & keys and same_vix_move(day, jump):
        keys |= {"vix_day", "vix_jump"}
    if events and m.events.vix_spike:
        # the standfirst's event line tells a spike its news lines leave out (story.py)
        keys.add("vix_jump")
    return keys


def lead_is_news(r) -> bool:
    """True when the week's top news is not the week's returns, so a news line opens the standfirst."""
    items = told(r.m)
    return bool(items) and items[0].key not in WEEK_KEYS


BRIEF_ITEMS = 3


def brief_picks(m) -> list[NewsItem]:
    """The news facts "The week in brief" tells, in order: the week's lead fact first (`News.lead`), then the most
    newsworthy; the week's spread when fewer are newsworthy."""
    items = [m.news.items[k] for k in m.news.ranked] if m.news is not None else []
    if m.news is not None and crowded(m):
        # a crowded week's standfirst may leave the ratio's line out: the brief tells it first
        items = sorted(items, key=lambda i: 0 if i.key == "ratio_level" and i.key in {t.key for t in told(m)} else 1)
    rarest = m.news.lead() if m.news is not None else None
    if rarest is not None:
        # the week's rarest fact by the years since it was last matched opens the brief (the lowest close since 1996
        # before a week's return that is the best in four months), as it heads the headline
        items = [rarest] + [i for i in items if i.key != rarest.key]
    # then a fact rarer than the lead and five years or more back (`outranks_lead`), the rarest first: the brief is
    # where a skimmer sees what the lead kept from the headline
    buried = sorted((i for i in items if outranks_lead(i, rarest)), key=lambda i: -years_rare(i))
    items = items[:1] + buried + [i for i in items[1:] if i not in buried] if rarest is not None else buried + [
        i for i in items if i not in buried]
    vix_day = m.news.items.get("vix_day") if m.news is not None else None
    day_leads = vix_day is not None and (leads(vix_day) or vix_day is rarest)
    picked = [i for i in items if i.newsworthy and i.key != "stance_change" and (i is rarest or i in buried
                                                                           or quiet_told(i, rarest) or (
              i.key not in QUIET and
              not (i.key == "vix_level" and not leads(i))
              and not (i.key == "vix_day" and not day_leads)
              and not (i.key == "vix_jump" and (i.value <= 0 or (day_leads and same_vix_move(vix_day, i))))))
              ][:BRIEF_ITEMS - 1]
    if len(picked) < BRIEF_ITEMS - 1 and m.news is not None and "spread_week" in m.news.items \
            and all(i.key != "spread_week" for i in picked):
        picked.append(m.news.items["spread_week"])
    return picked[:BRIEF_ITEMS - 1]
