"""The command as a user runs it: a real process, its output and exit code."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


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
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "IWM.csv: line 3: unparseable date 'not-a-date'" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_missing_required_ticker(tmp_path):
    (tmp_path / "SPY.csv").write_text("Date,Close\n2024-07-08,10\n")
    result = run("build", "--source", "csv", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "required ticker IWM has no file" in result.stderr


def test_settings_errors_are_listed(tmp_path):
    bad = tmp_path / "settings.yaml"
    bad.write_text((ROOT / "settings.yaml").read_text().replace("small: IWM", "small: IWM\n  smal: IWM")
                   .replace("page_size: A4", "page_size: A3"))
    result = run("build", "--settings", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "pair.smal: unknown key" in result.stderr and "output.page_size:" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2024-13-01"], "is not a date"),
    (["--as-of", "1999-01-01"], "after --as-of 1999-01-01"),
    (["--as-of", "2026-06-01"], "before the week of --as-of 2026-06-01"),
])
def test_as_of_and_source_errors(tmp_path, args, message):
    result = run("build", "--source", "sample", "--out", str(tmp_path), *args)
    assert result.returncode == 2 and message in result.stderr
