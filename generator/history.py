"""The commentary path over a whole history: metrics, words and fact-check for every week, no charts or PDF.

This is how the rules are tested against every era (tests/test_history.py) and
how a writer checks a change of wording before it goes out
(`capweekly factcheck --from 2001-01-01`, generator/cli/build.py). Weeks are split into contiguous
chunks, one per forked worker; each chunk starts from the headline of the
week before it, so "never the same headline two weeks running" is checked
across chunk boundaries too.
"""

from __future__ import annotations

import collections
import re
import os
from dataclasses import dataclass
from datetime import date

import pandas as pd

from generator.commentary.agreement import audit
from generator.commentary.factcheck import CLASSES, Flag, plain
from generator.commentary.repeats import told
from generator.commentary.words import previous_headline, write_words
from generator.data.model import MarketData, cut_at
from generator.metrics import compute_metrics
from generator.metrics.indicators import weekly_last
from generator.metrics.stance import StanceTable, stance_table
from generator.render.environment import make_environment
from generator.settings import Settings
from generator.metrics import paths as mp


@dataclass(frozen=True)
class WeekResult:
    session: date
    headline: str
    stance: str          # published
    raw_stance: str      # what the unsteadied rules said
    flags: tuple[Flag, ...]
    words: int           # words of commentary's prose (headline, brief, standfirst, headings, sections; no data notes)
    sentences: tuple[str, ...]
    keys: tuple[str, ...]  # the words keys, in reading order ("section/key")
    stress: bool           # a week of market-wide stress
    lead: str = ""         # the headline and standfirst as the reader sees them
    # news over the bar: (key, its rarity phrase's date or "record", its size as the words print it)
    must_tell: tuple[tuple[str, str | None, str], ...] = ()
    # the sentences that disagree with each other or the week, by class (generator/commentary/agreement.py)
    agreement: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rarest: str | None = None   # the week's rarest fact by years since last matched (metrics/news/ `News.rarest`)
    # the fact the headline and the brief's first line carry (`News.lead`): its key and its rarity phrase ("<Month
    # Year>" of its "since", or "in our data" for a record)
    lead_fact: tuple[str, str] | None = None
    # the week's top-ranked newsworthy fact last matched TOP_YEARS or more before (metrics/news/ `News.ranked`), with its
    # rarity phrase as `lead_fact`'s: tests check the top of the issue tells it
    top_fact: tuple[str, str] | None = None
    # the week's figures the argument's rules read (MEASURES, and this week's call's 13-week record as "track.*"), so
    # tests over the whole history can check the words against them: (path, value)
    measures: tuple[tuple[str, object], ...] = ()
    # the week's newsworthy facts, most newsworthy first: (key, years since last matched, lead years with the subject's
    # bonus, streak) (generator/metrics/news/ `years_rare`, `lead_years`), so tests can check why a story led
    news: tuple[tuple[str, float, float, bool], ...] = ()
    # which of `sentences` are the column's prose (False: a data note or a gloss, printed in a section's notes box)
    prose: tuple[bool, ...] = ()
    # the facts each of `sentences` prints, (unit, size as printed) (generator/commentary/repeats.py `told`)
    facts: tuple[tuple[tuple, ...], ...] = ()


# The metrics.json paths WeekResult.measures keeps (tests/test_argument_history.py reads them), besides the 10-year
# yield's 13-week change ("long_yield.13w") and this week's call's record ("track.*").
MEASURES = (mp.STANCE_KEY, mp.STANCE_SCORE, mp.STANCE_HELD_BACK, mp.STANCE_RECORD_CHANGED_WEEKS_AGO,
            mp.STANCE_RECORD_CHANGED_FROM, mp.STANCE_RECORD_CHANGED_TO, mp.STANCE_RECORD_WEEKS_ON_SIDE,
            mp.STANCE_RECORD_WEEKS_UNCHANGED, mp.RATIO_SMA_SHORT, mp.RATIO_SMA_LONG, mp.RATIO_MOMENTUM_UP,
            mp.RATIO_MOMENTUM_KNOWN, mp.RATE_SENSITIVITY_CORRELATION, mp.SPREAD_13W,
            # short rates read together (issue 26, item 3): the bill's level, its band, the VIX's week, the regime
            mp.EVENTS_REGIME_LEVEL, mp.EVENTS_REGIME_BAND, mp.REGIME_GAUGES_VIX_CHANGE, mp.REGIME_KEY)


def week_sessions(market: MarketData, settings: Settings, start: date, end: date | None) -> list[pd.Timestamp]:
    small, large = settings.pair.small, settings.pair.large
    index = market[small].frame.index.intersection(market[large].frame.index)
    ends = weekly_last(pd.Series(index, index=index)).index
    ends = ends[ends >= pd.Timestamp(start)]
    if end is not None:
        ends = ends[ends <= pd.Timestamp(end)]
    return list(ends)


