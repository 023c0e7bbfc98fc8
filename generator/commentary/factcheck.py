"""The fact-check: every rendered sentence read against metrics.json.

It runs on the words actually rendered (the same text the report, email and
site show), sentence by sentence, and raises a flag when:

* claim         a claim the sentence declares does not hold for this week's numbers;
* number        a number in the text is not one of the sentence's declared figures (at the precision
                shown), or a figure the sentence quotes is missing;
* direction     a direction word (rose, fell, ahead, behind, above, below...) has no declared claim
                of that sense in its sentence, or its claim is about a figure shown as zero ("gained 0.0%");
* subject       a figure or claim belongs to a subject the sentence is not about;
* contradiction two sentences claim opposite things about the same subject and topic;
* ordinal       an ordinal written in digits is wrong ("2th");
* repeat        a sentence appears twice in the issue, or the headline is last week's headline;
* horizon       two sentences tell one quantity (a subject's returns, a yield, the spread) in different
                directions (up, down, flat) over different periods and a sentence does not name its period
                ("falling" in one paragraph, "high and holding" in the next); or a 52-week figure is called
                "on the year" / "this year" (the year to date), or a year-to-date one "over 52 weeks"; or a
                sentence tells a yield's direction over 4 weeks or more against a week's move of 10 bp or more
                the other way, and nothing in its paragraph tells the week (check_against_week);
* superlative   a superlative ("biggest", "highest", "worst", "widest"...) with no declared claim that the
                figure is the extreme (claims.extreme, claims.at_extreme), or "third straight" / "in a row" with
                no declared count of that size;
* headline      a headline implies a direction for a side it names ("small caps rise much faster than large
                caps": large caps rose) that its declared claims do not cover;
* unit          a change in a share or a percentile (percentage points) printed with "%";
* history       "all-time", "a record", "a new high" without a declared claim that the series' history reaches
                back far enough (claims.history_since).

Contradiction covers both a (subject, topic) said to be up and down, and one quantity (see `quantity`) said
to move in opposite directions over the same period.
* intensity     a strength word ("sharp", "surge", "plunge", "soar", "crash", "collapse", "stress", "panic", "calm",
                "quiet", "slump", "tumble", "spike", "huge", "rout"...) in a sentence whose declared claims do not
                bound the move: no threshold claim (a bound other than zero), no extreme, no event flag
                (events.vix_spike, events.market_stress...) and no declared regime; or whose only thresholds are
                below the strength the word needs on that gauge (INTENSITY_FLOOR: a "sharp" yen week is 2.5%);
* pronoun       a sentence opens with a pronoun ("It", "Its", "They", or "This"/"That" as a pronoun) with no sentence
                before it in its paragraph, after a sentence about another subject, or after a sentence that opens
                with another grammatical subject ("Policy is tightening: ... ." then "It has risen ...");
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

from generator.commentary.claims import MISSING, READS, SHOWN_ZERO, SHOWN_ZERO_BP, Sentence
from generator.formats import longdate, monthyear, ordinal, shortdate, weekday

CLASSES = ("claim", "number", "direction", "subject", "contradiction", "ordinal", "repeat", "horizon", "superlative",
           "headline", "unit", "history", "regime", "intensity", "pronoun")

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
_NUMBER = re.compile(r"(?<![\w.])([+\-\u2212]?)(\d[\d,]*(?:\.\d+)?)(\s?%|[\s\u00a0]?bp\b|"
                     r"\s(?:percentage points|pts)\b)?")
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


def check_numbers(r: Rendered, doc: Mapping[str, Any], names: Iterable[str],
                  units: list[str] | None = None) -> list[str]:
    """Problems with the numbers of one sentence: each must be one of its figures, as shown. A figure printed
    with "%" that is a change in a share or a percentile (percentage points) goes to `units`."""
    s, text = r.sentence, r.text
    problems = []
    units = [] if units is None else units
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
        points = []
        for fact, value in values.values():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if unit == "%" and (fact.unit == "pp" or is_share_change(fact.path, doc)):
                points.append(value * 100)
                if fact.unit in ("pct", "yield"):
                    candidates.append(value * 100)
            elif unit == "%" and fact.unit in ("pct", "yield"):
                candidates.append(value * 100)
            elif unit in ("percentage points", "pts") and fact.unit == "pp":
                candidates.append(value * 100)
            elif unit == "bp" and fact.unit == "bp":
                candidates.append(value * 10000)
            elif not unit and fact.unit in ("level", "count", "year"):
                candidates.append(value)
        if any(_matches(token, decimals, bool(sign), c) for c in points) and \
                not any(_matches(token, decimals, bool(sign), c) for c in candidates if c not in points):
            units.append(f"{sign}{digits}% is a change in a share or a percentile: percentage points, not %")
            continue
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
    senses = {c.sense for c in r.sentence.claims if c.op != READS}
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
_ZERO_AT = {"pct": SHOWN_ZERO, "bp": SHOWN_ZERO_BP, "level": 0.005}
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


def check_subjects(r: Rendered) -> list[str]:
    s = r.sentence
    problems = [f"{x.path} belongs to {x.subject}, not to {', '.join(s.subjects)}"
                for x in (*s.facts, *s.claims) if x.subject not in s.subjects and getattr(x, "op", None) != READS]
    return problems  # a sentence opening with a pronoun is read by check_pronoun (class "pronoun")


# What a sentence that opens with a pronoun may follow: a sentence whose grammatical subject is the thing the
# pronoun stands for. A previous sentence that opens with one of these names another subject (the reader's "it"
# would land on policy, on us, on investors), whatever the rule declared.
_OTHER_OPENER = re.compile(r"^(?:(?:In|On|Over|For|By|With|At|After|Since|Until|As)\b[^,:;]{0,60}, )?"
                           r"(?:We|Our|Us|Policy|Markets?|Money|Investors|Long-term investors|Nobody|No one|"
                           r"Few investors|Everyone)\b")
# "This"/"That" as determiners ("This week", "That call") are not pronouns; "It is early" is an expletive.
_PRONOUN_ONLY = re.compile(r"^(?:It|Its|They|Their|These|Those)\b(?! (?:is|was) (?:a|an|the|early|not|too|worth|hard)\b)|"
                           r"^(?:This|That)\b(?! (?:is|was) (?:a|an|the|early|not|too|worth|hard)\b)"
                           r"(?= (?:is|was|has|had|says|leaves|puts|keeps|makes|means|could|may|might|"
                           r"would|will|can|matters|suggests|points|argues|reads|tells|shows)\b)")


def check_pronoun(r: Rendered, previous: Rendered | None) -> list[str]:
    """A dangling pronoun at the start of a sentence (class "pronoun")."""
    if not (PRONOUN.match(r.text) or _PRONOUN_ONLY.match(r.text)):
        return []
    if previous is None or previous.paragraph != r.paragraph:
        return ["opens with a pronoun but follows no sentence in its paragraph"]
    if previous.sentence.subject != r.sentence.subject:
        return [f"opens with a pronoun meaning {previous.sentence.subject}, but is about {r.sentence.subject}"]
    m = _OTHER_OPENER.match(previous.text)
    if m and _PRONOUN_ONLY.match(r.text) and not _PRONOUN_ONLY.match(previous.text):
        return [f"opens with a pronoun, but the sentence before it is about {m.group(0).split()[-1]!r}"]
    return []


# Strength words: each needs a declared claim that bounds the move (a threshold other than zero, an extreme, an
# event flag, a declared regime). Stock phrases that are not a reading of this week's move are left out.
INTENSITY = re.compile(r"\b(?:sharp|sharply|surge[sd]?|surging|plunge[sd]?|plunging|soar(?:s|ed|ing)?|crash(?:es|ed)?|"
                       r"collapse[sd]?|stress(?:ed)?|panic(?:ked)?|calm|quiet|slump(?:s|ed)?|tumble[sd]?|spike[sd]?|"
                       r"spiking|huge|massive|rout|turmoil|violent(?:ly)?|dramatic(?:ally)?|steep(?:ly)?)\b", re.I)
_NOT_INTENSITY = re.compile(r"\bstress test\b|\bcalmer\b|\b(?:markets?|conditions) (?:calm|steady)\b|"
                            r"\bcalm can end\b|\bcalm can be\b|\ba calm that\b|\bfragile calm\b|"
                            r"\bif (?:a|the) \w+ (?:crash|surge|spike)", re.I)
# Flags in metrics.json that are thresholds themselves (generator/metrics/events.py).
_FLAGS = ("events.vix_spike", "events.market_stress", "regime.key", "stance.held_back")
# The least a threshold must say on a gauge for a strength word: a weekly USD/JPY move of 1.5% is a yen rally,
# not a "sharp" one or a "surge" (the risks section's own "sharp" is 2.5%, generator.commentary.SHARP_YEN).
INTENSITY_FLOOR = {"risk.fx_week": 0.025}


def _bounds(c) -> bool:
    if getattr(c, "extreme", False):
        return True
    if c.op in ("==", "!=") and any(c.path.startswith(f) for f in _FLAGS):
        return c.op == "==" and c.bound not in (False, None)
    if c.op in ("<", "<=", ">", ">=") and c.other is None and isinstance(c.bound, (int, float)) \
            and not isinstance(c.bound, bool) and c.bound != 0:
        floor = INTENSITY_FLOOR.get(c.path)
        return floor is None or abs(c.bound) >= floor - 1e-12
    return False


def check_intensity(r: Rendered) -> list[str]:
    text = _NOT_INTENSITY.sub(" ", r.text)
    m = INTENSITY.search(text)
    if not m or r.sentence.regimes or any(_bounds(c) for c in r.sentence.claims):
        return []
    weak = [c.describe() for c in r.sentence.claims if c.path in INTENSITY_FLOOR]
    why = (f"its thresholds ({', '.join(weak)}) are below what the word needs" if weak
           else "the sentence declares no claim that bounds the move (a threshold, an extreme, an event flag)")
    return [f"{m.group(0)!r}: {why}"]


def check_ordinals(text: str) -> list[str]:
    return [f"{m.group(0)!r} should read {ordinal(int(m.group(1)))!r}" for m in _ORDINAL.finditer(text)
            if ordinal(int(m.group(1))) != m.group(0)]


# --- checks across sentences (issue 26) -----------------------------------------------------------------

# Changes in a share of a universe or in a percentile are percentage points ("risen 19.6 points"), not "%".
_SHARE_CHANGE = re.compile(r"(?:^|\.)(?:share|percentile|hit_rate)\w*_(?:change|diff)\w*$|"
                           r"(?:^|\.)(?:change|diff)\w*_(?:share|percentile)\w*$")
# The stance's tests whose value is a change in a share (generator.metrics.stance: breadth).
_SHARE_TESTS = {"breadth"}


def is_share_change(path: str, doc: Mapping[str, Any]) -> bool:
    """Is the figure at `path` a change in a share or a percentile (shown in percentage points)?"""
    if _SHARE_CHANGE.search(path):
        return True
    test = re.fullmatch(r"stance\.tests\.(\d+)\.value", path)
    if test:
        from generator.commentary.claims import lookup

        return lookup(doc, f"stance.tests.{test.group(1)}.name") in _SHARE_TESTS
    return False


# The period a figure measures, from its path: returns.IWM.13w, levels.^TNX.changes.1w, spread.ytd,
# breadth.share_below_change_4w, events.regime.change_26w.
_PATH_HORIZON = re.compile(r"(?:^|[._])(1w|4w|13w|26w|52w|ytd|3y|1y)(?=$|[._])")
_EVENT_HORIZON = {"events.large_week": "1w", "events.large_day_move": "day", "events.biggest_day_move": "day",
                  "events.previous_spread": "last week", "risk.fx_week": "1w", "events.vix_jump": "1w",
                  "events.fx_from_peak": "4w", "events.regime.key": "13w"}
_TEST_HORIZON = {"momentum_13w": "13w", "momentum_52w": "52w", "breadth": "4w", "rates": "13w"}


def horizon_of(path: str, doc: Mapping[str, Any] | None = None, declared: str | None = None) -> str | None:
    """The period a figure at `path` measures (None for a level: the VIX, a distance from an average)."""
    if declared:
        return "52w" if declared == "1y" else declared
    if path in _EVENT_HORIZON:
        return _EVENT_HORIZON[path]
    test = re.fullmatch(r"stance\.tests\.(\d+)\.value", path)
    if test and doc is not None:
        from generator.commentary.claims import lookup

        return _TEST_HORIZON.get(lookup(doc, f"stance.tests.{test.group(1)}.name"))
    m = _PATH_HORIZON.search(path)
    if not m:
        return None
    return "52w" if m.group(1) == "1y" else m.group(1)


def quantity(claim, roles: Mapping[str, str], doc: Mapping[str, Any] | None = None) -> tuple[str, str] | None:
    """What a claim's direction is about, whatever the period: (subject, family). A subject's returns over any
    period (and its week or its biggest session) are one quantity; so are the spread's, a yield's changes (and,
    for the bill yield, the policy regime), the ratio's momentum. None for a claim that tells no direction."""
    path, subject = claim.path, claim.subject
    short = roles.get("short_yield")
    if path.startswith("events.regime.") and path != "events.regime.level" and path != "events.regime.high":
        return (short or "policy", "yield")
    if path in ("events.large_week", "events.large_day_move"):
        return (subject, "returns")
    if path in ("events.previous_spread", "events.biggest_day_move"):
        return (subject, "spread")
    m = re.fullmatch(r"returns\.([^.]+)\.\w+", path)
    if m:
        return (subject, "returns")
    if re.fullmatch(r"spread\.\w+", path):
        return (subject, "spread")
    m = re.fullmatch(r"levels\.([^.]+)\.changes\.\w+", path)
    if m:
        return (m.group(1), "yield")
    if re.fullmatch(r"(?:ratio|ratios\.\w+)\.momentum\.\w+", path):
        return (subject, path.rsplit(".", 2)[0])
    if path == "risk.fx_week":
        return (subject, "fx")
    test = re.fullmatch(r"stance\.tests\.(\d+)\.value", path)
    if test and doc is not None:
        from generator.commentary.claims import lookup

        name = lookup(doc, f"stance.tests.{test.group(1)}.name")
        if name in ("momentum_13w", "momentum_52w"):
            return (subject, "ratio.momentum")
        if name == "rates":
            return (subject, "yield")
    return None


