"""The whole report for one fixed scenario, compared with a reviewed copy.

Regenerate only by the documented command:  .venv/bin/python -m tests.golden
"""

import re

from tests.golden.scenario import GOLDEN, render_scenario


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_report_matches_golden_file():
    assert GOLDEN.is_file(), "golden file missing: run .venv/bin/python -m tests.golden"
    assert _squash(render_scenario()) == _squash(GOLDEN.read_text(encoding="utf-8")), (
        "report HTML changed; if intended, run .venv/bin/python -m tests.golden and review the diff")
