"""A full disk during `send`, and a lock folder nobody can write (issue 25): one line each, never a traceback,
and no reader sent twice or left out once the disk has room again.

The full disk is real: an 8 MB tmpfs holding the subscriber database, filled up (mounting one needs root;
otherwise the test is skipped). The unwritable folder is real too: read-only for a user (chmod), or, for
root, whom permissions do not stop, a read-only mount."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.publish.subscribers import SubscriberStore
from tests.conftest import SETTINGS
from tests.smtp_server import SmtpServer

READERS = 40


pytestmark = pytest.mark.usefixtures("send_secret")  # tests/conftest.py


def _mount(folder: Path, size: str) -> None:
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (a real full disk) needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


@pytest.fixture()
def small_disk(tmp_path):
    folder = tmp_path / "disk"
    _mount(folder, "8m")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def write_settings(tmp_path, reports: Path, database: Path, port: int) -> str:
    data = yaml.safe_load(SETTINGS.read_text())
    data["output"]["dir"] = str(reports)
    data["email"].update({"database": str(database), "smtp_host": "127.0.0.1", "smtp_port": port,
                          "security": "none", "unsubscribe_url": "https://example.com/u", "backoff_seconds": 0,
                          "rate_per_second": 1000})
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def one_line_error(result) -> str:
    assert "Traceback" not in result.output and result.exc_info[0] is SystemExit, result.output
    errors = [line for line in result.output.splitlines() if "error" in line.split(":", 1)[0]]
    assert len(errors) == 1, result.output
    return errors[0]


def test_a_full_disk_during_send_is_one_line_and_the_next_run_finishes_the_list(sample_build, small_disk, tmp_path):
    database = small_disk / "subs.sqlite"
    with SubscriberStore(database) as store:
        for i in range(READERS):
            store.add(f"reader{i:02d}@example.com")
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as f:  # fill the disk, then give back room for the database's first few writes
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - 72 * 1024))
    runner = CliRunner()
    with SmtpServer() as server:
        settings = write_settings(tmp_path, sample_build.parent, database, server.port)
        full = runner.invoke(main, ["send", "--settings", settings, "--allow-sample-data", "--allow-stale-data"])
        delivered_while_full = len(server.handler.recipients())
        filler.unlink()  # room again
        again = runner.invoke(main, ["send", "--settings", settings, "--allow-sample-data", "--allow-stale-data"])
    line = one_line_error(full)
    assert full.exit_code == 3, full.output
    assert line.startswith("output error: ") and ("disk is full" in line or "No space left" in line), line
    assert 0 < delivered_while_full < READERS  # it stopped part-way
    assert again.exit_code == 0, again.output
    counts = Counter(server.handler.recipients())
    assert [a for a, n in counts.items() if n > 1] == []  # nobody twice
    everyone = {f"reader{i:02d}@example.com" for i in range(READERS)}
    assert set(counts) == everyone  # nobody left out


def test_a_lock_folder_this_user_cannot_write_is_one_line(sample_build, tmp_path):
    locked = tmp_path / "locked"
    if os.geteuid() == 0:  # permissions do not stop root: a read-only mount does
        _mount(locked, "64k")
        subprocess.run(["mount", "-o", "remount,ro", str(locked)], check=True)
    else:
        locked.mkdir()
        locked.chmod(0o555)
    try:
        with SmtpServer() as server:
            settings = write_settings(tmp_path, sample_build.parent, locked / "subs.sqlite", server.port)
            result = CliRunner().invoke(main, ["send", "--settings", settings, "--allow-sample-data",
                                               "--allow-stale-data"])
            listed = CliRunner().invoke(main, ["subscribers", "list", "--settings", settings])
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(locked)], check=False)
        else:
            locked.chmod(0o755)
    line = one_line_error(result)
    assert result.exit_code == 3
    assert line.startswith(f"output error: {locked / 'subs.sqlite.lock'}: cannot open the run lock ("), line
    assert server.handler.messages == []
    assert listed.exit_code == 3 and "unable to open database file" in one_line_error(listed)
