"""`capweekly data`: the local yfinance price cache (update, status)."""

from __future__ import annotations

import sys

import click

from generator.cli.common import SETTINGS_OPTION, expected_errors, info, load_settings_file, verbosity
from generator.errors import EXIT_SERVICE


@click.group()
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

    from generator.data.yahoo import YFinanceSource, member_summary

    settings = load_settings_file(settings_path)
    tickers = settings.all_tickers()
    members = [t for t in settings.member_tickers() if t not in set(tickers)]
    source = YFinanceSource(settings)
    console = Console(stderr=True, quiet=verbosity() == 0)
    total = len(tickers) + len(members)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        what = f"{len(tickers)} tickers" + (f" and {len(members)} breadth members" if members else "")
        task = bar.add_task(f"Downloading {what} from Yahoo Finance", total=total)
        report = source.update(tickers, progress=lambda done: bar.advance(task, done), members=members)
    table = Table(title=f"Price cache {source.cache_path}")
    for column in ("ticker", "first", "last", "rows added", "status", "note"):
        table.add_column(column, overflow="fold")
    for u in report:
        if u.member:
            continue
        style = "red" if u.status in ("failed", "rejected") else None
        table.add_row(u.ticker, str(u.first or "-"), str(u.last or "-"), str(u.rows_added), u.status, u.note,
                      style=style)
    Console().print(table)
    if members:
        done = [u for u in report if u.member]
        good = sum(1 for u in done if u.status not in ("failed", "rejected"))
        click.echo(f"breadth universe ({settings.universe().origin}): {good} of {len(done)} members up to date")
        summary = member_summary(report)
        if summary:
            info(f"warning: {summary}")
    failed = [u for u in report if u.status in ("failed", "rejected") and not u.member]
    if failed:
        click.echo(f"data error: could not refresh {', '.join(u.ticker for u in failed)}; their cached history is "
                   "unchanged (retry later, or build with --offline)", err=True)
        # The network or the vendor failing is an outside service (5); a wrong symbol or data rejected by
        # validation is a data error (3).
        outside = all(u.status == "failed" and u.note.startswith(("no network", "download failed")) for u in failed)
        sys.exit(EXIT_SERVICE if outside else 3)


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

    settings = load_settings_file(settings_path)
    path = YFinanceSource(settings).cache_path
    now = datetime.now(timezone.utc)
    clock = MarketClock()
    expected = clock.last_completed_session(now)
    sessions = clock.sessions(expected - timedelta(days=30), expected)
    console = Console()
    console.print(f"Expected last completed session (NYSE): [bold]{expected}[/bold]; " + clock.describe_today(now))
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
            state = "[red]stale[/red]" if stale else "fresh"
            table.add_row(t, str(c.first), str(c.last), str(c.rows), c.fetched_at, state)
    console.print(table)
    members = settings.member_tickers()
    if members:
        cached = [catalogue[t] for t in members if t in catalogue]
        fresh = sum(1 for c in cached if c.last >= expected)
        console.print(f"Breadth universe ({settings.universe().origin}): {len(cached)} of {len(members)} members "
                      f"cached, {fresh} up to {expected}.")
