"""Jargon explained the first time it appears in an issue.

A regular reader knows what "the ratio" or "a false move" means; a new one does not. Each term below gets a
short plain-words gloss, a sentence worded in templates/words/glossary.html, printed in the notes at the foot
of the section whose prose first uses the term (readers found the same definitions in the prose every week: a
regular reader skips a note, a new one finds it where the term first appears). "First" is decided on the
rendered words, in reading order, after the sentences a long issue gives up have been left out, so a trimmed
or reordered section never leaves a term unexplained or explains it twice. The standfirst, the brief, the
headline and the section headings are summaries and titles: a term they use is explained in the section that
reads it.

A gloss is a declared sentence like any other: the figures it quotes (the number of tests behind the score,
the 200 sessions of the long average, the weeks that make a breakout "failed") are paths into metrics.json,
so the fact-check reads them. It states a definition, not this week's direction (`relationship`).
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from generator.commentary.claims import Fact, Sentence
from generator.commentary.factcheck import PRONOUN
from generator.metrics import paths as mp

WORDS = "glossary"


def terms(names: Mapping[str, str]) -> tuple[tuple[str, re.Pattern, tuple[Fact, ...]], ...]:
    """(key, what finds the term in a printed sentence, the figures its gloss quotes), in no particular order:
    each term is glossed where it first appears."""
    pair = re.escape(f"{names.get('small', '')}/{names.get('large', '')}")
    return (
        ("ratio", re.compile(rf"\bthe ratio\b|\b{pair} ratio\b|\brelative strength\b", re.I), ()),
        ("sma_long", re.compile(r"\b200-day\b"), (Fact("sessions", mp.RATIO_SMA_WINDOWS_LONG, "glossary", "count"),)),
        ("score", re.compile(r"(?:\b(?:the|a) |\()score\b", re.I),
         (Fact("tests", mp.STANCE_MAX_SCORE, "glossary", "count"),)),
        ("false_move", re.compile(r"\bfalse[- ]moves?\b", re.I), ()),
        ("longer_advances", re.compile(r"\blonger advances?\b", re.I),
         (Fact("limit", mp.BREAKOUTS_LIMIT_WEEKS, "glossary", "count"),)),
        ("carry_trade", re.compile(r"\bcarry[- ]trades?\b", re.I), ()),
        ("quality", re.compile(r"\bprofitability-screened\b", re.I), ()),
    )


def gloss(section: str, key: str, facts: tuple[Fact, ...]) -> Sentence:
    """The gloss of term `key`, placed in `section` (its macro in glossary.html is gloss_<key>)."""
    return Sentence(section, f"gloss_{key}", ("glossary",), facts, (), {}, True, WORDS, kind="note")


def place(texts: Sequence[str], sections: Sequence[str], paragraphs: Sequence[int], glossable: Sequence[bool],
          names: Mapping[str, str]) -> list[tuple[int, Sentence]]:
    """Where each term's gloss goes: (the position of the printed sentence it follows, the gloss), in reading
    order. `texts` are the printed sentences in reading order (plain text); `glossable` marks the prose ones.
    A gloss follows the first sentence that uses its term, after any sentences that refer back to that one
    ("It ...", "That ..."), so it never comes between a sentence and its pronoun."""
    found: dict[str, int] = {}
    at: dict[str, int] = {}
    for key, pattern, _ in terms(names):
        for i, text in enumerate(texts):
            if glossable[i]:
                match = pattern.search(text)
                if match:
                    found[key], at[key] = i, match.start()
                    break
    facts = {key: f for key, _, f in terms(names)}
    out = []
    for key in sorted(found, key=lambda k: (found[k], at[k])):
        i = found[key]
        j = i
        while j + 1 < len(texts) and paragraphs[j + 1] == paragraphs[i] and PRONOUN.match(texts[j + 1]):
            j += 1
        out.append((j, gloss(sections[i], key, facts[key])))
    return out