def directions(r: Rendered, roles: Mapping[str, str], doc: Mapping[str, Any]) -> dict[tuple, set[tuple[str, int]]]:
    """The directions a sentence tells, by quantity: {quantity: {(horizon, +1 up / -1 down / 0 flat)}}. A flat
    reading is a `within` pair (or a bill yield "on hold"); a relationship tells none."""
    if r.sentence.relationship:
        return {}
    found: dict[tuple, set[tuple[str, int]]] = {}
    lows: dict[str, Any] = {}
    for c in r.sentence.claims:
        if c.op == READS:
            continue  # a reading of the figure, not its direction: checked as a "contradiction" by topic
        q = quantity(c, roles, doc)
        h = horizon_of(c.path, doc)
        if q is None or h is None:
            continue
        if c.path == "events.regime.key":
            sense = {"hiking": +1, "cutting": -1, "on_hold": 0}.get(c.bound)
            if sense is not None and c.op == "==" and (sense or FLAT_WORDS.search(r.text)):
                found.setdefault(q, set()).add((h, sense))
            continue
        if c.sense and not c.other:
            found.setdefault(q, set()).add((h, c.sense))
        elif c.sense == 0 and c.op == ">" and isinstance(c.bound, (int, float)) and c.bound < 0:
            lows[c.path] = c.bound
        elif c.sense == 0 and c.op == "<" and isinstance(c.bound, (int, float)) and c.bound > 0 \
                and c.path in lows and FLAT_WORDS.search(r.text):
            found.setdefault(q, set()).add((h, 0))
    return found


