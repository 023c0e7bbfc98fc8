"""build_issue: the one orchestrator, read top to bottom like a table of contents.

    prices -> the week's session -> metrics -> commentary (words, fact-check)
           -> charts (draw_all_charts) -> report.pdf (printed as soon as the SVGs exist)
           -> EDITIONS: metrics.json, review.txt, report.html, the site page, the email

Each stage's result is passed explicitly to the next; all files are written
into a staging folder that replaces `<out>/<as_of>/` only when complete.
"""

from __future__ import annotations

import base64
import json
import shutil
import time
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from generator.charts import CHARTS, ChartOutput, draw_charts, draw_phone_charts
from generator.charts.social import draw_social_card
from generator.commentary.factcheck import flags_document, review_text
from generator.commentary.words import previous_headline, write_words
from generator.coverage import data_gaps
from generator.data import MarketData, cut_at, load_prices
from generator.errors import DataError
from generator.formats import longdate
from generator.metrics import compute_metrics
from generator.metrics.document import dump_metrics
from generator.metrics.periods import resolve_session
from generator.metrics.stance import issue_table
from generator.notes import load_note
from generator.parallel import helper, inline
from generator.publish.numbers import build_number
from generator.render.context import (ChartView, build_context, data_uri, phone_data_uri, phone_png, png_size,
                                      relative_src)
from generator.render.email import note_image_cid, preheader, render_email
from generator.render.environment import builtin_templates_dir, make_environment
from generator.render.html import render_html
from generator.render.pdf import FetchPolicy
from generator.render.printer import InlinePrinter, Printer
from generator.settings import Settings
from generator.writer import staged_folder, write_text

# Drawn by the helper process in a parallel build: a little over half the SVG work (this process writes the words
# meanwhile), their PNGs (drawn from the same figures), and the phone versions of some, so that both processes
# have about the same work after the SVGs.
HELPER_CHARTS = ("breadth_history", "breakouts", "sector_bars", "sector_quadrant", "credit_quality", "risk_panel",
                 "track_record")
HELPER_PHONE_CHARTS = ("breadth_history", "breakouts", "sector_bars", "credit_quality", "track_record")


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = now - self._last
        self._last = now


@dataclass(frozen=True)
class BuiltIssue:
    folder: Path
    as_of: date
    source: str
    timings: dict[str, float]
    notes: tuple[str, ...] = ()
    open_flags: tuple = ()  # fact-check flags not overridden by the editor's note (generator.commentary.factcheck)
    gaps: tuple = ()        # sections readers will see without data (generator.coverage.Gap)


def pick_session(market: MarketData, settings: Settings, as_of: date | None) -> pd.Timestamp:
    small, large = settings.pair.small, settings.pair.large
    common = market[small].frame.index.intersection(market[large].frame.index)
    session = resolve_session(common, as_of, f"{small}/{large}")
    expected = market.expected_session
    # Live data must reach the last completed session unless an earlier week was asked for.
    if expected and (as_of is None or as_of >= expected) and session.date() < expected:
        raise DataError(f"{small}/{large}: stale data, last bar {session.date()} but the last completed "
                        f"session is {expected}",
                        f"run `capweekly data update`, or pass --as-of {session.date()} to build that week")
    return session


