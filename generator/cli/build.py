"""Commands that build issues: build (one week), backfill (a range), factcheck (the words of a range) and
preview (one week, live)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.common import (SETTINGS_OPTION, WAIT_OPTION, expected_errors, hold_lock, info, load_settings_file,
                                  open_printer, parse_date, verbosity)
from generator.errors import CapweeklyError

if TYPE_CHECKING:
    from generator.settings import Settings


@click.command()
@SETTINGS_OPTION
@click.option("--source", type=click.Choice(["sample", "csv", "yfinance"]),
              help="Price source (default: data.source in settings).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of <TICKER>.csv files (csv source).")
@click.option("--as-of", callback=parse_date, metavar="YYYY-MM-DD",
              help="Build the week whose last session is the last one on or before this date.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output folder (default: output.dir).")
@click.option("--offline", is_flag=True, help="yfinance source: use the local cache only, no network.")
@click.option("--timings", is_flag=True, help="Print the time each stage took.")
@expected_errors
def build(settings_path, source, data_dir, as_of, out_dir, offline, timings) -> None:
    """Build one weekly issue: report.html, report.pdf, metrics.json and charts/."""
    settings = load_settings_file(settings_path)  # bad settings stop here, before a printer process is forked and killed
    with open_printer() as printer:  # forked before the imports, so WeasyPrint loads while we import and compute
        from generator.pipeline import build_issue

        built = build_issue(settings, source=source, data_dir=data_dir, as_of=as_of, out_dir=out_dir,
                            offline=offline, printer=printer)
    for warning in build_warnings(settings, built):
        info(f"warning: {warning}")
    if built.source == "sample":
        info("note: built from SAMPLE DATA (synthetic, not market data); never publish it")
    report_flags(built)
    info(build_summary(built.folder, built.gaps))
    if timings or verbosity() >= 2:
        for stage, seconds in built.timings.items():
            click.echo(f"{stage:>12}: {seconds * 1000:7.0f} ms", err=True)
    click.echo(str(built.folder))


def build_warnings(settings: Settings, built) -> list[str]:
    """Everything a build warns about: the data's notes (a missing ticker, a short week), optional tickers
    absent from the issue, sections readers will see without data (generator.coverage), editor's notes dated
    in the week but not on its day."""
    from generator.preview import week_note_warnings

    return [*built.notes, *settings_warnings(settings, built.folder), *(g.line() for g in built.gaps if not g.chosen),
            *week_note_warnings(
        settings.resolve(settings.notes_dir) if settings.notes_dir else None, built.as_of)]


def build_summary(folder: Path, gaps: tuple = ()) -> str:
    """A few lines about a built issue: week, headline, stance, files, sections without data, fact-check."""
    import json

    doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    stance = doc.get("stance") or {}
    check = doc.get("fact_check") or {}
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    # one SVG per chart (the print edition's); the PNGs also hold phone renditions and the share card
    charts = len(list((folder / "charts").glob("*.svg"))) if (folder / "charts").is_dir() else 0
    flags = (f"{check.get('open', 0)} open flag(s), {check.get('overridden', 0)} overridden"
             if check.get("open") or check.get("overridden") else "passed")
    return "\n".join([
        f"issue:     week of {doc.get('week_start', '?')} to {doc['as_of']} ({doc.get('source', '?')} data)",
        f"headline:  {doc.get('headline', '')}",
        f"stance:    {stance.get('label', '?')} (score {stance.get('score', '?')} of {stance.get('max_score', '?')}, "
        f"risk {stance.get('risk_level', '?')})",
        f"files:     {', '.join(files)}, {charts} charts",
        f"no data:   {', '.join(g.section + (' (off in settings)' if g.chosen else '') for g in gaps)}" if gaps
        else "no data:   none (every section has its data)",
        f"fact-check: {flags}",
    ])


def settings_warnings(settings: Settings, folder: Path) -> list[str]:
    """Optional tickers configured but absent from the issue's data, named so a typo is caught."""
    import json

    from generator.settings import missing_optional

    doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    return missing_optional(settings, doc)


def report_flags(built) -> None:
    """Print the fact-check's open flags, so the writer sees them before publishing."""
    flags = built.open_flags
    if not flags:
        return
    info(f"fact-check: {len(flags)} open flag(s); publish and send refuse this issue until they are "
         f"fixed or overridden (see {built.folder / 'review.txt'})")
    for f in flags[:None if verbosity() >= 2 else 20]:
        info(f"  [{f.cls}] {f.section}: {f.detail}\n      {f.sentence}")


@click.command()
@SETTINGS_OPTION
@click.option("--from", "start", callback=parse_date, required=True, metavar="YYYY-MM-DD", help="First week to build.")
@click.option("--to", "end", callback=parse_date, required=True, metavar="YYYY-MM-DD", help="Last week to build.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--force", is_flag=True, help="Rebuild issues that are already complete.")
@click.option("--source", type=click.Choice(["sample", "csv", "yfinance"]), help="Price source.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of <TICKER>.csv files (csv source).")
@click.option("--offline", is_flag=True, help="yfinance source: use the local cache only.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Reports folder (default: output.dir).")
@click.option("--no-publish", is_flag=True, help="Do not update the site afterwards.")
@WAIT_OPTION
@expected_errors
def backfill(settings_path, start, end, jobs, force, source, data_dir, offline, out_dir, no_publish, wait) -> None:
    """Build every weekly issue in a range (skipping complete ones), then publish them in one pass."""
    if start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}; give the earlier date to --from",
                                 param_hint="--from")
    settings = load_settings_file(settings_path)
    with hold_lock(settings, "backfill", wait):
        _backfill(settings, start, end, jobs, force, source, data_dir, offline, out_dir, no_publish)


