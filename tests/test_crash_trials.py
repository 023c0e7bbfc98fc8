"""Crash trials (issue 16): a process killed (SIGKILL) at random points, then restarted.

- send: killed at 20 random points against a real local SMTP server (aiosmtpd), restarted each time; the server's
  count per reader must show no duplicate and no reader left without a copy (issue 25: the ledger's in-flight mark
  is written only immediately before the final dot, so `unknown` means the server had the message).
- publish: killed at random points; the live site is always the previous one, whole, or the new one, whole.
- build: killed at random points, and run against a full disk (RLIMIT_FSIZE); the previous issue stays
  byte-identical and no partial folder is left in its place.

The trials fork from the test process (everything is already imported, so each restart costs milliseconds).
The seeds are fixed so a failure can be replayed; CAPWEEKLY_CRASH_SEED changes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
from secrets import token_urlsafe
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from generator.publish.mail import Issue, send_issue
from generator.publish.subscribers import SubscriberStore
from tests.smtp_server import SmtpServer

SECRET = token_urlsafe(32)
SEED = int(os.environ.get("CAPWEEKLY_CRASH_SEED", "16"))
READERS = 80
KILLS = 20

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash trials fork and SIGKILL child processes, which needs os.fork (Linux or macOS)")


def _fork(work) -> tuple[int, int]:
    """Run work(write_fd) in a forked child; returns (pid, read end of its pipe)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read)
            code = work(write) or 0
        except BaseException:  # noqa: BLE001 - report and leave
            import traceback

            os.write(write, ("E" + traceback.format_exc()).encode()[:4000])
            code = 70
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _reap(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- send ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("list_db, connections", [("sqlite", 1), ("postgresql", 1), ("postgresql", 3)],
                         indirect=["list_db"])
def test_send_killed_at_20_random_points_never_duplicates_or_skips(settings, tmp_path, monkeypatch, list_db,
                                                                  connections):
    """On both backends, and over several connections at once (send --connections), where a kill finds up to
    one reader per connection in flight."""
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    monkeypatch.delenv("CAPWEEKLY_SMTP_USER", raising=False)
    rng = random.Random(SEED)
    db = list_db  # a SQLite file, or a PostgreSQL database: the ledger's guarantees are the same
    with SubscriberStore(db) as store:
        for i in range(READERS):
            store.add(f"reader{i:02d}@example.com")
    issue = Issue(tmp_path, "2026-11-27", "csv", "Small Caps Weekly: crash trial", "<p>issue</p>", "issue", {})

    with SmtpServer() as server:
        e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": server.port, "security": "none",
                                              "rate_per_second": 1000, "backoff_seconds": 0,
                                              "unsubscribe_url": "https://example.com/u"})
        s = settings.model_copy(update={"email": e})

        def run(write_fd):
            with SubscriberStore(db) as own:  # a fresh connection: the parent's is never used after the fork
                send_issue(s, own, issue, progress=lambda summary: os.write(write_fd, b"."), connections=connections)
            os.write(write_fd, b"D")

        kills = runs = 0
        while kills < KILLS:
            runs += 1
            pid, read = _fork(run)
            wait_for = rng.randint(0, 3)  # messages to let through, then a random moment within the next
            seen = b""
            while seen.count(b".") < wait_for and b"D" not in seen and b"E" not in seen:
                chunk = os.read(read, 64)
                if not chunk:
                    break
                seen += chunk
            time.sleep(rng.uniform(0, 0.004))
            os.kill(pid, signal.SIGKILL)
            code = _reap(pid)
            rest = b""
            while chunk := os.read(read, 4096):
                rest += chunk
            os.close(read)
            assert b"E" not in seen + rest, (seen + rest).decode(errors="replace")
            if code == -signal.SIGKILL and b"D" not in seen + rest:
                kills += 1
            with SubscriberStore(db) as check:
                if len(check.ledger(issue.as_of)) == READERS and kills < KILLS:
                    pytest.fail(f"the list ran out after {kills} kills; add readers (seed {SEED})")
        pid, read = _fork(run)  # the last restart runs to the end
        assert _reap(pid) == 0
        os.close(read)
        delivered = Counter(r for r in server.handler.recipients())

    with SubscriberStore(db) as store:
        ledger = store.ledger(issue.as_of)
    unknown = {store_email for store_email, sid in ((f"reader{i:02d}@example.com", i + 1) for i in range(READERS))
               if ledger.get(sid) == "unknown"}
    everyone = {f"reader{i:02d}@example.com" for i in range(READERS)}
    duplicates = {a: n for a, n in delivered.items() if n > 1}
    stranded = everyone - set(delivered)  # no copy, whatever the ledger says (unknown included)
    print(f"\ncrash trial send ({connections} connections): {kills} kills in {runs} runs, {READERS} readers, "
          f"{sum(delivered.values())} delivered, "
          f"{len(unknown)} reported unknown ({len(unknown & set(delivered))} of them delivered), "
          f"{len(duplicates)} duplicates, {len(stranded)} stranded (seed {SEED})")
    assert duplicates == {}
    assert stranded == set()
    assert set(ledger.values()) <= {"sent", "unknown"} and len(ledger) == READERS
    assert all(ledger[i + 1] == "sent" for i in range(READERS) if f"reader{i:02d}@example.com" not in unknown)


