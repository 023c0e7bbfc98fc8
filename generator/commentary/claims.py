"""What a sentence asserts, in terms the fact-check can verify against metrics.json.

A commentary sentence is a `Sentence`: which words template says it (`key`),
whom it is about (`subjects`, the first being the one a following "It" or
"That" refers to), the figures it quotes (`facts`, each a path into
metrics.json) and what it claims about the numbers (`claims`). Rules build
sentences with the helpers below, which read like the sentence they declare:

    Sentence("divergence", "week_slump_up", (small, f"{small}-{large}"),
             facts=(Fact("small", f"returns.{small}.1w", small, "pct"), ...),
             claims=(negative(f"spread.1w", pair, "week"),       # "lost ground"
                     positive(f"returns.{large}.1w", large, "week")))   # "while large caps gained"

`sense` is what a claim says in words: +1 for up, ahead, high, strong; -1 for
down, behind, low, weak; 0 for a neutral statement. Two sentences of one
issue that make claims of opposite sense on the same subject and topic
contradict each other in a reader's eyes, even if both figures are right
(a VIX that is "only 14.9" but "higher than on 61% of days").
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any, Mapping

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
       "!=": operator.ne, "reads": lambda value, _: value is not None}
# A claim with this op is a reading (`reads`): what a figure means for small caps, not a direction of the figure.
READS = "reads"
MISSING = object()
# "is the largest of", "is the smallest of", "is the largest in size of" a list of figures at another path
EXTREMES = {"max of": lambda v, xs: v >= max(xs) - 1e-12, "min of": lambda v, xs: v <= min(xs) + 1e-12,
            "max size of": lambda v, xs: abs(v) >= max(abs(x) for x in xs) - 1e-12}


def lookup(doc: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path in metrics.json ("returns.IWM.1w", "stance.history.-2.key")."""
    value: Any = doc
    for part in path.split("."):
        if isinstance(value, list):
            try:
                value = value[int(part)]
            except (ValueError, IndexError):
                return MISSING
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return MISSING
    return value


def lookup_all(doc: Mapping[str, Any], path: str) -> Any:
    """The figures at a path with "*" for every key of a mapping ("relative_to_large.*.13w": every sector's
    13-week figure), or at several paths joined by "|", as a list; a single path is `lookup`."""
    if "|" in path:
        found = [lookup(doc, p) for p in path.split("|")]
        return [v for v in found if v is not MISSING and v is not None]
    if "*" not in path:
        return lookup(doc, path)
    head, _, tail = path.partition(".*")
    base = lookup(doc, head)
    if not isinstance(base, Mapping):
        return MISSING
    found = [lookup(v, tail.lstrip(".")) if tail else v for v in base.values()]
    return [v for v in found if v is not MISSING and v is not None]


@dataclass(frozen=True)
class Fact:
    """A figure a sentence quotes: where it comes from and whose it is.

    unit: pct (a decimal shown as a percentage), pp (a change in a share or a percentile, a decimal shown in
    percentage points: "19.6 points", never "%"), bp (a yield change shown in basis points),
    yield (a decimal yield shown as a percentage), level (a plain number), count, year,
    years (a span in years, shown in words), date, text (a name or label, not a number).
    transform: None, "abs" (the size of the figure) or "complement" (1 - the figure)."""

    name: str
    path: str
    subject: str
    unit: str
    transform: str | None = None
    # The period the figure measures when its path does not say it ("stance.tests.3.value" is a 52-week
    # change): 1w, 4w, 13w, 26w, 52w, ytd, 3y. The fact-check reads the words for that period against it.
    horizon: str | None = None

    def value(self, doc: Mapping[str, Any]) -> Any:
        raw = lookup(doc, self.path)
        if raw is MISSING or raw is None or self.transform is None:
            return raw
        return abs(raw) if self.transform == "abs" else 1 - raw


@dataclass(frozen=True)
class Claim:
    """`path` `op` `bound` must hold in metrics.json; or `path` `op` `other` (another path)."""

    path: str
    op: str
    bound: Any
    subject: str
    topic: str
    sense: int
    other: str | None = None
    # True when the claim says the figure is an extreme (the biggest, the highest, a record, a new high): a
    # sentence with a superlative needs one (generator.commentary.factcheck, class "superlative").
    extreme: bool = False

    def holds(self, doc: Mapping[str, Any]) -> bool:
        value = lookup(doc, self.path)
        if self.op in EXTREMES:
            among = lookup_all(doc, self.other) if self.other else MISSING
            if value is MISSING or value is None or among is MISSING or not isinstance(among, (list, tuple)):
                return False
            known = [v for v in among if isinstance(v, (int, float))]
            return bool(known) and EXTREMES[self.op](value, known)
        bound = lookup(doc, self.other) if self.other else self.bound
        if value is MISSING or bound is MISSING:
            return False
        if self.op in ("==", "!=", READS):
            return OPS[self.op](value, bound)
        if value is None or bound is None:
            return False
        return OPS[self.op](value, bound)

    def describe(self) -> str:
        return f"{self.path} {self.op} {self.other or self.bound!r}"


