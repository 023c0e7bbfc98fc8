"""The report context: everything a template may use, declared in one place.

Each field carries help text (checked by a test), so a writer customising a
template knows what is available without reading code. Templates format these
values; they never compute, sort or fetch.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Mapping

from generator.charts import ChartSpec
from generator.commentary import Commentary
from generator.commentary.words import Words
from generator.data.model import MarketData
from generator.metrics import PERIODS, WeeklyMetrics
from generator.notes import EditorNote
from generator.settings import Settings

PERIOD_LABELS = {"1w": "1 week", "4w": "4 weeks", "13w": "13 weeks", "ytd": "Year to date",
                 "52w": "52 weeks", "3y": "3 years"}


def _help(text: str, **kw):
    return field(metadata={"help": text}, **kw)


@dataclass(frozen=True)
class ChartView:
    id: str
    src: str
    alt: str
    caption: str
    phone_src: str | None = None  # a phone-drawn version (narrower, larger type), where the medium has one
    size: tuple[int, int] | None = None  # the image's pixel width and height: the page keeps its place while it loads
    full_href: str | None = None  # where a phone reader opens the full-size chart, where the medium has one


def png_size(path) -> tuple[int, int] | None:
    """Width and height from a PNG's header (its IHDR chunk), without decoding it."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@dataclass(frozen=True)
class ReturnRow:
    label: str
    small: float | None
    large: float | None
    spread: float | None


@dataclass(frozen=True)
class StanceRun:
    """Consecutive weeks with the same call and false-move risk: one row of the stance history, with the
    range its score moved in."""
    first: date
    last: date
    weeks: int
    label: str
    low: int
    high: int
    risk_level: str


def stance_runs(history) -> tuple[StanceRun, ...]:
    """The stance history newest first, each run of weeks with the same call and risk one row: twelve weeks
    of "Stay with large caps" read as one line, not twelve."""
    runs: list[StanceRun] = []
    for week in reversed(history):
        run = runs[-1] if runs else None
        if run and (run.label, run.risk_level) == (week.label, week.risk_level):
            runs[-1] = StanceRun(week.session, run.last, run.weeks + 1, run.label, min(run.low, week.score),
                                 max(run.high, week.score), run.risk_level)
        else:
            runs.append(StanceRun(week.session, week.session, 1, week.label, week.score, week.score,
                                  week.risk_level))
    return tuple(runs)


@dataclass(frozen=True)
class SectorRow:
    ticker: str
    week: float | None
    month: float | None
    quarter: float | None
    year: float | None


@dataclass(frozen=True)
class ReportContext:
    title: str = _help("Newsletter title (settings branding.title).")
    subtitle: str = _help("Line under the title (settings branding.subtitle), may be empty.")
    author: str = _help("Writer's name for the byline and PDF metadata.")
    editor: str = _help("Editor's name.")
    publisher: str = _help("Publisher's name.")
    postal_address: str = _help("The publisher's postal address (settings branding.postal_address), in the email's "
                                "footer; empty until set, and `send` refuses to send without it.")
    small: str = _help("Small-cap ticker of the pair, e.g. IWM.")
    large: str = _help("Large-cap ticker of the pair, e.g. SPY.")
    small_name: str = _help("How the text names the small-cap side.")
    large_name: str = _help("How the text names the large-cap side.")
    as_of: date = _help("The issue's session: the last trading session of the week covered.")
    week_start: date = _help("Monday of the week covered.")
    source: str = _help("Data source name: sample, csv or yfinance.")
    source_description: str = _help("Where the data came from, as the data layer describes it (may be a local path).")
    data_source: str = _help("Where the data came from in words a reader understands: never a local path.")
    is_sample: bool = _help("True when built from the embedded synthetic sample: show the banner.")
    data_sha256: str = _help("SHA-256 of exactly the data used, for provenance.")
    retrieved_at: str | None = _help("When the data was downloaded (ISO time), if known.")
    page_size: str = _help("PDF page size: A4 or Letter.")
    disclosures: Mapping[str, str] = _help("Disclosure texts from settings, copyright year filled in.")
    m: WeeklyMetrics = _help("All metrics of the week (see generator/metrics).")
    c: Commentary = _help("Declared sentences per section (see generator/commentary).")
    w: Words = _help("The rendered, fact-checked commentary: headline, standfirst, headings and paragraphs "
                     "per section (see generator/commentary/words.py).")
    return_rows: tuple[ReturnRow, ...] = _help("Period returns of small, large and the spread, in display order.")
    momentum_rows: tuple[tuple[str, float | None], ...] = _help("(label, ratio change) per momentum lookback.")
    sector_rows: tuple[SectorRow, ...] = _help("Sector returns relative to the large cap, best 13-week first.")
    charts: Mapping[str, ChartView] = _help("Charts by id, with the image source for this output.")
    missing: tuple[str, ...] = _help("Optional tickers the data did not have (their sections say so).")
    reference_year: int = _help("Year whose highs small caps are compared with (lookbacks.reference_high_year).")
    note: EditorNote = _help("The editor's note for this issue: optional headline and safe HTML per section.")
    subscribe_url: str | None = _help("Where the site's sign-up form posts (web.public_url + subscribe), if set.")
    issue_number: int | None = _help("The issue's number: No. 1 is the first issue published (numbers recorded at "
                                     "publish time), or the week-count from site.first_issue when set; None "
                                     "where not yet known.")
    site_url: str | None = _help("The public site's base URL (site.base_url), if set, ending in '/'.")
    stance_runs: tuple[StanceRun, ...] = _help("The stance history newest first, runs of identical weeks as one "
                                               "row (first and last week, how many).")
    toc: tuple[tuple[str, str], ...] = _help("(section id, short title) of every section, in order, for the contents.")


