"""The capweekly command: parse options, load settings, call one pipeline function.

Expected failures print one line (what, where, what to do) and exit 2; an
unexpected exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import wraps

import click

from generator.errors import CapweeklyError

SETTINGS_OPTION = click.option("--settings", "settings_path", default="settings.yaml", show_default=True,
                               type=click.Path(dir_okay=False), help="Settings file.")


def _as_of(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def expected_errors(func):
    """Turn the project's own errors into one line on stderr and exit code 2."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CapweeklyError as exc:
            click.echo(exc.one_line(), err=True)
            sys.exit(2)
    return wrapper


def _settings(path: str):
    from generator.settings import load_settings

    return load_settings(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capweekly")
def main() -> None:
    """capweekly: build the weekly small-cap versus large-cap issue."""


@main.command()
@SETTINGS_OPTION
@click.option("--source", type=click.Choice(["sample", "csv", "yfinance"]),
              help="Price source (default: data.source in settings).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of <TICKER>.csv files (csv source).")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
              help="Build the week whose last session is the last one on or before this date.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output folder (default: output.dir).")
@click.option("--offline", is_flag=True, help="yfinance source: use the local cache only, no network.")
@click.option("--timings", is_flag=True, help="Print the time each stage took.")
@expected_errors
def build(settings_path, source, data_dir, as_of, out_dir, offline, timings) -> None:
    """Build one weekly issue: report.html, report.pdf, metrics.json and charts/."""
    from generator.pipeline import build_issue

    settings = _settings(settings_path)
    built = build_issue(settings, source=source, data_dir=data_dir, as_of=as_of, out_dir=out_dir, offline=offline)
    for note in built.notes:
        click.echo(f"warning: {note}", err=True)
    if built.source == "sample":
        click.echo("note: built from SAMPLE DATA (synthetic, not market data); never publish it", err=True)
    if timings:
        for stage, seconds in built.timings.items():
            click.echo(f"{stage:>8}: {seconds * 1000:7.0f} ms", err=True)
    click.echo(str(built.folder))


@main.group()
def data() -> None:
    """Manage the local yfinance price cache."""


@data.command()
@SETTINGS_OPTION
@expected_errors
def update(settings_path) -> None:
    """Refresh the cache for every configured ticker with one batched download."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from generator.data.yahoo import YFinanceSource

    settings = _settings(settings_path)
    tickers = settings.all_tickers()
    source = YFinanceSource(settings)
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(f"Downloading {len(tickers)} tickers from Yahoo Finance", total=len(tickers))
        report = source.update(tickers, progress=lambda done: bar.advance(task, done))
    table = Table(title=f"Price cache {source.cache_path}")
    for column in ("ticker", "first", "last", "rows added", "status", "note"):
        table.add_column(column, overflow="fold")
    for u in report:
        style = "red" if u.status in ("failed", "rejected") else None
        table.add_row(u.ticker, str(u.first or "-"), str(u.last or "-"), str(u.rows_added), u.status, u.note,
                      style=style)
    Console().print(table)
    failed = [u.ticker for u in report if u.status in ("failed", "rejected")]
    if failed:
        click.echo(f"data error: could not refresh {', '.join(failed)}; their cached history is unchanged "
                   "(retry later, or build with --offline)", err=True)
        sys.exit(2)


@data.command()
@SETTINGS_OPTION
@expected_errors
def status(settings_path) -> None:
    """Show what is cached, how fresh it is, and the expected last session."""
    from datetime import datetime, timedelta, timezone

    from rich.console import Console
    from rich.table import Table

    from generator.data.cache import PriceCache
    from generator.data.calendar import MarketClock
    from generator.data.validate import check_fresh, kind_of
    from generator.data.yahoo import YFinanceSource, _history

    settings = _settings(settings_path)
    path = YFinanceSource(settings).cache_path
    now = datetime.now(timezone.utc)
    clock = MarketClock()
    expected = clock.last_completed_session(now)
    sessions = clock.sessions(expected - timedelta(days=30), expected)
    console = Console()
    console.print(f"Expected last completed session (NYSE): [bold]{expected}[/bold]"
                  + (f"; session {clock.session_in_progress(now)} in progress" if clock.session_in_progress(now) else ""))
    if not path.exists():
        console.print(f"No cache at {path} yet: run `capweekly data update`.")
        return
    table = Table(title=f"Price cache {path}")
    for column in ("ticker", "first", "last", "rows", "downloaded (UTC)", "state"):
        table.add_column(column)
    with PriceCache.open(path) as cache:
        catalogue = cache.catalogue()
        for t in settings.all_tickers():
            c = catalogue.get(t)
            if c is None:
                table.add_row(t, "-", "-", "0", "-", "[red]not cached[/red]")
                continue
            stale = check_fresh(_history(t, cache.read(t)), kind_of(t, settings), expected, sessions)
            state = f"[red]stale[/red]" if stale else "fresh"
            table.add_row(t, str(c.first), str(c.last), str(c.rows), c.fetched_at, state)
    console.print(table)


if __name__ == "__main__":
    main()
