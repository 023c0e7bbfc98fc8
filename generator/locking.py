"""One run at a time: `send`, `publish`, `weekly` and `backfill` hold a lock for their whole life.

The send ledger makes runs one *after* another safe; this makes runs *at the same
time* safe (cron overlapping a manual run). The lock is an OS file lock (flock,
through the filelock library) on `<email.database>.lock`: the file that names
the newsletter's readers names its lock, so two settings files that share a
database share the lock. The kernel releases it when the holder's process ends
for any reason, kill -9 included, so a dead run never blocks the next one and
there is no stale lock to clean up.

Beside it, `<lock>.owner` says who holds it (command, pid, host, start time), so
the refusal can say so. A second run waits up to `--wait` seconds (default 0),
then exits with code 4 and that message.

When email.database is a postgresql:// URL, the readers are named by the
database, not a file: the lock is a session advisory lock in it
(pg_try_advisory_lock on generator.db.RUN_KEY), so runs on two hosts, or from
two folders, that share the list share the lock. PostgreSQL releases it when
the holder's connection ends, as the kernel does a killed process's socket; the
holder's connection is named after it (application_name), which is what the
refusal quotes.
"""

from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from generator.db import RUN_KEY, PgConnection, is_url
from generator.errors import OutputError, RefusedError


class LockHeld(RefusedError):
    category = "busy"


def lock_path(settings) -> Path:
    db = settings.resolve(settings.email.database)
    return db.with_name(db.name + ".lock")


def lock_name(settings) -> str:
    """Where the run lock is, for --verbose."""

    if is_url(settings.email.database):
        return f"advisory lock in {settings.email.database}"
    return str(lock_path(settings))


def _holder(command: str) -> str:
    """The lock connection's application_name (PostgreSQL keeps 63 bytes of it; the start time is the
    connection's own backend_start)."""
    return f"capweekly {command} (pid {os.getpid()} on {socket.gethostname()})"[:63]


def _named(application_name: str, since: str) -> str:
    """The holder as the file lock's refusal names it, from its connection's application_name."""
    import re

    found = re.match(r"^capweekly (\S+) \(pid (\d+) on (.*)\)$", application_name)
    if not found:
        return f"`{application_name}` (since {since})"
    return f"`capweekly {found[1]}` (pid {found[2]} on {found[3]}, since {since})"


@contextmanager
def _advisory_lock(settings, command: str, wait: float) -> Iterator[str]:
    """The run lock as a PostgreSQL session advisory lock, held by a connection of its own."""
    import time


    url = settings.email.database
    holder = _holder(command)
    db = PgConnection(url, application_name=holder)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while not db.execute("SELECT pg_try_advisory_lock(?)", (RUN_KEY,)).fetchone()[0]:
            if time.monotonic() >= deadline:
                row = db.execute("SELECT a.application_name, to_char(a.backend_start AT TIME ZONE 'UTC', "
                                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                 "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
                                 "(SELECT oid FROM pg_database WHERE datname = current_database()) AND "
                                 "((l.classid::bigint << 32) | l.objid::bigint) = ?", (RUN_KEY,)).fetchone()
                held = _named(row[0], row[1]) if row and row[0] else "another capweekly run"
                raise LockHeld(f"{held} holds the run lock in {url}; one send, publish, weekly or backfill runs "
                               "at a time", "wait for it to finish, or pass --wait SECONDS to queue behind it")
            time.sleep(0.05)
        yield url
    finally:
        db.close()  # the session's end releases the lock


def _owner(path: Path) -> str:
    try:
        info = json.loads(path.with_name(path.name + ".owner").read_text(encoding="utf-8"))
        return f"`capweekly {info['command']}` (pid {info['pid']} on {info['host']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another capweekly run"


@contextmanager
def run_lock(settings, command: str, wait: float = 0.0) -> Iterator[Path | str]:
    """Hold the newsletter's lock for the block; raise LockHeld if another run keeps it past `wait` s."""

    if is_url(settings.email.database):
        with _advisory_lock(settings, command, wait) as where:
            yield where
        return
    path = lock_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot create the folder for the run lock ({exc.strerror})") from None
    lock = FileLock(path, timeout=max(wait, 0.0), thread_local=False, fallback_to_soft=False)  # flock or nothing
    try:
        lock.acquire(poll_interval=0.05)
    except Timeout:
        held = _owner(path)
        raise LockHeld(f"{held} holds {path}; one send, publish, weekly or backfill runs at a time",
                       "wait for it to finish, or pass --wait SECONDS to queue behind it") from None
    except OSError as exc:  # a folder the user cannot write, a read-only or full file system
        raise OutputError(f"{path}: cannot open the run lock ({exc.strerror or exc})",
                          "check that this user can write the folder of email.database, and that its disk "
                          "is not full") from None
    owner = path.with_name(path.name + ".owner")
    try:
        try:
            owner.write_text(json.dumps({"command": command, "pid": os.getpid(), "host": socket.gethostname(),
                                         "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}),
                             encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{owner}: cannot write who holds the run lock ({exc.strerror or exc})",
                              "check the folder's permissions and free disk space") from None
        yield path
    finally:
        try:
            owner.unlink()
        except OSError:
            pass
        lock.release()