# --- publish ---------------------------------------------------------------------------------------------------

def _copy_as(issue: Path, reports: Path, as_of: str) -> None:
    target = reports / as_of
    shutil.copytree(issue, target)
    doc = json.loads((target / "metrics.json").read_text())
    doc["as_of"] = as_of
    (target / "metrics.json").write_text(json.dumps(doc))


def test_publish_killed_at_random_points_leaves_a_whole_site(settings, sample_issue, tmp_path):
    from generator.publish.site import publish_site

    rng = random.Random(SEED + 1)
    reports, site = tmp_path / "reports", tmp_path / "site"
    reports.mkdir()
    _copy_as(sample_issue, reports, "2026-11-20")
    publish = lambda target: publish_site(settings, reports, target, "https://example.com/", allow_sample=True)  # noqa: E731
    publish(site)
    before = _tree(site)
    shutil.copytree(site, tmp_path / "old-site")
    _copy_as(sample_issue, reports, "2026-11-27")
    shutil.copytree(site, tmp_path / "reference")
    started = time.perf_counter()  # a forked publish, timed, gives what a complete publish of the new issue gives
    pid, read = _fork(lambda fd: publish(tmp_path / "reference") and None)
    assert _reap(pid) == 0
    os.close(read)
    took = time.perf_counter() - started
    after = _tree(tmp_path / "reference")
    assert after != before
    outcomes = Counter()
    for trial in range(10):
        pid, read = _fork(lambda fd: publish(site) and None)
        time.sleep(rng.uniform(0, took * 1.2))
        os.kill(pid, signal.SIGKILL)
        code = _reap(pid)
        said = os.read(read, 4096)
        os.close(read)
        assert code in (0, -signal.SIGKILL) and not said, said.decode(errors="replace")
        now = _tree(site)
        assert now in (before, after), f"trial {trial}: the site is neither the old one nor the new one, whole"
        outcomes["old" if now == before else "new"] += 1
        if now == after:  # start the next trial from the old site again
            shutil.rmtree(site)
            shutil.copytree(tmp_path / "old-site", site)
    publish(site)  # the next publish removes what the killed ones left beside the site
    assert not list(tmp_path.glob(".site.*"))
    print(f"\ncrash trial publish: 10 kills (publish takes {took * 1000:.0f} ms), site left old {outcomes['old']}, new {outcomes['new']}, "
          f"never partial (seed {SEED + 1})")


# --- build -----------------------------------------------------------------------------------------------------

def test_build_killed_or_out_of_disk_leaves_the_previous_issue_intact(settings, sample_issue, tmp_path):
    from generator.errors import CapweeklyError
    from generator.pipeline import build_issue

    rng = random.Random(SEED + 2)
    reports = tmp_path / "reports"
    shutil.copytree(sample_issue, reports / sample_issue.name)
    before = _tree(reports / sample_issue.name)

    def build(fd, limit=None):
        if limit is not None:  # a full disk: every write past `limit` bytes fails with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            build_issue(settings, source="sample", out_dir=reports)
        except CapweeklyError as exc:
            os.write(fd, exc.one_line().encode())
            return 2
        return 0

    # Full disk: two limits, one that stops the first chart and one that stops the large HTML (near the end:
    # its time estimates a whole build, for the kills below).
    for limit in (16 * 1024, 160 * 1024):
        started = time.perf_counter()
        pid, read = _fork(lambda fd, limit=limit: build(fd, limit))
        code = _reap(pid)
        message = os.read(read, 4096).decode()
        os.close(read)
        assert code == 2, message
        assert message.startswith("output error: ") and "the previous issue, if any, is unchanged" in message, message
        assert "\n" not in message.strip()
        assert _tree(reports / sample_issue.name) == before
        assert sorted(p.name for p in reports.iterdir()) == [sample_issue.name]  # no staging folder left
    took = (time.perf_counter() - started) * 1.2
    # Killed at random moments.
    kills = 0
    for trial in range(2):
        folder = reports / sample_issue.name
        inode, previous = folder.stat().st_ino, _tree(folder)
        pid, read = _fork(build)
        time.sleep(rng.uniform(0.2, took * 0.95))
        os.kill(pid, signal.SIGKILL)
        kills += _reap(pid) == -signal.SIGKILL
        os.close(read)
        now = _tree(folder)
        if folder.stat().st_ino == inode:  # the kill came before the new issue was swapped in
            assert now == previous, f"trial {trial}: the previous issue changed"
        else:  # after: the new issue, whole
            assert set(now) == set(before) - {k for k in before if k.startswith("notes/")}, \
                f"trial {trial}: the new issue folder is not whole"  # (built without the session's note)
    # A staging folder a killed build left is removed by the next build of the same issue, which completes.
    pid, read = _fork(build)
    assert _reap(pid) == 0
    os.close(read)
    assert sorted(p.name for p in reports.iterdir()) == [sample_issue.name]
    assert set(_tree(reports / sample_issue.name)) == set(before) - {k for k in before if k.startswith("notes/")}
    print(f"\ncrash trial build: 2 full-disk runs, {kills} kills; previous issue intact every time (seed {SEED + 2})")
