"""The capweekly command: parse options, load settings, call one pipeline function.

Expected failures print one line (what, where, what to do) and exit with their
kind's code (generator.errors: 2 usage, 3 data or settings, 4 refused by a safety
rule, 5 an outside service); an unexpected exception is a bug and keeps its
traceback. `-q` leaves stderr to errors; `-v` adds timings, every flag and where
the settings and the run lock are.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
import time
from datetime import date
from functools import wraps
from pathlib import Path

import click

from generator.errors import EXIT_SERVICE, CapweeklyError, RefusedError

SETTINGS_OPTION = click.option("--settings", "settings_path", default="settings.yaml", show_default=True,
                               envvar="CAPWEEKLY_SETTINGS", show_envvar=True,
                               type=click.Path(dir_okay=False), help="Settings file.")
WAIT_OPTION = click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
                           help="If another send/publish/weekly/backfill holds the lock, wait this long for it.")

# -q / -v of the `capweekly` group: 0 quiet (errors only on stderr), 1 normal, 2 verbose.
_verbosity = 1


def info(message: str) -> None:
    """A note or warning for the person at the terminal (stderr; hidden by --quiet)."""
    if _verbosity >= 1:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """Shown only with --verbose."""
    if _verbosity >= 2:
        click.echo(message, err=True)


def _as_of(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


class Terminated(BaseException):
    """SIGTERM arrived (systemd stopping the unit, `kill`, a container shutting down).

    Raised where the command is, like KeyboardInterrupt, so every `finally` runs: the forked build
    helpers are stopped, a staging folder is removed, the run lock is released, an SMTP session is
    closed. Not a CapweeklyError, so no stage mistakes it for one of its own failures."""


def _terminate(signum, frame) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once is enough: let the clean-up finish
    raise Terminated()


# What the machine, not the program, gets wrong: a full disk, a folder this user cannot write.
_ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
_SQLITE_ENVIRONMENT = ("database or disk is full", "readonly database", "unable to open database file",
                       "disk i/o error")


def environment_error(exc: BaseException) -> CapweeklyError | None:
    """A full disk or an unwritable folder as one line (output error, exit 3), a PostgreSQL server lost
    mid-run as one line (exit 5); None for anything else."""
    from generator.errors import OutputError

    psycopg = sys.modules.get("psycopg")  # loaded only for a postgresql:// list
    if psycopg is not None and isinstance(exc, psycopg.OperationalError):
        from generator.db import DatabaseUnavailable

        return DatabaseUnavailable(f"the subscriber database (email.database): {' '.join(str(exc).split())[:200]}",
                                   "run the command again once the database answers (a send resumes where it "
                                   "stopped)")

    hint = "free disk space, or let this user write there; then run the command again (a send resumes where it stopped)"
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
        where = f"{exc.filename}: " if exc.filename else ""
        return OutputError(f"{where}{exc.strerror or exc}", hint)
    if isinstance(exc, sqlite3.Error) and any(m in str(exc).lower() for m in _SQLITE_ENVIRONMENT):
        return OutputError(f"the subscriber database (email.database): {exc}", hint)
    return None


def _driver_errors() -> tuple[type[BaseException], ...]:
    """psycopg's errors, when a postgresql:// list loaded it (never imported for this)."""
    psycopg = sys.modules.get("psycopg")
    return (psycopg.Error,) if psycopg is not None else ()


def expected_errors(func):
    """Turn the project's own errors into one line on stderr and their kind's exit code; SIGTERM into a
    clean stop (exit code 143, as a shell reports a process ended by SIGTERM)."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        import signal
        import threading

        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            return func(*args, **kwargs)
        except CapweeklyError as exc:
            click.echo(exc.one_line(), err=True)
            sys.exit(exc.exit_code)
        except (OSError, sqlite3.Error, *_driver_errors()) as exc:
            error = environment_error(exc)
            if error is None:
                raise  # anything else is a bug: keep its traceback
            click.echo(error.one_line(), err=True)
            sys.exit(error.exit_code)
        except Terminated:
            click.echo(f"stopped: SIGTERM received; capweekly {func.__name__.replace('_', ' ')} stopped cleanly",
                       err=True)
            sys.exit(143)
        finally:
            # a command run inside another program (a test, a scheduler) leaves its SIGTERM handling as it was:
            # forked helpers started later would otherwise inherit ours until they reset it
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return wrapper


def _lock(settings, command: str, wait: float):
    """The newsletter's run lock (generator.locking), held for the life of the command."""
    from generator.locking import lock_name, run_lock

    detail(f"run lock: {lock_name(settings)}")
    return run_lock(settings, command, wait)



