"""What every command shares: the --settings and --wait options, the -q/-v verbosity, one-line errors and
their exit codes, SIGTERM as a clean stop, the run lock, the PDF printer and the subscriber list."""

from __future__ import annotations

import errno
import sqlite3
import sys
from datetime import date
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.errors import CapweeklyError

if TYPE_CHECKING:
    from generator.settings import Settings


SETTINGS_OPTION = click.option("--settings", "settings_path", default="settings.yaml", show_default=True,
                               envvar="CAPWEEKLY_SETTINGS", show_envvar=True,
                               type=click.Path(dir_okay=False), help="Settings file.")
WAIT_OPTION = click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
                           help="If another send/publish/weekly/backfill holds the lock, wait this long for it.")

# -q / -v of the `capweekly` group: 0 quiet (errors only on stderr), 1 normal, 2 verbose.
_verbosity = 1


def verbosity() -> int:
    """0 quiet (errors only on stderr), 1 normal, 2 verbose: set once by the `capweekly` group's -q / -v."""
    return _verbosity


def set_verbosity(quiet: bool, verbose: bool) -> None:
    global _verbosity
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    _verbosity = 0 if quiet else 2 if verbose else 1


def info(message: str) -> None:
    """A note or warning for the person at the terminal (stderr; hidden by --quiet)."""
    if verbosity() >= 1:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """Shown only with --verbose."""
    if verbosity() >= 2:
        click.echo(message, err=True)


def parse_date(ctx, param, value: str | None) -> date | None:
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


def hold_lock(settings: Settings, command: str, wait: float):
    """The newsletter's run lock (generator.locking), held for the life of the command."""
    from generator.locking import lock_name, run_lock

    detail(f"run lock: {lock_name(settings)}")
    return run_lock(settings, command, wait)



def open_printer():
    """A PDF printer process when there is a second core to run it (see generator.render.printer)."""
    import os
    from contextlib import nullcontext

    from generator.render.printer import pdf_printer

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return pdf_printer() if cores > 1 else nullcontext()

def load_settings_file(path: str):
    from generator.settings import load_settings

    detail(f"settings: {Path(path).resolve()}")
    return load_settings(path)


def open_list(settings: Settings):
    from generator.publish.subscribers import SubscriberStore

    return SubscriberStore(settings.list_database())


def list_health_line(store) -> str:
    from generator.publish.bounces import list_health

    return list_health(store)
