"""The secret that signs every link: strong, never one printed in capweekly's own files, and rotatable."""

from __future__ import annotations

import re
from secrets import token_hex, token_urlsafe

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.errors import EXIT_INPUT
from generator.publish.tokens import (PUBLISHED, SecretError, make_token, read_token, secret_problem,
                                      verifying_secrets)
from tests.conftest import ROOT, SETTINGS

WEAK = {
    "short": "Xk3v9Qp2Lr7Tz1Wm5Nb8",                          # 20 random-looking characters: too short
    "repeated": "a" * 40,
    "sequence": "abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    "pattern": "Ab1!" * 10,
    "words and runs": "delivery-secret-0123456789abcdef",  # 32 characters, but a guess from a word list
    "old test value": "web-secret-0123456789abcdef",           # printed in capweekly's tests before 0.3
    "README placeholder": "...",
}


@pytest.fixture()
def settings_file(tmp_path):
    raw = yaml.safe_load(SETTINGS.read_text())
    raw["email"] = {**raw.get("email", {}), "database": str(tmp_path / "subs.sqlite")}
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize("name", WEAK)
def test_a_weak_or_published_secret_is_refused_in_one_line(name, settings_file, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", WEAK[name])
    (tmp_path / "empty.mbox").write_bytes(b"")
    result = CliRunner().invoke(main, ["bounces", "import", str(tmp_path / "empty.mbox"), "--settings",
                                       str(settings_file)])
    assert result.exit_code == EXIT_INPUT, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("settings error: CAPWEEKLY_SECRET "), result.output
    assert "python -c 'import secrets; print(secrets.token_urlsafe(32))'" in lines[0]


def test_the_app_refuses_to_start_with_a_weak_secret(settings, tmp_path, monkeypatch):
    from generator.web import create_app

    s = settings.model_copy(update={"email": settings.email.model_copy(update={"database": str(tmp_path / "s.db")})})
    for value in WEAK.values():
        monkeypatch.setenv("CAPWEEKLY_SECRET", value)
        with pytest.raises(SecretError, match="CAPWEEKLY_SECRET"):
            create_app(s)
        with pytest.raises(SecretError):
            create_app(s, secret=value)


def test_good_secrets_are_accepted():
    """What the hint suggests, and 64 hex digits (`openssl rand -hex 32`). (32 hex digits hold 128 bits, but the
    cautious estimate may give a few of them less, so they are not promised.)"""
    for _ in range(500):
        for value in (token_urlsafe(32), token_hex(32)):
            assert secret_problem(value) is None, value


def test_every_example_secret_printed_in_the_repo_is_refused():
    """Whatever README, settings, docs or scripts show after CAPWEEKLY_SECRET (= or :), or pass as its default."""
    found = set()
    for path in [ROOT / "README.md", ROOT / "settings.yaml", *(ROOT / "docs").rglob("*"), *(ROOT / "scripts").rglob("*")]:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found |= set(re.findall(r"CAPWEEKLY_SECRET(?:_OLD)?\s*[=:]\s*[\"']?([^\s\"'$]+)", text))
        found |= set(re.findall(r"CAPWEEKLY_SECRET[\"'],\s*[\"']([^\"']+)[\"']", text))
    assert "..." in found  # the README's placeholder is found, so the scan works
    for value in found | PUBLISHED:
        assert secret_problem(value) is not None, value
        assert secret_problem(value, old=True) is not None, value  # not even to verify old links


def test_old_secrets_verify_and_never_sign(monkeypatch):
    current, old = token_urlsafe(32), token_urlsafe(32)
    monkeypatch.setenv("CAPWEEKLY_SECRET", current)
    monkeypatch.setenv("CAPWEEKLY_SECRET_OLD", f" {token_urlsafe(32)} ,{old}")
    keys = verifying_secrets()
    assert keys[0] == current and old in keys and len(keys) == 3
    assert read_token(keys, "unsubscribe", make_token(old, "unsubscribe", 7, "a@example.com"))[0] == 7
    monkeypatch.setenv("CAPWEEKLY_SECRET_OLD", "web-secret-0123456789abcdef")
    with pytest.raises(SecretError, match="CAPWEEKLY_SECRET_OLD is an example value"):
        verifying_secrets()
