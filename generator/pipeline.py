"""build_issue: the one orchestrator, read top to bottom like a table of contents.

    prices -> the week's session -> metrics -> commentary -> charts
           -> report context -> metrics.json, report.html, report.pdf

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
from pathlib import Path

import pandas as pd

from generator.coverage import data_gaps
from generator.charts import CHARTS, ChartOutput, draw_charts, draw_phone_charts
from generator.commentary.words import previous_headline, write_words
from generator.data import MarketData, cut_at, load_prices
from generator.errors import DataError
from generator.metrics import compute_metrics
from generator.commentary.factcheck import flags_document, review_text
from generator.metrics.document import dump_metrics
from generator.metrics.stance import issue_table
from generator.metrics.periods import resolve_session
from generator.notes import load_note
from generator.parallel import helper
from generator.render.context import (ChartView, build_context, data_uri, phone_data_uri, phone_png, png_size,
                                       relative_src)
from generator.render.email import render_email
from generator.render.email import note_image_cid
from generator.render.environment import builtin_templates_dir, make_environment
from generator.render.html import render_html
from generator.render.pdf import FetchPolicy, write_pdf
from generator.render.printer import Printer
from generator.writer import staged_folder, write_text
from generator.settings import Settings

# An optional ticker whose last session is this much older than the issue's is
# treated as unavailable for the week rather than quoted stale.
# Drawn by the helper process in a parallel build: about half the chart work.
HELPER_CHARTS = ("breadth_history", "sector_bars", "sector_quadrant", "credit_quality", "risk_panel")


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
    """Build one issue. Given a `printer` (generator.render.printer), the PDF is written in
    that process while this one makes the PNG charts, HTML and email; the files are the
    same either way."""
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
    before = previous_headline(full_market, settings, env, session, calls=calls,
                               published=lambda day: published_headline(out, day, market.source))
    commentary, words, doc = write_words(metrics, market, settings, env, note=note, previous_headline=before)
    clock.lap("metrics")

    with staged_folder(out, metrics.as_of.isoformat()) as folder:
        try:
            copy_note_images(note, folder)
            policy = fetch_policy(settings, folder)
            number = _number(settings, metrics.as_of, out, market.source)  # one read of the published numbers
            charts = folder / "charts"
            if printer is None:
                specs = draw_charts(metrics, market, settings, ChartOutput(charts))
                clock.lap("charts")
                print_html = _print_html(settings, env, market, metrics, commentary, words, note, specs, folder, number)
                draw_phone_charts(metrics, market, settings, charts)
                clock.lap("phone charts")
            else:
                # Both cores: the SVG charts are split with a forked helper, so the printer process can start
                # the PDF sooner. Then, while the helper draws its PNGs, this process draws its charts' phone
                # versions (PNG only); then its own PNGs while the helper draws its phone versions.
                import matplotlib.pyplot  # noqa: F401 - imported once, before the fork

                mine, theirs = ChartOutput(charts, defer_png=True), ChartOutput(charts, defer_png=True)
                own = [c for c in CHARTS if c not in HELPER_CHARTS]
                def their_phones():
                    return draw_phone_charts(metrics, market, settings, charts, HELPER_CHARTS)

                with helper(lambda: draw_charts(metrics, market, settings, theirs, HELPER_CHARTS),
                            theirs.finish, their_phones) as other:
                    specs = draw_charts(metrics, market, settings, mine, own)
                    specs = tuple(sorted(specs + other.next(), key=lambda s: CHARTS.index(s.id)))
                    clock.lap("charts svg")
                    printer.submit(_print_html(settings, env, market, metrics, commentary, words, note, specs, folder, number),
                                   folder, folder / "report.pdf", policy)
                    draw_phone_charts(metrics, market, settings, charts, own)  # while the helper draws PNGs
                    clock.lap("phone charts")
                    other.next()
                    mine.finish()
                    other.next()
                clock.lap("charts png")
            write_screen_editions(settings, env, market, metrics, commentary, words, doc, note, specs, folder, number)
            clock.lap("html+email")
            if printer is None:
                write_pdf(print_html, folder, folder / "report.pdf", policy)
                clock.lap("pdf")
            else:
                clock.stages.update(printer.result())
                clock.lap("pdf wait")
        except BaseException:
            if printer is not None:
                printer.stop()  # before the staging folder is removed
            raise
    return BuiltIssue(out / metrics.as_of.isoformat(), metrics.as_of, market.source, clock.stages, market.notes,
                      words.open_flags, data_gaps(words.rendered, settings, doc))


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


def _print_html(settings: Settings, env, market: MarketData, metrics, commentary, words, note, specs, folder: Path,
                number: int | None) -> str:
    """The report rendered for print, its charts as the SVG files in the issue folder."""
    printed = build_context(settings, market, metrics, commentary, words,
                            {s.id: ChartView(s.id, relative_src(s, folder, "svg"), s.alt, s.caption) for s in specs},
                            note.with_images(lambda name: f"notes/{name}"), number=number)
    return render_html(env, printed, medium="print")


def _number(settings: Settings, as_of: date, reports: Path, source: str) -> int | None:
    """The issue number the build prints: the recorded or next publication number (generator.publish.numbers);
    `reports` is the folder the issue is built into."""
    from generator.publish.numbers import build_number

    return build_number(as_of, settings.site.first_issue, settings.resolve(settings.site.dir) / "issues",
                        None if source == "sample" else reports)   # a sample build is never published


def write_site_card(context, headline: str, folder: Path) -> None:
    """site.json (what the archive, the feed and share cards say of the issue) and its 1200x630 share image."""
    import json

    from generator.charts.social import draw_social_card
    from generator.render.email import preheader
    from generator.formats import longdate
    from markupsafe import Markup

    striptags = lambda m: Markup(m).striptags()

    number = f"No. {context.issue_number} \u00b7 " if context.issue_number else ""
    draw_social_card(context.m, title=context.title, headline=headline, sample=context.is_sample,
                     issue_line=f"{number}Week ending {longdate(context.as_of)}",
                     target=folder / "charts" / "social.png")
    standfirst = "" if "lede" in context.w.overridden else " ".join(striptags(context.w.standfirst).split())
    brief = [] if "lede" in context.w.overridden else [" ".join(striptags(line).split()) for line in context.w.brief]
    card = {"headline": headline, "excerpt": preheader(context), "standfirst": standfirst, "brief": brief,
            "issue_number": context.issue_number,
            "image": "charts/social.png", "data_source": context.data_source}
    write_text(folder / "site.json", json.dumps(card, indent=1, ensure_ascii=False) + "\n")


def write_screen_editions(settings: Settings, env, market: MarketData, metrics, commentary, words, doc, note, specs,
                          folder: Path, number: int | None) -> None:
    """metrics.json (with the fact-check), review.txt, the self-contained report.html, the site page and
    the email edition."""
    doc = {**doc, "headline": note.headline or words.headline,
           "fact_check": flags_document(list(words.flags), words.overridden)}
    write_text(folder / "metrics.json", dump_metrics(doc))
    write_text(folder / "review.txt", review_text(words, metrics.as_of))
    screen = build_context(settings, market, metrics, commentary, words,
                           {s.id: ChartView(s.id, data_uri(s), s.alt, s.caption, phone_data_uri(s), size=png_size(s.png))
                            for s in specs},
                           note.with_images(_note_data_uri(folder, note)),  # self-contained, like its charts
                           number=number)
    write_text(folder / "report.html", render_html(env, screen, medium="screen"))
    phone = {s.id: phone_png(s) for s in specs}
    phone_src = lambda s: phone[s.id] and phone[s.id].relative_to(folder).as_posix()  # noqa: E731
    site_page = replace(screen, charts={s.id: ChartView(s.id, relative_src(s, folder, "png"), s.alt, s.caption,
                                                        phone_src(s), size=png_size(s.png),
                                                        full_href=relative_src(s, folder, "png")) for s in specs},
                        note=note.with_images(lambda name: f"notes/{name}"))
    write_text(folder / "site.html", render_html(env, site_page, medium="screen", template="site/issue.html"))
    write_site_card(screen, doc["headline"], folder)
    base_url = settings.site.base_url
    emailed = replace(screen, note=note.with_images(
        (lambda name: f"{base_url}issues/{metrics.as_of.isoformat()}/notes/{name}") if base_url
        else (lambda name: f"cid:{note_image_cid(name)}")))  # hosted on the site, or attached by `send`
    subject, email_html, email_text = render_email(env, emailed, base_url)
    write_text(folder / "email.html", email_html)
    write_text(folder / "email.txt", email_text)
    write_text(folder / "email-subject.txt", subject + "\n")
