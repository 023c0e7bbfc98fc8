"""One run at a time: concurrent `send` processes against a real SMTP server on loopback (aiosmtpd).

Every run here is a real `capweekly` process; the server counts what it receives.
"""

from __future__ import annotations

import os
from secrets import token_urlsafe
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.locking import lock_path, run_lock
from generator.pipeline import build_issue
from generator.publish.subscribers import SubscriberStore
from generator.settings import load_settings
from tests.conftest import ROOT, SETTINGS
from tests.smtp_server import SmtpServer

READERS = 30
SECRET = token_urlsafe(32)
RISK = ["--allow-sample-data", "--allow-stale-data"]  # the issue is built from the sample, months ago


@pytest.fixture(scope="module")
def reports(settings, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    build_issue(settings, source="sample", out_dir=out)
    return out


def newsletter(tmp_path: Path, reports: Path, port: int, rate: float, database: str) -> Path:
    raw = yaml.safe_load(SETTINGS.read_text())
    raw["output"]["dir"] = str(reports)
    raw["email"].update({"database": database, "smtp_host": "127.0.0.1",
                         "smtp_port": port, "security": "none", "rate_per_second": rate, "backoff_seconds": 0,
                         "unsubscribe_url": "https://example.com/u"})
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    with SubscriberStore(database) as store:
        for i in range(READERS):
            store.add(f"reader{i:02d}@example.com")
    return path


def start_send(settings: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPWEEKLY")}
    env.update({"CAPWEEKLY_SECRET": SECRET, "PYTHONPATH": str(ROOT)})
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "send", "--settings", str(settings), *RISK,
                             *extra], cwd=settings.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish(procs):
    return [(p.returncode, out, err) for p in procs for out, err in [p.communicate(timeout=120)]]


# On PostgreSQL, the two-folder tests below prove the same with the advisory lock (queued and killed holders).
@pytest.mark.parametrize("list_db", ["sqlite"], indirect=True)
def test_concurrent_sends_that_wait_deliver_one_copy_each(tmp_path, reports, list_db):
    with SmtpServer() as server:
        settings = newsletter(tmp_path, reports, server.port, rate=100, database=list_db)
        procs = [start_send(settings, "--wait", "60") for _ in range(4)]
        results = finish(procs)
    assert [code for code, _, _ in results] == [0, 0, 0, 0], [err for _, _, err in results]
    copies = Counter(server.handler.recipients())
    assert len(copies) == READERS and set(copies.values()) == {1}
    sent = sorted(int(out.split("sent ")[1].split(",")[0]) for _, out, _ in results)
    assert sent == [0, 0, 0, READERS]  # one run sent to everyone; the three that queued found nothing to do
    for _, _, err in results:  # progress in a log: the first reader, every tenth, the last
        lines = [x for x in err.splitlines() if x.startswith("sending ") and " done " in x]
        assert [x.split(": ")[1].split(" ")[0] for x in lines] == ["1/30"] + [f"{n}/30" for n in range(3, 31, 3)]


def test_a_send_that_finds_the_lock_held_exits_4_and_names_the_holder(tmp_path, reports, list_db):
    with SmtpServer() as server:
        settings = newsletter(tmp_path, reports, server.port, rate=15, database=list_db)  # about 2 s
        procs = [start_send(settings) for _ in range(3)]
        results = finish(procs)
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 4, 4], [err for _, _, err in results]
    for code, out, err in results:
        if code == 4:
            assert out == ""
            lines = [x for x in err.strip().splitlines() if not x.startswith("issue: ")]  # which issue it picked
            assert len(lines) == 1
            assert lines[0].startswith("busy: `capweekly send` (pid ") and "one send, publish, weekly or backfill" in err
            assert "--wait SECONDS" in err
    copies = Counter(server.handler.recipients())
    assert len(copies) == READERS and set(copies.values()) == {1}


@pytest.mark.parametrize("list_db", ["sqlite"], indirect=True)
def test_a_killed_holder_does_not_block_the_next_run(tmp_path, reports, list_db):
    with SmtpServer() as server:
        settings = newsletter(tmp_path, reports, server.port, rate=4, database=list_db)
        holder = start_send(settings)
        deadline = time.monotonic() + 60
        while len(server.handler.messages) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.handler.messages) >= 3, holder.stderr.read() if holder.poll() is not None else "slow"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        assert lock_path(load_settings(settings)).exists()  # the file stays; the kernel dropped the lock
        settings.write_text(settings.read_text().replace("rate_per_second: 4", "rate_per_second: 100"))
        after = time.monotonic()
        code, out, err = finish([start_send(settings, "--wait", "0")])[0]
        assert time.monotonic() - after < 60
    assert code == 0, err
    copies = Counter(server.handler.recipients())
    assert set(copies.values()) == {1}  # nobody twice
    # A reader whose message was in flight at the kill has an unknown outcome and is not re-sent.
    unknown = int(out.split("outcome unknown ")[1].split(";")[0].strip())
    assert unknown <= 1 and READERS <= len(copies) + unknown <= READERS + 1