def _printer():
    """A PDF printer process when there is a second core to run it (see generator.render.printer)."""
    import os
    from contextlib import nullcontext

    from generator.render.printer import pdf_printer

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return pdf_printer() if cores > 1 else nullcontext()

def _settings(path: str):
    from generator.settings import load_settings

    detail(f"settings: {Path(path).resolve()}")
    return load_settings(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capweekly")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr (results still go to stdout).")
@click.option("-v", "--verbose", is_flag=True, help="Also timings, every fact-check flag, settings and lock paths.")
def main(quiet: bool, verbose: bool) -> None:
    """capweekly: build the weekly small-cap versus large-cap issue.

    Exit codes: 0 done, 1 a bug or factcheck flags, 2 usage, 3 data or settings error,
    4 refused by a safety rule (or another run holds the lock), 5 an outside service failed."""
    global _verbosity
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    _verbosity = 0 if quiet else 2 if verbose else 1


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
    settings = _settings(settings_path)  # bad settings stop here, before a printer process is forked and killed
    with _printer() as printer:  # forked before the imports, so WeasyPrint loads while we import and compute
        from generator.pipeline import build_issue

        built = build_issue(settings, source=source, data_dir=data_dir, as_of=as_of, out_dir=out_dir,
                            offline=offline, printer=printer)
    for warning in build_warnings(settings, built):
        info(f"warning: {warning}")
    if built.source == "sample":
        info("note: built from SAMPLE DATA (synthetic, not market data); never publish it")
    _report_flags(built)
    info(build_summary(built.folder, built.gaps))
    if timings or _verbosity >= 2:
        for stage, seconds in built.timings.items():
            click.echo(f"{stage:>12}: {seconds * 1000:7.0f} ms", err=True)
    click.echo(str(built.folder))


def build_warnings(settings, built) -> list[str]:
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


def settings_warnings(settings, folder: Path) -> list[str]:
    """Optional tickers configured but absent from the issue's data, named so a typo is caught."""
    import json

    from generator.settings import missing_optional

    doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    return missing_optional(settings, doc)


def _report_flags(built) -> None:
    """Print the fact-check's open flags, so the writer sees them before publishing."""
    flags = built.open_flags
    if not flags:
        return
    info(f"fact-check: {len(flags)} open flag(s); publish and send refuse this issue until they are "
         f"fixed or overridden (see {built.folder / 'review.txt'})")
    for f in flags[:None if _verbosity >= 2 else 20]:
        info(f"  [{f.cls}] {f.section}: {f.detail}\n      {f.sentence}")


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

    from generator.data.yahoo import YFinanceSource, member_summary

    settings = _settings(settings_path)
    tickers = settings.all_tickers()
    members = [t for t in settings.member_tickers() if t not in set(tickers)]
    source = YFinanceSource(settings)
    console = Console(stderr=True, quiet=_verbosity == 0)
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

    settings = _settings(settings_path)
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


def _store(settings):
    from generator.publish.subscribers import SubscriberStore

    return SubscriberStore(settings.list_database())


@main.group()
def subscribers() -> None:
    """Manage subscribers (the list at email.database: a SQLite file or a PostgreSQL URL)."""


@subscribers.command("import")
@SETTINGS_OPTION
@click.argument("csv_file", type=click.Path(dir_okay=False))
@click.option("--status", default="confirmed", show_default=True,
              type=click.Choice(["pending", "confirmed", "unsubscribed", "bounced"]),
              help="Status for rows without a status column.")
@expected_errors
def subscribers_import(settings_path, csv_file, status) -> None:
    """Import a CSV with an email column (name and status optional); all rows or none."""
    with _store(_settings(settings_path)) as store:
        added, updated = store.import_csv(Path(csv_file), status)
        kept = store.kept_suppressed
    click.echo(f"imported {added} new and {updated} updated subscribers from {csv_file}"
               + (f"; {kept} left as they were: pending, unsubscribed or bounced (only the reader's own "
                  "confirmation click changes them)" if kept else ""))


@subscribers.command("add")
@SETTINGS_OPTION
@click.argument("email")
@click.option("--name", default="")
@click.option("--status", default="confirmed", show_default=True,
              type=click.Choice(["pending", "confirmed", "unsubscribed", "bounced"]))
@click.option("--consent", help="How and when the reader asked to be (re)subscribed; recorded. Needed to "
                                "re-subscribe an address that unsubscribed or bounced.")
