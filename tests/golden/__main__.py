"""Regenerate the golden report HTML:  .venv/bin/python -m tests.golden

Run it only after a deliberate change to wording, layout or metrics, and
review the diff of tests/golden/report-2024-07-12.html before committing.
"""

from tests.golden.scenario import GOLDEN, render_scenario

if __name__ == "__main__":
    GOLDEN.write_text(render_scenario(), encoding="utf-8")
    print(f"wrote {GOLDEN}")
