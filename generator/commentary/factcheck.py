"""The fact-check: every rendered sentence read against metrics.json.

It runs on the words actually rendered (the same text the report, email and
site show), sentence by sentence, and raises a flag when:

* claim         a claim the sentence declares does not hold for this week's numbers;
* number        a number in the text is not one of the sentence's declared figures (at the precision
                shown), or a figure the sentence quotes is missing;
* direction     a direction word (rose, fell, ahead, behind, above, below...) has no declared claim
                of that sense in its sentence, or its claim is about a figure shown as zero ("gained 0.0%");
* subject       a figure or claim belongs to a subject the sentence is not about, or a sentence opens
                with "It"/"That" when the sentence before it was about something else;
* contradiction two sentences claim opposite things about the same subject and topic;
* ordinal       an ordinal written in digits is wrong ("2th");
* repeat        a sentence appears twice in the issue, or the headline is last week's headline;
* regime        an interpretive sentence (one that reads a gauge as a mood or a cause: "investors feel safe",
                "policy is easing", "a crowd piling in") declares the market regimes it fits
                (Sentence.regimes), and this week's regime (metrics.json `regime.key`,
                generator/metrics/regime.py) is not one of them.

The rules are pure; so is this: text and metrics in, flags out.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from generator.commentary.claims import MISSING, Sentence
from generator.render.filters import longdate, monthyear, shortdate, weekday

CLASSES = ("claim", "number", "direction", "subject", "contradiction", "ordinal", "repeat", "regime")

UP_WORDS = {"gained", "gain", "gains", "rose", "rallied", "climbed", "up", "ahead", "beat", "outpaced",
            "higher", "above", "mending", "widening", "jumped", "spiked", "rebounded", "recovered", "strengthened"}
DOWN_WORDS = {"fell", "lost", "down", "behind", "trailed", "lagged", "lags", "lower", "below", "slipping",
              "worsening", "slump", "setback", "dropped", "drop", "loss", "declined", "worse", "weaker", "slid", "sank"}
# A sentence opening with one of these refers back to the sentence before ("It sits 3% above...");
# "It was a good week" or "It is early" are not references and are left alone.
PRONOUN = re.compile(r"^(?:It|Its|That|This|They|These)\b(?! (?:is|was) (?:a|an|the|early|not|too|worth|hard)\b)")
_WORD = re.compile(r"(?<![\w-])([A-Za-z]+)(?![\w-])")
_TERMS = re.compile(r"\b\d+-(?:day|week|year|session|month|point)s?\b|\bS&P ?\d+\b|\bRussell ?\d+\b|"
                    r"\b\d+/\d+\b")
_YEARS = re.compile(r"almost (\d+) years|more than (\d+) years?|(\d+) years|about a year|several months|"
                    r"almost a year|less than three months")
# The standard horizons the columns and sentences are written in ("over 13 weeks", "over 52").
_HORIZONS = re.compile(r"\b(?:1|4|13|26|52) weeks\b|\bover (?:13|26|52)\b|\b(?:1|3) years?\b")
_NUMBER = re.compile(r"(?<![\w.])([+\-\u2212]?)(\d[\d,]*(?:\.\d+)?)(\s?%|[\s\u00a0]?bp\b)?")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
                   r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b(?!,? \d{4})|"
                   r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}\b|"
                   r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                   r"December) \d{4}\b")


@dataclass(frozen=True)
class Flag:
    cls: str
    section: str
    sentence: str
    detail: str


@dataclass(frozen=True)
class Rendered:
    """One sentence as the reader sees it, with the declaration behind it."""

    sentence: Sentence
    text: str          # plain text (tags stripped, entities decoded)
    paragraph: int     # sentences with the same number share a paragraph


def plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(markup))).split())


def _years_range(match: re.Match) -> tuple[float, float]:
    almost, more, whole = match.group(1), match.group(2), match.group(3)
    if almost:
        return int(almost) - 0.25, int(almost)
    if more:
        return int(more) + 0.25, int(more) + 0.75
    if whole:
        return int(whole), int(whole) + 0.25
    return {"about a year": (1, 1.25), "several months": (0.25, 0.75), "almost a year": (0.75, 1),
            "less than three months": (0, 0.25)}[match.group(0)]


def _date_forms(value: Any) -> set[str]:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return set()
    if not isinstance(value, date):
        return set()
    return {longdate(value), shortdate(value), monthyear(value), weekday(value)}


def _matches(token: float, decimals: int, signed: bool, scaled: float) -> bool:
    tolerance = 0.5 * 10 ** -decimals + 1e-9
    if signed:
        return abs(scaled - token) <= tolerance
    return abs(abs(scaled) - abs(token)) <= tolerance


def check_numbers(r: Rendered, doc: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """Problems with the numbers of one sentence: each must be one of its figures, as shown."""
    s, text = r.sentence, r.text
    problems = []
    values = {f.name: (f, f.value(doc)) for f in s.facts}
    if "\u2013" in text:  # the filters print an en dash for a missing figure
        gone = [f"{f.path} ({f.name})" for f, v in values.values() if v is MISSING or v is None]
        problems.append(f"a figure is missing: {', '.join(gone) or 'one the sentence does not declare'}")
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    dates = set().union(*(_date_forms(v) for f, v in values.values() if f.unit == "date")) if values else set()
    for match in _DATE.findall(text):
        if match not in dates:
            problems.append(f"date {match!r} is not one of the sentence's dates")
    text = _DATE.sub(" ", text)
    for match in _YEARS.finditer(text):
        low, high = _years_range(match)
        if not any(f.unit == "years" and isinstance(v, (int, float)) and low <= v < high for f, v in values.values()):
            problems.append(f"{match.group(0)!r} matches no span of years the sentence quotes")
    text = _HORIZONS.sub(" ", _YEARS.sub(" ", _TERMS.sub(" ", text)))
    for sign, digits, unit in _NUMBER.findall(text):
        token = float(digits.replace(",", "")) * (-1 if sign in "-\u2212" and sign else 1)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        unit = unit.strip().replace("\u00a0", "")
        candidates = []
        for fact, value in values.values():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if unit == "%" and fact.unit in ("pct", "yield"):
                candidates.append(value * 100)
            elif unit == "bp" and fact.unit == "bp":
                candidates.append(value * 10000)
            elif not unit and fact.unit in ("level", "count", "year"):
                candidates.append(value)
        if not any(_matches(token, decimals, bool(sign), c) for c in candidates):
            problems.append(f"{sign}{digits}{unit} is not a figure this sentence declares")
    return problems


_LAYOUT = re.compile(r"\b(?:shown|see|table|chart|map|figure) below\b|\bbelow:", re.I)
_NEGATION = {"not", "no", "never", "nor", "without"}


def check_direction(r: Rendered) -> list[str]:
    """Each direction word needs a declared claim of its sense; a word negated a few words
    earlier ("has not managed a move above") and layout words ("shown below") are not claims."""
    if r.sentence.relationship:
        return []
    senses = {c.sense for c in r.sentence.claims}
    problems = []
    words = _WORD.findall(_LAYOUT.sub(" ", r.text))
    for i, word in enumerate(words):
        lower = word.lower()
        if _NEGATION & {w.lower() for w in words[max(0, i - 6):i]}:
            continue
        if lower in UP_WORDS and +1 not in senses:
            problems.append(f"{word!r} says up or ahead, but the sentence claims nothing of that sense")
        elif lower in DOWN_WORDS and -1 not in senses:
            problems.append(f"{word!r} says down or behind, but the sentence claims nothing of that sense")
    return problems


# The size below which a figure prints as zero, by unit (pct with one decimal, bp whole, levels with two).
_ZERO_AT = {"pct": 0.0005, "bp": 0.00005, "level": 0.005}
_ZERO_TOKEN = re.compile(r"(?<![\w.])[+\-\u2212]?0(?:\.0+)?(?:[\s\u00a0]?%|[\s\u00a0]?bp\b)?(?![\d.])")


def check_zero_moves(r: Rendered, doc: Mapping[str, Any]) -> list[str]:
    """A direction claim over a figure the reader sees as zero ("gained 0.0%", "is 0.0% ahead"): the claim
    may hold to the fourth decimal, but the sentence reads as nonsense. Layout words are not claims."""
    facts = {f.path: f for f in r.sentence.facts}
    problems = []
    for c in r.sentence.claims:
        f = facts.get(c.path)
        if c.sense == 0 or c.other or f is None or f.unit not in _ZERO_AT or c.bound not in (0, 0.0):
            continue
        value = f.value(doc)
        if isinstance(value, (int, float)) and abs(value) < _ZERO_AT[f.unit] and _ZERO_TOKEN.search(r.text):
            problems.append(f"claims {c.describe()} ({'up' if c.sense > 0 else 'down'}) over a figure shown as "
                            f"zero ({value:.5f})")
    return problems


def check_subjects(r: Rendered, previous: Rendered | None) -> list[str]:
    s = r.sentence
    problems = [f"{x.path} belongs to {x.subject}, not to {', '.join(s.subjects)}"
                for x in (*s.facts, *s.claims) if x.subject not in s.subjects]
    if PRONOUN.match(r.text):
        if previous is None or previous.paragraph != r.paragraph:
            problems.append("opens with a pronoun but follows no sentence in its paragraph")
        elif previous.sentence.subject != s.subject:
            problems.append(f"opens with a pronoun meaning {previous.sentence.subject}, "
                            f"but is about {s.subject}")
    return problems


def check_ordinals(text: str) -> list[str]:
    from generator.render.filters import ordinal

    return [f"{m.group(0)!r} should read {ordinal(int(m.group(1)))!r}" for m in _ORDINAL.finditer(text)
            if ordinal(int(m.group(1))) != m.group(0)]


def check_regime(r: Rendered, doc: Mapping[str, Any]) -> list[str]:
    """An interpretation must fit the week: its declared regimes must include this week's regime."""
    fits = r.sentence.regimes
    regime = doc.get("regime") if isinstance(doc, Mapping) else None
    if not fits or not isinstance(regime, Mapping) or regime.get("key") is None or regime["key"] in fits:
        return []
    decided = ", ".join(regime.get("decided_by") or ()) or "no rule (the default)"
    return [f"reads the week as {' or '.join(fits)}, but the week's regime is {regime['key']} "
            f"(decided by {decided})"]