@expected_errors
def subscribers_add(settings_path, email, name, status, consent) -> None:
    """Add (or update) one subscriber (never re-subscribes one who left, unless --consent)."""
    with _store(_settings(settings_path)) as store:
        store.add(email, name, status, consent=consent)
    click.echo(f"{email}: {status}")


@subscribers.command("remove")
@SETTINGS_OPTION
@click.argument("email")
@expected_errors
def subscribers_remove(settings_path, email) -> None:
    """Unsubscribe an address (kept as a suppression record)."""
    with _store(_settings(settings_path)) as store:
        if not store.remove(email):
            click.echo(f"subscriber error: {email} is not in the database", err=True)
            sys.exit(3)
    click.echo(f"{email}: unsubscribed")


@subscribers.command("list")
@SETTINGS_OPTION
@click.option("--status", type=click.Choice(["pending", "confirmed", "unsubscribed", "bounced"]))
@expected_errors
def subscribers_list(settings_path, status) -> None:
    """List subscribers (optionally one status), with each one's latest confirmation email when it is not sent."""
    from generator.publish.confirmations import latest_confirmations

    with _store(_settings(settings_path)) as store:
        rows = store.list(status)
        waiting = latest_confirmations(store)
    for r in rows:
        mail = waiting.get(r.id)
        shown = mail.describe() if mail is not None and mail.state in ("queued", "sending", "failed") else ""
        suppression = f" ({r.suppression})" if r.suppression else ""
        click.echo(f"{r.email}\t{r.status}{suppression}\t{r.name}\t{r.updated_at}" + (f"\t{shown}" if shown else ""))
    click.echo(f"{len(rows)} subscribers", err=True)
    failed = [w for w in waiting.values() if w.state == "failed"]
    retrying = [w for w in waiting.values() if w.state == "queued" and w.attempts]
    if failed or retrying:
        click.echo(f"confirmation emails: {len(failed)} failed for good, {len(retrying)} retrying; check the SMTP "
                   "settings, then `capweekly subscribers confirmations --retry-failed`", err=True)


@subscribers.command("confirmations")
@SETTINGS_OPTION
@click.option("--retry-failed", is_flag=True, help="Queue again the confirmation emails that gave up.")
@expected_errors
def subscribers_confirmations(settings_path, retry_failed) -> None:
    """Send every queued confirmation email now (what `serve` does in the background), retries included.
    Exits 5 when one failed (it stays queued and is retried with back-off)."""
    from generator.publish.confirmations import retry_failed as requeue, send_due
    from generator.publish.tokens import secret_from_env

    settings = _settings(settings_path)
    secret = secret_from_env()
    with _store(settings) as store:
        if retry_failed:
            info(f"{requeue(store)} failed confirmation emails queued again")
        run = send_due(store, settings, secret, everything=True)
    click.echo(run.line())
    if run.failed:
        sys.exit(EXIT_SERVICE)


def _issue_folder(settings, out_dir, as_of: date | None, allow_sample: bool = False) -> Path:
    """The issue named by --as-of, or the latest built from real data (a sample build, such as the README's
    first one, is never "the latest issue" unless --allow-sample-data); says which one it picked."""
    reports = Path(out_dir) if out_dir else settings.resolve(settings.output.dir)
    if as_of is not None:
        folder = reports / as_of.isoformat()
        if not folder.is_dir():
            raise CapweeklyError(f"{folder}: no issue built for {as_of}", "run `capweekly build --as-of ...` first")
        return folder
    from generator.writer import issue_folders

    built = issue_folders(reports)  # YYYY-MM-DD folders only: a stray folder is never the latest issue
    if not built:
        raise CapweeklyError(f"{reports}: no issue built yet", "run `capweekly build` first")
    samples = []
    for folder in reversed(built):
        if _built_from(folder) == "sample" and not allow_sample:
            samples.append(folder.name)
            continue
        passed = f" (passing over sample build{'s' if len(samples) > 1 else ''} {', '.join(samples)})" if samples else ""
        info(f"issue: {folder.name}, the latest built{'' if allow_sample else ' from real data'}{passed}")
        return folder
    raise CapweeklyError(f"{reports}: no sendable issue: the only builds are from sample data ({', '.join(samples)})",
                         "build from real data (`capweekly build`), name an issue with --as-of, or pass "
                         "--allow-sample-data to use a sample build")


def _built_from(folder: Path) -> str | None:
    """metrics.json's source of a built issue (None when unreadable: load_issue then says what is wrong)."""
    import json

    try:
        doc = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        return doc.get("source") if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None


