"""The week's news told as lines: both indices' facts in one line, the standfirst's news lines (`news_lines`), each
section's opening news (`section_opening`) and "The week in brief" (`brief`), from the facts and wordings that
generator/commentary/news.py chooses; split from it to keep each module readable."""

from __future__ import annotations

from dataclasses import replace

from generator.commentary.claims import SHOWN_ZERO, Claim, Fact, Sentence, at_extreme, at_least, is_, sign_of
from generator.commentary.news import (BIG_GAP_DAY, BRIEF_ITEMS, DRAWDOWN_KEYS, QUIET, WORDS, _drawdown_claims,
                                       _subject, _when, brief_picks, crowded, news_line, told, told_keys)
from generator.metrics import paths as mp
from generator.metrics.news import MULTI_YEAR, SECONDARY, SINCE_YEARS, NewsItem, years_rare


# Two facts of one kind told as one line when both indices made them together: (small's key, large's key, the
# line's key).
PAIRS = (("small_week", "large_week", "both_week"), ("small_day", "large_day", "both_day"))


def _each_day(r, small: NewsItem, large: NewsItem) -> Sentence:
    """Both indices' rarest sessions of the week, on different days or with different "since" dates, in one line."""
    pair = f"{r.small}-{r.large}"
    facts, claims = [], []
    for item, name in ((small, "small"), (large, "large")):
        path, subject = f"news.items.{item.key}", _subject(r, item)
        facts += [Fact(f"{name}_day", f"{path}.day", subject, "date"), Fact(name, f"{path}.value", subject, "pct")]
        claims.append(Claim(f"{path}.value", "<" if item.value < 0 else ">", 0.0, subject, item.key,
                            -1 if item.value < 0 else +1))
        if _when(item) == "since":
            facts.append(Fact(f"{name}_since", f"{path}.since", subject, "date"))
            claims.append(at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0)))
    return r.say("lede", "each_day", (pair, r.small, r.large), facts, claims, words=WORDS, up=small.value > 0,
                 small_when=_when(small), large_when=_when(large))


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
    facts += [Fact("small", f"news.items.{small.key}.value", pair, "pct"),
              Fact("large", f"news.items.{large.key}.value", pair, "pct")]
    if key == "both_day":
        claims.append(Claim(f"news.items.{small.key}.day", "==", None, pair, "same day", 0,
                            f"news.items.{large.key}.day"))
    facts.append(Fact("since", f"{path}.since", pair, "date"))
    claims += [at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, pair, "rarity", 0)),
               at_extreme(at_least(f"{opath}.since_years", SINCE_YEARS, pair, "rarity", 0)),
               Claim(f"{opath}.since", "<=", None, pair, "rarity", 0, f"{path}.since")]
    return r.say("lede", key, pair, facts, claims, words=WORDS, up=small.value > 0)


def _dd_when(item: NewsItem) -> str:
    return "since" if item.since_years is not None and item.since_years >= SINCE_YEARS else "plain"


def _both_drawdown(r, small: NewsItem, large: NewsItem) -> Sentence:
    """Both indices crossed the same line of their 52-week highs this week: one line, each with its own high (and
    the month of their last week that far below a high, when it is the same for both)."""
    pair = f"{r.small}-{r.large}"
    facts, claims = [], []
    for item, name in ((small, "small"), (large, "large")):
        f, c, _ = _drawdown_claims(r, item)
        facts += [Fact(f"{name}_{x.name}", x.path, x.subject, x.unit) for x in f]
        claims += c
    same = small.label == large.label and _dd_when(small) == _dd_when(large) and (
        _dd_when(small) == "plain" or (small.since.year, small.since.month) == (large.since.year, large.since.month))
    # one line for both when one label and one "since" are true of both, else each index's own in one sentence
    return r.say("lede", "both_drawdown" if same else "each_drawdown", (pair, r.small, r.large), facts, claims,
                 words=WORDS, label=large.label, small_label=small.label, when=_dd_when(large),
                 small_when=_dd_when(small))


