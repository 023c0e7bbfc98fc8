"""End to end: `build_issue` and the files it writes, on sample and real data."""

import csv
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.errors import DataError
from generator.pipeline import build_issue


@pytest.fixture(scope="module")
def sample_issue(built_issue) -> Path:
    return built_issue()


@pytest.fixture(scope="module")
def real_issue(built_issue, market_dir) -> Path:
    return built_issue(date(2024, 7, 12), source="csv")


def _pdf_text(folder: Path) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(folder / "report.pdf")
    return reader, [page.extract_text() for page in reader.pages]


def test_issue_folder_contents(sample_issue):
    assert sample_issue.name == "2025-10-31"
    names = {p.relative_to(sample_issue).as_posix() for p in sample_issue.rglob("*")}
    for chart in ("ratio_history", "period_returns", "breadth_history", "relative_momentum", "breakouts", "rates",
                  "sector_bars", "sector_quadrant", "credit_quality", "risk_panel"):
        assert f"charts/{chart}.svg" in names and f"charts/{chart}.png" in names
    assert {"report.html", "report.pdf", "metrics.json"} <= names
    assert not [n for n in sample_issue.parent.iterdir() if n.name.startswith(".")]  # no staging left behind


def test_sample_is_flagged_everywhere(sample_issue):
    doc = json.loads((sample_issue / "metrics.json").read_text())
    assert doc["source"] == "sample"
    assert "SAMPLE DATA - not market data" in (sample_issue / "report.html").read_text()
    _, pages = _pdf_text(sample_issue)
    assert all("SAMPLE DATA - not market data" in text for text in pages)  # running header on every page


def test_html_is_self_contained(sample_issue):
    html = (sample_issue / "report.html").read_text()
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)
    # The email's phone versions and the share card sit beside the charts: not part of the report.
    charts = len([p for p in (sample_issue / "charts").glob("*.png") if p.name.count(".") == 1 and p.stem != "social"])
    assert charts == 11  # the sample has every input (its breadth universe too), so every chart is drawn
    assert len(sources) == charts and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r'(href|src)="(https?:)?//', html)
    alts = re.findall(r'<img[^>]*\salt="([^"]*)"', html)
    assert len(alts) == charts and all(len(a) > 40 for a in alts)


def test_pdf_is_a_print_document(sample_issue, settings):
    reader, pages = _pdf_text(sample_issue)
    n = len(pages)
    assert 3 <= n <= 12
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert "General commentary, not personalised advice" in text  # short disclaimer on every page
    assert "Week ending October 31, 2025" in pages[1]  # running header from page 2
    last = pages[-1]
    for field in ("publisher_disclaimer", "risk_statement"):
        assert getattr(settings.disclosures, field)[:40] in " ".join(last.split())
    meta = reader.metadata
    assert meta.title.startswith(settings.branding.title)
    assert meta.author == settings.branding.author
    assert meta.get("/CreationDate", "").startswith("D:20251031")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("Positioning" in t for t in _flatten(reader.outline))
    assert outline  # bookmarks from headings


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item.title