# Short titles for the table of contents, by section id (the headings themselves are in the section templates).
TOC_TITLES = (("divergence", "The gap"), ("rates", "Rates"), ("long-view", "The long view"), ("sectors", "Sectors"),
              ("policy", "Policy"), ("junk", "Credit"), ("risks", "Risks"), ("positioning", "Positioning"),
              ("disclosures", "Disclosures"))


def reader_source(source: str, description: str) -> str:
    """The data source as a reader would want it named: a CSV folder is the publisher's own files, not a path."""
    if source == "csv":
        return "daily closing prices (adjusted for dividends and splits) from the publisher's price files"
    if source == "sample":
        return "the embedded synthetic sample, not market data"
    return description


def issue_number(as_of: date, first_issue: date | None) -> int | None:
    """No. 1 is the week of `first_issue`; each later week adds one, whatever was published in between."""
    if first_issue is None:
        return None
    monday = lambda d: d - timedelta(days=d.weekday())
    weeks = (monday(as_of) - monday(first_issue)).days // 7
    return weeks + 1 if weeks >= 0 else None


def context_fields_help() -> dict[str, str]:
    return {f.name: f.metadata.get("help", "") for f in fields(ReportContext)}


def data_uri(spec: ChartSpec) -> str:
    return "data:image/png;base64," + base64.b64encode(spec.png.read_bytes()).decode("ascii")


def phone_png(spec: ChartSpec):
    """The chart's phone version (<id>.phone.png beside its PNG), or None where it was not drawn."""
    path = spec.png.with_name(f"{spec.id}.phone.png")
    return path if path.is_file() else None


def phone_data_uri(spec: ChartSpec) -> str | None:
    path = phone_png(spec)
    return None if path is None else "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def relative_src(spec: ChartSpec, folder, kind: str) -> str:
    path = spec.svg if kind == "svg" else spec.png
    return path.relative_to(folder).as_posix()


def build_context(settings: Settings, market: MarketData, m: WeeklyMetrics, c: Commentary, w: Words,
                  charts: Mapping[str, ChartView], note: EditorNote | None = None, *,
                  number: int | None | bool = True) -> ReportContext:
    """`number`: the issue number to print (None: none); left True, the week-count from site.first_issue
    (the build passes the publication number, generator.publish.numbers)."""
    b, d = settings.branding, settings.disclosures
    disclosures = d.model_dump()
    disclosures["copyright"] = d.copyright.replace("{year}", str(m.as_of.year))
    ranked = [t for t, _ in m.sector_ranking]
    return ReportContext(
        title=b.title, subtitle=b.subtitle, author=b.author, editor=b.editor, publisher=b.publisher,
        postal_address=b.postal_address,
        small=m.small, large=m.large, small_name=settings.pair.small_name, large_name=settings.pair.large_name,
        as_of=m.as_of, week_start=m.week_start, source=market.source, source_description=market.description,
        data_source=reader_source(market.source, market.description),
        is_sample=market.source == "sample", data_sha256=market.fingerprint(), retrieved_at=market.retrieved_at,
        page_size=settings.output.page_size, disclosures=disclosures, m=m, c=c, w=w,
        return_rows=tuple(ReturnRow(PERIOD_LABELS[p], m.returns[m.small][p], m.returns[m.large][p], m.spread[p])
                          for p in PERIODS),
        momentum_rows=tuple((k.replace("w", " weeks"), v) for k, v in m.ratio.momentum.items()),
        sector_rows=tuple(SectorRow(t, *(m.relative_to_large[t].get(p) for p in ("1w", "4w", "13w", "52w")))
                          for t in ranked),
        charts=charts,
        missing=tuple(sorted(market.missing)),
        reference_year=settings.lookbacks.reference_high_year,
        note=note or EditorNote(),
        subscribe_url=f"{settings.web.public_url}subscribe" if settings.web.public_url else None,
        issue_number=issue_number(m.as_of, settings.site.first_issue) if number is True else number,
        site_url=settings.site.base_url,
        toc=TOC_TITLES,
        stance_runs=stance_runs(m.stance_history),
    )