def positive(path: str, subject: str, topic: str) -> Claim:
    """The figure is above zero (rose, gained, ahead)."""
    return Claim(path, ">", 0.0, subject, topic, +1)


def negative(path: str, subject: str, topic: str) -> Claim:
    """The figure is below zero (fell, lost, behind)."""
    return Claim(path, "<", 0.0, subject, topic, -1)


def at_least(path: str, bound: float, subject: str, topic: str, sense: int = +1) -> Claim:
    return Claim(path, ">=", bound, subject, topic, sense)


def at_most(path: str, bound: float, subject: str, topic: str, sense: int = -1) -> Claim:
    return Claim(path, "<=", bound, subject, topic, sense)


def more_than(path: str, bound: float, subject: str, topic: str, sense: int = +1) -> Claim:
    return Claim(path, ">", bound, subject, topic, sense)


def less_than(path: str, bound: float, subject: str, topic: str, sense: int = -1) -> Claim:
    return Claim(path, "<", bound, subject, topic, sense)


def exceeds(path: str, other: str, subject: str, topic: str, sense: int = +1) -> Claim:
    """One figure is above another (the 50-day average above the 200-day)."""
    return Claim(path, ">", None, subject, topic, sense, other)


def extreme(path: str, among: str, subject: str, topic: str, sense: int = +1, by: str = "max size of") -> Claim:
    """The figure is the extreme of the figures listed at `among` in metrics.json: "the week's biggest
    session" is the largest in size of the week's daily moves (by="max size of"), "the highest close" the
    largest (by="max of"), "the lowest" the smallest (by="min of")."""
    return Claim(path, by, None, subject, topic, sense, among, True)


def at_extreme(claim: Claim) -> Claim:
    """A claim that itself says the figure is an extreme ("the VIX's percentile of its year is 100%": its highest
    close of the year; "0% below its closing high": a new high)."""
    from dataclasses import replace

    return replace(claim, extreme=True)


def by_definition(path: str, subject: str, topic: str = "extreme") -> Claim:
    """The figure at `path` is an extreme by what metrics.json defines it to be (a maximum drawdown, a peak,
    the session of the week's largest move): "the worst fall from a high" quotes it."""
    return Claim(path, "!=", None, subject, topic, 0, None, True)


def history_since(path: str, as_of: Any, years: int, subject: str) -> Claim:
    """The series' history reaches back at least `years` before `as_of`: the date at `path` (a first date in the
    data: "provenance.tickers.SPY.first", "ratio.start") is that early. What "a record", "all-time" or "a new
    high" need (class "history"); with less, the words say "the highest since <start>"."""
    return Claim(path, "<=", years_before(as_of, years), subject, "history", 0)


def reads(path: str, subject: str, sense: int, topic: str = "for small caps") -> Claim:
    """What a sentence makes of a figure for small caps: +1 good for them ("eases the pressure on indebted
    firms", a point in their favour), -1 bad ("a headwind", "weaker growth"). The figure itself is not bounded
    (the sentence's other claims do that); two sentences of one issue that read the same subject's figure in
    opposite ways contradict each other (class "contradiction") even when both figures are right: "the lower
    10-year yield counts for small caps" beside "at zero rates, a falling 10-year says weaker growth"."""
    return Claim(path, READS, None, subject, topic, sense)


def years_before(as_of: Any, years: int) -> str:
    from datetime import date

    day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)[:10])
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:  # Feb 29
        return day.replace(year=day.year - years, day=28).isoformat()


def is_(path: str, value: Any, subject: str, topic: str, sense: int = 0) -> Claim:
    """A label or flag has this value (a quadrant, a stance, a regime)."""
    return Claim(path, "==", value, subject, topic, sense)


def is_not(path: str, value: Any, subject: str, topic: str, sense: int = 0) -> Claim:
    return Claim(path, "!=", value, subject, topic, sense)


