"""Commands around the subscriber list: subscribers, send, serve (sign-up), db and bounces."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.common import (SETTINGS_OPTION, WAIT_OPTION, expected_errors, hold_lock, info, list_health_line,
                                  load_settings_file, open_list, parse_date, verbosity)
from generator.errors import EXIT_SERVICE, CapweeklyError

if TYPE_CHECKING:
    from generator.settings import Settings


@click.group()
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
    with open_list(load_settings_file(settings_path)) as store:
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
    with open_list(load_settings_file(settings_path)) as store:
        store.add(email, name, status, consent=consent)
    click.echo(f"{email}: {status}")


@subscribers.command("remove")
@SETTINGS_OPTION
@click.argument("email")
@expected_errors
def subscribers_remove(settings_path, email) -> None:
    """Unsubscribe an address (kept as a suppression record)."""
    with open_list(load_settings_file(settings_path)) as store:
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

    with open_list(load_settings_file(settings_path)) as store:
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

    settings = load_settings_file(settings_path)
    secret = secret_from_env()
    with open_list(settings) as store:
        if retry_failed:
            info(f"{requeue(store)} failed confirmation emails queued again")
        run = send_due(store, settings, secret, everything=True)
    click.echo(run.line())
    if run.failed:
        sys.exit(EXIT_SERVICE)


def _issue_folder(settings: Settings, out_dir, as_of: date | None, allow_sample: bool = False) -> Path:
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


@click.command()
@SETTINGS_OPTION
@click.option("--as-of", callback=parse_date, metavar="YYYY-MM-DD", help="Issue to send (default: the latest built).")
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

    settings = load_settings_file(settings_path)
    issue = load_issue(_issue_folder(settings, out_dir, as_of, allow_sample_data))
    if to_address:
        to_address = normalise_address(to_address)
    if dry_run:
        folder = Path(outbox) if outbox else issue.folder / "outbox"
        with open_list(settings) as store:
            count = write_outbox(settings, issue, None if to_address else store, folder, to_address)
        click.echo(f"dry run: wrote {count} messages to {folder}; nothing sent")
        return
    require_postal_address(settings, settings_path)  # every real send, the test copy included
    require_footer(issue, settings, settings_path)
    if to_address:
        send_test_copy(settings, issue, to_address)
        click.echo(f"test copy of {issue.as_of} sent to {to_address}")
        return
    with hold_lock(settings, "send", wait), open_list(settings) as store:
        check_sendable(issue, store, today=datetime.now(timezone.utc).date(),
                       max_age_days=settings.email.max_age_days, allow_sample=allow_sample_data,
                       allow_stale=allow_stale_data, allow_older=allow_older_issue, allow_flagged=allow_flagged)
        summary = send_with_progress(settings, store, issue, resend_unknown, connections)
        health = list_health_line(store)
    send_report(summary, resend_unknown, health)


def send_with_progress(settings: Settings, store, issue, resend_unknown: bool = False, connections: int = 1):
    """send_issue with a progress bar on stderr (readers done of all, sent, failed, time left)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from generator.publish.mail import send_issue

    total = len(store.list("confirmed"))
    console = Console(stderr=True, quiet=verbosity() == 0)
    if not console.is_terminal:
        # A log (cron, CI): a plain line every tenth of the readers, and the first one, so a long send is not silent.
        step = max(1, total // 10)
        started = time.monotonic()
        marks = {"next": 1}
        if verbosity():
            click.echo(f"sending {issue.as_of} to {total} confirmed readers", err=True)

        def line(s):
            done = s.done
            if verbosity() and done >= marks["next"]:
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


def send_report(summary, resend_unknown: bool = False, health: str = "") -> None:
    click.echo(summary.line())
    if health:  # the list's bounce and complaint rates (generator.publish.bounces), beside the summary on stderr
        click.echo(health, err=True)
    for failure in summary.failures[:None if verbosity() >= 2 else 20]:
        info(f"  failed: {failure}")
    if summary.unknown and not resend_unknown:
        info(f"  {summary.unknown} readers have an unknown outcome from an interrupted send and were not "
             "re-sent; --resend-unknown sends to them again (some may get two copies)")
    if summary.stopped or summary.failed or summary.deferred:
        sys.exit(EXIT_SERVICE)


@click.command()
@SETTINGS_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local behind a proxy).")
@click.option("--port", default=8000, show_default=True, type=int)
@expected_errors
def serve(settings_path, host, port) -> None:
    """Run the sign-up / confirm / one-click unsubscribe app (needs CAPWEEKLY_SECRET), and the worker that sends
    the queued confirmation emails. The access log never shows a link's token."""
    from generator.web import make_web_server

    server, worker = make_web_server(load_settings_file(settings_path), host, port)
    click.echo(f"capweekly serve: http://{host}:{port}/ (health: /health); for production see README, 'Deploying'",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        worker.stop()


@click.group()
def db() -> None:
    """The subscriber list's database (email.database: a SQLite file or a postgresql:// URL)."""


@db.command("migrate")
@SETTINGS_OPTION
@expected_errors
def db_migrate(settings_path) -> None:
    """Bring the list's schema up to this capweekly's version (every command that opens the list does it too;
    running it again changes nothing)."""
    from generator.db import schema_version

    settings = load_settings_file(settings_path)
    with open_list(settings) as store:
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

    settings = load_settings_file(settings_path)
    with SubscriberStore(Path(sqlite_path)) as source, open_list(settings) as target:
        counts = copy_sqlite(source, target)
    for table, before, after in counts:
        click.echo(f"{table}: {after} rows" + ("" if before == after else f" (MISMATCH: {before} in {sqlite_path})"))
    wrong = [t for t, before, after in counts if before != after]
    if wrong:
        click.echo(f"copy error: the counts differ for {', '.join(wrong)}", err=True)
        sys.exit(3)
    click.echo(f"copied {sqlite_path} into {settings.email.database}: every table's count matches", err=True)


@click.group()
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

    settings = load_settings_file(settings_path)
    secrets = verifying_secrets()  # reader tokens are verified with the current secret and the old ones
    with open_list(settings) as store:
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