def _run(market: MarketData, settings: Settings, sessions: list[pd.Timestamp],
         calls: StanceTable) -> list[WeekResult]:

    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    out: list[WeekResult] = []
    before = previous_headline(market, settings, env, sessions[0], calls=calls) if sessions else None
    for session in sessions:
        cut = cut_at(market, session)
        m = compute_metrics(cut, settings, session, calls)
        _, w, doc = write_words(m, cut, settings, env, previous_headline=before)
        texts = tuple(r.text for r in w.rendered)
        out.append(WeekResult(session.date(), w.headline, m.stance.key, m.stance_history[-1].raw_key, w.flags,
                              sum(len(r.text.split()) for r in w.rendered if r.sentence.kind == "prose"), texts,
                              tuple(f"{r.sentence.section}/{r.sentence.key}" for r in w.rendered),
                              m.events.market_stress, lead=plain(w.headline) + " " + plain(w.standfirst),
                              must_tell=_must_tell(m), rarest=_rarest(m), lead_fact=_lead_fact(m), top_fact=_top_fact(m),
                              agreement=tuple((cls, tuple(found)) for cls, found in
                                              audit(m, w.rendered, doc, cut, settings).items()),
                              measures=_measures(m, doc, settings), news=_news(m),
                              prose=tuple(r.sentence.kind == "prose" for r in w.rendered),
                              facts=tuple(tuple(told(r.sentence, doc, r.text)) for r in w.rendered)))
        before = w.headline
    return out


def _measures(m, view, settings: Settings) -> tuple[tuple[str, object], ...]:
    from generator.commentary.claims import MISSING, lookup

    out = [(p, None if (v := lookup(view, p)) is MISSING else v) for p in MEASURES]
    ly = m.levels.get(settings.tickers.long_yield) if settings.tickers.long_yield else None
    out.append(("long_yield.13w", ly.changes.get("13w") if ly is not None else None))
    sy = m.levels.get(settings.tickers.short_yield) if settings.tickers.short_yield else None
    out.append(("short_yield.1w", sy.changes.get("1w") if sy is not None else None))
    h = m.track.all.by_stance[m.stance.key]["13w"] if m.track is not None else None
    if h is not None:
        out += [("track.calls", h.calls), ("track.rate", h.rate), ("track.low", h.low), ("track.high", h.high)]
    return tuple(out)


def _news(m) -> tuple[tuple[str, float, float, bool], ...]:
    from generator.metrics.news import UP_ONLY, lead_years, years_rare

    if m.news is None:
        return ()
    items = (m.news.items[k] for k in m.news.ranked)
    # (a fall of the VIX is not its jump: never news to lead with)
    return tuple((i.key, years_rare(i), lead_years(i), i.streak) for i in items
                 if i.newsworthy and not (i.key in UP_ONLY and i.value <= 0))


def _rarest(m) -> str | None:
    top = m.news.rarest() if m.news is not None else None
    return top.key if top is not None else None


def _lead_fact(m) -> tuple[str, str] | None:
    from generator.formats import monthyear
    from generator.metrics.news import SINCE_YEARS

    top = m.news.lead() if m.news is not None else None
    if top is None:
        return None
    return top.key, (monthyear(top.since) if top.since_years is not None and top.since_years >= SINCE_YEARS
                     else "in our data")


# A fact last matched this many years before (or never, in that much data) is told at the top of the issue, with its
# "since" (tests/test_history.py).
TOP_YEARS = 2.0


def _top_fact(m) -> tuple[str, str] | None:
    """The first fact in the week's ranking that is newsworthy, not one more close of a run, and last matched TOP_YEARS
    or more before (`years_rare`), with its rarity phrase: "<Month Year>" of its "since", or "in our data"."""
    from generator.formats import monthyear
    from generator.metrics.news import SINCE_YEARS, UP_ONLY, years_rare
    from generator.metrics.news.base import NEVER_LEADS

    # (the gauges beside the pair, NEVER_LEADS, are told at the top only when rarer than the lead: the buried-news
    # audit, commentary/news_audit.py, holds them to that)
    for item in (m.news.items[k] for k in m.news.ranked) if m.news is not None else ():
        if item.newsworthy and not item.streak and not (item.key in UP_ONLY and item.value <= 0) \
                and item.key not in NEVER_LEADS \
                and years_rare(item) >= TOP_YEARS:
            return item.key, (monthyear(item.since) if item.since is not None and (item.since_years or 0.0)
                              >= SINCE_YEARS else "in our data")
    return None


