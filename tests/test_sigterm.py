"""SIGTERM to `capweekly weekly` during its build (issue 25): a clean stop, and no process left behind.

A real subprocess, a real signal; its children are read from /proc (Linux)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SETTINGS
from secrets import token_urlsafe

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads child processes from /proc (Linux)")


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie (exited, waiting for init to reap it) or a gone process is not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_sigterm_during_the_weekly_build_stops_cleanly_and_leaves_no_process(market_dir, tmp_path):
    data = yaml.safe_load(SETTINGS.read_text())
    data["data"].update({"source": "csv", "data_dir": str(market_dir)})
    data["output"]["dir"] = str(tmp_path / "reports")
    data["site"] = {"dir": str(tmp_path / "site"), "base_url": "https://example.com/sc/"}
    data["email"] = {"database": str(tmp_path / "subs.sqlite")}
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump(data))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAPWEEKLY_SECRET": token_urlsafe(32)}
    weekly = subprocess.Popen([sys.executable, "-m", "generator.cli", "weekly", "--skip-send", "--settings",
                               str(settings)], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        helpers: set[int] = set()
        deadline = time.monotonic() + 60
        while not helpers and weekly.poll() is None and time.monotonic() < deadline:
            helpers = children(weekly.pid)  # the forked PDF printer: the build has started
            time.sleep(0.01)
        assert helpers, f"no build helper appeared: {weekly.communicate()}"
        time.sleep(0.5)  # well into the build
        weekly.send_signal(signal.SIGTERM)
        out, err = weekly.communicate(timeout=60)
    finally:
        if weekly.poll() is None:
            weekly.kill()
    gone = time.monotonic() + 10
    while any(alive(p) for p in helpers) and time.monotonic() < gone:
        time.sleep(0.05)
    left = {p for p in helpers if alive(p)}
    for p in left:  # do not leave them to the next test
        os.kill(p, signal.SIGKILL)
    assert left == set(), f"orphaned build helpers: {left}"
    assert weekly.returncode == 143, (weekly.returncode, err.decode())
    lines = err.decode().strip().splitlines()
    assert lines[-1] == "stopped: SIGTERM received; capweekly weekly stopped cleanly", err.decode()
    assert "Traceback" not in err.decode()
    reports = tmp_path / "reports"
    assert not reports.exists() or [p.name for p in reports.iterdir()] == []  # no staging folder left
    assert not (tmp_path / "site").exists()
