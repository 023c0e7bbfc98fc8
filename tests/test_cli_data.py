"""`capweekly data update|status` and `build --offline` through the real command layer."""

import yaml
import yfinance
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import SETTINGS
from tests.fake_yahoo import FakeDownload, truth

TICKERS = ["IWM", "SPY", "XLK", "^TNX"]


def _settings_file(tmp_path):
    data = yaml.safe_load(SETTINGS.read_text())
    data["tickers"] = {"sectors": ["XLK"], "long_yield": "^TNX"}
    for side in ("small_index", "large_index"):  # the long-history indices are optional tickers too
        data["pair"].pop(side, None)
    data["breadth"] = {"universe": []}
    data["data"].update({"cache_dir": str(tmp_path / "cache"), "history_start": "2020-01-02", "backoff_seconds": 0})
    data["output"]["dir"] = str(tmp_path / "reports")
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_update_status_and_offline_build(tmp_path, monkeypatch):
    fake = FakeDownload(truth(TICKERS))
    monkeypatch.setattr(yfinance, "download", fake)
    settings = _settings_file(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["data", "update", "--settings", settings])
    assert result.exit_code == 0, result.output
    for t in TICKERS:
        assert t in result.output
    assert "new" in result.output and len(fake.calls) == 1

    status = runner.invoke(main, ["data", "status", "--settings", settings])
    assert status.exit_code == 0, status.output
    assert "Expected last completed session (NYSE)" in status.output
    assert "2025-10-31" in status.output and "stale" in status.output  # the fake data ends long before "now"

    stale = runner.invoke(main, ["build", "--settings", settings, "--source", "yfinance", "--offline"])
    assert stale.exit_code == 3 and "stale data, last bar 2025-10-31" in stale.output
    assert "--as-of 2025-10-31" in stale.output

    built = runner.invoke(main, ["build", "--settings", settings, "--source", "yfinance", "--offline",
                                 "--as-of", "2025-10-31"])
    assert built.exit_code == 0, built.output
    assert built.output.strip().splitlines()[-1].endswith("2025-10-31")
    assert len(fake.calls) == 1  # offline: no further download


def test_update_failure_exits_nonzero_naming_the_ticker(tmp_path, monkeypatch):
    monkeypatch.setattr(yfinance, "download", FakeDownload(truth(TICKERS), missing={"XLK"}))
    result = CliRunner().invoke(main, ["data", "update", "--settings", _settings_file(tmp_path)])
    assert result.exit_code == 3  # a wrong or delisted symbol is a data error, not the network's
    assert "could not refresh XLK" in result.output and "possibly delisted" in result.output


def test_offline_build_without_a_cache_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["build", "--settings", _settings_file(tmp_path), "--source", "yfinance",
                                       "--offline"])
    assert result.exit_code == 3
    assert "no price cache yet" in result.output and "capweekly data update" in result.output
