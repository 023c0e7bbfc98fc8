"""What every check of the fact-check shares: the flag classes, a rendered sentence, the direction words
and the patterns that find numbers, dates and horizons in text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Mapping

from generator.commentary.claims import MISSING, Sentence



CLASSES = ("claim", "number", "direction", "subject", "contradiction", "ordinal", "repeat", "horizon", "superlative",
           "headline", "unit", "history", "regime", "intensity", "pronoun")

UP_WORDS = {"gained", "gain", "gains", "rose", "rallied", "climbed", "up", "ahead", "beat", "outpaced",
            "higher", "above", "mending", "widening", "jumped", "spiked", "rebounded", "recovered", "strengthened"}
DOWN_WORDS = {"fell", "lost", "down", "behind", "trailed", "lagged", "lags", "lower", "below", "slipping",
              "worsening", "slump", "setback", "dropped", "drop", "loss", "declined", "worse", "weaker", "slid", "sank"}
# A sentence opening with one of these refers back to the sentence before ("It sits 3% above...");
# "It was a good week" or "It is early" are not references and are left alone.
PRONOUN = re.compile(r"^(?:It|Its|That|This|They|These)\b(?! (?:is|was) (?:a|an|the|early|not|too|worth|hard)\b)")
WORD = re.compile(r"(?<![\w-])([A-Za-z]+)(?![\w-])")
TERMS = re.compile(r"\b\d+-(?:day|week|year|session|month|point)s?\b|\bS&P ?\d+\b|\bRussell ?\d+\b|"
                    r"\b\d+/\d+\b")
YEARS = re.compile(r"almost (\d+) years|more than (\d+) years?|(\d+) years|about a year|several months|"
                    r"almost a year|less than three months")
# The standard horizons the columns and sentences are written in ("over 13 weeks", "over 52").
HORIZONS = re.compile(r"\b(?:1|4|13|26|52) weeks\b|\bover (?:13|26|52)\b|\b(?:1|3) years?\b")
NUMBER = re.compile(r"(?<![\w.])([+\-\u2212]?)(\d[\d,]*(?:\.\d+)?)(\s?%|[\s\u00a0]?bp\b|"
                     r"\s(?:percentage points|pts)\b)?")
ORDINAL_NUMBER = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
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


def shown_value(doc: Mapping[str, Any], path: str) -> str:
    from generator.commentary.claims import lookup

    value = lookup(doc, path)
    return "missing" if value is MISSING else repr(value)
