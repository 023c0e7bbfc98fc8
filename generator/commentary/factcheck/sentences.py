"""One sentence at a time: direction words, subjects, pronouns, strength words, superlatives, "all-time",
the headline's sides and the regime an interpretation fits."""

from __future__ import annotations

import re
from typing import Any, Mapping

from generator.commentary.claims import READS
from generator.commentary.factcheck.base import WORD, DOWN_WORDS, PRONOUN, UP_WORDS, Rendered
from generator.metrics import paths as mp

_LAYOUT = re.compile(r"\b(?:shown|see|table|chart|map|figure) below\b|\bbelow:", re.I)
_NEGATION = {"not", "no", "never", "nor", "without"}


def check_direction(r: Rendered) -> list[str]:
    """Each direction word needs a declared claim of its sense; a word negated a few words
    earlier ("has not managed a move above") and layout words ("shown below") are not claims."""
    if r.sentence.relationship:
        return []
    senses = {c.sense for c in r.sentence.claims if c.op != READS}
    problems = []
    words = WORD.findall(_LAYOUT.sub(" ", r.text))
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
_FLAGS = (mp.EVENTS_VIX_SPIKE, mp.EVENTS_MARKET_STRESS, mp.REGIME_KEY, mp.STANCE_HELD_BACK)
# The least a threshold must say on a gauge for a strength word: a weekly USD/JPY move of 1.5% is a yen rally,
# not a "sharp" one or a "surge" (the risks section's own "sharp" is 2.5%, generator.commentary.SHARP_YEN).
INTENSITY_FLOOR = {mp.RISK_FX_WEEK: 0.025}


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


def direction_word(sense: int) -> str:
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