def _vix_jump_level(r, jump: NewsItem, level: NewsItem) -> Sentence:
    """The VIX's jump and its close at the highest in a year or more, on the same session: one line."""
    line = news_line(r, jump)
    path, subject = mp.NEWS_ITEMS_VIX_LEVEL, level.subject
    facts = [Fact("level_since", f"{path}.since", subject, "date")] if _when(level) == "since" else \
        [Fact("level_start", f"{path}.history_start", subject, "date")]
    claims = [at_extreme(at_least(f"{path}.since_years", SINCE_YEARS, subject, "rarity", 0)) if _when(level) == "since"
              else at_extreme(is_(f"{path}.record", True, subject, "rarity")),
              Claim(f"{path}.day", "==", None, subject, "same day", 0, mp.NEWS_ITEMS_VIX_JUMP_DAY),
              Claim(f"{path}.value", "==", None, subject, "same close", 0, mp.EVENTS_VIX_HIGH)]
    return r.say("lede", "vix_jump_level", line.subjects, line.facts + tuple(facts), line.claims + tuple(claims),
                 words=WORDS, level_when=_when(level), **{k: v for k, v in line.extra.items()})


def news_lines(r) -> list[Sentence]:
    items = told(r.m)
    by_key = {i.key: i for i in items}
    # both indices into correction (or a bear market) the same week: one line
    s_dd, l_dd = by_key.get("small_drawdown"), by_key.get("large_drawdown")
    both_dd = bool(s_dd and l_dd)
    # the VIX's jump and its highest close in years on the same session: one line
    jump, level = by_key.get("vix_jump"), by_key.get("vix_level")
    vix_one = bool(jump and level and jump.day == level.day and _when(level) != "plain"
                   and r.m.events.vix_high is not None and abs(r.m.events.vix_high - level.value) < 1e-9)
    merged: dict[str, tuple[str, str]] = {}
    for s_key, l_key, key in PAIRS:
        s_item, l_item = by_key.get(s_key), by_key.get(l_key)
        # only when one "since" is true of both in the words: the same month (else each line gives its own)
        if s_item and l_item and s_item.series != l_item.series:
            # one index's history measured one, the fund's the other: each line names its own
            continue
        if (s_item and l_item and _when(s_item) == _when(l_item) == "since" and (s_item.value > 0) == (l_item.value > 0)
                and (key != "both_day" or s_item.day == l_item.day)
                and (s_item.since.year, s_item.since.month) == (l_item.since.year, l_item.since.month)):
            merged[s_key] = merged[l_key] = (s_key, l_key, key)
        elif (key == "both_day" and crowded(r.m) and s_item and l_item and {_when(s_item), _when(l_item)} <= {"since",
                                                                                                       "plain"}
              and "since" in {_when(s_item), _when(l_item)} and (s_item.value > 0) == (l_item.value > 0)):
            # a crowded week: both indices' rarest sessions in one line, each with its day and its "since"
            merged[s_key] = merged[l_key] = (s_key, l_key, "each_day")
    out, done = [], set()
    for i in items:
        if both_dd and i.key in DRAWDOWN_KEYS:
            if "both_drawdown" not in done:
                done.add("both_drawdown")
                out.append(_both_drawdown(r, s_dd, l_dd))
        elif vix_one and i.key in ("vix_jump", "vix_level"):
            if "vix_jump_level" not in done:
                done.add("vix_jump_level")
                out.append(_vix_jump_level(r, jump, level))
        elif i.key in merged:
            s_key, l_key, key = merged[i.key]
            if key not in done:
                done.add(key)
                out.append(_each_day(r, by_key[s_key], by_key[l_key]) if key == "each_day"
                           else _both(r, by_key[s_key], by_key[l_key], key))
        elif i.key == "ratio_level" and crowded(r.m) and any(b.key == i.key for b in brief_picks(r.m)[:BRIEF_ITEMS - 1]):
            # a crowded week's standfirst may run long: the ratio's line goes first if it must, when the brief tells it
            # (a record in the data the brief leaves out stays: 2025-04-04)
            line = news_line(r, i)
            out.append(replace(line, optional=1))
        else:
            out.append(news_line(r, i))
    return out


def level_told(r, key: str, section: str, close: float | None, digits: int = 4) -> bool:
    """A level's news line (the bill's lowest close in years) prints the same figure as the section's own reading of
    the level (`close`, which prints to `digits` decimals of its decimal value): the section refers back to it
    without the figure (told once beyond the brief). True when the standfirst or the section's opening tells it."""
    m = r.m
    item = m.news.items.get(key) if m.news is not None else None
    if item is None or close is None or round(item.value, digits) != round(close, digits):
        return False
    if key in told_keys(m):
        return True
    opening = section_opening(r, section)
    return opening is not None and opening.key == key


