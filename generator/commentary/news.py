"""The week's news in words: the standfirst's lead lines and "The week in brief", from the ranking in
generator/metrics/news.py.

What leads is decided by the numbers: the facts over the news bar (`must_tell`) are always told, then the
next most newsworthy, up to `LEAD_LINES` in all. A fact's rarity is said only as the data show it: "the
biggest since <Month Year>" when the comparison reaches back a year or more, "the biggest in our data, which
start in <Month Year>" when nothing earlier was as big. There is no news feed: no sentence gives a cause.

Each row of `TOLD` is one kind of fact: its subject in the words, the figures it quotes and whether a line of
its own tells it (the week's returns are told by the standfirst's first line, so their rarity is a short
line that quotes no figure again).
"""

from __future__ import annotations

from generator.commentary.claims import (SHOWN_ZERO, SHOWN_ZERO_BP, Claim, Fact, Sentence, at_extreme, at_least, is_,
                                         sign_of)
from generator.metrics.news import NEWSWORTHY, SINCE_YEARS, NewsItem

WORDS = "news"
# The standfirst tells at most this many news lines, unless more facts are over the news bar.
LEAD_LINES = 3
# Facts the standfirst never tells as news lines: an event is told by the stance line and the long view; the
# VIX's level goes with its jump.
NOT_LEAD = {"stance_change", "trend_cross", "vix_level"}
# Weekly moves whose rarity can be told as a share of earlier weeks (a session's rarity is measured against
# each week's biggest session, which does not read plainly; a level's share says little).
SHARE_KEYS = {"small_week", "large_week", "spread_week", "vix_jump", "long_yield_week", "short_yield_week",
              "credit_week", "fx_week"}
# Levels at their highest or lowest since some date (generator/metrics/news.py `_level`).
LEVEL_KEYS = {"long_yield_level", "small_level", "ratio_level"}
# The week's returns: the standfirst's first line quotes them, so their news line only adds the rarity.
WEEK_KEYS = {"small_week", "large_week", "spread_week"}


def told(m) -> list[NewsItem]:
    """The news items the standfirst tells, most newsworthy first."""
    if m.news is None:
        return []
    items = [m.news.items[k] for k in m.news.ranked if k not in NOT_LEAD]
    items = [i for i in items if not (i.key == "vix_jump" and i.value <= 0)]
    must = [i for i in items if i.must_tell]
    news = [i for i in items if i.newsworthy]
    chosen = {i.key for i in must} | {i.key for i in news[:LEAD_LINES]}
    # a week's rarity with nothing to say about it (no "since" of a year, no record) is not a line
    return [i for i in items if i.key in chosen and not (i.key in WEEK_KEYS and _when(i) == "plain")]


def _when(item: NewsItem) -> str:
    """How the line states the fact's rarity: `since` (a date a year or more back), `record` or `plain`."""
    if item.since_years is not None and item.since_years >= SINCE_YEARS:
        return "since"
    if item.record:
        return "record"
    return "plain"


def _subject(r, item: NewsItem) -> str:
    return {"small_day": r.small, "large_day": r.large, "small_week": r.small, "large_week": r.large,
            "spread_week": f"{r.small}-{r.large}"}.get(item.key, item.subject)