# Words that name each period. A sentence about one period that sits beside another about a different period
# (and a different direction) must name its own.
HORIZON_WORDS = {
    "day": r"\b(?:day|days|session|sessions|daily|single-day|one-day|Monday|Tuesday|Wednesday|Thursday|Friday)\b",
    "1w": r"(?<![\w-])week\b(?!s)|\bweekly\b|\bFriday\b",
    "last week": r"\blast week\b|\bthe week before\b|\bprevious week\b|\bprior week\b",
    "4w": r"\bfour weeks\b|\b4 weeks\b|\b(?:four|4)-week\b|\bmonth\b",
    "13w": r"\bthirteen weeks\b|\b13 weeks\b|\b(?:13|thirteen)-week\b|\bquarter\b|\bthree months\b",
    "26w": r"\b26 weeks\b|\b26-week\b|\bsix months\b|\bhalf a year\b|\bhalf-year\b",
    "52w": r"\b52 weeks\b|\b52-week\b|\bpast year\b|\bover a year\b|\btwelve months\b|\b12 months\b|\bone-year\b",
    "ytd": r"\bthis year\b|\byear to date\b|\byear-to-date\b|\bso far this year\b|\bsince January\b|\bon the year\b",
    "3y": r"\bthree years\b|\b3 years\b|\b(?:3|three)-year\b",
}


