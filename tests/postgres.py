"""A throwaway PostgreSQL cluster for the tests (issue 22): Debian's initdb and pg_ctl in a temporary folder,
listening on a free loopback port, trust authentication, no fsync (the tests kill clients, never the server).

initdb refuses to run as root, and the tests run as root (CI too): the server then runs as an unprivileged
user, `postgres` (made by Debian's package) or `nobody`. Each test gets a fresh database copied from a
template that is migrated once (CREATE DATABASE ... TEMPLATE), which costs milliseconds, not a migration.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

TEMPLATE = "capweekly_template"
USER = "capweekly"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, or the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl", path=str(Path(on_path).resolve().parent)):
        return Path(on_path).resolve().parent
    return None


def _server_user() -> str | None:
    """Whom to run the server as when we are root (initdb refuses root); None when we are not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres or nobody) to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.user = _server_user()
        # /tmp when the server runs as another user: a TMPDIR inside root's own folders would not let it in
        self.root = Path(tempfile.mkdtemp(prefix="capweekly-pg-", dir="/tmp" if self.user else None))
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=self.root, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stdout[-1500:]}"
                               f"{done.stderr[-1500:]}")
        return done

    def start(self) -> "Cluster":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-o",
                  options, "-w", "-t", "60", "start")
        self.admin(f"CREATE DATABASE {TEMPLATE}")
        from generator.publish.subscribers import SubscriberStore

        SubscriberStore(self.url(TEMPLATE)).close()  # migrated once; every test's database is a copy
        return self

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def fresh_database(self) -> str:
        """A new database with the list's schema, as a postgresql:// URL."""
        name = f"list_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def empty_database(self) -> str:
        """A new database without the list's schema (what a writer creates before the first migration)."""
        name = f"empty_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a test's database (FORCE: a connection the test left open does not keep it)."""
        self.admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
