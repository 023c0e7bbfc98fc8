"""The command as a user runs it: a real process, its output and exit code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SETTINGS


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CAPWEEKLY")}
    environ.update({"CAPWEEKLY_SETTINGS": str(SETTINGS), "PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=environ)


def test_build_prints_the_folder_and_warns_about_sample(tmp_path):
    result = run("build", "--source", "sample", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "2025-10-31")
    assert "SAMPLE DATA" in result.stderr


def test_bad_input_is_one_line_nonzero_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "IWM.csv").write_text("Date,Close\n2024-07-08,10\nnot-a-date,11\n")
    (data / "SPY.csv").write_text("Date,Close\n2024-07-08,10\n2024-07-09,11\n")
    out = tmp_path / "out"
    result = run("build", "--source", "csv", "--data-dir", str(data), "--out", str(out))
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "IWM.csv: line 3: unparseable date 'not-a-date'" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_missing_required_ticker(tmp_path):
    (tmp_path / "SPY.csv").write_text("Date,Close\n2024-07-08,10\n")
    result = run("build", "--source", "csv", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o"))
    assert result.returncode == 3 and "required ticker IWM has no file" in result.stderr


def test_settings_errors_are_listed(tmp_path):
    bad = tmp_path / "settings.yaml"
    bad.write_text(SETTINGS.read_text().replace("small: IWM", "small: IWM\n  smal: IWM")
                   .replace("page_size: A4", "page_size: A3"))
    result = run("build", "--settings", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 3
    smal = next(n for n, text in enumerate(SETTINGS.read_text().splitlines(), 1) if "small: IWM" in text) + 1
    assert f"line {smal}, column 3: pair.smal: unknown key" in result.stderr  # the line below pair.small
    # one line added above it (the misspelt key), so page_size sits a line lower than in the file
    line = next(n for n, text in enumerate(SETTINGS.read_text().splitlines(), 1) if "page_size:" in text) + 1
    assert f"line {line}, column 14: output.page_size:" in result.stderr


@pytest.mark.parametrize("args, code, message", [
    (["--as-of", "2024-13-01"], 2, "is not a date"),
    (["--as-of", "1999-01-01"], 3, "after --as-of 1999-01-01"),
    (["--as-of", "2026-06-01"], 3, "before the week of --as-of 2026-06-01"),
])
def test_as_of_and_source_errors(tmp_path, args, code, message):
    result = run("build", "--source", "sample", "--out", str(tmp_path), *args)
    assert result.returncode == code and message in result.stderr
