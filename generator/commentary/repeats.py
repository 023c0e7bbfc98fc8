"""Which sentences of an issue repeat a figure or a point told earlier in it, and how they refer back instead
(`told`, `_repeats`, `_points`): the reader meets each fact once, at its first telling (issue 26)."""

from __future__ import annotations

import collections
import re
from datetime import date
from typing import Any, Mapping

from generator.commentary.claims import MISSING, Sentence


def _figure(unit: str, value: Any) -> Any:
    if unit == "date" and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return None if value is MISSING else value


# Sentences that always stay, by (section, words key's first word): an index standing in a correction or a bear
# market (a reader checks this first; 2020-03-20's budget once cut "in a bear market" from a week 32% off the high).
KEEP_SENTENCES = {("divergence", "state")}


# Figures a later sentence may quote again: dates and counts (a month, the number of tests) identify rather than
# report, and a reader meets them in several sentences without reading the same news twice.
RETOLD_UNITS = {"date", "count"}
# A figure as the words print it (a percentage, basis points, a level with decimals): a declared fact counts as told
# only when the sentence prints a figure the earlier one printed (some facts are declared and not printed).
PRINTED = re.compile(r"(?<![\w.])[−+-]?\d+(?:\.\d+)?(?:%| bp)|(?<![\w.])\d+\.\d+(?![\w%])")
# The phrasing of a sentence that refers back to a figure told earlier without quoting it again: the macro
# `<key>_told` in the same words file, given the sentence's other figures.
TOLD = "_told"
# The call's own sentences, which no repeat removes: the stance, the case for and against, the advice, the verdict
# and the call's base rate; and a section's rare week against its quarter, which the section must tell (the
# stale-horizon check).
KEPT_KEYS = ("stance", "case", "advice", "verdict", "call_failed", "base", "young", "sector_week", "credit_week")
# Words no repeat removes: a section's opening news line (generator/commentary/news.py `section_opening`).
KEPT_WORDS = ("news",)


def told(s: Sentence, doc: Mapping[str, Any], text: str | None = None) -> dict[tuple, str]:
    """The facts a sentence tells, {(unit, size as printed): path}, dates, counts and zeros aside (RETOLD_UNITS); with
    `text`, only those its words print (a sentence may declare a figure it does not quote). A fact is a subject's
    measure over a window; two paths, and two subjects, may hold it (the 10-year's week is both
    `levels.^TNX.changes.1w` and the news item `news.items.long_yield_week.value`; IWM's week is the pair's news item
    `news.items.small_week.value`), so it is known by its printed size: two figures that print alike read as one
    told twice."""
    numbers = None if text is None else printed_numbers(text)
    out = {}
    for f in s.facts:
        value = f.value(doc)
        if f.unit in RETOLD_UNITS or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        scale, digits = SHOWN.get(f.unit, (1.0, 2))
        size = round(abs(float(value)) * scale, digits)
        if size and (numbers is None or any(abs(n - size) <= 0.5 * 10 ** -digits + 1e-9 for n in numbers)):
            out[(f.unit, size)] = f.path
    return out


# A fact's size as the words print it ("fell 8.8%" and "-8.8%" are one fact), by unit: (scale, decimals). A figure
# printed with fewer decimals ("115%" for 114.8%) still matches within half its last printed digit.
SHOWN = {"pct": (100.0, 1), "pp": (100.0, 1), "bp": (1e4, 0), "yield": (100.0, 2), "level": (1.0, 2)}


def printed_figures(text: str) -> set[str]:
    return {f.lstrip("+-−") for f in PRINTED.findall(text)}


def printed_numbers(text: str) -> list[float]:
    """The sizes of the figures a text prints (signs, % and bp dropped)."""
    return [float(f.replace(" bp", "").rstrip("%")) for f in printed_figures(text)]


def _repeats(texts: dict[int, str], sentences: list[Sentence], paragraphs: list[int], column: set[int],
             dropped: set[int], refers_back, doc: Mapping[str, Any],
             targets: set[int] | None = None) -> tuple[set[int], dict[int, Sentence]]:
    """The sentences left out, and those that refer back instead (by position: the sentence without the figures
    told before, worded by its `<key>_told` macro, when `refers_back(sentence)` finds one), because an earlier
    sentence in the column (the standfirst and the sections' prose; the brief, a summary for skimmers, aside)
    already told one of their facts: readers met the rates section's 10-year week told again in the junk and
    positioning sections, a sector's figure twice. A fact is told once. A later sentence that repeats it refers
    back without the figure, or gives way, unless it cannot (an answer to its heading, a sentence the next one
    refers back to, a sentence the budget always keeps, or its section's last), and then it still tells it."""
    from generator.commentary.factcheck import PRONOUN

    targets = column if targets is None else targets
    out: set[int] = set()
    back: dict[int, Sentence] = {}
    seen: set[tuple] = set()   # the facts printed so far
    kept = collections.Counter(sentences[i].section for i in column
                               if i not in dropped and sentences[i].kind == "prose")
    order = [i for i in sorted(column) if i not in dropped and sentences[i].kind == "prose"]
    for n, i in enumerate(order):
        s = sentences[i]
        facts = told(s, doc, texts[i])
        again = facts.keys() & seen
        if again and i in targets and s.words not in KEPT_WORDS and not s.key.startswith(KEPT_KEYS):
            shorter = refers_back(s, {facts[k] for k in again}, doc)
            if shorter is not None:
                back[i] = shorter
                facts = {k: p for k, p in facts.items() if k not in again}
            else:
                after = order[n + 1] if n + 1 < len(order) else None
                leaned_on = after is not None and paragraphs[after] == paragraphs[i] and (
                    PRONOUN.match(texts[after]) is not None or sentences[after].follows)
                if (not s.answers and not s.core and not leaned_on and kept[s.section] > 1
                        and (s.section, s.key.split("_")[0]) not in KEEP_SENTENCES):
                    out.add(i)
                    kept[s.section] -= 1
                    continue
        seen |= facts.keys()
    return out, back


# Each argument's point (`Sentence.point`) and the section it belongs to: the column makes it there, and a sentence
# elsewhere that makes it too refers back without it or gives way (readers met "short rates are near zero, so the
# question is growth" in the rates, policy and junk sections of one column).
POINT_HOME = {"zero_rates": "policy"}


def _points(sentences: list[Sentence], column: set[int], left_out: set[int], refers_back,
            doc: Mapping[str, Any]) -> tuple[set[int], dict[int, Sentence]]:
    """The sentences left out, and those worded without their point (`<key>_told`), because the point's home section
    makes it in this column. A sentence that cannot give way (an answer to its heading, a core gauge, one of the
    call's own sentences) and has no such words keeps it."""
    made = {s.point for i, s in enumerate(sentences)
            if i in column and i not in left_out and s.point and s.section == POINT_HOME.get(s.point)}
    out: set[int] = set()
    back: dict[int, Sentence] = {}
    kept = collections.Counter(sentences[i].section for i in column - left_out if sentences[i].kind == "prose")
    for i in sorted(column - left_out):
        s = sentences[i]
        if s.point not in made or s.section == POINT_HOME.get(s.point) or s.kind != "prose":
            continue
        shorter = refers_back(s, set(), doc)
        if shorter is not None:
            back[i] = shorter
        elif not (s.answers or s.core or s.key.startswith(KEPT_KEYS)) and kept[s.section] > 1:
            out.add(i)
            kept[s.section] -= 1
    return out, back