@pytest.mark.parametrize("command", [["publish", "--base-url", "https://example.com/"], ["weekly"],
                                     ["backfill", "--source", "sample", "--from", "2025-10-01", "--to",
                                      "2025-10-31", "--no-publish"]])
def test_publish_weekly_and_backfill_take_the_same_lock(tmp_path, reports, command, list_db):
    raw = yaml.safe_load(SETTINGS.read_text())
    raw["email"]["database"] = list_db
    raw["output"]["dir"] = str(tmp_path / "out")
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    settings = load_settings(path)
    with run_lock(settings, "send"):
        result = CliRunner().invoke(main, [command[0], "--settings", str(path), *command[1:]])
    assert result.exit_code == 4, result.output
    assert "holds" in result.output and f"`capweekly send` (pid {os.getpid()}" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "site").exists()  # nothing was done


# --- issue 22: several senders ----------------------------------------------------------------------------------

def _copy_to_folder(settings: Path, folder: Path) -> Path:
    """The same newsletter's settings in another folder (another host's checkout)."""
    folder.mkdir()
    copy = folder / "settings.yaml"
    copy.write_text(settings.read_text())
    return copy


def test_two_senders_from_two_folders_on_one_postgresql_list_deliver_one_copy_each(tmp_path, reports, pg_cluster):
    """Two hosts' checkouts share nothing but the PostgreSQL list: its advisory lock is the run lock, so one sends
    (over four connections) while the other waits, then finds everyone done."""
    with SmtpServer() as server:
        settings = newsletter(tmp_path, reports, server.port, rate=200, database=pg_cluster.fresh_database())
        first, second = (_copy_to_folder(settings, tmp_path / host) for host in ("host-a", "host-b"))
        results = finish([start_send(first, "--connections", "4", "--wait", "60"),
                          start_send(second, "--connections", "4", "--wait", "60")])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    copies = Counter(server.handler.recipients())
    assert len(copies) == READERS and set(copies.values()) == {1}
    assert sorted(int(out.split("sent ")[1].split(",")[0]) for _, out, _ in results) == [0, READERS]
    assert len(set(server.handler.peers)) > 1  # it did deliver over several connections


def test_a_sender_killed_mid_run_while_the_other_waits_leaves_no_duplicate_and_nobody_without_a_copy(
        tmp_path, reports, pg_cluster):
    with SmtpServer() as server:
        settings = newsletter(tmp_path, reports, server.port, rate=10, database=pg_cluster.fresh_database())
        first, second = (_copy_to_folder(settings, tmp_path / host) for host in ("host-a", "host-b"))
        killed = start_send(first, "--connections", "4")
        deadline = time.monotonic() + 60
        while len(server.handler.messages) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        other = start_send(second, "--connections", "4", "--wait", "60")  # queued behind the lock
        time.sleep(0.3)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        code, out, err = finish([other])[0]
    assert code == 0, err
    copies = Counter(server.handler.recipients())
    duplicates = {a: n for a, n in copies.items() if n > 1}
    stranded = {f"reader{i:02d}@example.com" for i in range(READERS)} - set(copies)
    assert 5 <= int(out.split("skipped ")[1].split(" ")[0]) < READERS  # the killed run had sent some already
    assert duplicates == {} and stranded == set(), out


def test_several_connections_deliver_each_reader_once_within_the_rate(settings, tmp_path, list_db, monkeypatch):
    from generator.publish.mail import Issue, send_issue

    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    readers = 40
    with SubscriberStore(list_db) as store:
        for i in range(readers):
            store.add(f"reader{i:02d}@example.com")
        store.add("gone@example.com", status="unsubscribed")
        issue = Issue(tmp_path, "2026-11-27", "csv", "Small Caps Weekly: the week", "<p>issue</p>", "issue", {})
        with SmtpServer() as server:
            server.handler.delay = 0.1  # a relay that takes its time: connections overlap
            e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": server.port,
                                                  "security": "none", "rate_per_second": 100, "backoff_seconds": 0,
                                                  "unsubscribe_url": "https://example.com/u"})
            s = settings.model_copy(update={"email": e})
            started = time.monotonic()
            summary = send_issue(s, store, issue, connections=4)
            took = time.monotonic() - started
            again = send_issue(s, store, issue, connections=4)
        assert (summary.sent, summary.skipped, summary.failed, summary.unknown) == (readers, 0, 0, 0)
        assert (again.sent, again.skipped) == (0, readers)
        assert set(store.ledger(issue.as_of).values()) == {"sent"} and len(store.ledger(issue.as_of)) == readers
    copies = Counter(server.handler.recipients())
    assert len(copies) == readers and set(copies.values()) == {1}
    assert len(set(server.handler.peers)) == 4
    assert took >= (readers - 1) / 100  # never faster than email.rate_per_second, over all connections together
    assert took < readers * 0.1  # and faster than one connection waiting on the relay for each message
