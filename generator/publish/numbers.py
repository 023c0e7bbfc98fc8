"""Issue numbers: No. 1 is the first issue a newsletter publishes, and a number once published never changes.

Two schemes, chosen by settings:

- `site.first_issue` unset (the default): numbers follow publication. Each published issue's number is
  recorded in its folder's published.json when it is first published, and read back from there ever
  after. A new week later than every numbered issue takes the next number; the first publish numbers
  all its weeks 1, 2, 3... in date order. A week older than the newest numbered issue, published later
  (a backfill), is a back issue: it gets no number, so no published issue is ever renumbered.
- `site.first_issue` set: the week-count of the issue's week from that week (No. 1), whatever was
  published; kept for newsletters that already print such numbers.

The build prints a number (PDF, email, share card) only where it is already known: the week's recorded
number, or the next one for a week after the newest published issue. A build of a week nobody has
published yet, on a site that has published nothing, prints the number the first publish will give it (its
place among the real-data weeks built so far); the site page gets its number at publish time (the
"<!--capweekly:number-->" marker).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Iterable

from generator.render.context import issue_number as week_count

STAMP = "published.json"


def recorded(issues_dir: Path) -> dict[date, int]:
    """The numbers published issues carry, from their published.json (issues without one have none)."""
    numbers: dict[date, int] = {}
    if not issues_dir.is_dir():
        return numbers
    for folder in issues_dir.iterdir():
        try:
            day = date.fromisoformat(folder.name)
            number = json.loads((folder / STAMP).read_text(encoding="utf-8")).get("number")
        except (ValueError, OSError, AttributeError):
            continue
        if isinstance(number, int) and number > 0:
            numbers[day] = number
    return numbers


def assign(known: dict[date, int], weeks: Iterable[date]) -> dict[date, int]:
    """Numbers for `weeks` and the known ones: the known keep theirs; an unnumbered week after the newest
    numbered one takes the next number (in date order); an earlier one (a backfill) stays unnumbered."""
    numbers = dict(known)
    newest = max(known, default=None)
    last = max(known.values(), default=0)
    for day in sorted(set(weeks) - set(known)):
        if newest is None or day > newest:
            last += 1
            numbers[day] = last
            newest = day
    return numbers


def build_number(as_of: date, first_issue: date | None, issues_dir: Path, reports: Path | None = None) -> int | None:
    """The number a build prints: see the module docstring (None where it is not yet known). On a site that has
    published nothing, the number the first publish will give the week: its place among the real-data weeks
    built in `reports`, so that building the same week again after that publish prints the same number (and
    `weekly` run twice republishes nothing)."""
    if first_issue is not None:
        return week_count(as_of, first_issue)
    known = recorded(issues_dir)
    if not known:
        return assign({}, [*_built_weeks(reports), as_of]).get(as_of) if reports is not None else None
    return assign(known, [as_of]).get(as_of)


def _built_weeks(reports: Path) -> list[date]:
    """The weeks built from real data in `reports` (what a first publish would number; sample builds never)."""
    out = []
    for folder in reports.iterdir() if reports.is_dir() else ():
        try:
            day = date.fromisoformat(folder.name)
            source = json.loads((folder / "metrics.json").read_text(encoding="utf-8")).get("source")
        except (ValueError, OSError, AttributeError):
            continue
        if source != "sample":
            out.append(day)
    return out