@main.command()
@SETTINGS_OPTION
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Issue to send (default: the latest built).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Reports folder (default: output.dir).")
@click.option("--dry-run", is_flag=True, help="Write .eml files instead of sending.")
@click.option("--outbox", type=click.Path(file_okay=False), help="Folder for --dry-run files (default: <issue>/outbox).")
@click.option("--to", "to_address", help="Send one test copy to this address only (no ledger).")
@click.option("--resend-unknown", is_flag=True,
              help="Also re-send to readers whose earlier delivery outcome is unknown (they may get two copies).")
@click.option("--allow-sample-data", is_flag=True, help="RISK: send an issue built from synthetic sample data.")
@click.option("--allow-stale-data", is_flag=True, help="RISK: send an issue whose data is out of date.")
@click.option("--allow-older-issue", is_flag=True, help="RISK: send an issue older than one already sent.")
@click.option("--allow-flagged", is_flag=True, help="RISK: send an issue whose fact-check has open flags.")
@click.option("--connections", type=click.IntRange(1, 64), default=1, show_default=True,
              help="SMTP connections to deliver over at once (each reader still gets one copy; together they "
                   "keep to email.rate_per_second).")
@WAIT_OPTION
@expected_errors
def send(settings_path, as_of, out_dir, dry_run, outbox, to_address, resend_unknown, allow_sample_data,
         allow_stale_data, allow_older_issue, allow_flagged, connections, wait) -> None:
    """Email an issue to every confirmed subscriber, once each."""
    from datetime import datetime, timezone

    from generator.publish.mail import (check_sendable, load_issue, require_footer, require_postal_address,
                                        send_test_copy, write_outbox)
    from generator.publish.subscribers import normalise_address

    settings = _settings(settings_path)
    issue = load_issue(_issue_folder(settings, out_dir, as_of, allow_sample_data))
    if to_address:
        to_address = normalise_address(to_address)
    if dry_run:
        folder = Path(outbox) if outbox else issue.folder / "outbox"
        with _store(settings) as store:
            count = write_outbox(settings, issue, None if to_address else store, folder, to_address)
        click.echo(f"dry run: wrote {count} messages to {folder}; nothing sent")
        return
    require_postal_address(settings, settings_path)  # every real send, the test copy included
    require_footer(issue, settings, settings_path)
    if to_address:
        send_test_copy(settings, issue, to_address)
        click.echo(f"test copy of {issue.as_of} sent to {to_address}")
        return
    with _lock(settings, "send", wait), _store(settings) as store:
        check_sendable(issue, store, today=datetime.now(timezone.utc).date(),
                       max_age_days=settings.email.max_age_days, allow_sample=allow_sample_data,
                       allow_stale=allow_stale_data, allow_older=allow_older_issue, allow_flagged=allow_flagged)
        summary = _send_with_progress(settings, store, issue, resend_unknown, connections)
        health = _list_health(store)
    _send_report(summary, resend_unknown, health)


