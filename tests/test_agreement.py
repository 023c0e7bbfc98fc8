"""Issue 26: the column's sentences agree with each other and with the week. Each class is a rule over the
whole real history (generator/commentary/agreement.py reads every week's words against its figures; the
whole-history test is in tests/test_history.py, on the run it shares), plus the
fact-check's share of it on hand-made sentences: a yield's quarter told against a week's move the other way,
and readings of one gauge that disagree across sections."""

from __future__ import annotations

from generator.commentary.claims import Fact, Sentence, at_least, at_most, is_, negative, positive, reads
from generator.commentary.factcheck import Rendered, fact_check

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
