"""`capweekly send` as a writer runs it (issue 25): which issue it picks, the postal address it needs,
the database it accepts. Against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.errors import SettingsError
from generator.pipeline import build_issue
from generator.settings import load_settings
from tests.conftest import SETTINGS
from tests.smtp_server import SmtpServer

ADDRESS = "100 Example Street, Suite 2, Springfield, IL 62701, USA"


pytestmark = pytest.mark.usefixtures("send_secret")  # tests/conftest.py


def write_settings(tmp_path, port, **branding) -> str:
    data = yaml.safe_load(SETTINGS.read_text())
    data["branding"].update(branding)
    data["output"]["dir"] = str(tmp_path / "reports")
    data["email"].update({"database": str(tmp_path / "subs.sqlite"), "smtp_host": "127.0.0.1", "smtp_port": port,
                          "security": "none", "unsubscribe_url": "https://example.com/u", "backoff_seconds": 0})
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def real_copy(sample_build, reports, as_of: str) -> None:
    """The sample build, relabelled as an issue built from real data on an earlier week."""
    target = reports / as_of
    shutil.copytree(sample_build, target)
    doc = json.loads((target / "metrics.json").read_text())
    doc.update({"as_of": as_of, "source": "csv"})
    (target / "metrics.json").write_text(json.dumps(doc))


def test_a_sample_build_is_never_the_latest_issue_for_a_test_copy(sample_build, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(sample_build, reports / sample_build.name)  # the README's first step: build --source sample
    real_copy(sample_build, reports, "2025-10-24")
    runner = CliRunner()
    with SmtpServer() as server:
        settings = write_settings(tmp_path, server.port)
        result = runner.invoke(main, ["send", "--settings", settings, "--to", "me@example.com"])
        assert result.exit_code == 0, result.output
        assert "issue: 2025-10-24, the latest built from real data (passing over sample build 2025-10-31)" in result.output
        assert "test copy of 2025-10-24 sent to me@example.com" in result.output
        shutil.rmtree(reports / "2025-10-24")
        only_sample = runner.invoke(main, ["send", "--settings", settings, "--to", "me@example.com"])
        dry = runner.invoke(main, ["send", "--settings", settings, "--dry-run"])
    assert only_sample.exit_code == 3 and dry.exit_code == 3
    assert "no sendable issue: the only builds are from sample data (2025-10-31)" in only_sample.output
    assert len(server.handler.messages) == 1


def test_no_real_send_without_a_postal_address_and_both_parts_print_it(sample_build, tmp_path):
    reports = tmp_path / "reports"
    real_copy(sample_build, reports, "2025-10-24")
    runner = CliRunner()
    with SmtpServer() as server:
        bare = write_settings(tmp_path, server.port, postal_address="")
        runner.invoke(main, ["subscribers", "add", "r@example.com", "--settings", bare])
        for args in (["--to", "me@example.com"], ["--allow-stale-data"]):
            refused = runner.invoke(main, ["send", "--settings", bare, *args])
            assert refused.exit_code == 3, refused.output
            line = [x for x in refused.output.splitlines() if x.startswith("settings error")]
            assert line == [f"settings error: {bare}: branding.postal_address: required before sending: the "
                            "publisher's postal address, printed in every email's footer (US CAN-SPAM); set it, "
                            "then rebuild the issue"], refused.output
        assert server.handler.messages == []
        sent = runner.invoke(main, ["send", "--settings", write_settings(tmp_path, server.port), "--allow-stale-data"])
        assert sent.exit_code == 0, sent.output
    raw = server.handler.raw[0]
    from email import message_from_bytes, policy

    msg = message_from_bytes(raw, policy=policy.default)
    text = " ".join(msg.get_body(("plain",)).get_content().split())
    html = msg.get_body(("html",)).get_content()
    assert f"Capweekly Research, {ADDRESS}" in text and f"Capweekly Research, {ADDRESS}" in html


def test_an_issue_built_before_the_address_was_set_is_refused(settings, sample_build, tmp_path):
    bare = settings.model_copy(update={"branding": settings.branding.model_copy(update={"postal_address": ""})})
    old = build_issue(bare, source="sample", out_dir=tmp_path / "built").folder
    reports = tmp_path / "reports"
    real_copy(old, reports, "2025-10-24")
    with SmtpServer() as server:
        result = CliRunner().invoke(main, ["send", "--settings", write_settings(tmp_path, server.port),
                                           "--to", "me@example.com"])
    assert result.exit_code == 3 and "was built before the postal address was set" in result.output
    assert server.handler.messages == []


@pytest.mark.parametrize("url, why", [
    ("postgresql://capweekly:hunter2@db.example.com/letters", "PGPASSWORD or put it in ~/.pgpass"),
    ("postgres://capweekly@db.example.com/letters?sslmode=require&password=hunter2", "PGPASSWORD or put it in"),
    ("sqlite:///var/subs.sqlite", "URLs are not supported"), ("mysql://x/y", "URLs are not supported")])
def test_a_database_url_is_a_settings_error_naming_the_field(tmp_path, monkeypatch, url, why):
    """Any URL but postgresql:// is refused (it would make a file named `sqlite:`), and so is a PostgreSQL URL
    holding a password: one line, naming the field and where the password goes, never the password itself."""
    path = tmp_path / "settings.yaml"
    data = yaml.safe_load(SETTINGS.read_text())
    data["email"]["database"] = url
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert "email.database" in caught.value.one_line() and why in caught.value.one_line()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["subscribers", "list", "--settings", str(path)])
    assert result.exit_code == 3 and "email.database" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "hunter2" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.yaml"]  # no file named `postgresql:` or the like
    data["email"]["database"] = "C:/capweekly/subs.sqlite" if url.startswith("mysql") else "data/subs.sqlite"
    path.write_text(yaml.safe_dump(data))
    load_settings(path)  # paths, a Windows drive included, are still paths
    data["email"]["database"] = "postgresql://capweekly@db.example.com:5432/letters?sslmode=require"
    path.write_text(yaml.safe_dump(data))
    assert load_settings(path).list_database() == data["email"]["database"]  # without a password: accepted