def fact_check(rendered: list[Rendered], doc: Mapping[str, Any], *, names: Iterable[str] = (),
               headline: str | None = None, previous_headline: str | None = None) -> list[Flag]:
    """Every flag for one issue's rendered commentary, in reading order."""
    names = [n for n in names if n]
    flags: list[Flag] = []

    def flag(cls: str, r: Rendered, detail: str) -> None:
        flags.append(Flag(cls, r.sentence.section, r.text, detail))

    seen: dict[str, Rendered] = {}
    by_topic: dict[tuple[str, str], dict[int, Rendered]] = {}
    previous = None
    for r in rendered:
        for claim in r.sentence.claims:
            if not claim.holds(doc):
                flag("claim", r, f"claims {claim.describe()}; it is {_shown(doc, claim.path)}")
        for problem in check_numbers(r, doc, names):
            flag("number", r, problem)
        for problem in check_direction(r) + check_zero_moves(r, doc):
            flag("direction", r, problem)
        for problem in check_subjects(r, previous if previous and previous.sentence.section == r.sentence.section
                                      else None):
            flag("subject", r, problem)
        for problem in check_ordinals(r.text):
            flag("ordinal", r, problem)
        for problem in check_regime(r, doc):
            flag("regime", r, problem)
        if r.text in seen and r.text:
            flag("repeat", r, "the same sentence appears earlier in the issue")
        seen.setdefault(r.text, r)
        for claim in r.sentence.claims:
            if claim.sense:
                senses = by_topic.setdefault((claim.subject, claim.topic), {})
                other = senses.get(-claim.sense)
                if other is not None and other is not r:
                    flag("contradiction", r, f"says {claim.subject} ({claim.topic}) is "
                                             f"{'up/high' if claim.sense > 0 else 'down/low'}, "
                                             f"but an earlier sentence says the opposite: {other.text!r}")
                senses.setdefault(claim.sense, r)
        previous = r
    if headline and previous_headline and headline == previous_headline:
        flags.append(Flag("repeat", "headline", headline, "the same headline as last week's issue"))
    return flags


