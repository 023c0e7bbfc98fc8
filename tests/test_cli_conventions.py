"""CLI conventions: exit codes by kind, -q/-v, CAPWEEKLY_SETTINGS, option ranges, `settings` commands."""

from __future__ import annotations

from datetime import datetime, timezone

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.errors import CapweeklyError, DataError, RefusedError, ServiceError, SettingsError
from generator.publish.mail import SendError, SendRefused, SMTPUnavailable
from tests.conftest import SETTINGS


def _copy(tmp_path, **changes):
    raw = yaml.safe_load(SETTINGS.read_text())
    for dotted, value in changes.items():
        section, key = dotted.split("__")
        raw[section][key] = value
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_exit_codes_by_kind():
    assert CapweeklyError("x").exit_code == DataError("x").exit_code == SettingsError("f", ["p"]).exit_code == 3
    assert RefusedError("x").exit_code == SendRefused("x").exit_code == 4
    assert ServiceError("x").exit_code == SMTPUnavailable("x").exit_code == 5
    assert SendError("x").exit_code == 3 and isinstance(SendRefused("x"), SendError)


def test_usage_errors_exit_2():
    runner = CliRunner()
    jobs = runner.invoke(main, ["backfill", "--from", "2025-01-01", "--to", "2025-02-01", "--jobs", "0"])
    assert jobs.exit_code == 2 and "--jobs" in jobs.output and "0 is not in the range x>=1" in jobs.output
    both = runner.invoke(main, ["-q", "-v", "settings", "schema"])
    assert both.exit_code == 2 and "--quiet and --verbose cannot be used together" in both.output
    assert runner.invoke(main, ["build", "--as-of", "someday"]).exit_code == 2
    assert runner.invoke(main, ["send", "--wait", "-1"]).exit_code == 2


def test_settings_from_the_environment(tmp_path, monkeypatch):
    path = _copy(tmp_path, branding__title="The Other Letter")
    monkeypatch.setenv("CAPWEEKLY_SETTINGS", str(path))
    result = CliRunner().invoke(main, ["settings", "check"])
    assert result.exit_code == 0, result.output
    assert "The Other Letter: IWM/SPY" in result.output
    monkeypatch.setenv("CAPWEEKLY__PAIR__SMALL", "IJR")  # clashes with tickers.quality: IJR
    clash = CliRunner().invoke(main, ["settings", "check"])
    assert clash.exit_code == 3
    assert ("settings error: " + str(path) + ": line ") in clash.output  # the file's line of tickers.quality
    assert "tickers.quality: IJR is also pair.small" in clash.output
    monkeypatch.setenv("CAPWEEKLY__TICKERS__QUALITY", "null")
    fixed = CliRunner().invoke(main, ["settings", "check"])
    assert fixed.exit_code == 0 and "IJR/SPY" in fixed.output
    monkeypatch.setenv("CAPWEEKLY__DATA__RETRIES", "many")
    bad = CliRunner().invoke(main, ["settings", "check"])
    assert bad.exit_code == 3 and "CAPWEEKLY__DATA__RETRIES (environment): data.retries:" in bad.output


def test_a_missing_settings_file_points_to_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--source", "sample"])
    assert result.exit_code == 3
    assert result.output.strip() == ("settings error: settings.yaml: file not found (run `capweekly init` to start "
                                     "a newsletter here, pass --settings PATH or set CAPWEEKLY_SETTINGS)")


def test_quiet_and_verbose(tmp_path):
    runner = CliRunner()
    quiet = runner.invoke(main, ["-q", "init", str(tmp_path / "a")])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout.startswith("new newsletter in ")
    normal = runner.invoke(main, ["init", str(tmp_path / "b")])
    assert "wrote " in normal.stderr
    verbose = runner.invoke(main, ["-v", "settings", "check", "--settings", str(tmp_path / "b" / "settings.yaml")])
    assert verbose.exit_code == 0 and f"settings: {tmp_path / 'b' / 'settings.yaml'}" in verbose.stderr


def test_data_status_does_not_call_a_session_in_progress_before_the_open():
    from generator.data.calendar import MarketClock

    clock = MarketClock()
    friday = [datetime(2024, 7, 12, h, m, tzinfo=timezone.utc) for h, m in ((3, 25), (15, 0), (20, 5), (21, 0))]
    assert [clock.describe_today(t) for t in friday] == [
        "today's session (2024-07-12) opens at 13:30 UTC",
        "today's session (2024-07-12) is in progress (closes at 20:00 UTC)",
        "today's session (2024-07-12) closed at 20:00 UTC; its bar settles by 20:20 UTC",
        "today's session (2024-07-12) is complete"]
    assert clock.describe_today(datetime(2024, 7, 13, 3, 25, tzinfo=timezone.utc)) == "2024-07-13 is not a trading day"


def test_missing_optional_tickers_are_named_with_their_keys(tmp_path):
    from generator.settings import load_settings, missing_optional

    settings = load_settings(_copy(tmp_path, tickers__quality="IJRR"))
    doc = {"as_of": "2025-10-31", "source": "sample",
           "provenance": {"missing": ["IJRR"], "description": "Embedded synthetic sample (not market data)"}}
    assert missing_optional(settings, doc) == [
        "tickers.quality: IJRR has no data up to 2025-10-31 in Embedded synthetic sample (not market data); the "
        "sections that use it are left out (check the spelling, or add its data)"]
    assert missing_optional(settings, {**doc, "provenance": {"missing": []}}) == []
