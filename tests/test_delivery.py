"""The delivery state machine against real misbehaving relays (aiosmtpd on loopback), issue 25.

Every test reads what the server received (its raw bytes where the wire format matters) and the
ledger, then runs `send` again as cron would, to show no reader is stranded or sent twice.
"""

from __future__ import annotations

import re
import threading

import pytest

from generator.publish.mail import Issue, send_issue, write_outbox
from generator.publish.subscribers import SubscriberStore
from tests.smtp_server import SmtpServer
from secrets import token_urlsafe

SECRET = token_urlsafe(32)
LONG_URL = "https://newsletter.example.com/a/rather/long/path/to/the/one-click/unsubscribe/endpoint"


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    monkeypatch.delenv("CAPWEEKLY_SMTP_USER", raising=False)


@pytest.fixture()
def store(list_db):
    with SubscriberStore(list_db) as s:
        yield s


@pytest.fixture()
def issue(tmp_path):
    return Issue(tmp_path, "2026-11-27", "csv", "Small Caps Weekly: the week", "<p>issue</p>", "issue", {})


def mail_settings(settings, port, **email):
    e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                                          "rate_per_second": 1000, "backoff_seconds": 0,
                                          "unsubscribe_url": LONG_URL, **email})
    return settings.model_copy(update={"email": e})


def header_block(raw: bytes, linesep: bytes = b"\r\n") -> bytes:
    return raw.split(linesep * 2, 1)[0] + linesep


LIST_UNSUBSCRIBE = (rb"List-Unsubscribe: <" + re.escape(LONG_URL.encode()) + rb"\?token=[A-Za-z0-9._~%-]+>,"
                    rb"(?:\r?\n )?[ ]?<mailto:unsubscribe@example\.com\?subject=unsubscribe%20[A-Za-z0-9._~%-]+>\r?\n")


# --- 1. the headers on the wire ----------------------------------------------------------------------------------

def test_list_unsubscribe_is_plain_uris_on_the_wire_and_in_the_outbox(settings, store, issue, tmp_path):
    store.add("reader@example.com")
    with SmtpServer() as server:
        summary = send_issue(mail_settings(settings, server.port), store, issue)
    assert summary.sent == 1
    head = header_block(server.handler.raw[0])
    assert b"=?" not in head  # no RFC 2047 encoded-word anywhere in the headers
    assert re.search(LIST_UNSUBSCRIBE, head), head.decode()
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in head
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    # --dry-run writes the same headers.
    write_outbox(mail_settings(settings, 25), issue, store, tmp_path / "outbox")
    (eml,) = (tmp_path / "outbox").iterdir()
    head = header_block(eml.read_bytes(), b"\n")
    assert b"=?" not in head and re.search(LIST_UNSUBSCRIBE, head), head.decode()
    assert b"\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in head


# --- 2. status read before every attempt -------------------------------------------------------------------------

def test_an_unsubscribe_while_send_waits_to_retry_means_no_mail(settings, store, issue):
    store.add("leaving@example.com")
    waits = []

    def sleep(seconds):  # the reader unsubscribes while send waits to retry
        waits.append(seconds)
        store.remove("leaving@example.com")

    with SmtpServer() as server:
        server.handler.refuse_once["leaving@example.com"] = "451 4.7.1 Try again later"
        summary = send_issue(mail_settings(settings, server.port, retries=2), store, issue, sleep=sleep)
    assert waits and server.handler.recipients() == []
    assert summary.sent == 0 and summary.skipped == 1


# --- 3. the state machine ----------------------------------------------------------------------------------------

def test_451_after_the_final_dot_on_every_retry_leaves_the_reader_waiting_for_the_next_run(settings, store, issue):
    store.add("late@example.com")
    store.add("fine@example.com")
    with SmtpServer() as server:
        server.handler.refuse_data["late@example.com"] = "451 4.3.0 Queue full, try later"
        first = send_issue(mail_settings(settings, server.port, retries=2), store, issue)
        ledger = store.ledger(issue.as_of)
        del server.handler.refuse_data["late@example.com"]  # the relay recovers; cron runs send again
        second = send_issue(mail_settings(settings, server.port), store, issue)
    assert sorted(server.handler.recipients()) == ["fine@example.com", "late@example.com"]
    assert (second.sent, second.unknown) == (1, 0)
    assert server.handler.data_seen == 5  # three tries at late@ (each reached the final dot), one at fine@, one more
    assert ledger == {store.get("fine@example.com").id: "sent"}  # late@ was left waiting: no row
    assert (first.sent, first.deferred, first.unknown, first.failed) == (1, 1, 0, 0)