# Words that tell a quantity is flat (a `within` claim is "flat" only when its words say so: "without a big
# move" is not "level").
FLAT_WORDS = re.compile(r"\b(?:level|flat|little changed|unchanged|steady|sideways|holding|on hold|held|"
                        r"in line|(?:went|going|gone|go) nowhere|roughly the same|stable|stalled)\b", re.I)


def names_horizon(text: str, horizon: str) -> bool:
    """Does the sentence name the period? A weekly column's sentence that names none is read as this week's."""
    if horizon == "1w":
        return True
    pattern = HORIZON_WORDS.get(horizon)
    return bool(pattern and re.search(pattern, text, re.I))


# "on the year" / "this year" is the year to date; a 52-week figure is "over 52 weeks" or "over the past year".
_SAYS_YTD = re.compile(r"\bon the year\b|\bthis year\b|\bfor the year\b|\byear to date\b|\byear-to-date\b|"
                       r"\bso far this year\b", re.I)
_SAYS_52W = re.compile(r"\b52 weeks\b|\b52-week\b|\bpast year\b|\bpast twelve months\b|\bpast 12 months\b", re.I)


def check_horizon_words(r: Rendered, doc: Mapping[str, Any]) -> list[str]:
    """A 52-week figure called "on the year" / "this year" (the reader takes it for the year to date), or a
    year-to-date figure called "over 52 weeks"."""
    periods = {horizon_of(f.path, doc, f.horizon) for f in r.sentence.facts if f.unit in ("pct", "bp", "pp")}
    periods |= {horizon_of(c.path, doc) for c in r.sentence.claims}
    problems = []
    if "52w" in periods and "ytd" not in periods and _SAYS_YTD.search(r.text):
        problems.append(f"{_SAYS_YTD.search(r.text).group(0)!r} reads as the year to date, but the figure is a "
                        "52-week change: say 'over 52 weeks' or 'over the past year'")
    if "ytd" in periods and "52w" not in periods and _SAYS_52W.search(r.text):
        problems.append(f"{_SAYS_52W.search(r.text).group(0)!r} for a year-to-date figure")
    return problems


