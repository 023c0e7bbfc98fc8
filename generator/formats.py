"""Every number format the words and the templates use, in one place: pure functions below every layer (the
fact-check reads printed figures with them; the Jinja environment registers them as filters).

Inputs are decimal fractions (0.0123 is 1.23 %); None prints as an en dash so
a missing value never crashes a template or reads as zero.
"""

from __future__ import annotations

from datetime import date

MISSING = "\u2013"
MINUS = "\u2212"  # a real minus sign, so -1.2% does not wrap or read as a hyphen


def _sign(text: str) -> str:
    return text.replace("-", MINUS)


def pct(value: float | None, digits: int = 1, signed: bool = True) -> str:
    if value is None:
        return MISSING
    if round(value * 100, digits) == 0:
        return f"{0:.{digits}f}%"  # no "-0.0%" or "+0.0%"
    text = f"{value * 100:+.{digits}f}%" if signed else f"{value * 100:.{digits}f}%"
    return _sign(text)


def updown(value: float | None, digits: int = 1) -> str:
    """A change in words: 'up 3.7%', 'down 1.9%', or 'little changed' when it rounds to zero."""
    if value is None:
        return "not available"
    if round(value * 100, digits) == 0:
        return "little changed"
    return f"{'up' if value > 0 else 'down'} {abs(value) * 100:.{digits}f}%"


def pct_abs(value: float | None, digits: int = 1) -> str:
    """Size of a move with no sign, for sentences that already say up or down."""
    return MISSING if value is None else f"{abs(value) * 100:.{digits}f}%"


def pp(value: float | None, digits: int = 1, short: bool = False) -> str:
    """A change in a share or a percentile (a decimal) in percentage points, never "%": 0.196 -> '19.6
    percentage points' ('19.6 pts' when short). The size only: the words say whether it rose or fell."""
    if value is None:
        return MISSING
    return f"{abs(value) * 100:.{digits}f} {'pts' if short else 'percentage points'}"


def pp_signed(value: float | None, digits: int = 1, short: bool = False) -> str:
    """A difference of two returns (small minus large, a sector less the index) with its sign, in percentage points:
    the gap between +2.0% and +0.2% is '+1.8 percentage points' ('+1.8 pts' in a table), not '+1.8%' (that would
    be a ratio's change)."""
    if value is None:
        return MISSING
    unit = "pts" if short else "percentage points"
    if round(value * 100, digits) == 0:
        return f"{0:.{digits}f} {unit}"
    return _sign(f"{value * 100:+.{digits}f}") + f" {unit}"


def bp(value: float | None, digits: int = 0) -> str:
    """A change in a yield (decimal) as basis points: 0.00087 -> '+9 bp'."""
    if value is None:
        return MISSING
    if round(value * 10000, digits) == 0:
        return f"{0:.{digits}f}\u00a0bp"
    return _sign(f"{value * 10000:+.{digits}f}") + "\u00a0bp"


def bp_abs(value: float | None) -> str:
    return MISSING if value is None else f"{abs(value) * 10000:.0f}\u00a0bp"


def yield_pct(value: float | None, digits: int = 2) -> str:
    """A yield level stored as a decimal: 0.04193 -> '4.19%'."""
    return MISSING if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 2) -> str:
    return MISSING if value is None else _sign(f"{value:,.{digits}f}")


def signed(value: float | None, digits: int = 1) -> str:
    if value is None:
        return MISSING
    if round(value, digits) == 0:
        return f"{0:.{digits}f}"  # no "-0.00" or "+0.00"
    return _sign(f"{value:+.{digits}f}")


def longdate(value: date | None) -> str:
    return MISSING if value is None else f"{value:%B} {value.day}, {value:%Y}"


def shortdate(value: date | None) -> str:
    return MISSING if value is None else f"{value:%b} {value.day}, {value:%Y}"


def weekday(value: date | None) -> str:
    """A day inside the issue's week: 'Monday, Aug 5'."""
    return MISSING if value is None else f"{value:%A}, {value:%b} {value.day}"


def monthyear(value: date | None) -> str:
    return MISSING if value is None else f"{value:%B %Y}"


def years(value: float | None) -> str:
    """A span in years, in words: 'less than three months', 'several months', 'almost a year',
    'about a year', 'more than 2 years', 'almost 3 years', '13 years'."""
    if value is None:
        return MISSING
    whole, part = int(value), value - int(value)
    if whole == 0:
        return "less than three months" if part < 0.25 else "several months" if part < 0.75 else "almost a year"
    if part >= 0.75:
        return f"almost {whole + 1} years"
    if part >= 0.25:
        return f"more than {whole} {'year' if whole == 1 else 'years'}"
    return "about a year" if whole == 1 else f"{whole} years"


