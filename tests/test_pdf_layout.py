"""The print PDF flows: over several real weeks no page before the last is left much emptier than two-thirds,
measured as ink on the rendered page (pdftoppm), not as the layout engine's idea of its boxes."""

import re
import shutil
import subprocess
from datetime import date

import numpy as np
import pytest


WEEKS = (date(2016, 11, 11), date(2020, 3, 20), date(2024, 7, 12))
THRESHOLD = 0.7  # share of the content height, top margin to footer, that ink reaches
A4_MM, TOP_MM, BOTTOM_MM = 297, 20, 22  # templates/report.css @page margins


def ink_fill(pdf, dpi: int = 40) -> list[float]:
    """Per page: how far down the content area the lowest ink reaches (0 = empty, 1 = to the footer)."""
    from PIL import Image

    out = pdf.parent / "fill"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(out)], check=True)
    fills = []
    for page in sorted(pdf.parent.glob("fill-*.pgm"), key=lambda p: int(p.stem.split("-")[-1])):
        pixels = np.asarray(Image.open(page))
        height = pixels.shape[0]
        top, bottom = round(height * TOP_MM / A4_MM), round(height * (A4_MM - BOTTOM_MM) / A4_MM) - 1
        rows = np.where((pixels[top:bottom] < 200).any(axis=1))[0]
        fills.append(float((rows.max() + 1) / (bottom - top)) if len(rows) else 0.0)
        page.unlink()
    return fills


@pytest.fixture(scope="module")
def real_pdfs(built_issue, market_dir, tmp_path_factory):
    """Each week's PDF, copied out of the shared built issue: `ink_fill` renders its pages beside it."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdfs = {}
    for day in WEEKS:
        pdfs[day] = tmp_path_factory.mktemp(f"pdf-{day}") / "report.pdf"
        shutil.copyfile(built_issue(day, source="csv") / "report.pdf", pdfs[day])
    return pdfs


# Weeks known to leave a page too empty (strict xfail, so a fix shows). 2024-07-12 was one (page 4 at 69%, the sector
# lens's heading and chart opening page 5); the shorter text of stop 32 fills page 4 again.
THIN_PAGE: set[date] = set()


@pytest.mark.parametrize("day", [pytest.param(d, marks=pytest.mark.xfail(strict=True, reason="page 4 at 69%: see "
                                                                           "THIN_PAGE")) if d in THIN_PAGE else d
                                 for d in WEEKS], ids=str)
def test_no_page_before_the_last_is_left_emptier_than_the_threshold(real_pdfs, day):
    fills = ink_fill(real_pdfs[day])
    assert len(fills) >= 2
    thin = [(n, round(f, 2)) for n, f in enumerate(fills[:-1], start=1) if f < THRESHOLD]
    assert not thin, f"{day}: pages under {THRESHOLD:.0%} full: {thin} (all: {[round(f, 2) for f in fills]})"


def test_the_ink_measure_sees_an_empty_page(tmp_path):
    """The measure itself: a page with one line at the top reads nearly empty, a full one nearly full."""
    from weasyprint import HTML

    html = ("<style>@page { size: A4; margin: 20mm 17mm 22mm }</style><p>one line</p>"
            "<p style='break-before: page; height: 250mm; background: #000'></p>")
    pdf = tmp_path / "t.pdf"
    HTML(string=html).write_pdf(pdf)
    first, second = ink_fill(pdf)
    assert first < 0.1 and second > 0.95


def _structure(node, seen=None) -> list:
    """The structure types of a tagged PDF's tree, depth first (pypdf: a test-only dependency)."""
    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        return [t for child in node for t in _structure(child, seen)]
    if not hasattr(node, "get") or id(node) in seen:
        return []
    seen.add(id(node))
    kind = [(str(node["/S"]), node.get("/Alt"))] if "/S" in node else []
    return kind + _structure(node.get("/K", []), seen)


@pytest.mark.parametrize("day", WEEKS, ids=str)
def test_the_pdf_is_tagged_for_screen_readers(real_pdfs, day):
    """A screen reader needs the structure tree: marked content, a language, headings in order, each chart a
    Figure with its alt text, the tables as tables; and the research-note parts are in the text."""
    import pypdf

    reader = pypdf.PdfReader(real_pdfs[day])
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and str(root["/Lang"]).startswith("en")
    kinds = _structure(root["/StructTreeRoot"]["/K"])
    names = [k for k, _ in kinds]
    assert names.count("/H1") == 1 and names.count("/H2") >= 8 and "/Table" in names and "/L" in names
    figures = [alt for k, alt in kinds if k == "/Figure"]
    assert len(figures) >= 8 and all(alt and len(str(alt)) > 20 for alt in figures), figures
    text = "".join(page.extract_text() for page in reader.pages)
    assert "The week in brief".upper() in text.upper() and "The call".upper() in text.upper()
    numbers = [int(n) for n in re.findall(r"Figure (\d+)\.", text)]
    assert numbers == list(range(1, len(figures) + 1))  # every chart numbered, in order
    assert text.count("Source: ") == len(figures)
