"""`capweekly weekly`: update, build, publish, send, in order; safe to run twice; nothing sent on failure."""

from datetime import date
from secrets import token_urlsafe

import yaml
import yfinance
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import SETTINGS
from tests.fake_yahoo import FakeDownload, truth
from tests.s3_server import aws, bucket, bucket_objects, s3_endpoint  # noqa: F401 (fixtures)
from tests.smtp_server import SmtpServer

TICKERS = ["IWM", "SPY", "XLK", "^TNX"]


def _settings(tmp_path, port):
    data = yaml.safe_load(SETTINGS.read_text())
    data["tickers"] = {"sectors": ["XLK"], "long_yield": "^TNX"}
    for side in ("small_index", "large_index"):  # the long-history indices are optional tickers too
        data["pair"].pop(side, None)
    data["breadth"] = {"universe": []}
    data["data"].update({"source": "yfinance", "cache_dir": str(tmp_path / "cache"), "history_start": "2020-01-02",
                         "backoff_seconds": 0})
    data["output"]["dir"] = str(tmp_path / "reports")
    data["site"] = {"dir": str(tmp_path / "site"), "base_url": "https://example.com/sc/"}
    data["email"] = {"database": str(tmp_path / "subs.sqlite"), "smtp_host": "127.0.0.1", "smtp_port": port,
                     "security": "none", "rate_per_second": 1000, "backoff_seconds": 0}
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_weekly_runs_in_order_and_twice_safely(tmp_path, monkeypatch, aws, bucket):
    """With --to, the site goes up to the bucket (moto's S3 server) after the build and before any email."""
    from generator import cli

    monkeypatch.setenv("CAPWEEKLY_SECRET", token_urlsafe(32))
    monkeypatch.setattr(yfinance, "download", FakeDownload(truth(TICKERS, end=date.today())))
    in_bucket_at_send = []
    send = cli.site.send_with_progress
    monkeypatch.setattr(cli.site, "send_with_progress",
                        lambda *a, **k: in_bucket_at_send.append(set(bucket_objects(aws, bucket))) or send(*a, **k))
    runner = CliRunner()
    with SmtpServer() as server:
        settings = _settings(tmp_path, server.port)
        for i in range(3):
            assert runner.invoke(main, ["subscribers", "add", f"r{i}@example.com", "--settings", settings]).exit_code == 0
        first = runner.invoke(main, ["weekly", "--settings", settings, "--to", f"s3://{bucket}/sc"])
        assert first.exit_code == 0, first.output
        assert "sent 3" in first.output
        second = runner.invoke(main, ["weekly", "--settings", settings, "--to", f"s3://{bucket}/sc"])
        assert second.exit_code == 0, second.output
        assert "site: up to date" in second.output and "sent 0, skipped 3" in second.output
        assert f"s3://{bucket}/sc/: up to date" in second.output
    assert sorted(server.handler.recipients()) == ["r0@example.com", "r1@example.com", "r2@example.com"]
    assert (tmp_path / "site" / "feed.xml").is_file()
    site = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert in_bucket_at_send[0] == {f"sc/{name}" for name in site} | {"sc/.capweekly-manifest.json"}


def test_weekly_sends_nothing_when_the_data_is_stale(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", token_urlsafe(32))
    monkeypatch.setattr(yfinance, "download", FakeDownload(truth(TICKERS, end=date(2025, 10, 31))))
    with SmtpServer() as server:
        settings = _settings(tmp_path, server.port)
        CliRunner().invoke(main, ["subscribers", "add", "r@example.com", "--settings", settings])
        result = CliRunner().invoke(main, ["weekly", "--settings", settings])
    assert result.exit_code == 3 and "stale data" in result.output
    assert server.handler.messages == [] and not (tmp_path / "site").exists()


def test_weekly_prints_the_build_warnings_and_strict_fails_on_them(tmp_path, monkeypatch):
    """Issue 25: from cron the build's warnings were lost; --strict makes them stop the run."""
    from datetime import datetime, timedelta, timezone

    from generator.data.calendar import MarketClock

    monkeypatch.setenv("CAPWEEKLY_SECRET", token_urlsafe(32))
    monkeypatch.setattr(yfinance, "download", FakeDownload(truth(TICKERS, end=date.today())))
    session = MarketClock().last_completed_session(datetime.now(timezone.utc))
    saturday = session + timedelta(days=5 - session.weekday())  # the same week's Saturday: no issue is dated so
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / f"{saturday}.md").write_text("A note for the week, dated on the Saturday by mistake.\n")
    runner = CliRunner()
    with SmtpServer() as server:
        settings = _settings(tmp_path, server.port)
        data = yaml.safe_load(open(settings))
        data["notes_dir"] = str(notes)
        open(settings, "w").write(yaml.safe_dump(data))
        runner.invoke(main, ["subscribers", "add", "r@example.com", "--settings", settings])
        strict = runner.invoke(main, ["weekly", "--strict", "--settings", settings])
        assert server.handler.messages == [] and not (tmp_path / "site").exists()
        lenient = runner.invoke(main, ["weekly", "--settings", settings])
    warning = f"warning: {notes / f'{saturday}.md'}: matches no issue: this week's issue is dated {session}"
    assert strict.exit_code == 4, strict.output
    assert warning in strict.output
    # the fake Yahoo has no breadth members: the section readers would see empty is a warning too
    assert "warning: breadth: not in this issue, a standing gap" in strict.output
    assert f"refused: issue {session}: 2 build warning(s) and --strict; nothing published or sent" in strict.output
    assert lenient.exit_code == 0, lenient.output
    assert warning in lenient.output and "sent 1" in lenient.output
