"""`capweekly backfill`: every week in a range, in parallel, skipping what is built, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from generator.backfill import COMPLETE, backfill, is_complete
from generator.data import load_prices
from generator.pipeline import build_issue

ROOT = Path(__file__).resolve().parent.parent
START, END = date(2025, 10, 6), date(2025, 10, 31)
FRIDAYS = [date(2025, 10, 10), date(2025, 10, 17), date(2025, 10, 24), date(2025, 10, 31)]


@pytest.fixture(scope="module")
def sample_market(settings):
    return load_prices(settings, "sample", None)


@pytest.fixture(scope="module")
def backfilled(settings, sample_market, tmp_path_factory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("backfill")
    built, skipped = backfill(settings, sample_market, out, START, END, jobs=2)
    return out, built, skipped


def test_every_week_in_the_range_is_built_once(backfilled):
    out, built, skipped = backfilled
    assert [b.as_of for b in built] == FRIDAYS and skipped == []
    assert sorted(p.name for p in out.iterdir()) == [d.isoformat() for d in FRIDAYS]  # nothing else, no staging
    for day in FRIDAYS:
        assert all((out / day.isoformat() / name).stat().st_size > 0 for name in COMPLETE)
    assert all(b.seconds > 0 and b.rss_mb > 0 for b in built)


def test_a_backfilled_issue_is_the_issue_a_single_build_makes(settings, backfilled, tmp_path):
    out, _, _ = backfilled
    single = build_issue(settings, source="sample", as_of=FRIDAYS[1], out_dir=tmp_path).folder
    for name in ("metrics.json", "report.html", "site.html", "email.html", "email.txt", "charts/rates.svg",
                 "charts/rates.png"):
        assert (single / name).read_bytes() == (out / FRIDAYS[1].isoformat() / name).read_bytes(), name


def test_a_second_run_skips_complete_issues_and_force_rebuilds_them(settings, sample_market, backfilled):
    out, _, _ = backfilled
    mtimes = {d: (out / d.isoformat() / "report.pdf").stat().st_mtime_ns for d in FRIDAYS}
    built, skipped = backfill(settings, sample_market, out, START, END, jobs=2)
    assert built == [] and skipped == FRIDAYS
    (out / FRIDAYS[2].isoformat() / "report.pdf").unlink()  # an incomplete issue is built again
    built, skipped = backfill(settings, sample_market, out, START, END, jobs=1)
    assert [b.as_of for b in built] == [FRIDAYS[2]] and is_complete(out / FRIDAYS[2].isoformat())
    built, _ = backfill(settings, sample_market, out, FRIDAYS[3], FRIDAYS[3], jobs=1, force=True)
    assert [b.as_of for b in built] == [FRIDAYS[3]]
    assert (out / FRIDAYS[3].isoformat() / "report.pdf").stat().st_mtime_ns > mtimes[FRIDAYS[3]]
    assert (out / FRIDAYS[0].isoformat() / "report.pdf").stat().st_mtime_ns == mtimes[FRIDAYS[0]]


def test_workers_are_replaced_after_their_quota(settings, sample_market, tmp_path, monkeypatch):
    import generator.backfill as module

    monkeypatch.setattr(module, "RECYCLE_AFTER", 1)  # two jobs: a fresh pair of workers every two issues
    built, _ = backfill(settings, sample_market, tmp_path, START, END, jobs=2)
    assert [b.as_of for b in built] == FRIDAYS
    assert len({b.pid for b in built}) > 2 and os.getpid() not in {b.pid for b in built}
    assert all(is_complete(tmp_path / d.isoformat()) for d in FRIDAYS)


def _cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs)


def test_a_killed_backfill_continues_where_it_stopped(tmp_path):
    args = ("backfill", "--source", "sample", "--from", START.isoformat(), "--to", END.isoformat(),
            "--jobs", "1", "--out", str(tmp_path))
    first = _cli(*args)
    deadline = time.monotonic() + 120
    while not any(is_complete(tmp_path / d.isoformat()) for d in FRIDAYS):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the harshest stop: no cleanup code runs
    first.wait()
    done = [d for d in FRIDAYS if is_complete(tmp_path / d.isoformat())]
    assert 1 <= len(done) < len(FRIDAYS)

    second = _cli(*args)
    stdout, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr
    assert f"built {len(FRIDAYS) - len(done)} issues, skipped {len(done)} already complete" in stdout
    assert "sample data is never published" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [d.isoformat() for d in FRIDAYS]  # staging cleaned


def test_a_range_backwards_is_refused(tmp_path):
    result = subprocess.run([sys.executable, "-m", "generator.cli", "backfill", "--source", "sample", "--from",
                             "2025-10-31", "--to", "2025-10-01", "--out", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "--from 2025-10-31 is after --to 2025-10-01" in result.stderr
    assert list(tmp_path.iterdir()) == []
