"""Bounces and complaints: real-shaped DSN (RFC 3464) and ARF (RFC 5965) messages, read back after a real send."""

from __future__ import annotations

import mailbox
from datetime import date, datetime, timezone
from email.utils import format_datetime
from secrets import token_urlsafe

import pytest
from click.testing import CliRunner

from generator.errors import EXIT_INPUT, EXIT_REFUSED
from generator.publish.bounces import import_bounces, list_health, parse_report
from generator.publish.mail import Issue, send_issue
from generator.publish.subscribers import SubscriberStore
from tests.smtp_server import SmtpServer

SECRET = token_urlsafe(32)


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    monkeypatch.delenv("CAPWEEKLY_SMTP_USER", raising=False)


def _settings(settings, port=25, **email):
    e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                                          "rate_per_second": 1000, "backoff_seconds": 0,
                                          "unsubscribe_url": "https://example.com/u",
                                          "bounce_address": "bounces@letters.example.com", **email})
    return settings.model_copy(update={"email": e})


def _issue(tmp_path, as_of="2026-11-27"):
    return Issue(tmp_path, as_of, "csv", "Small Caps Weekly: test", "<p>Hello {x}</p>", "Hello", {})


def dsn(to: str, recipient: str, status: str, quoted: str = "", action: str = "failed", msgid: str = "<dsn1@mx>",
        diagnostic: str = "smtp; 550 5.1.1 <user>: Recipient address rejected: User unknown") -> bytes:
    return (f"""Return-Path: <>
Delivered-To: {to}
From: Mail Delivery System <MAILER-DAEMON@mx.provider.example>
To: {to}
Subject: Undelivered Mail Returned to Sender
Date: {format_datetime(datetime.now(timezone.utc))}
Message-ID: {msgid}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.provider.example. I'm sorry to have to inform you that your message
could not be delivered to one or more recipients.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.provider.example
X-Postfix-Queue-ID: 4ABCD1234
Arrival-Date: Fri, 27 Nov 2026 21:30:01 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; inbound.provider.example
Diagnostic-Code: {diagnostic}

--BOUNDARY
Content-Type: text/rfc822-headers

{quoted}
--BOUNDARY--
""").replace("\n", "\r\n").encode()


def arf(quoted: str, feedback: str = "abuse", msgid: str = "<arf1@fbl>") -> bytes:
    return (f"""From: Feedback Loop <fbl@provider.example>
To: fbl-reports@letters.example.com
Subject: Complaint about message
Date: {format_datetime(datetime.now(timezone.utc))}
Message-ID: {msgid}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="part1"

--part1
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP 192.0.2.1.

--part1
Content-Type: message/feedback-report

Feedback-Type: {feedback}
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <bounces+x@letters.example.com>
Arrival-Date: Fri, 27 Nov 2026 21:31:00 +0000
Source-IP: 192.0.2.1
Reported-Domain: letters.example.com

--part1
Content-Type: message/rfc822
Content-Disposition: inline

{quoted}
Body redacted.

--part1--
""").encode()


def _headers(msg) -> str:
    return "\n".join(f"{k}: {v}" for k, v in msg.items() if k.lower() != "to") + "\nTo: redacted@provider.example"


@pytest.fixture()
def sent(settings, tmp_path, list_db):
    """Five readers sent one issue over a real SMTP server: (store, settings, {address: (envelope, message)}),
    on each backend."""
    store = SubscriberStore(list_db)
    for i in range(5):
        store.add(f"reader{i}@example.com")
    with SmtpServer() as server:
        s = _settings(settings, server.port)
        summary = send_issue(s, store, _issue(tmp_path))
    assert summary.sent == 5
    out = {rcpts[0]: (sender, msg) for (rcpts, msg), sender in zip(server.handler.messages, server.handler.senders)}
    yield store, s, out
    store.close()


def _mbox(tmp_path, *messages: bytes, name="bounces.mbox"):
    box = mailbox.mbox(tmp_path / name)
    for raw in messages:
        box.add(raw)
    box.close()
    return tmp_path / name


def test_every_message_carries_a_verp_return_path_and_a_reader_header(sent):
    store, _, out = sent
    for address, (envelope, msg) in out.items():
        sub = store.get(address)
        assert envelope == f"bounces+{msg['X-Capweekly-Reader']}@letters.example.com"
        assert msg["X-Capweekly-Reader"].startswith(f"{sub.id}-")