def test_a_relay_refusing_every_reader_stops_the_run_and_blames_no_one(settings, store, issue):
    readers = [f"x{i}@example.com" for i in range(10)]
    for r in readers:
        store.add(r)
    with SmtpServer() as server:
        server.handler.refuse.update({r: "550 5.7.1 Relaying denied" for r in readers})
        first = send_issue(mail_settings(settings, server.port, max_consecutive_failures=4), store, issue)
        assert "relay" in first.stopped and "none was marked failed" in first.stopped
        assert first.failed == 0 and store.ledger(issue.as_of) == {}
        server.handler.refuse.clear()  # the relay is fixed
        second = send_issue(mail_settings(settings, server.port), store, issue)
    assert second.sent == 10 and sorted(server.handler.recipients()) == readers


def test_a_few_bad_addresses_in_a_row_are_marked_failed_and_the_run_goes_on(settings, store, issue):
    bad = [f"gone{i}@example.com" for i in range(5)]
    for r in ["first@example.com", *bad, "after@example.com", "last@example.com"]:
        store.add(r)
    with SmtpServer() as server:
        server.handler.refuse.update({r: "550 5.1.1 No such user" for r in bad})
        s = send_issue(mail_settings(settings, server.port, max_consecutive_failures=4), store, issue)
        again = send_issue(mail_settings(settings, server.port, max_consecutive_failures=4), store, issue)
    assert not s.stopped and (s.sent, s.failed) == (3, 5)
    assert sorted(server.handler.recipients()) == ["after@example.com", "first@example.com", "last@example.com"]
    ledger = store.ledger(issue.as_of)
    assert all(ledger[store.get(r).id] == "failed" for r in bad)
    assert (again.sent, again.skipped, again.stopped) == (0, 8, "")  # 5xx are not retried


def test_a_small_list_refused_whole_with_one_code_is_a_relay_failure_too(settings, store, issue):
    for r in ("a@example.com", "b@example.com"):
        store.add(r)
    with SmtpServer() as server:
        server.handler.refuse.update({r: "554 5.7.1 Access denied" for r in ("a@example.com", "b@example.com")})
        first = send_issue(mail_settings(settings, server.port), store, issue)
    assert first.stopped and first.failed == 0 and store.ledger(issue.as_of) == {}


def test_a_relay_refusing_the_sender_stops_the_run_and_blames_no_one(settings, store, issue):
    for i in range(3):
        store.add(f"r{i}@example.com")
    with SmtpServer() as server:
        server.handler.refuse_mail = "550 5.7.1 Sender not allowed"
        first = send_issue(mail_settings(settings, server.port), store, issue)
        assert "refuses the sender" in first.stopped and first.failed == 0
        assert store.ledger(issue.as_of) == {}
        server.handler.refuse_mail = None
        second = send_issue(mail_settings(settings, server.port), store, issue)
    assert second.sent == 3


def test_one_reader_refused_among_deliveries_is_still_marked_failed(settings, store, issue):
    for r in ("a@example.com", "nobody@example.com", "c@example.com"):
        store.add(r)
    with SmtpServer() as server:
        server.handler.refuse["nobody@example.com"] = "550 5.1.1 No such user"
        s = send_issue(mail_settings(settings, server.port), store, issue)
    assert (s.sent, s.failed) == (2, 1) and not s.stopped
    assert store.ledger(issue.as_of)[store.get("nobody@example.com").id] == "failed"


def _send_in_thread(settings, store_path, issue, **kwargs):
    """Run send_issue in a thread with its own connection; returns (thread, result holder)."""
    result = {}

    def run():
        with SubscriberStore(store_path) as own:
            result["summary"] = send_issue(settings, own, issue, **kwargs)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


@pytest.mark.parametrize("stage", ["MAIL", "RCPT"])
def test_a_relay_trickling_an_endless_reply_before_the_dot_cannot_hang_send(settings, store, issue, stage):
    store.add("reader@example.com")
    with SmtpServer() as server:
        server.handler.trickle = stage
        thread, result = _send_in_thread(mail_settings(settings, server.port, retries=0), store.path, issue,
                                         deadline=1.0)
        thread.join(30)
        assert not thread.is_alive(), "send hung on a trickling relay"
        first = result["summary"]
        assert first.deferred == 1 and "deadline" in first.failures[0]
        assert store.ledger(issue.as_of) == {}  # never reached the dot: waiting, not unknown
        server.handler.trickle = None
        second = send_issue(mail_settings(settings, server.port), store, issue)
    assert second.sent == 1 and server.handler.recipients() == ["reader@example.com"]


def test_a_relay_trickling_its_reply_to_the_final_dot_leaves_the_true_in_flight_window(settings, store, issue):
    store.add("reader@example.com")
    with SmtpServer() as server:
        server.handler.trickle = "DATA"
        thread, result = _send_in_thread(mail_settings(settings, server.port, retries=0), store.path, issue,
                                         deadline=1.0)
        thread.join(30)
        assert not thread.is_alive(), "send hung on a trickling relay"
    assert result["summary"].unknown == 1
    assert store.ledger(issue.as_of) == {store.get("reader@example.com").id: "unknown"}
