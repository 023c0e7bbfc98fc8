"""The commentary path over a whole history: metrics, words and fact-check for every week, no charts or PDF.

This is how the rules are tested against every era (tests/test_history.py) and
how a writer checks a change of wording before it goes out
(`capweekly factcheck --from 2001-01-01`, generator/cli.py). Weeks are split into contiguous
chunks, one per forked worker; each chunk starts from the headline of the
week before it, so "never the same headline two weeks running" is checked
across chunk boundaries too.
"""

from __future__ import annotations

import collections
import os
from dataclasses import dataclass
from datetime import date

import pandas as pd

from generator.commentary.factcheck import CLASSES, Flag
from generator.commentary.words import previous_headline, write_words
from generator.data.model import MarketData
from generator.metrics import compute_metrics
from generator.metrics.indicators import weekly_last
from generator.metrics.track import record_calls
from generator.render.environment import make_environment


@dataclass(frozen=True)
class WeekResult:
    session: date
    headline: str
    stance: str          # published
    raw_stance: str      # what the unsteadied rules said
    flags: tuple[Flag, ...]
    words: int           # words of commentary (headline, standfirst and sections)
    sentences: tuple[str, ...]
    keys: tuple[str, ...]  # the words keys, in reading order ("section/key")
    stress: bool           # a week of market-wide stress


def week_sessions(market: MarketData, settings, start: date, end: date | None) -> list[pd.Timestamp]:
    small, large = settings.pair.small, settings.pair.large
    index = market[small].frame.index.intersection(market[large].frame.index)
    ends = weekly_last(pd.Series(index, index=index)).index
    ends = ends[ends >= pd.Timestamp(start)]
    if end is not None:
        ends = ends[ends <= pd.Timestamp(end)]
    return list(ends)


def _run(market: MarketData, settings, sessions: list[pd.Timestamp]) -> list[WeekResult]:
    from generator.pipeline import cut_at

    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    out: list[WeekResult] = []
    before = previous_headline(market, settings, env, sessions[0]) if sessions else None
    for session in sessions:
        cut = cut_at(market, session)
        m = compute_metrics(cut, settings, session)
        _, w, _ = write_words(m, cut, settings, env, previous_headline=before)
        texts = tuple(r.text for r in w.rendered)
        out.append(WeekResult(session.date(), w.headline, m.stance.key, m.stance_history[-1].raw_key, w.flags,
                              sum(len(t.split()) for t in texts), texts,
                              tuple(f"{r.sentence.section}/{r.sentence.key}" for r in w.rendered),
                              m.events.market_stress))
        before = w.headline
    return out


def run_history(market: MarketData, settings, start: date, end: date | None = None, *,
                jobs: int = 1) -> list[WeekResult]:
    """Every week whose last session is in [start, end], oldest first."""
    sessions = week_sessions(market, settings, start, end)
    record_calls(market, settings)  # the track record's calls, once for every week and every forked worker
    jobs = max(1, min(jobs, len(sessions) // 20 or 1))
    if jobs == 1 or not hasattr(os, "fork"):
        return _run(market, settings, sessions)
    import multiprocessing

    size = -(-len(sessions) // jobs)
    chunks = [sessions[i:i + size] for i in range(0, len(sessions), size)]
    global _JOB
    _JOB = (market, settings)
    with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
        parts = pool.map(_chunk, chunks)
    return [week for part in parts for week in part]


_JOB = None


def _chunk(sessions):
    market, settings = _JOB
    return _run(market, settings, sessions)


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