def _send_with_progress(settings, store, issue, resend_unknown: bool = False, connections: int = 1):
    """send_issue with a progress bar on stderr (readers done of all, sent, failed, time left)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from generator.publish.mail import send_issue

    total = len(store.list("confirmed"))
    console = Console(stderr=True, quiet=_verbosity == 0)
    if not console.is_terminal:
        # A log (cron, CI): a plain line every tenth of the readers, and the first one, so a long send is not silent.
        step = max(1, total // 10)
        started = time.monotonic()
        marks = {"next": 1}
        if _verbosity:
            click.echo(f"sending {issue.as_of} to {total} confirmed readers", err=True)

        def line(s):
            done = s.done
            if _verbosity and done >= marks["next"]:
                marks["next"] = (done // step + 1) * step
                click.echo(f"sending {issue.as_of}: {done}/{total} done (sent {s.sent}, failed {s.failed}, "
                           f"unknown {s.unknown}) after {time.monotonic() - started:.0f} s", err=True)

        return send_issue(settings, store, issue, resend_unknown=resend_unknown, progress=line,
                          connections=connections)
    with Progress(TextColumn(f"sending {issue.as_of}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("", total=total)

        def tick(s):
            bar.update(task, completed=s.done,
                       description=f"sent {s.sent}, failed {s.failed}")

        return send_issue(settings, store, issue, resend_unknown=resend_unknown, progress=tick,
                          connections=connections)


def _send_report(summary, resend_unknown: bool = False, health: str = "") -> None:
    click.echo(summary.line())
    if health:  # the list's bounce and complaint rates (generator.publish.bounces), beside the summary on stderr
        click.echo(health, err=True)
    for failure in summary.failures[:None if _verbosity >= 2 else 20]:
        info(f"  failed: {failure}")
    if summary.unknown and not resend_unknown:
        info(f"  {summary.unknown} readers have an unknown outcome from an interrupted send and were not "
             "re-sent; --resend-unknown sends to them again (some may get two copies)")
    if summary.stopped or summary.failed or summary.deferred:
        sys.exit(EXIT_SERVICE)


def unstable_feed_ids(settings, base_url: str) -> str | None:
    """A publish whose feed ids will change later: no site.feed_id and a host that is not the real one."""
    from urllib.parse import urlparse

    host = urlparse(base_url).hostname or ""
    if settings.site.feed_id or not (host in ("localhost", "::1") or host.startswith("127.")
                                     or host.endswith((".local", ".test", ".invalid", ".localhost"))):
        return None
    return (f"site.feed_id is unset, so the feed's ids come from the host {host}: when the real site.base_url "
            "is set they change and feed readers show every issue again; set site.feed_id to a urn:uuid "
            "(python3 -c 'import uuid; print(uuid.uuid4().urn)') before the real publish")


@main.command()
@SETTINGS_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Reports folder (default: output.dir).")
@click.option("--site-dir", type=click.Path(file_okay=False),
              help="Site folder (default: site.dir); with --to, where the site is built before it is uploaded.")
@click.option("--base-url", help="Public URL of the site (default: site.base_url).")
@click.option("--to", "to", metavar="s3://BUCKET/PREFIX",
              help="Also upload the site to S3-compatible object storage (endpoint from AWS_ENDPOINT_URL, "
                   "credentials and region from the AWS_* variables or ~/.aws); only changed files are sent.")
@click.option("--delete", is_flag=True, help="With --to: remove objects under the prefix that the site no longer has.")
@click.option("--dry-run", is_flag=True, help="With --to: list what would be uploaded or deleted; change nothing.")
@click.option("--allow-sample-data", is_flag=True, help="RISK: also publish issues built from synthetic sample data.")
@click.option("--allow-flagged", is_flag=True, help="RISK: also publish issues whose fact-check has open flags.")
@WAIT_OPTION
@expected_errors
def publish(settings_path, out_dir, site_dir, base_url, to, delete, dry_run, allow_sample_data, allow_flagged,
            wait) -> None:
    """Build or update the static site: issue pages, home, archive, Atom feed, sitemap (and upload it, --to)."""
    from generator.publish.site import publish_site

    if (delete or dry_run) and not to:
        raise click.UsageError("--delete and --dry-run go with --to s3://bucket/prefix")
    settings = _settings(settings_path)
    reports = Path(out_dir) if out_dir else settings.resolve(settings.output.dir)
    target = Path(site_dir) if site_dir else settings.resolve(settings.site.dir)
    options = dict(allow_sample=allow_sample_data, allow_flagged=allow_flagged)
    synced = None
    with _lock(settings, "publish", wait):
        if to:
            result, synced = _publish_to_bucket(settings, reports, target, base_url or settings.site.base_url, to,
                                                delete, dry_run, options)
        else:
            result = publish_site(settings, reports, target, base_url or settings.site.base_url, **options)
    if result.skipped:
        info(f"not published (sample data, incomplete, or open fact-check flags): {', '.join(result.skipped)}")
    feed_warning = unstable_feed_ids(settings, base_url or settings.site.base_url)
    if feed_warning:
        info(f"warning: {feed_warning}")
    if dry_run:
        return
    if not result.changed:
        click.echo(f"{target}: up to date ({result.total} issues); nothing to publish")
    else:
        again = f", republished {len(result.republished)} rebuilt ({', '.join(result.republished)})" \
            if result.republished else ""
        click.echo(f"{target}: published {len(result.added)} new issue(s){again}, {result.total} in all")
    if synced:
        _report_sync(synced, delete)


def _publish_to_bucket(settings, reports: Path, site: Path, base_url, to: str, delete: bool, dry_run: bool,
                       options: dict):
    """Build the site in its folder as for a folder target, then sync the folder to the bucket. The bucket is
    listed first, so a wrong setup stops before the folder changes (all but a key that may read and not write)
    and before the bucket does (generator.publish.s3). A dry run builds into a hard-linked copy of the folder."""
    import tempfile

    from generator.publish import s3
    from generator.publish.site import publish_site

    bucket, store, remote = _open_bucket(to, site)
    if not dry_run:
        result = publish_site(settings, reports, site, base_url, **options)
        synced = s3.sync(store, site, remote, delete=delete, on_upload=lambda up: detail(f"  put {up.name}"))
        return result, (bucket, synced)
    with tempfile.TemporaryDirectory(prefix=".capweekly-dry-run-") as scratch:
        copy = Path(scratch) / "site"
        if site.is_dir():  # a hard-linked copy: publish_site never writes through an existing file
            from generator.publish.site import link_tree

            link_tree(site, copy)
        result = publish_site(settings, reports, copy, base_url, **options)
        todo = s3.plan(copy, remote)
    for up in todo.uploads:
        click.echo(f"would upload {'new' if up.new else 'changed'} {bucket.key(up.name)} "
                   f"({up.content_type}; {up.cache_control}; {up.size:,} bytes)")
    for name in todo.extra:
        click.echo(f"would {'delete' if delete else 'keep (not in the site; --delete removes it)'} "
                   f"{bucket.key(name)}")
    click.echo(f"{bucket}: dry run: {len(todo.uploads)} to upload, {todo.unchanged} unchanged, "
               f"{len(todo.extra) if delete else 0} to delete; nothing was changed")
    return result, None


def _report_sync(sent, delete: bool) -> None:
    bucket, synced = sent
    if not synced.uploaded and not synced.deleted:
        click.echo(f"{bucket}: up to date ({synced.unchanged} files); nothing uploaded")
    else:
        click.echo(f"{bucket}: uploaded {len(synced.uploaded)} file(s) ({synced.bytes:,} bytes), "
                   f"{synced.unchanged} unchanged" + (f", deleted {len(synced.deleted)}" if delete else ""))
    if synced.kept:
        info(f"{bucket}: {len(synced.kept)} object(s) under the prefix are not in the site and were kept "
             "(--delete removes them)")


@main.command()
@SETTINGS_OPTION
@click.option("--skip-send", is_flag=True, help="Run update, build and publish only.")
@click.option("--allow-flagged", is_flag=True, help="RISK: publish and send even if the fact-check has open flags.")
@click.option("--strict", is_flag=True, help="Treat the build's warnings as errors: nothing published or sent.")
@click.option("--to", "to", metavar="s3://BUCKET/PREFIX",
              help="Also upload the site to object storage (as publish --to) before anything is sent.")
@WAIT_OPTION
@expected_errors
def weekly(settings_path, skip_send, allow_flagged, strict, to, wait) -> None:
    """The Friday job: data update, build, publish, send; stops at the first failure with nothing sent."""
    settings = _settings(settings_path)
    if settings.data.source == "sample":
        raise RefusedError("the weekly job never runs on sample data", "set data.source to yfinance or csv")
    if not skip_send:
        from generator.publish.mail import require_postal_address

        require_postal_address(settings, settings_path)  # before the build: nothing done without it
    with _lock(settings, "weekly", wait):
        bucket = _open_bucket(to, settings.resolve(settings.site.dir)) if to else None  # a wrong setup stops here
        _weekly(settings, skip_send, allow_flagged, strict, bucket)


def _open_bucket(to: str, site: Path):
    """The bucket of --to, listed: no credentials, no bucket, access denied or an endpoint down stop here,
    before anything is built or written (generator.publish.s3)."""
    from generator.publish import s3

    bucket = s3.parse_target(to)
    s3.require_boto3(bucket)
    started = time.perf_counter()
    store = s3.Store(bucket)
    detail(f"{bucket}: endpoint {store.endpoint}, boto3 client ready in {time.perf_counter() - started:.2f}s")
    remote = store.remote()
    s3.refuse_a_lost_folder(site, remote, bucket)
    return bucket, store, remote


def _weekly(settings, skip_send: bool, allow_flagged: bool, strict: bool = False, bucket=None) -> None:
    from datetime import datetime, timezone

    from generator.pipeline import build_issue
    from generator.publish.mail import check_sendable, load_issue
    from generator.publish.site import publish_site

    with _printer() as printer:  # the build refreshes the yfinance cache first; stale or bad data stops here
        built = build_issue(settings, printer=printer)
    click.echo(f"built {built.folder}")
    warnings = build_warnings(settings, built)
    for warning in warnings:
        # Printed whatever the verbosity but --quiet: from cron this is the only place they show.
        info(f"warning: {warning}")
    _report_flags(built)
    info(build_summary(built.folder, built.gaps))
    if warnings and strict:
        raise RefusedError(f"issue {built.as_of}: {len(warnings)} build warning(s) and --strict; nothing published "
                           "or sent", "fix what the warnings name and run again, or run without --strict")
    if built.open_flags and not allow_flagged:
        raise RefusedError(f"issue {built.as_of} has {len(built.open_flags)} open fact-check flag(s); "
                             "nothing published or sent",
                             f"read {built.folder / 'review.txt'}, fix or override in the editor's note, "
                             "or pass --allow-flagged")
    result = publish_site(settings, settings.resolve(settings.output.dir), settings.resolve(settings.site.dir),
                          settings.site.base_url, allow_flagged=allow_flagged)
    click.echo(f"site: {len(result.added)} new issue(s)" + (f", {len(result.republished)} republished"
               if result.republished else "") if result.changed else "site: up to date")
    if bucket:  # the web edition is up before any email links to it
        from generator.publish import s3

        target, store, remote = bucket
        _report_sync((target, s3.sync(store, settings.resolve(settings.site.dir), remote)), False)
    if skip_send:
        return
    issue = load_issue(built.folder)
    with _store(settings) as store:
        check_sendable(issue, store, today=datetime.now(timezone.utc).date(),
                       max_age_days=settings.email.max_age_days, allow_sample=False, allow_stale=False,
                       allow_older=False, allow_flagged=allow_flagged)
        summary = _send_with_progress(settings, store, issue)
        health = _list_health(store)
    _send_report(summary, health=health)


@main.command()
@SETTINGS_OPTION
@click.option("--from", "start", callback=_as_of, required=True, metavar="YYYY-MM-DD", help="First week to build.")
@click.option("--to", "end", callback=_as_of, required=True, metavar="YYYY-MM-DD", help="Last week to build.")
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
    settings = _settings(settings_path)
    with _lock(settings, "backfill", wait):
        _backfill(settings, start, end, jobs, force, source, data_dir, offline, out_dir, no_publish)


def _backfill(settings, start, end, jobs, force, source, data_dir, offline, out_dir, no_publish) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from generator.backfill import backfill as run_backfill
    from generator.data import load_prices

    market = load_prices(settings, source, data_dir, offline=offline)
    out = Path(out_dir) if out_dir else settings.resolve(settings.output.dir)
    with Progress(TextColumn("backfill"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=Console(stderr=True, quiet=_verbosity == 0),
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


@main.command()
@SETTINGS_OPTION
@click.option("--from", "start", callback=_as_of, default="2001-01-01", show_default=True, metavar="YYYY-MM-DD",
              help="First week to check.")
@click.option("--to", "end", callback=_as_of, metavar="YYYY-MM-DD", help="Last week to check (default: the latest).")
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
    settings = _settings(settings_path)
    market = load_prices(settings, source, data_dir, offline=True)
    weeks = run_history(market, settings, start, end, jobs=jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
    if not weeks:
        raise CapweeklyError(f"no week of the data ends between {start} and {end or 'the latest session'}",
                             "check --from and --to against the data's dates")
    click.echo(history_report(weeks, show=show))
    if any(w.flags for w in weeks):
        sys.exit(1)


@main.command()
@SETTINGS_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local behind a proxy).")
@click.option("--port", default=8000, show_default=True, type=int)
@expected_errors
def serve(settings_path, host, port) -> None:
    """Run the sign-up / confirm / one-click unsubscribe app (needs CAPWEEKLY_SECRET), and the worker that sends
    the queued confirmation emails. The access log never shows a link's token."""
    from generator.web import make_web_server

    server, worker = make_web_server(_settings(settings_path), host, port)
    click.echo(f"capweekly serve: http://{host}:{port}/ (health: /health); for production see README, 'Deploying'",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        worker.stop()


@main.group()
def db() -> None:
    """The subscriber list's database (email.database: a SQLite file or a postgresql:// URL)."""


@db.command("migrate")
@SETTINGS_OPTION
@expected_errors
def db_migrate(settings_path) -> None:
    """Bring the list's schema up to this capweekly's version (every command that opens the list does it too;
    running it again changes nothing)."""
    from generator.db import schema_version

    settings = _settings(settings_path)
    with _store(settings) as store:
        version = schema_version(store.db)
        applied = store.applied
    done = f"applied {', '.join(map(str, applied))}" if applied else "already up to date"
    click.echo(f"{settings.email.database}: schema version {version} ({store.backend}; {done})")


@db.command("copy")
@SETTINGS_OPTION
@click.argument("sqlite_path", type=click.Path(dir_okay=False, exists=True))
@expected_errors
def db_copy(settings_path, sqlite_path) -> None:
    """Copy a SQLite list (subscribers, ledger, consents, bounces, everything) into the empty PostgreSQL
    database of email.database, then check the counts table by table. Exit 3 if any count differs."""
    from generator.publish.schema import copy_sqlite
    from generator.publish.subscribers import SubscriberStore

    settings = _settings(settings_path)
    with SubscriberStore(Path(sqlite_path)) as source, _store(settings) as target:
        counts = copy_sqlite(source, target)
    for table, before, after in counts:
        click.echo(f"{table}: {after} rows" + ("" if before == after else f" (MISMATCH: {before} in {sqlite_path})"))
    wrong = [t for t, before, after in counts if before != after]
    if wrong:
        click.echo(f"copy error: the counts differ for {', '.join(wrong)}", err=True)
        sys.exit(3)
    click.echo(f"copied {sqlite_path} into {settings.email.database}: every table's count matches", err=True)


def _list_health(store) -> str:
    from generator.publish.bounces import list_health

    return list_health(store)


@main.group()
def bounces() -> None:
    """Bounces and complaints that arrive at the return address (see email.bounce_address)."""


@bounces.command("import")
@SETTINGS_OPTION
@click.argument("mailbox_path", metavar="MAILBOX", type=click.Path(exists=False))
@expected_errors
def bounces_import(settings_path, mailbox_path) -> None:
    """Read delivery reports (RFC 3464) and complaints (ARF) from an mbox file or Maildir folder;
    suppress hard bounces and complainers, count soft bounces. Safe to run again on the same mailbox.
    Exit 0: all read and verified; 3: some messages unreadable (set aside, named); 4: some reports unverified.

    For IMAP, sync the box into a Maildir first (mbsync, getmail, fetchmail)."""
    from generator.publish.bounces import import_bounces, list_health
    from generator.publish.tokens import verifying_secrets

    settings = _settings(settings_path)
    secrets = verifying_secrets()  # reader tokens are verified with the current secret and the old ones
    with _store(settings) as store:
        summary = import_bounces(store, Path(mailbox_path), secrets, settings)
        health = list_health(store)
    click.echo(summary.line())
    for address in summary.suppressed[:50]:
        click.echo(f"  suppressed: {address}", err=True)
    for name in summary.unreadable[:50]:
        click.echo(f"  set aside, unreadable: {name}", err=True)
    for key in summary.unverified[:50]:
        click.echo(f"  unverified, nobody suppressed: {key}", err=True)
    click.echo(health)
    sys.exit(summary.exit_code)


@main.command()
@SETTINGS_OPTION
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="The week to preview (default: the latest).")
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
        r = view.current
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


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--site-url", help="Public URL of the site (site.base_url), e.g. https://example.com/smallcaps/.")
@click.option("--signup-url", help="Public URL of `capweekly serve` (web.public_url): turns on the sign-up forms.")
@expected_errors
def init(directory, site_url, signup_url) -> None:
    """Start a new newsletter in DIRECTORY (default: here): settings.yaml with every key commented,
    notes/ with an example note, an empty templates/ override folder, a JSON schema and .gitignore."""
    from generator.init import SIGNUP_HELP, new_newsletter

    target = Path(directory)
    written = new_newsletter(target, site_url, signup_url)
    for path in written:
        info(f"  wrote {path}")
    where = "" if target.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    click.echo(f"new newsletter in {target.resolve()}; next: {where}capweekly build --source sample "
               "(then edit settings.yaml: branding, disclosures, data.source)")
    if not signup_url:
        info(SIGNUP_HELP)


