"""Buried news, as an audit over a built issue: the week's facts last matched five years or more before
(generator/metrics/news/ BURIED_YEARS) that neither the headline, the brief nor the standfirst tells while the column
leads with a less rare one (issue 26, part 1; readers of session 32: XLF's worst week against SPY since 2009 in the SVB
week, IEF's worst week in our data, the Nasdaq-100 in a bear market). It reads what was printed (each sentence's words
key), not the rules that chose it, so a fact dropped later (a repeat, the length budget) counts as buried.
tests/test_history.py counts it over every real week.
"""

from __future__ import annotations

from typing import Iterable

from generator.metrics.news import BURIED_YEARS

# Lines that tell two facts at once, with their rarity (generator/commentary/news_lines.py): the facts each covers. The
# standfirst's own event lines (sections/story.py: a VIX spike, a 5% session, the week's widest gap) tell a move
# without its rarity, so they cover none.
COVERS = {"both_day": ("small_day", "large_day"), "each_day": ("small_day", "large_day"),
          "both_week": ("small_week", "large_week"), "both_drawdown": ("small_drawdown", "large_drawdown"),
          "each_drawdown": ("small_drawdown", "large_drawdown"), "vix_jump_level": ("vix_jump", "vix_level"),
          "ratio_near": ("ratio_level",)}
# Where the top of the issue is: the headline, the brief and the standfirst (words sections).
TOP = ("headline/", "brief/", "lede/")


def told_at_top(keys: Iterable[str], lead: str | None) -> set[str]:
    """The news keys the top of the issue tells: its sentences' keys (with what a merged line covers), and the lead
    fact when the headline names it (words key headline/rare)."""
    keys = list(keys)
    out: set[str] = set()
    for key in keys:
        if not key.startswith(TOP):
            continue
        name = key.split("/", 1)[1]
        out.add(name)
        out.update(COVERS.get(name, ()))
    if lead is not None and "headline/rare" in keys:
        out.add(lead)
    return out


def buried(keys: Iterable[str], news: Iterable[tuple[str, float, float, bool]], lead: str | None,
           years: float = BURIED_YEARS) -> list[tuple[str, float, float]]:
    """(key, its years, the lead's years) for each newsworthy fact last matched `years` or more before, not one more
    close of a run, rarer than the week's lead (`lead`, a key of `news`; none: any) and not told at the top. `news` is
    the week's newsworthy facts (history.WeekResult.news: key, years since last matched, lead years, streak)."""
    news = list(news)
    lead_years = next((y for k, y, _, _ in news if k == lead), 0.0)
    top = told_at_top(keys, lead)
    return [(k, y, lead_years) for k, y, _, streak in news
            if not streak and y >= years and y > lead_years and k != lead and k not in top]
