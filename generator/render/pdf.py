"""The print PDF, via WeasyPrint, from the print rendering of the report.

Page size, running header, "page N of M", the short disclaimer on every page
and bookmarks come from the print stylesheet (templates/report.css); title,
author and date from the <title> and <meta> tags.
"""

from __future__ import annotations

import logging
from pathlib import Path


def write_pdf(html: str, base_dir: Path, target: Path) -> None:
    from weasyprint import HTML

    # WeasyPrint logs every unsupported CSS property at WARNING; those are ours to fix
    # at design time, not a reader's business at build time.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(base_dir)).write_pdf(target)


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the report's fonts, so the first real
    document does not pay for font discovery."""
    from weasyprint import HTML

    HTML(string='<p style="font-family: \'DejaVu Serif\'">a <b>b</b> <span style="font-family: '
                '\'DejaVu Sans\'">c</span></p>').render()