def _shown(doc: Mapping[str, Any], path: str) -> str:
    from generator.commentary.claims import lookup

    value = lookup(doc, path)
    return "missing" if value is MISSING else repr(value)


def flags_document(flags: list[Flag], overridden: Iterable[str] = ()) -> dict[str, Any]:
    """The fact-check block of metrics.json."""
    overridden = set(overridden)
    items = [{**asdict(f), "overridden": f.section in overridden} for f in flags]
    open_flags = [i for i in items if not i["overridden"]]
    return {"passed": not open_flags, "open": len(open_flags), "overridden": len(items) - len(open_flags),
            "by_class": {c: sum(1 for i in open_flags if i["cls"] == c) for c in CLASSES if
                         any(i["cls"] == c for i in open_flags)},
            "flags": items}


def review_text(words, as_of) -> str:
    """review.txt: what the writer must look at before this issue goes out."""
    flags = list(words.flags)
    lines = [f"Fact-check of the issue for {as_of.isoformat()}: "
             f"{len(words.open_flags)} open flag(s), {len(flags) - len(words.open_flags)} overridden by the editor's note."]
    if not flags:
        lines.append("Every sentence agrees with this week's numbers.")
    for f in flags:
        state = "overridden" if f.section in words.overridden else "OPEN"
        lines += ["", f"[{state}] {f.section} / {f.cls}: {f.detail}", f"    {f.sentence}"]
    if words.open_flags:
        lines += ["", "To publish or send anyway: fix the rule or the words, replace the section in the editor's note",
                  "(## replace <section>), or pass --allow-flagged."]
    return "\n".join(lines) + "\n"