# --- each section opens with its news ---------------------------------------------------------------------

# The news facts each section reads; sections with none open as they always do.
SECTION_NEWS = {"divergence": ("small_week", "large_week", "spread_week", "small_day", "large_day", "small_level",
                               "spread_day", "large_drawdown", "small_drawdown", "large_high", "small_high",
                               "large_level", "small_2d", "large_2d", "small_4w", "large_4w", "quarter_spread",
                               "year_spread", "small_run", "large_run", "small_record", "large_record"),
                "rates": ("long_yield_week", "long_yield_level", "long_yield_4w", "curve_level", "curve_cross",
                          "long_yield_round", "treasury_week"), "policy": ("short_yield_week", "short_yield_level"),
                "junk": ("credit_week",),
                "risks": ("vix_day", "vix_jump", "vix_level", "vix_low", "fx_week", "fx_level", "vix_fall"),
                "sectors": ("sector_week", "tech_week", "small_tech_week", "small_tech_day", "tech_drawdown"),
                "long-view": ("trend_cross", "ratio_level"), "positioning": ("stance_change",)}
# Told elsewhere in their sections (the stance line, the long view's cross) or as the week's returns.
NOT_OPENING = {"stance_change", "trend_cross", "small_week", "large_week", "spread_week"}


def section_opening(r, section: str) -> Sentence | None:
    """The section's rarest newsworthy fact, when the standfirst has not told it: a line that opens the section
    with what changed this week."""
    m = r.m
    if m.news is None:
        return None
    lead = told_keys(m)
    items = [m.news.items[k] for k in m.news.ranked if k in SECTION_NEWS.get(section, ())]
    if crowded(m):
        # a crowded week's standfirst is long: the sections do not open with the backdrop's news (the yen, credit,
        # bills, levels), which their own paragraphs read anyway
        items = [i for i in items if i.key not in SECONDARY]
    # a session gap the standfirst's own line tells (the week's widest session, BIG_GAP_DAY or more) with its figure:
    # the brief gives its rarity, and a section opening on it would print the figure a third time
    ev = m.events
    items = [i for i in items if not (i.key == "spread_day" and abs(i.value) >= BIG_GAP_DAY
                                      and ev.biggest_day_move is not None and abs(ev.biggest_day_move) >= BIG_GAP_DAY
                                      and i.day == ev.biggest_day)]
    for item in items:
        if item.key in QUIET and years_rare(item) < MULTI_YEAR:
            continue   # (the gauges beside the pair open their section only when multi-year rare)
        if item.newsworthy and item.key not in lead and item.key not in NOT_OPENING \
                and not (item.key == "vix_jump" and item.value <= 0) \
                and not (item.key == "vix_level" and _when(item) == "plain"):
            return news_line(r, item, section=section)
    return None


# --- the week in brief -------------------------------------------------------------------------------------



def brief(r, call: Sentence) -> tuple[Sentence, ...]:
    """Three lines for skimmers, from the same ranking: the two most newsworthy facts (the week's spread when
    fewer are newsworthy), and the call."""
    m = r.m
    picked = brief_picks(m)
    lines = [news_line(r, i, section="brief", words="brief") for i in picked[:BRIEF_ITEMS - 1]]
    if len(lines) < BRIEF_ITEMS - 1 and m.ratio.distance_from_sma_long is not None:
        # a quiet week: where the trend behind the call stands
        pair = f"{r.small}/{r.large}"
        d = m.ratio.distance_from_sma_long
        sense = sign_of(mp.RATIO_DISTANCE_FROM_SMA_LONG, d, pair, "trend", flat=SHOWN_ZERO)
        lines.append(r.say("brief", "trend", pair, [Fact("distance", mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "pct")],
                           list(sense) if isinstance(sense, tuple) else [sense], words="brief",
                           side="above" if d >= SHOWN_ZERO else "below" if d <= -SHOWN_ZERO else "level"))
        # "above"/"below" are the trend's side, the same reading the long view gives
    return tuple(lines) + (call,)