def _backfill(settings: Settings, start, end, jobs, force, source, data_dir, offline, out_dir, no_publish) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from generator.backfill import backfill as run_backfill
    from generator.data import load_prices

    market = load_prices(settings, source, data_dir, offline=offline)
    out = Path(out_dir) if out_dir else settings.resolve(settings.output.dir)
    with Progress(TextColumn("backfill"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=Console(stderr=True, quiet=verbosity() == 0),
                  transient=True) as bar:
        task = bar.add_task("", total=None)

        def tick(b, done, total):
            bar.update(task, completed=done, total=total, description=str(b.as_of))

        built, skipped = run_backfill(settings, market, out, start, end, jobs=jobs, force=force, progress=tick)
    click.echo(f"built {len(built)} issues, skipped {len(skipped)} already complete, in {out}")
    if no_publish or not built:
        return
    if market.source == "sample" or not settings.site.base_url:
        info("not published: " + ("sample data is never published" if market.source == "sample"
                                  else "set site.base_url to publish"))
        return
    from generator.publish.site import publish_site

    result = publish_site(settings, out, settings.resolve(settings.site.dir), settings.site.base_url)
    click.echo(f"site: {len(result.added)} new issue(s), {result.total} in all")


@click.command()
@SETTINGS_OPTION
@click.option("--from", "start", callback=parse_date, default="2001-01-01", show_default=True, metavar="YYYY-MM-DD",
              help="First week to check.")
@click.option("--to", "end", callback=parse_date, metavar="YYYY-MM-DD", help="Last week to check (default: the latest).")
@click.option("--source", type=click.Choice(["sample", "csv", "yfinance"]), help="Price source.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of <TICKER>.csv files (csv source).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--show", type=click.IntRange(min=0), default=5, show_default=True, help="Example flags per class.")
@expected_errors
def factcheck(settings_path, start, end, source, data_dir, jobs, show) -> None:
    """Fact-check the commentary of every week in a range (words only: no charts, PDF or files written).

    Run it after rewording templates/words: it exits 1 when any week has a flag."""
    import os

    from generator.data import load_prices
    from generator.history import history_report, run_history

    if end is not None and start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}; give the earlier date to --from",
                                 param_hint="--from")
    settings = load_settings_file(settings_path)
    market = load_prices(settings, source, data_dir, offline=True)
    weeks = run_history(market, settings, start, end, jobs=jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
    if not weeks:
        raise CapweeklyError(f"no week of the data ends between {start} and {end or 'the latest session'}",
                             "check --from and --to against the data's dates")
    click.echo(history_report(weeks, show=show))
    if any(w.flags for w in weeks):
        sys.exit(1)


@click.command()
@SETTINGS_OPTION
@click.option("--as-of", callback=parse_date, metavar="YYYY-MM-DD", help="The week to preview (default: the latest).")
@click.option("--source", type=click.Choice(["sample", "csv", "yfinance"]),
              help="Price source (default: data.source in settings).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of <TICKER>.csv files (csv source).")
@click.option("--offline", is_flag=True, help="yfinance source: use the local cache only, no network.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback: only you).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--pdf", is_flag=True, help="Also re-print report.pdf on every change (slower).")
@expected_errors
def preview(settings_path, as_of, source, data_dir, offline, host, port, pdf) -> None:
    """Serve the issue locally and re-render it as you edit notes, templates or settings.

    The report at /, the email edition at /email and /email.txt, a warnings panel on each page;
    the browser reloads itself after every change. Nothing is written to the reports folder."""
    from generator.preview import Preview, serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        info(f"warning: the preview listens on {host}: anyone who can reach it reads your draft")
    view = Preview(Path(settings_path), as_of=as_of, source=source, data_dir=data_dir, offline=offline, pdf=pdf)
    info("capweekly preview: building the week once (prices, figures, charts)...")

    def ready(url: str) -> None:
        r = view.current  # built once before the server starts
        assert r is not None
        watched = ", ".join(map(str, [view.settings_path.resolve(), *view.watched()]))
        click.echo(f"capweekly preview: {url} (email: {url}email); watching {watched}; Ctrl-C stops", err=True)
        for w in r.warnings:
            info(f"warning: {w}")
        if r.flags:
            info(f"fact-check: {len(r.flags)} open flag(s), listed in the page's panel")

    import signal

    def stop(signum, frame):  # `kill` (SIGTERM) stops it as Ctrl-C does: temporary files removed
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        serve(view, host, port, ready)
    except OSError as exc:
        raise CapweeklyError(f"cannot listen on {host}:{port} ({exc.strerror})", "pick another --port") from None
    except KeyboardInterrupt:
        info("capweekly preview: stopped")