@main.group("settings")
def settings_group() -> None:
    """Inspect the settings file: check it, or print its JSON schema."""


@settings_group.command("schema")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def settings_schema_command(out_file) -> None:
    """Print the JSON schema of settings.yaml (for editor completion: yaml-language-server, VS Code, PyCharm)."""
    from generator.init import schema_text

    text = schema_text()
    if out_file:
        from generator.writer import write_text

        write_text(Path(out_file), text)
        info(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)


@settings_group.command("check")
@SETTINGS_OPTION
@expected_errors
def settings_check(settings_path) -> None:
    """Validate the settings file (and CAPWEEKLY__... overrides); list every problem with its line."""
    settings = _settings(settings_path)
    click.echo(f"{settings_path}: ok ({settings.branding.title}: {settings.pair.small}/{settings.pair.large}, "
               f"{len(settings.optional_tickers())} optional tickers, data from {settings.data.source})")


def run() -> None:
    """The `capweekly` entry point: run the command, then leave without tearing the interpreter down.

    Every file is written and closed by then; exit handlers still run (logging, multiprocessing).
    What is skipped is freeing pandas', matplotlib's and WeasyPrint's objects one by one, which
    takes about 0.3 s and gives nothing back to anyone. A crash (not SystemExit) keeps the
    normal path and its traceback.
    """
    import atexit
    import os

    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