# Superlatives: each needs a declared claim that the figure is the extreme (claims.extreme, claims.at_extreme).
SUPERLATIVE = re.compile(r"\b(?:biggest|largest|highest|lowest|worst|best|heaviest|lightest|strongest|weakest|"
                         r"deepest|sharpest|steepest|widest|narrowest|smallest|fastest|slowest|record|all-time)\b",
                         re.I)
# Stock phrases that use those words without saying a figure is an extreme: "the weakest borrowers" (a kind
# of company), "the biggest names" (the largest companies), "at best", "for the record", "the record since
# the peak" (a track record), "the strongest points" (of the column's own case, ranked by construction).
_NOT_SUPERLATIVE = re.compile(
    r"\b(?:the )?weakest(?:,)? (?:most indebted )?(?:borrowers|names|companies|holders)\b|"
    r"\bthe weakest(?=, most indebted)|\bthe weakest may\b|\bfor the weakest,|"
    r"\bthe biggest (?:names|winners)\b|\bat best\b|\bsecond best\b|\bstrongest points\b|"
    r"\b(?:track|sobering|the|that|a word on the|for the) record\b(?! (?:high|low|close|level))|"
    r"\brecord (?:since|should|matters|shows?)\b", re.I)
_ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                  "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                  "eighteenth", "nineteenth", "twentieth"]
_STREAK = re.compile(r"\b(" + "|".join(_ORDINAL_WORDS) + r"|\d+(?:st|nd|rd|th))[ -](?:straight|consecutive|"
                     r"successive)\b|\b(" + "|".join(_ORDINAL_WORDS) + r"|\d+(?:st|nd|rd|th)) \w+ (?:in a row|running)\b",
                     re.I)


def check_superlatives(r: Rendered, doc: Mapping[str, Any]) -> list[str]:
    text = _NOT_SUPERLATIVE.sub(" ", r.text)
    problems = []
    extremes = [c for c in r.sentence.claims if getattr(c, "extreme", False)]
    for m in SUPERLATIVE.finditer(text):
        if m.group(0).lower() in ("record", "all-time") and _HISTORY.search(r.text):
            continue  # told by the history check
        if not extremes:
            problems.append(f"{m.group(0)!r} says the figure is an extreme, but the sentence declares no claim "
                            "that it is (claims.extreme)")
            break
    counts = {abs(v) for f in r.sentence.facts if f.unit == "count"
              for v in [f.value(doc)] if isinstance(v, (int, float)) and not isinstance(v, bool)}
    for m in _STREAK.finditer(r.text):
        word = (m.group(1) or m.group(2)).lower()
        n = _ORDINAL_WORDS.index(word) + 1 if word in _ORDINAL_WORDS else int(re.match(r"\d+", word).group(0))
        if n not in counts:
            problems.append(f"{m.group(0)!r}: the sentence declares no count of {n}")
    return problems


# "All-time", "a record", "a new high": only with a history long enough to back them.
_HISTORY = re.compile(r"\ball-time\b|\b(?:at|to|near|from|hit|set) (?:a|its|their|the) record\b|"
                      r"\brecord (?:high|low|close|closing|level)s?\b|\bnew (?:closing |relative |all-time )?"
                      r"(?:high|low)s?\b(?! of the past)|\bfresh (?:peak|high)\b|\bhighest ever\b|\blowest ever\b",
                      re.I)
_SHORT_HORIZON = re.compile(r"\b52-week\b|\bof the past year\b|\bin a year\b|\bthe year's\b", re.I)


def check_history(r: Rendered) -> list[str]:
    m = _HISTORY.search(r.text)
    if not m or _SHORT_HORIZON.search(r.text):
        return []
    if any(c.topic == "history" and c.op == "<=" for c in r.sentence.claims):
        return []
    return [f"{m.group(0)!r} needs a history long enough to back it: declare claims.history_since, or say "
            "'the highest since <start>'"]


# --- what a headline says each side did -------------------------------------------------------------------

_SIDE = re.compile(r"\b(?P<both>both indices|both-sides|large and small(?: caps)?|small and large(?: caps)?|"
                   r"big and small)\b|"
                   r"\b(?P<small>small caps?|small-cap|the smaller end(?: of the market)?)\b|"
                   r"\b(?P<large>large caps?|large-cap|the giants|giants|the big names|big names|stocks|"
                   r"the (?:broad |whole )?market|market|the large-cap index)\b", re.I)