def test_hard_bounce_complaint_and_soft_bounces_suppress_the_right_readers(sent, tmp_path, settings):
    store, s, out = sent
    env0, msg0 = out["reader0@example.com"]
    _, msg1 = out["reader1@example.com"]
    _, msg2 = out["reader2@example.com"]
    box = _mbox(tmp_path,
                dsn(env0, "reader0@example.com", "5.1.1"),                                  # hard, found by VERP
                arf(_headers(msg1)),                                                        # complaint
                *[dsn("bounces@letters.example.com", "reader2@example.com", "4.2.2", _headers(msg2), msgid=f"<s{i}@mx>",
                      diagnostic="smtp; 452 4.2.2 Mailbox full") for i in range(2)],        # 2 soft: under the limit
                dsn("bounces@letters.example.com", "reader3@example.com", "4.4.7", action="delayed", msgid="<d@mx>"),
                b"From: reader4@example.com\nTo: letters@example.com\nSubject: thanks!\n\nGreat issue.\n")
    summary = import_bounces(store, box, SECRET, s)
    assert (summary.messages, summary.hard, summary.soft, summary.complaints) == (6, 1, 2, 1)
    assert summary.not_reports == 2 and summary.unverified == [] and summary.unreadable == []
    assert sorted(summary.suppressed) == ["reader0@example.com", "reader1@example.com"]
    status = {sub.email: sub.status for sub in store.list()}
    assert status == {"reader0@example.com": "bounced", "reader1@example.com": "unsubscribed",
                      "reader2@example.com": "confirmed", "reader3@example.com": "confirmed",
                      "reader4@example.com": "confirmed"}
    again = import_bounces(store, box, SECRET, s)  # the same mailbox again changes nothing
    assert (again.duplicates, again.suppressed, again.hard) == (4, [], 0)
    third = _mbox(tmp_path, dsn("bounces@letters.example.com", "reader2@example.com", "5.2.2", _headers(msg2),
                                msgid="<s3@mx>"), name="more.mbox")
    assert import_bounces(store, third, SECRET, s).suppressed == ["reader2@example.com"]  # the third soft bounce
    # Suppressed readers are never mailed again.
    with SmtpServer() as server:
        summary = send_issue(_settings(settings, server.port), store, _issue(tmp_path, "2026-12-04"))
    assert sorted(server.handler.recipients()) == ["reader3@example.com", "reader4@example.com"]
    assert summary.sent == 2


def test_forged_or_foreign_reports_suppress_nobody(sent, tmp_path):
    store, s, out = sent
    env0, msg0 = out["reader0@example.com"]
    sid = store.get("reader0@example.com").id
    forged = f"bounces+{sid}-000000000000@letters.example.com"
    box = _mbox(tmp_path, dsn(forged, "someone@else.example", "5.1.1", msgid="<f1@mx>"),
                dsn("bounces@letters.example.com", "stranger@example.com", "5.1.1", msgid="<f2@mx>"),
                arf("From: x@y\nX-Capweekly-Reader: 1-ffffffffffff\nMessage-ID: <nope@x>\n", msgid="<f3@fbl>"))
    summary = import_bounces(store, box, SECRET, s)
    assert len(summary.unverified) == 3 and summary.suppressed == []
    assert {sub.status for sub in store.list()} == {"confirmed"}


def test_a_report_without_verp_is_matched_by_the_quoted_message_id_never_by_the_address_it_names(sent, tmp_path):
    store, s, out = sent
    _, msg3 = out["reader3@example.com"]
    quoted = f"From: letters@example.com\nMessage-ID: {msg3['Message-ID']}\n"
    box = _mbox(tmp_path, dsn("letters@example.com", "other@x.example", "5.1.1", quoted, msgid="<m1@mx>"),
                dsn("letters@example.com", "reader4@example.com", "5.1.2", msgid="<m2@mx>"))
    summary = import_bounces(store, box, SECRET, s)
    assert summary.suppressed == ["reader3@example.com"]
    # Naming a reader we mailed proves nothing: anyone can write that report.
    assert summary.unverified == ["<m2@mx> (names reader4@example.com)"]
    assert store.get("reader4@example.com").status == "confirmed"


def test_policy_refusals_and_full_mailboxes_are_soft(tmp_path):
    for status, kind in [("5.7.1", "soft"), ("5.2.2", "soft"), ("4.4.1", "soft"), ("5.1.1", "hard"),
                         ("5.2.1", "hard"), ("5.0.0", "hard")]:
        report = parse_report(dsn("b@x.example", "r@x.example", status))
        assert [e.kind for e in report.events] == [kind], status
    assert parse_report(arf("From: a@b\n", feedback="not-spam")) is None
    assert parse_report(arf("From: a@b\n", feedback="auth-failure")) is None