def published_headline(reports: Path, day: date, source: str) -> str | None:
    """The headline the issue of `day` printed, from its metrics.json in the reports folder, when it was built
    from the same kind of data (a sample issue's headline says nothing about a real week); None otherwise."""
    try:
        doc = json.loads((reports / day.isoformat() / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    headline = doc.get("headline") if isinstance(doc, dict) else None
    return headline if doc.get("source") == source and isinstance(headline, str) and headline.strip() else None


def build_issue(settings: Settings, *, source: str | None = None, data_dir: str | Path | None = None,
                as_of: date | None = None, out_dir: str | Path | None = None, offline: bool = False,
                market: MarketData | None = None, printer: Printer | None = None) -> BuiltIssue:
    """Build one issue. Given a `printer` (generator.render.printer), the PDF is written in that process and a
    forked helper draws half the charts, so the build uses two cores; without one, the same steps run here in
    the same order. The files are the same either way."""
    clock = Timings()
    if market is None:
        market = load_prices(settings, source, data_dir, offline=offline)
    clock.lap("load")
    session = pick_session(market, settings, as_of)
    full_market, market = market, cut_at(market, session)
    calls = issue_table(full_market, market, settings, session)  # the stance's weekly calls, for both weeks' metrics
    metrics = compute_metrics(market, settings, session, calls)
    note = load_note(settings.resolve(settings.notes_dir) if settings.notes_dir else None, metrics.as_of,
                     settings.notes.allowed_image_hosts)
    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    out = Path(out_dir) if out_dir is not None else settings.resolve(settings.output.dir)
    clock.lap("metrics")

    two_cores = printer is not None
    pdf = printer if printer is not None else InlinePrinter()
    with staged_folder(out, metrics.as_of.isoformat()) as folder:
        try:
            copy_note_images(note, folder)
            number = _number(settings, metrics.as_of, out, market.source)  # one read of the published numbers

            def write_the_words() -> Issue:  # the charts need only the metrics: the words are written meanwhile
                before = previous_headline(full_market, settings, env, session, calls=calls,
                                           published=lambda day: published_headline(out, day, market.source))
                commentary, words, doc = write_words(metrics, market, settings, env, note=note,
                                                     previous_headline=before)
                clock.lap("words")
                return Issue(settings, env, market, metrics, commentary, words, doc, note, folder, number)

            def print_when_drawn(issue: Issue, specs: tuple) -> None:  # the PDF needs only the SVGs: start it
                pdf.submit(_print_html(issue, specs), folder, folder / "report.pdf", fetch_policy(settings, folder))

            issue = draw_all_charts(metrics, market, settings, folder / "charts", two_cores, clock,
                                    write_the_words, print_when_drawn)
            for edition in EDITIONS:
                edition(issue)
            clock.lap("html+email")
            clock.stages.update(pdf.result())
            clock.lap("pdf wait" if two_cores else "pdf")
        except BaseException:
            pdf.stop()  # before the staging folder is removed
            raise
    return BuiltIssue(out / metrics.as_of.isoformat(), metrics.as_of, market.source, clock.stages, market.notes,
                      issue.words.open_flags, data_gaps(issue.words.rendered, settings, issue.doc))


def draw_all_charts(metrics, market: MarketData, settings: Settings, charts: Path, two_cores: bool, clock: Timings,
                    write_the_words: Callable[[], Issue], svgs_drawn: Callable[[Issue, tuple], None]) -> Issue:
    """Every chart as SVG, PNG and phone PNG, in an order that keeps two cores busy when there are two, and the
    issue (its words written by `write_the_words` while the charts are drawn), its charts in `specs`.

    The PDF is the longest step and needs the SVGs and the words: a forked helper draws its share of the SVGs
    while this process writes the words and then draws its own; both are handed to `svgs_drawn` so the PDF can
    start. Then each process draws its figures' PNGs and its share of the phone versions. On one core the
    helper's steps run here, in the same order."""
    if two_cores:
        import matplotlib.pyplot  # noqa: F401 - imported once, before the fork

    mine, theirs = ChartOutput(charts, defer_png=True), ChartOutput(charts, defer_png=True)
    own = [c for c in CHARTS if c not in HELPER_CHARTS]
    own_phone = [c for c in CHARTS if c not in HELPER_PHONE_CHARTS]

    def their_pngs() -> None:
        theirs.finish()
        draw_phone_charts(metrics, market, settings, charts, HELPER_PHONE_CHARTS)

    with (helper if two_cores else inline)(
            lambda: draw_charts(metrics, market, settings, theirs, HELPER_CHARTS), their_pngs) as other:
        issue = write_the_words()
        specs = draw_charts(metrics, market, settings, mine, own)
        issue.specs = tuple(sorted(specs + other.next(), key=lambda s: CHARTS.index(s.id)))
        clock.lap("charts svg")
        svgs_drawn(issue, issue.specs)
        mine.finish()
        draw_phone_charts(metrics, market, settings, charts, own_phone)
        clock.lap("charts png")
        other.next()
        clock.lap("helper pngs")
    return issue


def fetch_policy(settings: Settings, folder: Path) -> FetchPolicy:
    """What the PDF renderer may read: the issue folder, the packaged templates, the user's templates folder,
    and hosts the user allowed for note images; nothing else (generator.render.pdf)."""
    roots = [folder, builtin_templates_dir()]
    if settings.templates_dir:
        roots.append(settings.resolve(settings.templates_dir))
    return FetchPolicy(roots, settings.notes.allowed_image_hosts)


def copy_note_images(note, folder: Path) -> None:
    """The note's local images, copied into the issue's notes/ folder (every edition shows these copies)."""
    if not note.images:
        return
    (folder / "notes").mkdir()
    for image in note.images:
        shutil.copyfile(image.source, folder / "notes" / image.name)


def _note_data_uri(folder: Path, note):
    subtypes = {i.name: i.subtype for i in note.images}
    return lambda name: (f"data:image/{subtypes[name]};base64,"
                         + base64.b64encode((folder / "notes" / name).read_bytes()).decode("ascii"))


def _print_html(issue: Issue, specs: tuple) -> str:
    """The report rendered for print, its charts as the SVG files in the issue folder."""
    folder = issue.folder
    printed = build_context(issue.settings, issue.market, issue.metrics, issue.commentary, issue.words,
                            {s.id: ChartView(s.id, relative_src(s, folder, "svg"), s.alt, s.caption) for s in specs},
                            issue.note.with_images(lambda name: f"notes/{name}"), number=issue.number)
    return render_html(issue.env, printed, medium="print")


def _number(settings: Settings, as_of: date, reports: Path, source: str) -> int | None:
    """The issue number the build prints: the recorded or next publication number (generator.publish.numbers);
    `reports` is the folder the issue is built into."""

    return build_number(as_of, settings.site.first_issue, settings.resolve(settings.site.dir) / "issues",
                        None if source == "sample" else reports)   # a sample build is never published


@dataclass
class Issue:
    """One week's issue as the editions see it: what was computed, where it goes, and (once drawn) its charts."""
    settings: Settings
    env: Environment
    market: MarketData
    metrics: Any
    commentary: Any
    words: Any
    doc: dict
    note: Any
    folder: Path
    number: int | None
    specs: tuple = ()

    @cached_property
    def screen(self):
        """The report's context for screens: charts as data URIs, note images inline (self-contained)."""
        s = self
        return build_context(s.settings, s.market, s.metrics, s.commentary, s.words,
                             {c.id: ChartView(c.id, data_uri(c), c.alt, c.caption, phone_data_uri(c),
                                              size=png_size(c.png)) for c in s.specs},
                             s.note.with_images(_note_data_uri(s.folder, s.note)), number=s.number)

    @property
    def headline(self) -> str:
        return self.note.headline or self.words.headline


def write_metrics_json(issue: Issue) -> None:
    """metrics.json: every figure, the ranking behind the headline and the fact-check (docs/metrics.md)."""
    doc = {**issue.doc, "headline": issue.headline,
           "fact_check": flags_document(list(issue.words.flags), issue.words.overridden)}
    write_text(issue.folder / "metrics.json", dump_metrics(doc))


def write_review(issue: Issue) -> None:
    """review.txt: the fact-check's flags and overrides, for the writer."""
    write_text(issue.folder / "review.txt", review_text(issue.words, issue.metrics.as_of))


def write_report_html(issue: Issue) -> None:
    """report.html: the self-contained web edition (charts and note images inline)."""
    write_text(issue.folder / "report.html", render_html(issue.env, issue.screen, medium="screen"))


def write_site_page(issue: Issue) -> None:
    """site.html (the page the static site publishes, charts as files with phone versions), site.json (what the
    archive, the feed and share cards say of the issue) and its 1200x630 share image."""
    folder, screen = issue.folder, issue.screen
    phone = {s.id: phone_png(s) for s in issue.specs}
    phone_src = lambda s: phone[s.id] and phone[s.id].relative_to(folder).as_posix()  # noqa: E731
    page = replace(screen, charts={s.id: ChartView(s.id, relative_src(s, folder, "png"), s.alt, s.caption,
                                                   phone_src(s), size=png_size(s.png),
                                                   full_href=relative_src(s, folder, "png")) for s in issue.specs},
                   note=issue.note.with_images(lambda name: f"notes/{name}"))
    write_text(folder / "site.html", render_html(issue.env, page, medium="screen", template="site/issue.html"))
    number = f"No. {screen.issue_number} \u00b7 " if screen.issue_number else ""
    draw_social_card(screen.m, title=screen.title, headline=issue.headline, sample=screen.is_sample,
                     issue_line=f"{number}Week ending {longdate(screen.as_of)}",
                     target=folder / "charts" / "social.png")
    told = "lede" not in screen.w.overridden
    card = {"headline": issue.headline, "excerpt": preheader(screen),
            "standfirst": " ".join(Markup(screen.w.standfirst).striptags().split()) if told else "",
            "brief": [" ".join(Markup(line).striptags().split()) for line in screen.w.brief] if told else [],
            "issue_number": screen.issue_number, "image": "charts/social.png", "data_source": screen.data_source}
    write_text(folder / "site.json", json.dumps(card, indent=1, ensure_ascii=False) + "\n")


def write_email(issue: Issue) -> None:
    """email.html, email.txt and email-subject.txt; note images hosted on the site, or attached by `send`."""
    base_url, as_of = issue.settings.site.base_url, issue.metrics.as_of.isoformat()
    emailed = replace(issue.screen, note=issue.note.with_images(
        (lambda name: f"{base_url}issues/{as_of}/notes/{name}") if base_url
        else (lambda name: f"cid:{note_image_cid(name)}")))
    subject, email_html, email_text = render_email(issue.env, emailed, base_url)
    write_text(issue.folder / "email.html", email_html)
    write_text(issue.folder / "email.txt", email_text)
    write_text(issue.folder / "email-subject.txt", subject + "\n")


# The issue's files, once its charts are drawn (draw_all_charts: charts/*.svg, *.png, phone PNGs), in the order
# they are written. report.pdf is printed beside them (build_issue: _print_html, then the printer).
EDITIONS: tuple[Callable[[Issue], None], ...] = (
    write_metrics_json,
    write_review,
    write_report_html,
    write_site_page,
    write_email,
)