_UP_VERB = re.compile(r"\b(?:rise|rises|rising|rose|rally|rallies|rallied|gain|gains|gained|climb|climbs|"
                      r"climbed|surge|surges|surged|soar|soars|jump|jumps|leap|leaps|lifts|lift)\b", re.I)
_DOWN_VERB = re.compile(r"\b(?:fall|falls|fell|slide|slides|slid|slip|slips|sink|sinks|sank|tumble|tumbles|"
                        r"plunge|plunges|drop|drops|dropped|lose|loses|lost|retreat|retreats|sells off|wipes)\b", re.I)
# What the market did, in a noun phrase ("a week of heavy selling", "in a rising market"): the large-cap side,
# whichever side the clause is about.
_MARKET_UP = re.compile(r"\b(?:up week|strong week for stocks|good week for stocks|rising market|strong market|"
                        r"the rally|a rally|heavy buying|buyers pour in|one-day rally|one-day surge)\b", re.I)
_MARKET_DOWN = re.compile(r"\b(?:sell-off|selling|heavy losses|down week|losing week|falling market|weak week for "
                          r"stocks|bruising week|rout|one-day fall)\b", re.I)
# Verbs that take the side as their object ("lifts the whole market", "wipes a slice off stocks").
_TRANSITIVE = re.compile(r"\b(?:lifts|lift|wipes)\b", re.I)
# Relative idioms: what one side did against the other, not its own direction.
_RELATIVE = re.compile(r"\b(?:lose|loses|lost|gain|gains|gained|give|gives|cede|cedes|make up|lose heavy) "
                       r"(?:\w+ )?ground\b|\bgain on\b|\b(?:slip|slips|lose|loses|fall|falls) (?:further )?"
                       r"(?:behind|against)\b|\bagainst (?:large|small) caps\b|\brelative loss\b|"
                       r"\brelative gain\b|\brelative win\b", re.I)
_CLAUSES = re.compile(r"[,:;?]| \band\b | \bbut\b | \bwhile\b | \bas\b | \bwhen\b | \byet\b ", re.I)
_THAN = re.compile(r"\b(?:faster|further|more|less|harder|deeper|worse|better) than (?P<side>[\w -]+)", re.I)


def _side_of(match: re.Match) -> tuple[str, ...]:
    if match.group("both"):
        return ("small", "large")
    return ("small",) if match.group("small") else ("large",)


def headline_sides(text: str) -> dict[str, set[int]]:
    """The direction a headline's words give each side it names: {"small"/"large": {+1, -1}}. A clause's
    direction verb belongs to the side named before it (or, with none, to the previous clause's side, else to
    the side after it: "lifts the whole market"); "faster than large caps" gives large caps the verb too;
    relative idioms ("lose ground", "slip behind") give no side a direction. The market, stocks and the giants
    are the large-cap side."""
    sides: dict[str, set[int]] = {}
    previous: tuple[str, ...] = ()
    text = re.sub(r"\b(?:large and small|small and large)(?: caps)?\b", "both-sides", text, flags=re.I)
    for clause in _CLAUSES.split(_RELATIVE.sub(" ", text)):
        for pattern, sense in ((_MARKET_UP, +1), (_MARKET_DOWN, -1)):
            for m in pattern.finditer(clause):
                # "a losing week for small caps" is small caps' week; otherwise the market's
                owner = re.match(r"\s+for\s+(.*)", clause[m.end():])
                who = _SIDE.match(owner.group(1)) if owner else None
                for side in (_side_of(who) if who else ("large",)):
                    sides.setdefault(side, set()).add(sense)
        clause = _MARKET_DOWN.sub(" ", _MARKET_UP.sub(" ", clause))
        named = [(m.start(), _side_of(m)) for m in _SIDE.finditer(clause)]
        verbs = [(m.start(), +1) for m in _UP_VERB.finditer(clause)] + \
                [(m.start(), -1) for m in _DOWN_VERB.finditer(clause)]
        for at, sense in verbs:
            before = [s for pos, s in named if pos < at]
            after = [s for pos, s in named if pos > at]
            transitive = _TRANSITIVE.match(clause, at)
            who = before[-1] if before else previous or (after[0] if after and transitive else ())
            for side in who:
                sides.setdefault(side, set()).add(sense)
            than = _THAN.search(clause, at)
            if than:
                m = _SIDE.search(than.group("side"))
                for side in (_side_of(m) if m else ()):
                    sides.setdefault(side, set()).add(sense)
        if named:
            previous = named[0][1]
    return sides