def test_the_list_health_line_gives_bounce_and_complaint_rates(sent, tmp_path):
    store, s, out = sent
    _, msg1 = out["reader1@example.com"]
    import_bounces(store, _mbox(tmp_path, arf(_headers(msg1))), SECRET, s)
    line = list_health(store)
    assert "5 sent, bounce rate 0.00% (0), complaint rate 20.00% (1)" in line and "0.3%" in line


def test_cli_bounces_import_reads_a_maildir_and_refuses_what_is_not_a_mailbox(sent, tmp_path):
    import yaml

    from generator.cli import main
    from tests.conftest import SETTINGS

    store, s, out = sent
    raw = yaml.safe_load(SETTINGS.read_text())
    raw["email"] = {**raw.get("email", {}), "database": str(store.path), "bounce_address": "bounces@letters.example.com"}
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text(yaml.safe_dump(raw))
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    env0, _ = out["reader0@example.com"]
    maildir.add(dsn(env0, "reader0@example.com", "5.1.1"))
    maildir.close()
    runner = CliRunner()
    result = runner.invoke(main, ["bounces", "import", str(tmp_path / "Maildir"), "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert "1 hard bounces" in result.output and "1 readers newly suppressed" in result.output
    assert "list health" in result.output
    (tmp_path / "notabox").mkdir()
    (tmp_path / "file.txt").write_text("hello\n")
    for bad, says in [("notabox", "not a Maildir"), ("file.txt", "not an mbox file"), ("missing", "no such mailbox")]:
        result = runner.invoke(main, ["bounces", "import", str(tmp_path / bad), "--settings", str(settings_file)])
        assert result.exit_code == EXIT_INPUT and says in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1


# --- issue 25: bounces that cannot be forged or poisoned --------------------------------------------------------------

def _cli_settings(store, tmp_path):
    import yaml

    from tests.conftest import SETTINGS

    raw = yaml.safe_load(SETTINGS.read_text())
    raw["email"] = {**raw.get("email", {}), "database": str(store.path), "bounce_address": "bounces@letters.example.com"}
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_forged_reports_and_complaints_naming_real_readers_suppress_nobody(sent, tmp_path):
    from generator.cli import main

    store, s, out = sent
    _, msg4 = out["reader4@example.com"]
    sid1 = store.get("reader1@example.com").id
    box = _mbox(tmp_path,
                # no token, names a reader we mailed (the old recipient-address fallback)
                dsn("bounces@letters.example.com", "reader0@example.com", "5.1.1", msgid="<forged1@mx>"),
                # a forged VERP token with the right id
                dsn(f"bounces+{sid1}-0123456789ab@letters.example.com", "reader1@example.com", "5.1.1",
                    msgid="<forged2@mx>"),
                # a forged complaint: a made-up token and Message-ID, the reader's address
                arf(f"From: letters@example.com\nX-Capweekly-Reader: {store.get('reader2@example.com').id}-"
                    "deadbeefdead\nMessage-ID: <made-up@letters.example.com>\nTo: reader2@example.com\n",
                    msgid="<forged3@fbl>").replace(b"Reported-Domain", b"Original-Rcpt-To: <reader2@example.com>\n"
                                                                        b"Reported-Domain"),
                # a real reader's token but another reader's Message-ID: the proofs disagree
                dsn(out["reader3@example.com"][0], "reader3@example.com", "5.1.1",
                    f"From: letters@example.com\nMessage-ID: {msg4['Message-ID']}\n", msgid="<forged4@mx>"))
    result = CliRunner().invoke(main, ["bounces", "import", str(box), "--settings", str(_cli_settings(store, tmp_path))])
    assert result.exit_code == EXIT_REFUSED, result.output
    assert "0 readers newly suppressed" in result.output and "4 reports unverified" in result.output
    for line in ["unverified, nobody suppressed: <forged1@mx> (names reader0@example.com)",
                 "unverified, nobody suppressed: <forged2@mx> (names reader1@example.com)",
                 "unverified, nobody suppressed: <forged3@fbl> (names reader2@example.com)",
                 "unverified, nobody suppressed: <forged4@mx> (names reader3@example.com)"]:
        assert line in result.output, result.output
    assert {sub.status for sub in store.list()} == {"confirmed"}


def _poison(kind: str, report: bytes) -> bytes:
    """A real delivery report spoiled the way a hostile or broken mail system would."""
    if kind == "message-id":
        return report.replace(b"Message-ID: <", b"Message-ID: <\xff\xfe-", 1)
    if kind == "date":
        return report.replace(b"Date: ", b"Date: Fri, 27 Nov 2026 2\xe91:30:01 +0000\r\nX-Old-Date: ", 1)
    if kind == "status":
        return report.replace(b"Status: 5.1.1", b"Status: 5.1.1 \xc3\x28\xa0", 1)
    if kind == "quoted":
        return report.replace(b"X-Capweekly-Reader: ", b"X-Capweekly-Reader: \xff", 1)
    if kind == "nested":
        depth = 3000
        opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
                           for i in range(depth))
        closing = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
        return (b"From: MAILER-DAEMON@mx.example\r\nMessage-ID: <nested@mx>\r\nMIME-Version: 1.0\r\n" + opening
                + b"Content-Type: text/plain\r\n\r\nhello" + closing)
    raise ValueError(kind)


POISONS = ("message-id", "date", "status", "quoted", "nested")


def test_a_message_that_cannot_be_read_is_set_aside_and_the_import_goes_on(sent, tmp_path):
    from generator.cli import main

    store, s, out = sent
    env0, _ = out["reader0@example.com"]
    _, msg1 = out["reader1@example.com"]
    _, msg2 = out["reader2@example.com"]
    good_first = dsn(env0, "reader0@example.com", "5.1.1", msgid="<good1@mx>")
    spoiled = [_poison(kind, dsn("bounces@letters.example.com", "reader2@example.com", "5.1.1", _headers(msg2),
                                 msgid=f"<{kind}@mx>")) for kind in POISONS]
    good_last = arf(_headers(msg1), msgid="<good2@fbl>")
    box = _mbox(tmp_path, good_first, *spoiled, good_last)
    settings_file = _cli_settings(store, tmp_path)
    for run in range(2):  # a re-run meets the same messages and does not die on them either
        result = CliRunner().invoke(main, ["bounces", "import", str(box), "--settings", str(settings_file)])
        assert result.exit_code == EXIT_INPUT, result.output
        assert isinstance(result.exception, SystemExit)  # an exit code, not a traceback
        assert "read 7 messages" in result.output and "5 messages unreadable (set aside)" in result.output
        aside = [line for line in result.output.splitlines() if line.startswith("  set aside, unreadable: ")]
        assert len(aside) == 5, result.output
        assert "message 2 (<\\xff\\xfe-message-id@mx>): raw 8-bit bytes in the Message-ID" in aside[0]
        assert "message 3 (<date@mx>): raw 8-bit bytes in the Date" in aside[1]
        assert "message 4 (<status@mx>): raw 8-bit bytes in the Status line" in aside[2]
        assert "message 5 (<quoted@mx>): raw 8-bit bytes in the quoted X-Capweekly-Reader" in aside[3]
        assert "message 6 (<nested@mx>): " in aside[4] and ("deep" in aside[4] or "RecursionError" in aside[4])
        assert ("2 readers newly suppressed" if run == 0 else "2 already imported") in result.output
    status = {sub.email: sub.status for sub in store.list()}
    assert (status["reader0@example.com"], status["reader1@example.com"]) == ("bounced", "unsubscribed")
    assert status["reader2@example.com"] == "confirmed"  # only named in unreadable messages


def test_bounces_import_exits_0_when_every_report_is_read_and_verified(sent, tmp_path):
    from generator.cli import main

    store, s, out = sent
    env0, _ = out["reader0@example.com"]
    box = _mbox(tmp_path, dsn(env0, "reader0@example.com", "5.1.1"))
    result = CliRunner().invoke(main, ["bounces", "import", str(box), "--settings", str(_cli_settings(store, tmp_path))])
    assert result.exit_code == 0 and "0 reports unverified" in result.output and "0 messages unreadable" in result.output


def test_a_reader_token_signed_before_a_rotation_still_proves_the_report(sent, tmp_path, monkeypatch):
    from generator.publish.bounces import reader_token, verp_address
    from generator.publish.tokens import verifying_secrets

    store, s, _ = sent
    old = token_urlsafe(32)
    sub = store.get("reader0@example.com")
    to = verp_address("bounces@letters.example.com", reader_token(old, sub.id, sub.email))
    box = _mbox(tmp_path, dsn(to, "reader0@example.com", "5.1.1", msgid="<rotated@mx>"))
    assert import_bounces(store, box, SECRET, s).unverified == ["<rotated@mx> (names reader0@example.com)"]
    monkeypatch.setenv("CAPWEEKLY_SECRET_OLD", old)
    assert import_bounces(store, box, verifying_secrets(), s).suppressed == ["reader0@example.com"]