def news_line(r, item: NewsItem, section: str = "lede", words: str = WORDS, key: str | None = None) -> Sentence:
    """One news fact as a sentence: its move (unless the week's line quotes it), its day, and its rarity."""
    path = f"news.items.{item.key}"
    subject = _subject(r, item)
    when = _when(item)
    facts = [Fact("day", f"{path}.day", subject, "date")]
    claims: list[Claim] = []
    unit = ("bp" if item.unit == "bp" else "yield" if item.key == "long_yield_level"
            else "level" if item.unit == "level" else "pct")
    if item.unit != "event" and (item.key not in WEEK_KEYS or section != "lede"):
        facts.append(Fact("move", f"{path}.value", subject, unit))
    if item.key in LEVEL_KEYS:
        # "its highest close since": the side is the claim
        claims.append(is_(f"{path}.label", item.label, subject, item.key, +1 if item.label == "high" else -1))
    else:
        # the direction the words give the move ("fell", "jumped"); a move that prints as zero is "level",
        # never "up" (the flat band is what the unit rounds to zero)
        flat = {"pct": SHOWN_ZERO, "bp": SHOWN_ZERO_BP}.get(unit, 0.0) if item.unit != "event" else 0.0
        direction = sign_of(f"{path}.value", item.value, subject, item.key, flat=flat)
        claims.extend(direction if isinstance(direction, tuple) else (direction,))
    if when == "since":
        facts.append(Fact("since", f"{path}.since", subject, "date"))
        # "the biggest since <Month Year>": the last as extreme was that long ago
        claims.append(at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0)))
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
    if item.key == "fx_week":
        # USD/JPY down is the yen up: "the yen strengthened"
        subjects.append("yen")
        claims.append(Claim(f"{path}.value", "<" if item.value < 0 else ">", 0.0, "yen", item.key,
                            +1 if item.value < 0 else -1))
    if item.key == "vix_jump":
        facts += [Fact("before", "events.vix_previous_close", subject, "level"),
                  Fact("high", "events.vix_high", subject, "level")]
    names = {"yield_name": "the 10-year Treasury yield" if item.key in ("long_yield_week", "long_yield_level")
             else "the 13-week Treasury bill yield", "fx": "USD/JPY" if (r.t.fx or "JPY=X") == "JPY=X" else r.t.fx,
             "hy": r.t.high_yield, "ust": r.t.treasuries}
    return r.say(section, key or item.key, subjects, facts, claims, words=words, when=when,
                 up=(item.label == "high") if item.key in LEVEL_KEYS else item.value > 0, label=item.label, **names)


# Two facts of one kind told as one line when both indices made them together: (small's key, large's key, the
# line's key).
PAIRS = (("small_week", "large_week", "both_week"), ("small_day", "large_day", "both_day"))


def _both(r, small: NewsItem, large: NewsItem, key: str) -> Sentence:
    """Both indices' rarest move of one kind, in one line: the later of the two "since" dates is true of both
    (neither index moved as far after it)."""
    later, other = (small, large) if (small.since or small.day) >= (large.since or large.day) else (large, small)
    path, opath = f"news.items.{later.key}", f"news.items.{other.key}"
    pair = f"{r.small}-{r.large}"
    facts = [Fact("day", f"news.items.{small.key}.day", pair, "date")]
    claims: list[Claim] = [Claim(f"news.items.{small.key}.value", "<" if small.value < 0 else ">", 0.0, pair, key,
                                 -1 if small.value < 0 else +1),
                           Claim(f"news.items.{large.key}.value", "<" if large.value < 0 else ">", 0.0, pair,
                                 key, -1 if large.value < 0 else +1)]
    if key == "both_day":
        facts += [Fact("small", f"news.items.{small.key}.value", pair, "pct"),
                  Fact("large", f"news.items.{large.key}.value", pair, "pct")]
        claims.append(Claim(f"news.items.{small.key}.day", "==", None, pair, "same day", 0,
                            f"news.items.{large.key}.day"))
    facts.append(Fact("since", f"{path}.since", pair, "date"))
    claims += [at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, pair, "rarity", 0)),
               at_extreme(at_least(f"{opath}.since_years", SINCE_YEARS, pair, "rarity", 0)),
               Claim(f"{opath}.since", "<=", None, pair, "rarity", 0, f"{path}.since")]
    return r.say("lede", key, pair, facts, claims, words=WORDS, up=small.value > 0)


