"""email.txt, the plain-text part, keeps what the note's Markdown says: link targets, image addresses,
numbered lists (issue 25). Read from a real build, as a reader's mail program shows it."""

from __future__ import annotations

import re

from generator.pipeline import build_issue
from generator.render.email import plain_paragraphs
from tests.loopback import PNG_1PX

NOTE = """Read [the Fed's statement](https://www.federalreserve.gov/newsevents/pressreleases/monetary20241107a.htm)
before the numbers; the chart ![Small caps against the S&P 500 since 2020](ratio.png) says the rest.

## positioning
Three things to watch:

1. The two-year yield, <https://fred.stlouisfed.org/series/DGS2>
2. Earnings at regional banks
3. Credit spreads

- and an unordered point
"""


def test_the_text_part_keeps_link_targets_image_addresses_and_numbers(settings, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ratio.png").write_bytes(PNG_1PX)
    (notes / "2025-10-31.md").write_text(NOTE, encoding="utf-8")
    hosted = settings.model_copy(update={"notes_dir": str(notes), "site": settings.site.model_copy(
        update={"base_url": "https://news.example.com/sc/"})})
    folder = build_issue(hosted, source="sample", out_dir=tmp_path / "reports").folder
    text = (folder / "email.txt").read_text()
    joined = " ".join(text.split())  # the text is wrapped at 72 columns, never inside a URL
    assert ("the Fed's statement (https://www.federalreserve.gov/newsevents/pressreleases/monetary20241107a.htm)"
            in joined)
    assert re.search(r"\[image: Small caps against the S&P 500 since 2020\] "
                     r"\(https://news\.example\.com/sc/issues/2025-10-31/notes/[0-9a-f]{16}\.png\)", joined), joined
    assert "1. The two-year yield, https://fred.stlouisfed.org/series/DGS2" in joined
    assert "2. Earnings at regional banks" in text and "3. Credit spreads" in text
    assert "- and an unordered point" in text
    assert any("(https://www.federalreserve.gov/newsevents/pressreleases/monetary20241107a.htm)" in line
               for line in text.splitlines())  # the URL on one line, whole


def test_plain_paragraphs_rules():
    html = ('<p>A <a href="https://x.example/a">link</a>, a bare <a href="https://x.example/b">https://x.example/b</a>'
            ' and &amp; entities.</p><ol start="4"><li>four</li><li>five</li></ol><ul><li>dot</li></ul>'
            '<p><img src="cid:abc@capweekly-note" alt="inline"></p>')
    assert plain_paragraphs(html) == ["A link (https://x.example/a), a bare https://x.example/b and & entities.",
                                      "4. four", "5. five", "- dot", "[image: inline]"]