def check_headline(r: Rendered, roles: Mapping[str, str]) -> list[str]:
    """Each side a headline gives a direction must have a declared claim of that sense about that side."""
    tickers = {"small": roles.get("small"), "large": roles.get("large")}
    problems = []
    for side, senses in sorted(headline_sides(r.text).items()):
        ticker = tickers.get(side)
        if not ticker:
            continue
        have = {c.sense for c in r.sentence.claims if c.subject == ticker and c.sense}
        for sense in sorted(senses):
            if sense not in have:
                problems.append(f"the words say {'small' if side == 'small' else 'large'} caps went "
                                f"{'up' if sense > 0 else 'down'}, but the headline declares no such claim about "
                                f"{ticker}")
    return problems


def check_pair(r: Rendered, roles: Mapping[str, str]) -> list[str]:
    """"The pair" is the column's name for small caps against large caps: a sentence that says it must be
    about them (USD/JPY is "the dollar-yen rate", never "the pair")."""
    pair = {roles.get("pair"), roles.get("spread")} - {None}
    if not pair or not re.search(r"\bthe pair\b", r.text, re.I):
        return []
    if pair & set(r.sentence.subjects):
        return []
    return [f"'the pair' means {roles.get('pair')}, but the sentence is about {', '.join(r.sentence.subjects)}"]


# Direction vocabulary: a sentence that declares a direction claim but neither quotes a figure of that quantity nor
# uses a word of direction ("The rates argument is there, but the market is not acting on it") tells the
# reader no direction, so it cannot contradict one.
_TELLS = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(UP_WORDS | DOWN_WORDS)) + r"|rising|falling|climbing|climb|"
                    r"coming down|easing|eased|tightening|hiking|hikes|cutting|cuts|cut|lower|higher|steady|level|"
                    r"holding|held|flat|unchanged|little changed|sideways|leading|lead|trailing|surge|surged|"
                    r"tumbled|slumped|plunged|soared|positive|negative|peaked)(?![\w-])", re.I)
# Regime words name a period of months by themselves: "an easing cycle", "short rates had been climbing".
_LONG_WORDS = re.compile(r"\bcycle\b|\bhad been\b|\bmonths\b|\bquarter\b", re.I)


_YIELD_DIR = re.compile(r"(?<![\w-])(?:rising|rise|risen|rose|falling|fall|fallen|fell|climbing|climbed|climb|coming down|"
                        r"easing|eased|tightening|hiking|cutting|cut|cuts|hikes|higher|lower|up|down|cheaper|dearer|"
                        r"holding|held|steady|on hold|drop|dropped|dropping|jump|jumped|peaked)(?![\w-])", re.I)


def _tells(r: Rendered, q: tuple[str, str], roles: Mapping[str, str], doc: Mapping[str, Any]) -> bool:
    """Does the sentence tell the reader the quantity's direction: a figure of it, or a word of direction (for a
    yield, a word of a yield's direction: "the rates argument is there, but credit is not leading" tells none)?"""
    if any(quantity(f, roles, doc) == q for f in r.sentence.facts):
        return True
    if q[1] == "yield":
        return bool(_YIELD_DIR.search(r.text))
    return bool(_TELLS.search(r.text))


def _names(r: Rendered, horizon: str) -> bool:
    if names_horizon(r.text, horizon):
        return True
    return horizon in ("13w", "26w") and bool(_LONG_WORDS.search(r.text))


def _is_title(r: Rendered) -> bool:
    """A headline or a section heading: too short to name periods; the sentences beneath them do."""
    return r.sentence.section == "headline" or r.sentence.key.startswith("heading")


def check_quantities(rendered: list[Rendered], roles: Mapping[str, str], doc: Mapping[str, Any]) -> list[tuple]:
    """One direction per quantity per issue: (class, sentence, detail) for each sentence that tells a quantity
    in a direction another sentence contradicts over the same period ("contradiction"), or over another
    period without both naming their periods ("horizon"; a sentence that names none is about the week, and
    a title need not name one)."""
    told: dict[tuple, list[tuple[Rendered, str, int, set]]] = {}
    out = []
    for r in rendered:
        for q, said in directions(r, roles, doc).items():
            if not _tells(r, q, roles, doc):
                continue
            for h, sense in sorted(said, key=str):
                for other, oh, osense, osaid in told.get(q, []):
                    if other is r or osense == sense:
                        continue
                    if oh != h and ((oh, osense) in said or (h, sense) in osaid):
                        continue  # both sentences tell both periods alike: no two sentences disagree
                    if oh == h:
                        out.append(("contradiction", r, f"says {q[0]} ({q[1]}, {h}) is "
                                                        f"{_dir(sense)}, but an earlier sentence says {_dir(osense)}: "
                                                        f"{other.text!r}"))
                    else:
                        missing = [x for x, hz in ((r, h), (other, oh)) if not _is_title(x) and not _names(x, hz)]
                        if missing:
                            out.append(("horizon", r, f"says {q[0]} ({q[1]}) is {_dir(sense)} over {h} and an earlier "
                                                      f"sentence says {_dir(osense)} over {oh}; "
                                                      + " and ".join(f"{x.text!r} does not name its period"
                                                                     for x in missing)))
                told.setdefault(q, []).append((r, h, sense, said))
    return out


