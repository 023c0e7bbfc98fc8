"""The print PDF, via WeasyPrint, from the print rendering of the report.

Page size, running header, "page N of M", the short disclaimer on every page
and bookmarks come from the print stylesheet (templates/report.css); title,
author and date from the <title> and <meta> tags.

Pages flow: sections run on from page to page, tables may split between rows
(their header repeats), a chart never leaves its caption and a heading never
leaves its first paragraph. What a flowing layout cannot do by itself is use
the space left when a chart does not fit at the foot of a page: `fit_pages`
lays the document out, and where a page before the last would end less than
FILL_TARGET full because the next page opens with a chart, it draws that chart
smaller (never below MIN_SCALE of its width) so it fits where the gap was, then
lays out again. Each chart is shrunk at most once, so the loop ends.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

FILL_TARGET = 0.8   # a page before the last should be at least this full (of its content height)
MIN_SCALE = 0.75    # a chart is never drawn narrower than this share of the column
MAX_PASSES = 4


def write_pdf(html: str, base_dir: Path, target: Path) -> None:
    # WeasyPrint logs every unsupported CSS property at WARNING; those are ours to fix
    # at design time, not a reader's business at build time.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document, _ = fit_pages(html, base_dir)
    document.write_pdf(target)


def _layout(html: str, base_dir: Path, scales: dict[str, float]):
    from weasyprint import HTML

    if scales:
        rules = "".join(f"#{fid} img {{ width: {scale * 100:.1f}%; margin: 0 auto; }}\n"
                        for fid, scale in sorted(scales.items()))
        html = html.replace("</style>", f"@media print {{\n{rules}}}\n</style>", 1)
    return HTML(string=html, base_url=str(base_dir)).render()


def _boxes(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _boxes(child)


def _content_bottom(page_box) -> float:
    """Lowest edge of the page's flowed content (lines, images, table rows), margin boxes excluded."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox

    bottom = page_box.content_box_y()
    for top in page_box.children:
        if isinstance(top, MarginBox):
            continue
        for b in _boxes(top):
            if isinstance(b, (LineBox, ReplacedBox)):
                bottom = max(bottom, b.position_y + b.margin_height())
    return bottom


def page_fill(page) -> float:
    """How full a laid-out page is: the foot of its content as a share of the content height."""
    box = page._page_box
    return (_content_bottom(box) - box.content_box_y()) / box.height


def _opening_figure(page_box):
    """The figure (id fig-...) the page opens with, if it opens with one."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox

    for top in page_box.children:
        if isinstance(top, MarginBox):
            continue
        for b in _boxes(top):
            if b.element_tag == "figure":
                fid = b.element.get("id") if b.element is not None else None
                return b if fid and re.fullmatch(r"fig-[\w-]+", fid) else None
            if isinstance(b, (LineBox, ReplacedBox)):
                return None  # text or an image before any figure
    return None


def fit_pages(html: str, base_dir: Path):
    """(document, scales): the laid-out document and the charts drawn smaller, by figure id."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    scales: dict[str, float] = {}
    document = _layout(html, base_dir, scales)
    for _ in range(MAX_PASSES):
        changed = False
        for page, following in zip(document.pages, document.pages[1:]):
            box = page._page_box
            if page_fill(page) >= FILL_TARGET:
                continue
            figure = _opening_figure(following._page_box)
            if figure is None:
                continue
            fid = figure.element.get("id")
            image = next((b for b in _boxes(figure) if isinstance(b, ReplacedBox)), None)
            if image is None or image.height <= 0:
                continue
            room = box.content_box_y() + box.height - _content_bottom(box)
            # The caption and the figure's margins stay; only the image shrinks. At the top of a page
            # WeasyPrint drops the figure's top margin, so it is added back in full for mid-page.
            style = figure.style
            fixed = figure.margin_height() - image.height + style["margin_top"].value + 6
            width = image.width / figure.width if figure.width else 1.0
            scale = width * (room - fixed) / image.height
            if MIN_SCALE <= scale < width:
                scales[fid] = scale
                changed = True
                break  # one change a pass: what follows moves
        if not changed:
            break
        document = _layout(html, base_dir, scales)
    return document, scales


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the report's fonts, so the first real
    document does not pay for font discovery."""
    from weasyprint import HTML

    HTML(string='<p style="font-family: \'DejaVu Serif\'">a <b>b</b> <span style="font-family: '
                '\'DejaVu Sans\'">c</span></p>').render()