def times(n: int) -> str:
    """How many times, in words: 'once', 'twice', 'three times', '14 times'."""
    n = int(n)
    return {1: "once", 2: "twice"}.get(n, f"{number_word(n)} times")


def direction(value: float | None, up: str = "up", down: str = "down", flat: str = "unchanged") -> str:
    if value is None or value == 0:
        return flat
    return up if value > 0 else down


def capfirst(text: str) -> str:
    """Capitalise a name that opens a sentence ("the S&P 500" -> "The S&P 500")."""
    return text[:1].upper() + text[1:] if text else text


def join_and(items) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Ordinals, number words and plurals, written out here rather than imported from inflect: importing inflect took
# about 1.4 s (it type-checks itself with typeguard at import), paid by every command. The outputs are inflect's
# (7.x, non-classical) for everything the templates and the fact-check ask of them; tests/test_filters.py pins them.

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_GROUPS = ("", " thousand", " million", " billion", " trillion", " quadrillion", " quintillion")
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                  "nine": "ninth", "twelve": "twelfth"}


def _under_thousand(n: int) -> str:
    """1 <= n < 1000 -> 'one hundred and twenty-one' (British 'and', as inflect writes it)."""
    hundreds, rest = divmod(n, 100)
    if rest < 20:
        tail = _ONES[rest] if rest else ""
    else:
        tens, ones = divmod(rest, 10)
        tail = _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if not hundreds:
        return tail
    return f"{_ONES[hundreds]} hundred" + (f" and {tail}" if tail else "")


def _cardinal_words(n: int) -> str:
    """Any integer in words: 1234 -> 'one thousand, two hundred and thirty-four', -3 -> 'minus three'."""
    if n < 0:
        return "minus " + _cardinal_words(-n)
    if n == 0:
        return "zero"
    groups, rest = [], n
    while rest:
        rest, group = divmod(rest, 1000)
        groups.append(group)
    if len(groups) > len(_GROUPS):
        return str(n)  # beyond quintillions: no words worth writing
    parts = [(_under_thousand(g) + _GROUPS[i]) for i, g in reversed(list(enumerate(groups))) if g]
    if len(parts) > 1 and groups[0] and groups[0] < 100:
        return ", ".join(parts[:-1]) + " and " + parts[-1]  # 'one thousand and first', 'two million and ten'
    return ", ".join(parts)


def _ordinal_suffix(n: int) -> str:
    n = abs(n)
    if 11 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def ordinal(n: int) -> str:
    """2 -> '2nd', 11 -> '11th', 101 -> '101st'."""
    n = int(n)
    return f"{n}{_ordinal_suffix(n)}"


def ordinal_word(n: int) -> str:
    """2 -> 'second', 21 -> 'twenty-first', 100 -> 'one hundredth'."""
    words = _cardinal_words(int(n))
    head, sep, last = words.rpartition("-") if "-" in words.rsplit(" ", 1)[-1] else words.rpartition(" ")
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"  # twenty -> twentieth
    else:
        last += "th"
    return head + sep + last


def number_word(n: int) -> str:
    """Numbers up to ten in words, larger ones in digits (house style): 3 -> 'three', 14 -> '14'."""
    n = int(n)
    return _ONES[n] if 0 <= n <= 10 else str(n)


# Nouns whose plural no rule below gives (inflect's non-classical plurals).
_IRREGULAR_PLURALS = {"index": "indexes", "series": "series", "analysis": "analyses", "crisis": "crises",
                      "criterion": "criteria", "datum": "data", "child": "children", "person": "people",
                      "man": "men", "half": "halves", "leaf": "leaves", "life": "lives", "quiz": "quizzes",
                      "echo": "echoes", "hero": "heroes", "wife": "wives", "money": "monies"}


def plural(word: str, n: int) -> str:
    """('week', 1) -> 'week'; ('week', 3) -> 'weeks'; ('company', 2) -> 'companies'. Only 1 is singular
    (0 weeks, -1 weeks), as inflect has it. Regular nouns by rule, the rest from _IRREGULAR_PLURALS."""
    if int(n) == 1:
        return word
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"


FILTERS = {
    "times": times, "ordinal": ordinal, "ordinal_word": ordinal_word, "number_word": number_word, "plural": plural,
    "capfirst": capfirst,
    "join_and": join_and,
    "updown": updown,
    "pct": pct, "pct_abs": pct_abs, "pp": pp, "pp_signed": pp_signed, "bp": bp, "bp_abs": bp_abs,
    "yield_pct": yield_pct, "num": num,
    "signed": signed, "longdate": longdate, "shortdate": shortdate, "monthyear": monthyear, "weekday": weekday,
    "years": years, "direction": direction,
}