def _must_tell(m) -> tuple[tuple[str, str | None, str], ...]:
    """The week's news over the bar, each with the date its rarity phrase must give (Month Year of `since`
    when it reaches back a year or more; "record" when nothing earlier in the data was as extreme)."""
    from generator.metrics.news import SINCE_YEARS
    from generator.formats import monthyear

    out = []
    for item in (m.news.items.values() if m.news is not None else ()):
        if item.must_tell:
            when = (monthyear(item.since) if item.since_years is not None and item.since_years >= SINCE_YEARS
                    else "record" if item.record else None)
            size = (f"{abs(item.value) * 1e4:.0f}" if item.unit == "bp" else f"{abs(item.value) * 100:.0f}%"
                    if item.key == "vix_jump" else f"{abs(item.value) * 100:.1f}%")
            out.append((item.key, when, size))
    return tuple(out)


def run_history(market: MarketData, settings: Settings, start: date, end: date | None = None, *,
                jobs: int = 1) -> list[WeekResult]:
    """Every week whose last session is in [start, end], oldest first."""
    sessions = week_sessions(market, settings, start, end)
    calls = stance_table(market, settings)  # the stance's weekly calls, once for every week and forked worker
    jobs = max(1, min(jobs, len(sessions) // 20 or 1))
    if jobs == 1 or not hasattr(os, "fork"):
        return _run(market, settings, sessions, calls)
    import multiprocessing

    size = -(-len(sessions) // jobs)
    chunks = [sessions[i:i + size] for i in range(0, len(sessions), size)]
    global _JOB
    _JOB = (market, settings, calls)
    with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
        parts = pool.map(_chunk, chunks)
    return [week for part in parts for week in part]


_JOB = None


def _chunk(sessions):
    market, settings, calls = _JOB
    return _run(market, settings, sessions, calls)


def stance_changes_per_year(weeks: list[WeekResult], raw: bool = False) -> dict[int, int]:
    changes: dict[int, int] = collections.Counter()
    for a, b in zip(weeks, weeks[1:]):
        if (a.raw_stance if raw else a.stance) != (b.raw_stance if raw else b.stance):
            changes[b.session.year] += 1
    return {year: changes.get(year, 0) for year in sorted({w.session.year for w in weeks})}


def history_report(weeks: list[WeekResult], show: int = 3) -> str:
    """Flags by class, examples, and stance changes a year (raw and published)."""
    by_class: dict[str, list[tuple[date, Flag]]] = collections.defaultdict(list)
    for w in weeks:
        for f in w.flags:
            by_class[f.cls].append((w.session, f))
    lines = [f"{len(weeks)} weeks, {sum(len(v) for v in by_class.values())} flags "
             f"in {sum(1 for w in weeks if w.flags)} weeks"]
    for cls in CLASSES:
        items = by_class.get(cls, [])
        lines.append(f"  {cls:14} {len(items):6} flags in {len({d for d, _ in items}):5} weeks")
    for cls in CLASSES:
        for day, f in by_class.get(cls, [])[:show]:
            lines.append(f"[{cls}] {day} {f.section}: {f.detail}\n      {f.sentence}")
    published, raw = stance_changes_per_year(weeks), stance_changes_per_year(weeks, raw=True)
    years = len(published) or 1
    lines.append(f"stance changes a year: raw rules {sum(raw.values()) / years:.1f}, "
                 f"published {sum(published.values()) / years:.1f}")
    lines.append("  " + ", ".join(f"{y}: {raw[y]}->{published[y]}" for y in published))
    return "\n".join(lines)


# --- variety: how much an issue repeats itself --------------------------------------------------------------

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_NUMBER = re.compile(rf"\b(?:{_MONTHS})\b\.?|[-+−–]?\$?\d[\d,.]*%?")
WINDOW = 10


def masked(sentence: str) -> str:
    """A sentence with its numbers, dates and month names masked, for comparing wording across weeks."""
    return " ".join(_NUMBER.sub("#", sentence).split())


@dataclass(frozen=True)
class Variety:
    windows: int
    worst_share: float          # the largest share of an issue's sentences found in all ten weeks of a window
    mean_share: float
    share_over_target: int      # issues (in any window) above TARGET_SHARE
    fewest_headlines: int       # the fewest different headlines in a window of ten
    headline_windows_short: int  # windows with fewer than TARGET_HEADLINES different headlines
    words_min: int
    words_median: float
    words_max: int
    weeks_outside_length: int
    repeated: tuple[tuple[str, int], ...]   # sentences (masked) by the number of windows where they are in all ten


TARGET_SHARE, TARGET_HEADLINES, TARGET_WORDS = 0.10, 8, (500, 900)  # words: issue 26


def _body(w: WeekResult) -> list[str]:
    """An issue's commentary sentences (masked), the headline left out (it is measured on its own)."""
    return [masked(s) for s, k in zip(w.sentences, w.keys) if not k.startswith("headline/")]


def variety(weeks: list[WeekResult]) -> Variety:
    bodies = [_body(w) for w in weeks]
    sets = [set(b) for b in bodies]
    shares, fewest, short = [], WINDOW, 0
    repeated: collections.Counter = collections.Counter()
    worst = 0.0
    over = set()
    windows = max(0, len(weeks) - WINDOW + 1)
    for i in range(windows):
        common = set.intersection(*sets[i:i + WINDOW])
        repeated.update(common)
        for j in range(i, i + WINDOW):
            share = sum(1 for s in bodies[j] if s in common) / max(1, len(bodies[j]))
            shares.append(share)
            worst = max(worst, share)
            if share > TARGET_SHARE:
                over.add(j)
        different = len({w.headline for w in weeks[i:i + WINDOW]})
        fewest = min(fewest, different)
        short += different < TARGET_HEADLINES
    words = sorted(w.words for w in weeks) or [0]
    low, high = TARGET_WORDS
    return Variety(windows, worst, sum(shares) / max(1, len(shares)), len(over), fewest, short, words[0],
                   words[len(words) // 2], words[-1], sum(1 for w in weeks if not low <= w.words <= high),
                   tuple(repeated.most_common()))


def variety_report(weeks: list[WeekResult], show: int = 15) -> str:
    v = variety(weeks)
    lines = [f"{len(weeks)} weeks, {v.windows} windows of {WINDOW}",
             f"  sentences in all ten weeks of a window: worst {v.worst_share:.0%} of an issue, mean {v.mean_share:.1%};"
             f" {v.share_over_target} issues above {TARGET_SHARE:.0%}",
             f"  different headlines in a window: fewest {v.fewest_headlines} of {WINDOW};"
             f" {v.headline_windows_short} windows below {TARGET_HEADLINES}",
             f"  words: min {v.words_min}, median {v.words_median:.0f}, max {v.words_max};"
             f" {v.weeks_outside_length} weeks outside {TARGET_WORDS[0]}-{TARGET_WORDS[1]}"]
    for sentence, count in v.repeated[:show]:
        lines.append(f"  {count:5} windows: {sentence[:150]}")
    return "\n".join(lines)


# --- boilerplate: the same sentence in most weeks (issue 26, "everything, every week") ---------------------------

# A sentence skeleton in more than this share of the weeks is boilerplate: a reader meets it in most issues.
COMMON_SHARE = 0.5


def skeleton(key: str) -> str:
    """A sentence's skeleton: its words key without the phrasing the week picks ("rates/unrelated__2" is
    "rates/unrelated"). The rotation rewords a slot week by week (masked text alone never recurs in half the weeks),
    but a reader meets the same sentence reworded: what it says, with its figures masked, is the slot."""
    return key.split("__")[0]


def _prose_rows(w: WeekResult) -> list[tuple[str, int]]:
    """An issue's prose sentences, headline and headings aside (titles): (skeleton, words)."""
    return [(skeleton(k), len(t.split())) for k, t, prose in zip(w.keys, w.sentences, w.prose)
            if prose and not k.startswith("headline/") and k.split("/")[1] != "heading"]


@dataclass(frozen=True)
class Boilerplate:
    shares: tuple[tuple[str, float], ...]   # skeletons by the share of weeks they appear in, most common first
    common: frozenset[str]                  # the skeletons in more than COMMON_SHARE of the weeks
    word_shares: tuple[float, ...]          # per week: the share of its prose words in `common` skeletons

    @property
    def mean(self) -> float:
        return sum(self.word_shares) / max(1, len(self.word_shares))

    @property
    def worst(self) -> float:
        return max(self.word_shares, default=0.0)


def boilerplate(weeks: list[WeekResult], share: float = COMMON_SHARE) -> Boilerplate:
    """How much of each issue is sentences a reader meets in most weeks: the skeletons in more than `share` of the
    weeks, and each week's share of prose words in them."""
    rows = [_prose_rows(w) for w in weeks]
    seen: collections.Counter = collections.Counter()
    for r in rows:
        seen.update({s for s, _ in r})
    n = max(1, len(weeks))
    shares = tuple((s, c / n) for s, c in seen.most_common())
    common = frozenset(s for s, f in shares if f > share)
    words = tuple(sum(k for s, k in r if s in common) / max(1, sum(k for _, k in r)) for r in rows)
    return Boilerplate(shares, common, words)


def boilerplate_report(weeks: list[WeekResult], show: int = 12) -> str:
    b = boilerplate(weeks)
    lines = [f"{len(b.common)} skeletons in more than {COMMON_SHARE:.0%} of {len(weeks)} weeks; their share of an "
             f"issue's prose words: mean {b.mean:.1%}, worst {b.worst:.1%}"]
    lines += [f"  {f:.0%} {s}" for s, f in b.shares[:show]]
    return "\n".join(lines)
