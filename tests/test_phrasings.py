"""Every sentence slot has several phrasings, each saying the same thing with the same figures.

A slot is a macro `key` in templates/words/<section>.html; its phrasings are `key`, `key__2`, `key__3`, ...
The week's number picks one (generator.commentary.words.phrasing), so consecutive weeks never share a
phrasing. A phrasing may reword a sentence but not change what it quotes: the same figures (`f.name`) and
labels (`x.name`) as the slot's first phrasing, so the fact-check's declared claims still describe it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.commentary.words import VARIANT, phrasing, week_number

WORDS = Path(__file__).resolve().parent.parent / "templates" / "words"
MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\((.*?)\)\s*-?%\}(.*?)\{%-?\s*endmacro\s*-?%\}", re.S)
MIN_PHRASINGS, MIN_HEADLINES = 3, 12


def slots() -> dict[tuple[str, str], dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for path in sorted(WORDS.glob("*.html")):
        for name, _, body in MACRO.findall(path.read_text(encoding="utf-8")):
            if name.startswith("_"):
                continue  # a helper macro, not a sentence
            base = name.split(VARIANT)[0]
            found[(path.stem, base)][name] = body
    return found


def _names(body: str, kind: str) -> set[str]:
    return set(re.findall(rf"\b{kind}\.(\w+)", body)) - {"items", "get"}


def test_every_slot_has_several_phrasings():
    short = [f"{section}/{key}: {len(p)}" for (section, key), p in slots().items()
             if len(p) < (MIN_HEADLINES if section == "headline" else MIN_PHRASINGS)]
    assert not short, f"slots with too few phrasings ({len(short)}): " + ", ".join(short[:40])


def test_phrasings_are_numbered_without_gaps():
    for (section, key), p in slots().items():
        expected = [key] + [f"{key}{VARIANT}{n}" for n in range(2, len(p) + 1)]
        assert sorted(p) == sorted(expected), f"{section}/{key}: {sorted(p)}"


def test_phrasings_quote_the_same_figures_and_labels():
    wrong = []
    for (section, key), p in slots().items():
        first = p[key]
        for name, body in p.items():
            for kind in ("f", "x"):
                if any(re.search(rf"\b_\w+\((?:f, )?{kind}\b", b) for b in p.values()):
                    continue  # the figures go whole to a helper macro, which picks what it quotes
                if _names(body, kind) != _names(first, kind):
                    wrong.append(f"{section}/{name} {kind}: {sorted(_names(body, kind))} vs {sorted(_names(first, kind))}")
    assert not wrong, "\n".join(wrong)


def test_no_phrasing_is_used_two_weeks_running_and_choice_is_stable():
    day = date(2001, 1, 5)
    for count in (2, 3, 5, 12):
        for key in ("headline/mixed", "rates/corr_weak", "positioning/stance"):
            picks = [phrasing(key, count, week_number(day + timedelta(weeks=i))) for i in range(60)]
            assert all(a != b for a, b in zip(picks, picks[1:]))
            assert set(picks) == set(range(count))
            assert picks == [phrasing(key, count, week_number(day + timedelta(weeks=i))) for i in range(60)]


def test_a_short_week_keeps_its_weeks_number():
    # Good Friday 2021: the week ended on Thursday; it is still the same week as its Monday.
    assert week_number(date(2021, 4, 1)) == week_number(date(2021, 3, 29)) == week_number(date(2021, 4, 2))
    assert week_number(date(2021, 4, 5)) == week_number(date(2021, 4, 1)) + 1


@pytest.mark.parametrize("section", sorted({s for s, _ in slots()}))
def test_every_words_file_renders_every_phrasing(section, tmp_path):
    """Each phrasing compiles (a typo in a rarely used phrasing would otherwise surface only in its week)."""
    from generator.render.environment import make_environment

    module = make_environment(None).get_template(f"words/{section}.html").make_module(
        {"small": "IWM", "large": "SPY", "small_name": "Small caps", "large_name": "Large caps",
         "reference_year": 2021})
    for (s, key), p in slots().items():
        if s == section:
            for name in p:
                assert callable(getattr(module, name)), f"{section}/{name}"