# A yield's week at least this large (10 bp; generator/commentary/rules.WEEK_AGAINST) against the direction a
# sentence tells over a longer period must be told in the same paragraph.
WEEK_AGAINST = 0.001
_YIELD_CHANGE = re.compile(r"levels\.([^.]+)\.changes\.(4w|13w|26w)")


def check_against_week(rendered: list[Rendered], roles: Mapping[str, str], doc: Mapping[str, Any]) -> list[tuple]:
    """A stale horizon (issue 26): a sentence that tells a yield's direction over four weeks or more (its change,
    or the stance's rates test) in a week when the yield moved WEEK_AGAINST or more the other way, in a paragraph
    that never tells the week ("money is getting dearer" beside a 29 bp fall in the 10-year; the case for small
    caps resting on a 13-week fall in a week of a 51 bp rise). The reader takes the quarter's reading for the
    week's. (sentence, detail) for each."""
    from generator.commentary.claims import lookup

    week_paths: dict[tuple[str, int], set[str]] = {}
    for r in rendered:
        told = {x.path for x in (*r.sentence.facts, *r.sentence.claims)}
        week_paths.setdefault((r.sentence.section, r.paragraph), set()).update(told)
    out = []
    for r in rendered:
        if _is_title(r) or r.sentence.relationship:
            continue
        for c in r.sentence.claims:
            if c.op == READS or not c.sense or c.other:
                continue
            m = _YIELD_CHANGE.fullmatch(c.path)
            ticker = m.group(1) if m else None
            if ticker is None and quantity(c, roles, doc) and quantity(c, roles, doc)[1] == "yield" \
                    and c.path.startswith("stance.tests."):
                ticker = c.subject
            if ticker is None:
                continue
            path = f"levels.{ticker}.changes.1w"
            week = lookup(doc, path)
            if not isinstance(week, (int, float)) or c.sense * week > -WEEK_AGAINST:
                continue
            if path in week_paths.get((r.sentence.section, r.paragraph), ()):
                continue
            out.append((r, f"tells {ticker} {_dir(c.sense)} ({c.path}), but this week it moved {week * 1e4:+.0f} bp "
                           f"and nothing in the paragraph says so"))
            break
    return out


def _dir(sense: int) -> str:
    return {1: "up", -1: "down", 0: "flat"}[sense]
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
               headline: str | None = None, previous_headline: str | None = None,
               roles: Mapping[str, str] | None = None) -> list[Flag]:
    """Every flag for one issue's rendered commentary, in reading order. `roles` names the column's tickers
    ("small", "large", "pair" = small/large, "spread" = small-large, "short_yield"); without them they are read
    from metrics.json's pair."""
    names = [n for n in names if n]
    roles = dict(roles or {})
    pair = doc.get("pair") if isinstance(doc.get("pair"), Mapping) else {}
    if pair.get("small") and pair.get("large"):
        roles.setdefault("small", pair["small"])
        roles.setdefault("large", pair["large"])
    if roles.get("small") and roles.get("large"):
        roles.setdefault("pair", f"{roles['small']}/{roles['large']}")
        roles.setdefault("spread", f"{roles['small']}-{roles['large']}")
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
        units: list[str] = []
        for problem in check_numbers(r, doc, names, units):
            flag("number", r, problem)
        for problem in units:
            flag("unit", r, problem)
        for problem in check_horizon_words(r, doc):
            flag("horizon", r, problem)
        for problem in check_superlatives(r, doc):
            flag("superlative", r, problem)
        for problem in check_history(r):
            flag("history", r, problem)
        if r.sentence.section == "headline":
            for problem in check_headline(r, roles):
                flag("headline", r, problem)
        for problem in check_pair(r, roles):
            flag("subject", r, problem)
        for problem in check_direction(r) + check_zero_moves(r, doc):
            flag("direction", r, problem)
        for problem in check_subjects(r):
            flag("subject", r, problem)
        for problem in check_pronoun(r, previous if previous and previous.sentence.section == r.sentence.section
                                     else None):
            flag("pronoun", r, problem)
        for problem in check_intensity(r):
            flag("intensity", r, problem)
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
    seen_pairs: set[tuple[str, str]] = set()
    for cls, r, detail in check_quantities(rendered, roles, doc):
        if (r.text, detail) not in seen_pairs:
            seen_pairs.add((r.text, detail))
            flag(cls, r, detail)
    for r, detail in check_against_week(rendered, roles, doc):
        flag("horizon", r, detail)
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
