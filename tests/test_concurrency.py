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
        if not list_db.startswith("postgresql"):  # PostgreSQL ended the session, and its advisory lock, with it
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
