"""Issue 26: the column's sentences agree with each other and with the week. Each class is a rule over the
whole real history (generator/commentary/agreement.py reads every week's words against its figures), plus the
fact-check's share of it on hand-made sentences: a yield's quarter told against a week's move the other way,
and readings of one gauge that disagree across sections."""

from __future__ import annotations

from datetime import date

import pytest

from generator.commentary.agreement import CLASSES, audit_history
from generator.commentary.claims import Fact, Sentence, at_least, at_most, is_, negative, positive, reads
from generator.commentary.factcheck import Rendered, fact_check
from generator.data import load_prices
from tests.conftest import rotating_phrasings

DOC = {"levels": {"^TNX": {"value": 0.0456, "changes": {"1w": -0.0029, "13w": 0.0050}}},
       "stance": {"risk_level": "low"}, "crowding": {"volume_ratio": 1.51}}


def _flags(*sentences, paragraphs=None):
    rendered = [Rendered(s, text, paragraphs[i] if paragraphs else i) for i, (s, text) in enumerate(sentences)]
    return fact_check(rendered, DOC)


QUARTER = Sentence("junk", "if_tight_rising", ("junk", "^TNX"), (Fact("long", "levels.^TNX.changes.13w", "^TNX", "bp"),),
                   (positive("levels.^TNX.changes.13w", "^TNX", "13w"),))
QUARTER_TEXT = "With the 10-year yield 50 bp higher over thirteen weeks, money is getting dearer, not cheaper."
WEEK = Sentence("junk", "long_week_against", ("^TNX",), (Fact("week", "levels.^TNX.changes.1w", "^TNX", "bp"),),
                (at_most("levels.^TNX.changes.1w", -0.001, "^TNX", "1w"),))
WEEK_TEXT = "Over the week alone the 10-year yield fell 29 bp, against its direction over the quarter."


def test_a_quarter_told_against_the_weeks_move_needs_the_week_in_its_paragraph():
    flags = _flags((QUARTER, QUARTER_TEXT))
    assert [f.cls for f in flags] == ["horizon"]
    # the week told in the same paragraph: both horizons named, no flag
    assert not _flags((WEEK, WEEK_TEXT), (QUARTER, QUARTER_TEXT), paragraphs=[0, 0])
    # told in another paragraph, the quarter's reading still stands alone
    assert [f.cls for f in _flags((WEEK, WEEK_TEXT), (QUARTER, QUARTER_TEXT), paragraphs=[0, 1])] == ["horizon"]


def test_few_warnings_beside_a_crowd_piling_in_contradict():
    crowd = Sentence("risks", "volume_surge_buying", ("IWM volume",), (),
                     (at_least("crowding.volume_ratio", 0.5, "IWM volume", "volume"),
                      reads("crowding.volume_ratio", "false-move warnings", -1, "false move")))
    few = Sentence("positioning", "risk_low", ("stance",), (),
                   (is_("stance.risk_level", "low", "stance", "risk"),
                    reads("stance.risk_level", "false-move warnings", +1, "false move")))
    flags = _flags((crowd, "Investors are piling in: late buyers make for fragile support."),
                   (few, "For now, little points to a false move: the warning signs are few."))
    assert [f.cls for f in flags] == ["contradiction"]


def test_a_yield_fall_read_two_ways_contradicts():
    # the rates section: at zero short rates a lower 10-year says weaker growth; the case: a point for small caps
    rates = Sentence("rates", "ten_falling_zero", ("^TNX",), (), (negative("levels.^TNX.changes.13w", "^TNX", "13w"),
                                                                reads("levels.^TNX.changes.13w", "^TNX", -1)))
    case = Sentence("positioning", "case_for_one", ("case", "^TNX"), (), (reads("stance.tests.5.value", "^TNX", +1),))
    doc = {"levels": {"^TNX": {"changes": {"1w": 0.0, "13w": -0.006}}}, "stance": {"tests": [{}] * 6}}
    flags = fact_check([Rendered(rates, "Down over thirteen weeks, that says weaker growth.", 0),
                        Rendered(case, "The case for small caps rests on a lower yield.", 1)], doc)
    assert "contradiction" in [f.cls for f in flags]


@pytest.fixture(scope="module")
def audited(settings, market_dir):
    market = load_prices(settings, "csv", market_dir)
    with rotating_phrasings():  # as published: the week picks each slot's phrasing
        return audit_history(market, settings, date(2001, 1, 1), jobs=2)


@pytest.mark.parametrize("cls", CLASSES)
def test_no_real_week_breaks_the_class(audited, cls):
    assert len(audited) > 1250  # every week since 2001, not a sample of them
    hit = [(day, found[cls]) for day, found in audited if found[cls]]
    assert not hit, f"{len(hit)} weeks: " + "; ".join(f"{day}: {details[0][:200]}" for day, details in hit[:5])
