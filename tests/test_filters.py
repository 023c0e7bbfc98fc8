
import pytest

from generator.formats import (bp, join_and, number_word, ordinal, ordinal_word, pct, plural, times, updown,
                                      years, yield_pct)


@pytest.mark.parametrize("value, text", [
    (0.0123, "+1.2%"), (-0.0123, "\u22121.2%"), (-0.00004, "0.0%"), (0.00004, "0.0%"), (None, "\u2013"),
])
def test_pct(value, text):
    assert pct(value) == text


def test_other_filters():
    assert pct(0.9333, 0, False) == "93%"
    assert bp(-0.00087) == "\u22129\u00a0bp"
    assert yield_pct(0.04193) == "4.19%"
    assert updown(0.037) == "up 3.7%" and updown(-0.019) == "down 1.9%" and updown(-0.0002) == "little changed"
    assert join_and(["a"]) == "a" and join_and(["a", "b", "c"]) == "a, b and c"
    assert years(13.26) == "more than 13 years" and years(8.9) == "almost 9 years"


# The word filters were inflect's (7.x) until issue 24; these are the values inflect gave, written down, so the
# golden report and the fact-check read the same without it.

@pytest.mark.parametrize("n, text", [
    (0, "0th"), (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (10, "10th"), (11, "11th"), (12, "12th"),
    (13, "13th"), (14, "14th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (52, "52nd"), (100, "100th"),
    (101, "101st"), (102, "102nd"), (103, "103rd"), (111, "111th"), (112, "112th"), (113, "113th"),
    (1001, "1001st"), (-1, "-1st"), (-2, "-2nd"), (-11, "-11th"), ("3", "3rd"), (3.0, "3rd"),
])
def test_ordinal(n, text):
    assert ordinal(n) == text


@pytest.mark.parametrize("n, text", [
    (0, "zeroth"), (1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (5, "fifth"), (6, "sixth"),
    (7, "seventh"), (8, "eighth"), (9, "ninth"), (10, "tenth"), (11, "eleventh"), (12, "twelfth"),
    (13, "thirteenth"), (15, "fifteenth"), (19, "nineteenth"), (20, "twentieth"), (21, "twenty-first"),
    (22, "twenty-second"), (23, "twenty-third"), (25, "twenty-fifth"), (28, "twenty-eighth"), (29, "twenty-ninth"),
    (30, "thirtieth"), (40, "fortieth"), (52, "fifty-second"), (99, "ninety-ninth"), (100, "one hundredth"),
    (101, "one hundred and first"), (110, "one hundred and tenth"), (112, "one hundred and twelfth"),
    (121, "one hundred and twenty-first"), (200, "two hundredth"), (1000, "one thousandth"),
    (1001, "one thousand and first"), (1010, "one thousand and tenth"), (1100, "one thousand, one hundredth"),
    (1234, "one thousand, two hundred and thirty-fourth"), (10000, "ten thousandth"),
    (1000000, "one millionth"), (1000001, "one million and first"), (2000100, "two million, one hundredth"),
    (-1, "minus first"), (-3, "minus third"), ("4", "fourth"),
])
def test_ordinal_word(n, text):
    assert ordinal_word(n) == text


@pytest.mark.parametrize("n, text", [
    (0, "zero"), (1, "one"), (2, "two"), (3, "three"), (4, "four"), (5, "five"), (6, "six"), (7, "seven"),
    (8, "eight"), (9, "nine"), (10, "ten"), (11, "11"), (14, "14"), (100, "100"), (-1, "-1"), (3.0, "three"),
])
def test_number_word(n, text):
    assert number_word(n) == text
    assert times(n) == {1: "once", 2: "twice"}.get(int(n), f"{text} times")


# Every word the templates pluralize (grep templates/ for '| plural'), then a few the rule must get right too.
PLURALS = [
    ("week", "weeks"), ("close", "closes"), ("move", "moves"), ("one", "ones"), ("advance", "advances"), ("high", "highs"),
    ("day", "days"), ("company", "companies"), ("index", "indexes"), ("year", "years"), ("month", "months"),
    ("rally", "rallies"), ("study", "studies"), ("key", "keys"), ("box", "boxes"), ("match", "matches"),
    ("dash", "dashes"), ("loss", "losses"), ("series", "series"), ("analysis", "analyses"),
    ("crisis", "crises"), ("quiz", "quizzes"), ("echo", "echoes"), ("half", "halves"), ("person", "people"),
]


@pytest.mark.parametrize("word, many", PLURALS)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, 1.0])
def test_plural(word, many, n):
    assert plural(word, n) == (word if n == 1 else many)


def test_every_pluralized_template_word_is_pinned():
    """A word newly pluralized in a template must be added to test_plural, with the form it should take."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    used = {m.group(1) for path in templates.rglob("*.*") if path.is_file()
            for m in re.finditer(r"[\"']([^\"']+)[\"']\s*\|\s*plural\b", path.read_text(errors="replace"))}
    assert used and used <= {word for word, _ in PLURALS}, used - {word for word, _ in PLURALS}
