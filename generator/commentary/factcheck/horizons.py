"""Quantities across sentences: one direction per quantity and period, periods named when two sentences
disagree, a 52-week figure never called the year's, and no long trend told against a larger opposite week."""

from __future__ import annotations

import re
from typing import Any, Mapping

from generator.commentary.claims import READS
from generator.commentary.factcheck.base import DOWN_WORDS, UP_WORDS, Rendered
from generator.commentary.factcheck.sentences import direction_word
from generator.metrics import paths as mp

_PATH_HORIZON = re.compile(r"(?:^|[._])(1w|4w|13w|26w|52w|ytd|3y|1y)(?=$|[._])")
_EVENT_HORIZON = {mp.EVENTS_LARGE_WEEK: "1w", mp.EVENTS_LARGE_DAY_MOVE: "day", mp.EVENTS_BIGGEST_DAY_MOVE: "day",
                  mp.EVENTS_PREVIOUS_SPREAD: "last week", mp.RISK_FX_WEEK: "1w", mp.EVENTS_VIX_JUMP: "1w",
                  mp.EVENTS_FX_FROM_PEAK: "4w", mp.EVENTS_REGIME_KEY: "13w"}
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
    if path.startswith("events.regime.") and path != mp.EVENTS_REGIME_LEVEL and path != mp.EVENTS_REGIME_HIGH:
        return (short or "policy", "yield")
    if path in (mp.EVENTS_LARGE_WEEK, mp.EVENTS_LARGE_DAY_MOVE):
        return (subject, "returns")
    if path in (mp.EVENTS_PREVIOUS_SPREAD, mp.EVENTS_BIGGEST_DAY_MOVE):
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
    if path == mp.RISK_FX_WEEK:
        return (subject, "fx")
    test = re.fullmatch(r"stance\.tests\.(\d+)\.value", path)
    if test and doc is not None:
        from generator.commentary.claims import lookup

        name = lookup(doc, f"stance.tests.{test.group(1)}.name")
        if name in ("momentum_13w", "momentum_52w"):
            return (subject, mp.RATIO_MOMENTUM)
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
        if c.path == mp.EVENTS_REGIME_KEY:
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
    "26w": r"\b(?:26|twenty-six) weeks\b|\b(?:26|twenty-six)-week\b|\bsix months\b|\bhalf a year\b|\bhalf-year\b",
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


_TELLS = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(UP_WORDS | DOWN_WORDS)) + r"|rising|falling|climbing|climb|"
                    r"coming down|easing|eased|tightening|hiking|hikes|cutting|cuts|cut|lower|higher|steady|level|"
                    r"holding|held|flat|unchanged|little changed|sideways|leading|lead|trailing|surge|surged|"
                    r"tumbled|slumped|plunged|soared|positive|negative|peaked)(?![\w-])", re.I)
# Regime words name a period of months by themselves: "an easing cycle", "short rates had been climbing".
_LONG_WORDS = re.compile(r"\bcycle\b|\bhad been\b|\bmonths\b|\bquarter\b|\btwenty-six weeks\b", re.I)


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
                                                        f"{direction_word(sense)}, but an earlier sentence says {direction_word(osense)}: "
                                                        f"{other.text!r}"))
                    else:
                        missing = [x for x, hz in ((r, h), (other, oh)) if not _is_title(x) and not _names(x, hz)]
                        if missing:
                            out.append(("horizon", r, f"says {q[0]} ({q[1]}) is {direction_word(sense)} over {h} and an earlier "
                                                      f"sentence says {direction_word(osense)} over {oh}; "
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
            out.append((r, f"tells {ticker} {direction_word(c.sense)} ({c.path}), but this week it moved {week * 1e4:+.0f} bp "
                           f"and nothing in the paragraph says so"))
            break
    return out