def test_letter_page_size(settings, tmp_path):
    letter = settings.model_copy(update={"output": settings.output.model_copy(update={"page_size": "Letter"})})
    folder = build_issue(letter, source="sample", out_dir=tmp_path).folder
    box = PdfReader(folder / "report.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_builds_are_deterministic(settings, sample_issue, tmp_path):
    again = build_issue(settings, source="sample", out_dir=tmp_path).folder
    for name in ("metrics.json", "report.html", "charts/ratio_history.svg"):
        assert (again / name).read_bytes() == (sample_issue / name).read_bytes(), name


def _independent_close(path: Path, column: str, day: str) -> float:
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Date"] == day:
                return float(row[column])
    raise AssertionError(f"{day} not in {path}")


def test_real_week_of_july_12_2024(real_issue, market_dir):
    doc = json.loads((real_issue / "metrics.json").read_text())
    assert doc["as_of"] == "2024-07-12" and doc["source"] == "csv"
    for ticker in ("IWM", "SPY"):
        expected = (_independent_close(market_dir / f"{ticker}.csv", "Adj Close", "2024-07-12")
                    / _independent_close(market_dir / f"{ticker}.csv", "Adj Close", "2024-07-05") - 1)
        assert doc["returns"][ticker]["1w"] == pytest.approx(expected, rel=1e-9)
    assert doc["returns"]["IWM"]["1w"] == pytest.approx(0.06, abs=0.005)  # the July 2024 rotation week
    # The ratio's all-time high, found independently by scanning both files.
    best = (0.0, "")
    with (market_dir / "IWM.csv").open() as f1, (market_dir / "SPY.csv").open() as f2:
        spy = {r["Date"]: float(r["Adj Close"]) for r in csv.DictReader(f2) if r["Date"] <= "2024-07-12"}
        for r in csv.DictReader(f1):
            if r["Date"] in spy and float(r["Adj Close"]) / spy[r["Date"]] > best[0]:
                best = (float(r["Adj Close"]) / spy[r["Date"]], r["Date"])
    assert doc["ratio"]["peak_date"] == best[1] == "2011-04-05"
    assert doc["ratio"]["peak_value"] == pytest.approx(best[0], rel=1e-9)
    assert doc["reference_high"]["high_date"] == "2021-11-08"
    assert doc["reference_high"]["high"] == pytest.approx(242.56, abs=0.005)


def test_no_data_after_as_of_is_used(settings, market_dir, real_issue, tmp_path):
    truncated = tmp_path / "truncated"
    truncated.mkdir()
    for src in market_dir.glob("*.csv"):
        lines = src.read_text().splitlines(keepends=True)
        kept = [lines[0]] + [line for line in lines[1:] if line[:10] <= "2024-07-12"]
        (truncated / src.name).write_text("".join(kept))
    again = build_issue(settings, source="csv", data_dir=truncated, as_of=date(2024, 7, 12), out_dir=tmp_path / "o")
    full = json.loads((real_issue / "metrics.json").read_text())
    cut = json.loads((again.folder / "metrics.json").read_text())
    full["provenance"].pop("description"), cut["provenance"].pop("description")
    assert full == cut


def test_good_friday_real_data(settings, market_dir, tmp_path):
    built = build_issue(settings, source="csv", data_dir=market_dir, as_of=date(2021, 4, 2), out_dir=tmp_path)
    assert built.folder.name == "2021-04-01"


def test_alternative_pair(settings, market_dir, tmp_path):
    pair = settings.pair.model_copy(update={"small": "^RUT", "large": "^GSPC", "small_name": "the Russell 2000",
                                            "large_name": "the S&P 500"})
    built = build_issue(settings.model_copy(update={"pair": pair}), source="csv", data_dir=market_dir,
                        as_of=date(2024, 7, 12), out_dir=tmp_path)
    doc = json.loads((built.folder / "metrics.json").read_text())
    assert doc["pair"] == {"small": "^RUT", "large": "^GSPC", "small_name": "the Russell 2000",
                           "large_name": "the S&P 500"}
    assert doc["ratio"]["peak_date"] == "2014-03-04"  # the price-index ratio peaks later (see PROVENANCE.md)


def test_bad_data_leaves_previous_issue_intact(settings, tmp_path, sample_issue):
    out = tmp_path / "reports"
    good = out / sample_issue.name
    shutil.copytree(sample_issue, good)  # an issue already built
    before = {p.name: p.read_bytes() for p in good.iterdir() if p.is_file()}
    data = tmp_path / "data"
    data.mkdir()
    (data / "IWM.csv").write_text("Date,Adj Close\n2025-10-30,10\n2025-10-31,-1\n")
    (data / "SPY.csv").write_text("Date,Adj Close\n2025-10-30,10\n2025-10-31,11\n")
    with pytest.raises(DataError, match="IWM.csv: line 3: non-positive adj_close"):
        build_issue(settings, source="csv", data_dir=data, out_dir=out)
    assert {p.name: p.read_bytes() for p in good.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == ["2025-10-31"]


def test_failure_while_writing_leaves_no_partial_folder(settings, tmp_path, monkeypatch):
    import generator.render.pdf as pdf

    def broken_pdf(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf, "write_pdf", broken_pdf)  # the PDF is written last, in this process or the printer's
    with pytest.raises(RuntimeError):
        build_issue(settings, source="sample", out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_pair_only_folder_builds_and_says_what_is_missing(settings, market_dir, tmp_path):
    pair_only = tmp_path / "pair"
    pair_only.mkdir()
    for ticker in ("IWM", "SPY"):
        (pair_only / f"{ticker}.csv").write_bytes((market_dir / f"{ticker}.csv").read_bytes())
    built = build_issue(settings, source="csv", data_dir=pair_only, as_of=date(2024, 7, 12), out_dir=tmp_path / "o")
    html = (built.folder / "report.html").read_text()
    for sentence in ("Yield data is not in this week's data set", "Sector data is not in this week's data set",
                     "Short-rate data is not in this week's data set", "Credit and quality data are not",
                     "Volatility and currency data are not"):
        assert sentence in html
    # a data set that never held single-stock prices is a standing gap: the about page says it once, not every issue;
    # the writer is still warned at build time
    assert "single-stock prices" not in html and any(g.section == "breadth" and g.standing for g in built.gaps)
    charts = sorted(p.stem for p in (built.folder / "charts").glob("*.svg"))
    assert charts == ["breakouts", "period_returns", "ratio_history", "relative_momentum", "track_record"]  # pair only
    doc = json.loads((built.folder / "metrics.json").read_text())
    assert doc["breadth"] is None and doc["sectors"] == {} and "^TNX" in doc["provenance"]["missing"]


HEADINGS = ("The gap between small and large", "The reason: the price of money", "The long view",
            "The sector lens", "Is higher-for-longer over?", "Distressed names and junk", "The risks",
            "Positioning for long-term investors", "Disclosures")


def _body_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith(("General commentary", "at the end.", "Page "))
            and not re.fullmatch(r"No\. \d+ \u00b7 Page \d+ of \d+", line.strip())]  # the footer with the number


@pytest.mark.parametrize("which", ["sample", "real"])
def test_no_heading_is_left_alone_at_the_foot_of_a_page(which, request):
    folder = request.getfixturevalue(f"{which}_issue")
    _, pages = _pdf_text(folder)
    assert len(pages) < 12
    for number, text in enumerate(pages, start=1):
        lines = _body_lines(text)
        assert lines and not lines[-1].startswith(HEADINGS), f"page {number} ends with a heading: {lines[-1]}"
    joined = " ".join(" ".join(_body_lines(t)) for t in pages)
    for heading in HEADINGS:
        assert heading in joined


def test_last_weeks_headline_is_read_from_its_issue_not_computed_again(settings, tmp_path, monkeypatch):
    """Issue 24: a build needs last week's headline only to avoid repeating it; with last week's issue in the
    reports folder it reads that issue's metrics.json instead of computing the week's metrics and words again
    (~0.25 s a build). An issue from other data (a sample issue beside a real week) is not taken."""
    import generator.metrics
    from generator.pipeline import published_headline
    from tests.conftest import rotating

    settings = rotating(settings)
    last = build_issue(settings, source="sample", as_of=date(2025, 10, 24), out_dir=tmp_path)
    told = json.loads((last.folder / "metrics.json").read_text())["headline"]
    computed = []
    real = generator.metrics.compute_metrics
    monkeypatch.setattr(generator.metrics, "compute_metrics",
                        lambda market, s, session: computed.append(session) or real(market, s, session))
    this = build_issue(settings, source="sample", as_of=date(2025, 10, 31), out_dir=tmp_path)
    assert computed == []
    assert json.loads((this.folder / "metrics.json").read_text())["headline"] != told
    assert published_headline(tmp_path, date(2025, 10, 24), "sample") == told
    assert published_headline(tmp_path, date(2025, 10, 24), "csv") is None
    assert published_headline(tmp_path, date(2025, 10, 17), "sample") is None