def within(path: str, size: float, subject: str, topic: str) -> tuple[Claim, Claim]:
    """The figure is inside +/- size: 'little changed', 'level with'."""
    return (Claim(path, ">", -size, subject, topic, 0), Claim(path, "<", size, subject, topic, 0))


# A percentage below this prints as 0.0% (the `pct` filter's one decimal): its sentence says "level" or "little
# changed", never up or down; a distance this small is "just above" or "just below", never "0.0% above".
SHOWN_ZERO = 0.0005
# A yield change below this (half a basis point) prints as 0 bp.
SHOWN_ZERO_BP = 0.00005
# A percentile this close to the top (or its complement to the bottom) prints as 100% (or 0%): the words say
# "almost every day", "almost the widest", never "every".
ALMOST_ALL = 0.995


def sign_of(path: str, value: float | None, subject: str, topic: str, flat: float = 0.0) -> Claim | tuple:
    """The claim a sentence makes when its direction word follows the figure's sign ('up 3%', 'down 2%');
    inside +/- `flat` (what prints as zero) the words must say 'level' and the claim is `within`."""
    if value is None:
        return Claim(path, "!=", None, subject, topic, 0)
    if flat and abs(value) < flat:
        return within(path, flat, subject, topic)
    if value > 0:
        return positive(path, subject, topic)
    if value < 0:
        return negative(path, subject, topic)
    return Claim(path, "==", 0.0, subject, topic, 0)


# Standing sentences: an optional sentence at this level (`Sentence.optional`; not the higher background) reads a
# gauge that says nothing new unless its section moved (ordinary volume, the yen's routine week, the bill's level in a quiet week,
# the ratio's distance from a years-old peak, a sector's standing). In a quiet section it gives way whatever the
# budget, so a section whose gauges did not move says so briefly and leaves the figures to its table (issue 26,
# "everything, every week": readers met the same sentences in most weeks), while the issue keeps FLOOR_WORDS.
STANDING = 2


@dataclass(frozen=True)
class Sentence:
    section: str
    key: str                            # the macro in templates/words/<section>.html that words it
    subjects: tuple[str, ...]           # the first is what a following "It" refers to
    facts: tuple[Fact, ...] = ()
    claims: tuple[Claim, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # names and labels the words may use (not figures)
    # True when the sentence's direction words describe a relationship or a condition ("weeks when the
    # yield rose were weeks when small caps lagged"), not this week's figures: the direction check skips it.
    relationship: bool = False
    # The words file when it is not the section's own (templates/words/<words>.html): the case for and
    # against, the thesis and the bridges between sections are placed in a section but worded apart.
    words: str | None = None
    # Left out when the issue runs long (generator.commentary.words.MAX_WORDS): 0 never; higher goes first.
    optional: int = 0
    # The market regimes (generator.metrics.regime) an interpretive sentence fits ("investors feel safe" fits
    # "calm", not "shock"); empty for a plain statement of figures. The fact-check flags a sentence whose
    # regimes do not include the week's.
    regimes: tuple[str, ...] = ()
    # "prose" is the column; "note" is housekeeping (a missing series, a method caveat, a universe date),
    # printed in the section's "Data notes" box, not counted as prose.
    kind: str = "prose"
    # True when the sentence answers or continues the one before it ("Not so far: ..."): that one is kept while
    # this one is (the length budget never leaves it without its question).
    follows: bool = False
    # True for the sentence that answers its section's heading ("Bill yields near zero: policy or fear?"): the
    # length budget never leaves a heading's question without its answer.
    answers: bool = False
    # True for a section's core gauge (the sector lens's tech test, junk's credit and quality, the reason's 10-year
    # change and its link to the pair): the length budget and the repeat rule never leave it out, so a section
    # says what it exists to say whatever else gives way (issue 26, "thin or orphaned sections").
    core: bool = False
    # For a data note: the subject whose figures it qualifies (a caveat on breadth counts): printed only when a
    # prose sentence of its section on that subject is (a notes box about a figure the section does not print
    # reads as an orphan).
    qualifies: str | None = None
    # An argument's point the sentence makes besides its figures ("short rates are near zero, so the question is
    # growth"): a column makes it once, in its home section (generator/commentary/repeats.py POINT_HOME); elsewhere the
    # sentence refers back without it (its `<key>_told` words) or gives way.
    point: str | None = None

    @property
    def subject(self) -> str:
        return self.subjects[0]


Paragraph = tuple[Sentence, ...]