def news_lines(r) -> list[Sentence]:
    items = told(r.m)
    by_key = {i.key: i for i in items}
    merged: dict[str, tuple[str, str]] = {}
    for s_key, l_key, key in PAIRS:
        s_item, l_item = by_key.get(s_key), by_key.get(l_key)
        # only when one "since" is true of both in the words: the same month (else each line gives its own)
        if (s_item and l_item and _when(s_item) == _when(l_item) == "since" and (s_item.value > 0) == (l_item.value > 0)
                and (key != "both_day" or s_item.day == l_item.day)
                and (s_item.since.year, s_item.since.month) == (l_item.since.year, l_item.since.month)):
            merged[s_key] = merged[l_key] = (s_key, l_key, key)
    out, done = [], set()
    for i in items:
        if i.key in merged:
            s_key, l_key, key = merged[i.key]
            if key not in done:
                done.add(key)
                out.append(_both(r, by_key[s_key], by_key[l_key], key))
        else:
            out.append(news_line(r, i))
    return out


def lead_is_news(r) -> bool:
    """True when the week's top news is not the week's returns, so a news line opens the standfirst."""
    items = told(r.m)
    return bool(items) and items[0].key not in WEEK_KEYS


# --- each section opens with its news ---------------------------------------------------------------------

# The news facts each section reads; sections with none open as they always do.
SECTION_NEWS = {"divergence": ("small_week", "large_week", "spread_week", "small_day", "large_day", "small_level"),
                "rates": ("long_yield_week", "long_yield_level"), "policy": ("short_yield_week",),
                "junk": ("credit_week",), "risks": ("vix_jump", "vix_level", "fx_week"),
                "long-view": ("trend_cross", "ratio_level"), "positioning": ("stance_change",)}
# Told elsewhere in their sections (the stance line, the long view's cross) or as the week's returns.
NOT_OPENING = {"stance_change", "trend_cross", "small_week", "large_week", "spread_week"}


def section_opening(r, section: str) -> Sentence | None:
    """The section's rarest newsworthy fact, when the standfirst has not told it: a line that opens the section
    with what changed this week."""
    m = r.m
    if m.news is None:
        return None
    lead = {i.key for i in told(m)}
    items = [m.news.items[k] for k in m.news.ranked if k in SECTION_NEWS.get(section, ())]
    for item in items:
        if item.newsworthy and item.key not in lead and item.key not in NOT_OPENING \
                and not (item.key == "vix_jump" and item.value <= 0) \
                and not (item.key == "vix_level" and _when(item) == "plain"):
            return news_line(r, item, section=section)
    return None


# --- the week in brief -------------------------------------------------------------------------------------

BRIEF_ITEMS = 3


def brief(r, call: Sentence) -> tuple[Sentence, ...]:
    """Three lines for skimmers, from the same ranking: the two most newsworthy facts (the week's spread when
    fewer are newsworthy), and the call."""
    m = r.m
    items = [m.news.items[k] for k in m.news.ranked] if m.news is not None else []
    picked = [i for i in items if i.newsworthy and i.key not in ("vix_level", "stance_change")
              and not (i.key == "vix_jump" and i.value <= 0)][:BRIEF_ITEMS - 1]
    if len(picked) < BRIEF_ITEMS - 1 and m.news is not None and "spread_week" in m.news.items \
            and all(i.key != "spread_week" for i in picked):
        picked.append(m.news.items["spread_week"])
    lines = [news_line(r, i, section="brief", words="brief") for i in picked[:BRIEF_ITEMS - 1]]
    if len(lines) < BRIEF_ITEMS - 1 and m.ratio.distance_from_sma_long is not None:
        # a quiet week: where the trend behind the call stands
        pair = f"{r.small}/{r.large}"
        d = m.ratio.distance_from_sma_long
        sense = sign_of("ratio.distance_from_sma_long", d, pair, "trend", flat=SHOWN_ZERO)
        lines.append(r.say("brief", "trend", pair, [Fact("distance", "ratio.distance_from_sma_long", pair, "pct")],
                           list(sense) if isinstance(sense, tuple) else [sense], words="brief",
                           side="above" if d >= SHOWN_ZERO else "below" if d <= -SHOWN_ZERO else "level"))
        # "above"/"below" are the trend's side, the same reading the long view gives
    return tuple(lines) + (call,)
