"""Sending against a real SMTP server on loopback (aiosmtpd), reading back what it received."""

import re
from secrets import token_urlsafe

from datetime import date

import pytest

from generator.errors import CapweeklyError
from generator.pipeline import build_issue
from generator.publish.mail import SendError, check_sendable, load_issue, send_issue, write_outbox
from generator.publish.subscribers import SubscriberError, SubscriberStore
from generator.publish.tokens import read_token
from generator.render.email import MAX_HTML_BYTES
from tests.smtp_server import SmtpServer, refuse_all_logins

SECRET = token_urlsafe(32)


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    monkeypatch.delenv("CAPWEEKLY_SMTP_USER", raising=False)


@pytest.fixture(scope="module")
def issue_folder(built_issue):
    return built_issue()


def mail_settings(settings, port, **email):
    e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                                          "rate_per_second": 1000, "backoff_seconds": 0,
                                          "unsubscribe_url": "https://example.com/u", **email})
    return settings.model_copy(update={"email": e})


@pytest.fixture()
def store(list_db):
    with SubscriberStore(list_db) as s:
        yield s


def test_message_headers_parts_and_images(settings, issue_folder, store):
    for i in range(3):
        store.add(f"reader{i}@example.com")
    store.add("pending@example.com", status="pending")
    store.add("gone@example.com", status="unsubscribed")
    issue = load_issue(issue_folder)
    with SmtpServer() as server:
        summary = send_issue(mail_settings(settings, server.port), store, issue)
        again = send_issue(mail_settings(settings, server.port), store, issue)
    assert (summary.sent, summary.failed, summary.unknown) == (3, 0, 0)
    assert (again.sent, again.skipped) == (0, 3)  # idempotent: the second run sends nothing
    assert sorted(server.handler.recipients()) == [f"reader{i}@example.com" for i in range(3)]
    rcpts, msg = server.handler.messages[0]
    for header in ("Message-ID", "Date", "From", "To", "Subject", "List-Id"):
        assert msg[header]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = msg["List-Unsubscribe"]
    assert "<https://example.com/u?token=" in links and "<mailto:unsubscribe@example.com?subject=" in links
    token = links.split("token=")[1].split(">")[0]
    sid, _ = read_token(SECRET, "unsubscribe", token)
    assert store.by_id(sid).email == rcpts[0]
    assert rcpts[0] not in links  # the token does not reveal the address
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "RETURNS" in text and "<" not in text.split("RETURNS")[1][:200]  # written from data, not stripped HTML
    for part in (text, html):
        assert "https://example.com/u?token=" in part and settings.disclosures.risk_statement[:40] in part
    cids = [p["Content-ID"] for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(cids) == 2 and all(f"cid:{c.strip('<>')}" in html for c in cids)
    assert "data:" not in html and ".svg" not in html
    assert len(html.encode()) < MAX_HTML_BYTES


def test_email_html_is_small_and_inlined(issue_folder):
    html = (issue_folder / "email.html").read_text()
    assert len(html.encode()) < MAX_HTML_BYTES
    assert 'style="' in html and "<table" in html
    # What stays in a <style> block is only what cannot be inlined: the phone and dark-mode @media rules.
    for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        assert re.fullmatch(r"\s*(@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}\s*)+", block), block[:200]
    card = re.search(r'<table[^>]*class="card"[^>]*>', html).group(0)
    assert "max-width: 600px" in card and "width: 100%" in card  # fluid on a phone, 600 px at most


def test_hosted_images_when_the_site_has_a_url(settings, tmp_path):
    hosted = settings.model_copy(update={"site": settings.site.model_copy(update={"base_url": "https://ex.com/n/"})})
    folder = build_issue(hosted, source="sample", out_dir=tmp_path).folder
    html = (folder / "email.html").read_text()
    assert 'src="https://ex.com/n/issues/2025-10-31/charts/ratio_history.phone.png"' in html and "cid:" not in html


def test_connection_dropped_halfway_then_restart_sends_each_reader_exactly_once(settings, issue_folder, store,
                                                                               tmp_path):
    count = 500 if store.backend == "sqlite" else 40  # the same ledger code: fewer readers prove it on PostgreSQL
    readers = [f"r{i:03d}@example.com" for i in range(count)]
    store.import_csv(_csv(tmp_path, readers))
    issue = load_issue(issue_folder)
    with SmtpServer() as server:
        server.handler.drop_after = count // 2
        first = send_issue(mail_settings(settings, server.port, max_consecutive_failures=3), store, issue)
        assert first.stopped and first.sent == count // 2
        server.handler.down = False
        server.handler.drop_after = None
        second = send_issue(mail_settings(settings, server.port), store, issue)
    received = server.handler.recipients()
    duplicates = len(received) - len(set(received))
    skipped = len(set(readers) - set(received))
    assert (duplicates, skipped) == (0, 0)
    assert second.sent == count // 2 and second.skipped == count // 2


def test_temporary_refusals_are_retried_and_permanent_ones_recorded(settings, issue_folder, store):
    store.add("slow@example.com")
    store.add("nobody@example.com")
    issue = load_issue(issue_folder)
    with SmtpServer() as server:
        server.handler.refuse_once["slow@example.com"] = "451 4.7.1 Try again later"
        server.handler.refuse["nobody@example.com"] = "550 5.1.1 No such user"
        s = send_issue(mail_settings(settings, server.port), store, issue)
        again = send_issue(mail_settings(settings, server.port), store, issue)
    assert server.handler.recipients() == ["slow@example.com"]
    assert (s.sent, s.failed) == (1, 1) and "550" in s.failures[0]
    assert (again.sent, again.skipped) == (0, 2)  # the 5xx is not retried


def test_run_stops_after_consecutive_failures(settings, issue_folder, store):
    for i in range(10):
        store.add(f"x{i}@example.com")
    issue = load_issue(issue_folder)
    with SmtpServer() as server:
        server.handler.refuse.update({f"x{i}@example.com": "451 4.3.0 Busy" for i in range(10)})
        s = send_issue(mail_settings(settings, server.port, max_consecutive_failures=4, retries=0), store, issue)
    # Temporary refusals: the readers wait for the next run (a relay refusing all with a 5xx: test_delivery).
    assert s.deferred == 4 and s.failed == 0 and "4 failures in a row" in s.stopped
    assert store.ledger(issue.as_of) == {}


def test_unknown_outcome_is_reported_and_not_resent_unless_asked(settings, issue_folder, store):
    store.add("a@example.com")
    store.add("b@example.com")
    issue = load_issue(issue_folder)
    store.mark(issue.as_of, store.get("a@example.com"), "sending")  # a run died while the server had it
    with SmtpServer() as server:
        s = send_issue(mail_settings(settings, server.port), store, issue)
        assert server.handler.recipients() == ["b@example.com"] and s.unknown == 1
        forced = send_issue(mail_settings(settings, server.port), store, issue, resend_unknown=True)
    assert forced.sent == 1 and server.handler.recipients() == ["b@example.com", "a@example.com"]


def test_refusals_sample_stale_and_older(settings, issue_folder, store):
    issue = load_issue(issue_folder)
    args = dict(today=date(2025, 11, 3), max_age_days=7, allow_sample=False, allow_stale=False, allow_older=False)
    with pytest.raises(SendError, match="SAMPLE DATA"):
        check_sendable(issue, store, **args)
    with pytest.raises(SendError, match="stale"):
        check_sendable(issue, store, **{**args, "allow_sample": True, "today": date(2025, 12, 1)})
    store.add("a@example.com")
    store.mark("2025-11-07", store.get("a@example.com"), "sent")
    with pytest.raises(SendError, match="older than 2025-11-07"):
        check_sendable(issue, store, **{**args, "allow_sample": True})
    check_sendable(issue, store, **{**args, "allow_sample": True, "allow_older": True})


def test_auth_failure_is_clear_and_nothing_is_sent(settings, issue_folder, store, monkeypatch):
    store.add("a@example.com")
    monkeypatch.setenv("CAPWEEKLY_SMTP_USER", "me")
    monkeypatch.setenv("CAPWEEKLY_SMTP_PASSWORD", "wrong")
    with SmtpServer(authenticator=refuse_all_logins) as server:
        s = send_issue(mail_settings(settings, server.port), store, load_issue(issue_folder))
    assert "login" in s.stopped and "refused" in s.stopped and server.handler.messages == []


def test_missing_unsubscribe_url_fails_before_sending(settings, issue_folder, store):
    store.add("a@example.com")
    with SmtpServer() as server:
        with pytest.raises(SendError, match="no unsubscribe URL"):
            send_issue(mail_settings(settings, server.port, unsubscribe_url=None), store, load_issue(issue_folder))
    assert server.handler.messages == []


def test_remote_server_without_tls_is_refused(settings, issue_folder, store):
    store.add("a@example.com")
    bad = mail_settings(settings, 25, smtp_host="mail.example.com")
    s = send_issue(bad, store, load_issue(issue_folder))
    assert "security is none" in s.stopped and s.sent == 0


def test_missing_secret_is_refused(settings, issue_folder, store, monkeypatch):
    monkeypatch.delenv("CAPWEEKLY_SECRET")
    with pytest.raises(CapweeklyError, match="CAPWEEKLY_SECRET is not set"):
        send_issue(mail_settings(settings, 25), store, load_issue(issue_folder))


def test_dry_run_writes_eml_files(settings, issue_folder, store, tmp_path):
    store.add("a@example.com")
    store.add("b@example.com")
    count = write_outbox(mail_settings(settings, 25), load_issue(issue_folder), store, tmp_path / "outbox")
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert count == 2 and files == ["2025-10-31-a@example.com.eml", "2025-10-31-b@example.com.eml"]
    assert store.ledger("2025-10-31") == {}


def _csv(folder, addresses):
    path = folder / "readers.csv"
    path.write_text("email,name\n" + "".join(f"{a},Reader\n" for a in addresses))
    return path


def test_malformed_csv_names_lines_and_imports_nothing(store, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("email,name\ngood@example.com,A\nnot-an-address,B\ngood@example.com,C\n\nx@@y,D\n")
    with pytest.raises(SubscriberError) as err:
        store.import_csv(path)
    text = err.value.one_line()
    assert "line 3: invalid address 'not-an-address'" in text
    assert "line 4: duplicate address good@example.com (also on line 2)" in text
    assert "line 6: invalid address 'x@@y'" in text
    assert store.list() == []
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("mail\na@example.com\n")
    with pytest.raises(SubscriberError, match="line 1: no 'email' column"):
        store.import_csv(nocol)


def test_import_never_resubscribes_people_who_left(store, tmp_path):
    store.add("left@example.com", status="unsubscribed")
    store.import_csv(_csv(tmp_path, ["left@example.com", "new@example.com"]))
    assert store.get("left@example.com").status == "unsubscribed"
    assert store.get("new@example.com").status == "confirmed"
