"""The subscription app as a real HTTP server on loopback, with a real SMTP server behind it."""

import json
import re
from secrets import token_urlsafe
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import yaml
from click.testing import CliRunner
from werkzeug.serving import make_server

from generator.cli import main

from generator.pipeline import build_issue
from generator.publish.mail import load_issue, send_issue
from generator.publish.subscribers import SubscriberStore
from generator.publish.confirmations import ConfirmationWorker
from generator.publish.tokens import TokenError, make_confirm_token, make_token
from generator.web import RedactingRequestHandler, create_app
from generator.publish.schema import LATEST
from tests.conftest import ROOT, SETTINGS
from tests.smtp_server import SmtpServer, free_port

SECRET = token_urlsafe(32)
CHROMIUM = shutil.which("chromium")


def http(method, url, data=None, headers=None):
    body = urlencode(data).encode() if isinstance(data, dict) else data
    request = Request(url, data=body, method=method, headers=headers or {})
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


class Stack:
    """The app on a free loopback port, an SMTP server, settings pointing at both, and the confirmation worker
    as `serve` runs it (woken by each sign-up)."""

    def __init__(self, settings, database, worker=True, smtp_port=None, **web):
        self.smtp = SmtpServer().__enter__()
        e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp_port or self.smtp.port,
                                              "security": "none", "database": str(database),
                                              "rate_per_second": 1000, "backoff_seconds": 0})
        self.settings = settings.model_copy(update={"email": e})
        app = create_app(self.settings.model_copy(update={"web": settings.web.model_copy(update=web)}), secret=SECRET)
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RedactingRequestHandler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/"
        # Links in emails must point at this app: the public URL is only known once the port is.
        self.settings = self.settings.model_copy(update={"web": settings.web.model_copy(
            update={**web, "public_url": self.base})})
        self.worker = (ConfirmationWorker(self.settings, SECRET, interval=0.2, first_backoff=0.2).start()
                       if worker else None)
        app2 = create_app(self.settings, secret=SECRET, on_queued=self.worker.wake if worker else None)
        self.server.app = app2
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.store = SubscriberStore(database)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        if self.worker is not None:
            self.worker.stop()
        self.smtp.__exit__()
        self.store.close()

    def mails_to(self, address, wait_for=0):
        """The messages the SMTP server got for `address`, waiting (up to 10 s) until there are `wait_for`."""
        deadline = time.monotonic() + 10
        while True:
            found = [m for rcpts, m in self.smtp.handler.messages if address in rcpts]
            if len(found) >= wait_for or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def settings_file(self, tmp_path, **web):
        """This stack's settings as a YAML file, for the `capweekly` command."""
        raw = yaml.safe_load(SETTINGS.read_text())
        raw["email"] = {**raw.get("email", {}), "database": str(self.store.path), "smtp_host": "127.0.0.1",
                        "smtp_port": self.smtp.port, "security": "none"}
        raw["web"] = {**raw.get("web", {}), "public_url": self.base, **web}
        path = tmp_path / "settings.yaml"
        path.write_text(yaml.safe_dump(raw))
        return path

    def queued(self, address=None):
        """(state, attempts) of every confirmation email queued, for one address or all."""
        sql = ("SELECT c.state, c.attempts FROM confirmations c JOIN subscribers s ON s.id = c.subscriber_id"
               + (" WHERE s.email = ?" if address else "") + " ORDER BY c.id")
        return self.store.db.execute(sql, (address,) if address else ()).fetchall()

    def settle(self):
        """Wait until the worker has dealt with every queued confirmation."""
        deadline = time.monotonic() + 10
        while self.store.db.execute("SELECT COUNT(*) FROM confirmations WHERE state IN ('queued', 'sending') "
                                    "AND attempts = 0").fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture()
def stack(settings, list_db, monkeypatch):
    """The stack on each backend (tests/conftest.py, list_db)."""
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    s = Stack(settings, list_db)
    yield s
    s.close()


@pytest.fixture(scope="module")
def issues(settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return [build_issue(settings, source="sample", out_dir=out, as_of=d).folder
            for d in (date(2025, 10, 24), date(2025, 10, 31))]


def confirm_link(stack, address, nth=1):
    body = stack.mails_to(address, wait_for=nth)[-1].get_body(("plain",)).get_content()
    return re.search(r"(http://\S+/confirm\?token=\S+)", body).group(1)


def test_full_cycle_signup_confirm_send_unsubscribe_send(stack, issues):
    for address in ("ann@example.com", "bob@example.com"):
        status, body, _ = http("POST", stack.base + "subscribe", {"email": address})
        assert status == 200 and "Check your inbox" in body
        assert stack.store.get(address).status == "pending"
        status, body, _ = http("GET", confirm_link(stack, address))
        assert status == 200 and "You are subscribed" in body
        assert stack.store.get(address).status == "confirmed"
    first = send_issue(stack.settings, stack.store, load_issue(issues[0]))
    assert first.sent == 2
    issue_mail = [m for m in stack.mails_to("ann@example.com") if "List-Unsubscribe" in m][-1]
    one_click = re.search(r"<(http[^>]+)>", issue_mail["List-Unsubscribe"]).group(1)
    assert one_click.startswith(stack.base + "unsubscribe?token=")
    status, body, headers = http("POST", one_click, {"List-Unsubscribe": "One-Click"})
    assert status == 200 and "You are unsubscribed" in body and "Location" not in headers
    assert "Set-Cookie" not in headers
    assert stack.store.get("ann@example.com").status == "unsubscribed"
    second = send_issue(stack.settings, stack.store, load_issue(issues[1]))
    assert second.sent == 1
    received = [m["Subject"] for m in stack.mails_to("ann@example.com") if "List-Unsubscribe" in m]
    assert len(received) == 1  # Ann got the first issue only
    assert len([m for m in stack.mails_to("bob@example.com") if "List-Unsubscribe" in m]) == 2


def test_same_answer_for_known_and_unknown_addresses(stack):
    stack.store.add("known@example.com")
    known = http("POST", stack.base + "subscribe", {"email": "known@example.com"})
    unknown = http("POST", stack.base + "subscribe", {"email": "new@example.com"})
    assert known[0] == unknown[0] == 200 and known[1] == unknown[1]
    stack.settle()
    assert stack.mails_to("known@example.com") == []  # already confirmed: nothing sent, nothing revealed
    assert stack.store.get("known@example.com").status == "confirmed"


def test_a_get_never_unsubscribes(stack):
    sid = stack.store.add("c@example.com")
    token = make_token(SECRET, "unsubscribe", sid, "c@example.com")
    status, body, _ = http("GET", stack.base + "unsubscribe?" + urlencode({"token": token}))
    assert status == 200 and "<form" in body and "Unsubscribe</button>" in body
    assert stack.store.get("c@example.com").status == "confirmed"


def test_forged_expired_and_replayed_tokens(settings, tmp_path, list_db, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, list_db, confirm_hours=1)
    try:
        sid = stack.store.add("d@example.com")
        good = make_token(SECRET, "unsubscribe", sid, "d@example.com")
        forged = make_token("another-secret-0123456789", "unsubscribe", sid, "d@example.com")
        wrong_purpose = make_confirm_token(SECRET, sid, "d@example.com", "x")
        other_address = make_token(SECRET, "unsubscribe", sid, "e@example.com")
        for token in (forged, wrong_purpose, other_address, good[:-2] + "xx", ""):
            status, body, _ = http("POST", stack.base + "unsubscribe?" + urlencode({"token": token}),
                                   {"List-Unsubscribe": "One-Click"})
            assert status == 400 and "not valid" in body
        assert stack.store.get("d@example.com").status == "confirmed"
        # An expired confirmation link: signed two hours ago with a one-hour lifetime.
        http("POST", stack.base + "subscribe", {"email": "late@example.com"})
        late = stack.store.get("late@example.com")
        monkeypatch.setattr("itsdangerous.timed.time.time", lambda: time.time_ns() / 1e9 - 7200)
        old = make_confirm_token(SECRET, late.id, late.email, late.nonce)
        monkeypatch.undo()
        status, body, _ = http("GET", stack.base + "confirm?" + urlencode({"token": old}))
        assert status == 400 and "expired" in body and stack.store.get("late@example.com").status == "pending"
        # Replay: confirm, unsubscribe, then the old confirmation link again.
        link = confirm_link(stack, "late@example.com")
        assert http("GET", link)[0] == 200
        stack.store.unsubscribe(late.id, "test")
        status, body, _ = http("GET", link)
        assert status == 400 and "already been used" in body
        assert stack.store.get("late@example.com").status == "unsubscribed"
        # Unsubscribing twice is harmless.
        token = make_token(SECRET, "unsubscribe", late.id, late.email)
        for _ in range(2):
            assert http("POST", stack.base + "unsubscribe?" + urlencode({"token": token}),
                        {"List-Unsubscribe": "One-Click"})[0] == 200
    finally:
        stack.close()


def test_malformed_and_oversized_requests(stack):
    assert http("POST", stack.base + "subscribe", {"email": "not an address"})[0] == 400
    assert http("POST", stack.base + "subscribe", {"email": "x" * 300 + "@example.com"})[0] == 400
    assert http("POST", stack.base + "subscribe", b"email=" + b"a" * 10000,
                {"Content-Type": "application/x-www-form-urlencoded"})[0] == 413
    sid = stack.store.add("f@example.com")
    token = make_token(SECRET, "unsubscribe", sid, "f@example.com")
    assert http("POST", stack.base + "unsubscribe?" + urlencode({"token": token}), {"other": "x"})[0] == 400
    assert http("DELETE", stack.base + "unsubscribe")[0] == 405
    assert http("GET", stack.base + "nowhere")[0] == 404
    assert http("GET", stack.base + "confirm")[0] == 400
    status, body, _ = http("GET", stack.base + "health")
    assert status == 200 and '"ok"' in body
    assert stack.store.get("f@example.com").status == "confirmed"


def test_signups_are_rate_limited_per_client(settings, tmp_path, list_db, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, list_db, signups_per_hour=3)
    try:
        codes = [http("POST", stack.base + "subscribe", {"email": f"u{i}@example.com"})[0] for i in range(5)]
        assert codes == [200, 200, 200, 429, 429]
    finally:
        stack.close()


def test_app_refuses_to_start_without_a_secret(settings, monkeypatch):
    monkeypatch.delenv("CAPWEEKLY_SECRET", raising=False)
    with pytest.raises(TokenError, match="CAPWEEKLY_SECRET is not set"):
        create_app(settings)


def test_concurrent_unsubscribes_during_a_send(stack, issues):
    readers = [f"n{i:03d}@example.com" for i in range(120)]
    ids = {a: stack.store.add(a) for a in readers}
    leaving = readers[::3]
    done_at = {}
    settings = stack.settings.model_copy(update={"email": stack.settings.email.model_copy(
        update={"rate_per_second": 60})})
    summary = {}
    sender = threading.Thread(target=lambda: summary.update(s=send_issue(settings, SubscriberStore(
        stack.store.path), load_issue(issues[0]))))
    sender.start()

    def leave(address):
        token = make_token(SECRET, "unsubscribe", ids[address], address)
        status = http("POST", stack.base + "unsubscribe?" + urlencode({"token": token}),
                      {"List-Unsubscribe": "One-Click"})[0]
        done_at[address] = time.monotonic()
        return status

    time.sleep(0.3)
    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(leave, leaving)) == {200}
    sender.join(60)
    assert all(stack.store.get(a).status == "unsubscribed" for a in leaving)
    received = stack.smtp.handler.recipients()
    assert len(received) == len(set(received))  # nobody twice
    assert summary["s"].sent == len(received)
    # The unsubscribes finish within about half a second of the start, while the send (60 a second)
    # is still in the first few dozen readers; the status is re-read before every message, so none
    # of those who left and come later in the list may receive the issue.
    assert max(done_at.values()) - min(done_at.values()) < 1.0
    assert [a for a in leaving if a in received and readers.index(a) > 70] == []
    assert all(a in received for a in readers if a not in leaving)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test installs it)")
@pytest.mark.parametrize("list_db", ["sqlite"], indirect=True)  # the browser, not the database, is tested
def test_signup_and_unsubscribe_pages_in_chromium(stack):
    from playwright.sync_api import sync_playwright

    sid = stack.store.add("g@example.com")
    token = make_token(SECRET, "unsubscribe", sid, "g@example.com")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(stack.base + "subscribe")
        page.fill("#email", "h@example.com")
        page.click("button[type=submit]")
        assert "Check your inbox" in page.inner_text("h1")
        assert stack.store.get("h@example.com").status == "pending"
        page.goto(stack.base + "unsubscribe?" + urlencode({"token": token}))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert stack.store.get("g@example.com").status == "confirmed"
        page.click("button[type=submit]")
        assert "You are unsubscribed" in page.inner_text("h1")
        assert stack.store.get("g@example.com").status == "unsubscribed"
        assert errors == []
        browser.close()


# --- issue 25: suppression is final until the reader asks again -------------------------------------------------

def _complain(store, address):
    """A complaint recorded as `bounces import` records one (generator.publish.bounces)."""
    from generator.publish.bounces import Event

    store.record_bounce(f"<arf-{address}@fbl>", store.get(address), [Event("complaint", "abuse", address, "")], None,
                        soft_limit=3, soft_days=30)


def test_bounced_and_complained_addresses_get_no_mail_and_the_same_answer(stack):
    stack.store.add("hard@example.com")
    stack.store.set_status(stack.store.get("hard@example.com").id, "bounced", "bounced: hard bounce (5.1.1)")
    stack.store.add("angry@example.com")
    _complain(stack.store, "angry@example.com")
    before = {a: (stack.store.get(a), stack.store.consents(stack.store.get(a).id))
              for a in ("hard@example.com", "angry@example.com")}
    answers = {a: http("POST", stack.base + "subscribe", {"email": a})
               for a in ("hard@example.com", "angry@example.com", "fresh@example.com")}
    assert {status for status, _, _ in answers.values()} == {200}
    assert len({body for _, body, _ in answers.values()}) == 1  # nothing tells them apart
    assert len(stack.mails_to("fresh@example.com", wait_for=1)) == 1
    stack.settle()
    assert stack.mails_to("hard@example.com") == [] and stack.mails_to("angry@example.com") == []
    for address, (row, consents) in before.items():
        assert stack.store.get(address) == row and stack.store.consents(row.id) == consents  # untouched
    assert stack.store.get("angry@example.com").status == "unsubscribed"


def test_an_unsubscribed_reader_who_signs_up_again_stays_unsubscribed_until_the_click(stack):
    sid = stack.store.add("back@example.com")
    stack.store.unsubscribe(sid, "one-click")
    status, body, _ = http("POST", stack.base + "subscribe", {"email": "back@example.com"})
    assert status == 200 and "Check your inbox" in body
    link = confirm_link(stack, "back@example.com")
    assert stack.store.get("back@example.com").status == "unsubscribed"  # mailed nothing but the confirmation
    status, body, _ = http("GET", link)
    assert status == 200 and "You are subscribed" in body
    assert stack.store.get("back@example.com").status == "confirmed"
    at, source, ip, _ = stack.store.consents(sid)[-1]
    assert (source, ip) == ("confirmation link (double opt-in)", "127.0.0.1")
    assert http("GET", link)[0] == 200 and len(stack.store.consents(sid)) == 3  # add, sign-up, click; not twice


def test_an_import_or_add_never_confirms_a_sign_up_nor_changes_a_suppressed_reader(stack, tmp_path):
    http("POST", stack.base + "subscribe", {"email": "waiting@example.com"})
    http("POST", stack.base + "subscribe", {"email": "hard@example.com"})
    stack.store.set_status(stack.store.get("hard@example.com").id, "bounced", "bounced: hard bounce (5.1.1)")
    stack.store.add("left@example.com")
    stack.store.unsubscribe(stack.store.get("left@example.com").id, "one-click")
    stack.store.add("angry@example.com")
    _complain(stack.store, "angry@example.com")
    rows = ["waiting@example.com", "hard@example.com", "left@example.com", "angry@example.com"]
    before = {a: stack.store.get(a) for a in rows}
    csv_file = tmp_path / "list.csv"
    csv_file.write_text("email,name,status\n" + "".join(f"{a},Someone,confirmed\n" for a in rows)
                        + "hard@example.com,,unsubscribed\n".replace("hard", "new"))
    settings_file = stack.settings_file(tmp_path)
    result = CliRunner().invoke(main, ["subscribers", "import", str(csv_file), "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert "4 left as they were" in result.output
    assert {a: stack.store.get(a) for a in rows} == before
    for address in rows:
        result = CliRunner().invoke(main, ["subscribers", "add", address, "--settings", str(settings_file)])
        assert result.exit_code == 3 and "nothing changed" in result.output, result.output
    assert {a: stack.store.get(a) for a in rows} == before


# --- issue 25: sign-up with no abuse and no waiting ---------------------------------------------------------------

def test_one_address_gets_at_most_three_confirmations_a_day_whatever_the_client(settings, tmp_path, list_db,
                                                                                 monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, list_db, trusted_proxies=1, signups_per_hour=10)
    try:
        answers = set()
        for client in ("198.51.100.1", "198.51.100.2", "203.0.113.9"):
            for _ in range(10):
                status, body, _ = http("POST", stack.base + "subscribe", {"email": "victim@example.com"},
                                       {"X-Forwarded-For": client})
                answers.add((status, body))
                stack.settle()  # each confirmation goes out before the next request: the worst case
        assert len(answers) == 1 and answers.pop()[0] == 200
        assert len(stack.mails_to("victim@example.com")) == 3
        assert [state for state, _ in stack.queued("victim@example.com")] == ["sent"] * 3
        # The last link works: the ones after the third email changed nothing.
        assert http("GET", confirm_link(stack, "victim@example.com", nth=3))[0] == 200
    finally:
        stack.close()


def test_ipv6_clients_are_limited_per_64(settings, tmp_path, list_db, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, list_db, trusted_proxies=1, signups_per_hour=3, worker=False)
    try:
        same_64 = [f"2001:db8:1:2::{i:x}" for i in range(1, 7)] + ["2001:db8:1:2:ffff:ffff:ffff:ffff"]
        codes = [http("POST", stack.base + "subscribe", {"email": f"v6-{i}@example.com"},
                      {"X-Forwarded-For": client})[0] for i, client in enumerate(same_64)]
        assert codes == [200, 200, 200, 429, 429, 429, 429]
        other_64 = http("POST", stack.base + "subscribe", {"email": "other@example.com"},
                        {"X-Forwarded-For": "2001:db8:1:3::1"})[0]
        assert other_64 == 200
    finally:
        stack.close()


def test_another_site_cannot_drive_a_visitors_browser_to_sign_up(stack):
    refused = [
        {"Origin": "https://evil.example"},
        {"Origin": "http://127.0.0.1:9"},                            # another port is another origin
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},         # a page that hides its origin
        {"Sec-Fetch-Site": "cross-site"},
    ]
    for i, headers in enumerate(refused):
        status, body, _ = http("POST", stack.base + "subscribe", {"email": f"lured{i}@example.com"}, headers)
        assert status == 403 and "own page" in body, headers
    own = stack.base.rstrip("/")
    for i, headers in enumerate([{"Origin": own}, {"Origin": "null", "Sec-Fetch-Site": "same-origin"}, {}]):
        assert http("POST", stack.base + "subscribe", {"email": f"real{i}@example.com"}, headers)[0] == 200, headers
    assert sorted(s.email for s in stack.store.list()) == ["real0@example.com", "real1@example.com",
                                                           "real2@example.com"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test installs it)")
@pytest.mark.parametrize("list_db", ["sqlite"], indirect=True)  # the browser, not the database, is tested
def test_a_page_on_another_site_cannot_submit_the_form_in_chromium(stack):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--no-first-run", "--disable-quic"])
        page = browser.new_page()
        # The attacker's page: another origin (localhost is not 127.0.0.1) whose form posts to the app.
        page.route("http://localhost:1/lure", lambda route: route.fulfill(content_type="text/html", body=(
            f'<form method=post action="{stack.base}subscribe"><input name=email value="lured@example.com">'
            '<button>win</button></form>')))
        page.goto("http://localhost:1/lure")
        page.click("button")
        assert "own page" in page.inner_text("h1")
        browser.close()
    assert stack.store.get("lured@example.com") is None


class SilentRelay:
    """An SMTP 'server' that accepts connections and never says a word (smtplib waits for its greeting)."""

    def __init__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


def test_a_sign_up_answers_at_once_even_when_the_relay_is_silent(settings, tmp_path, list_db, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    relay = SilentRelay()
    stack = Stack(settings, list_db, smtp_port=relay.port)  # the worker waits on the relay's greeting
    try:
        stack.store.add("known@example.com")
        answers, took = [], []
        for address in ("new1@example.com", "known@example.com", "new2@example.com"):
            start = time.perf_counter()
            answers.append(http("POST", stack.base + "subscribe", {"email": address}))  # urlopen gives up after 10 s
            took.append(time.perf_counter() - start)
        print("sign-up answers with a silent relay: " + ", ".join(f"{t * 1000:.1f} ms" for t in took))
        assert [a[0] for a in answers] == [200] * 3 and len({a[1] for a in answers}) == 1
        assert {s.email: s.status for s in stack.store.list()} == {
            "known@example.com": "confirmed", "new1@example.com": "pending", "new2@example.com": "pending"}
        assert len(stack.queued()) == 2  # the emails wait in the database for the relay
    finally:
        relay.close()
        stack.close()


def test_a_failed_confirmation_is_shown_to_the_writer_and_retried(settings, tmp_path, list_db, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, list_db, worker=False)
    try:
        settings_file = stack.settings_file(tmp_path)
        stack.smtp.handler.refuse["late@example.com"] = "451 4.3.0 Try again later"
        assert http("POST", stack.base + "subscribe", {"email": "late@example.com"})[0] == 200
        runner = CliRunner()
        result = runner.invoke(main, ["subscribers", "confirmations", "--settings", str(settings_file)])
        assert result.exit_code == 5 and "1 failed (late@example.com:" in result.output, result.output
        listing = runner.invoke(main, ["subscribers", "list", "--settings", str(settings_file)])
        assert "late@example.com\tpending" in listing.output
        assert "confirmation retrying (1 failed, next try" in listing.output and "451" in listing.output
        assert "1 retrying" in listing.output
        del stack.smtp.handler.refuse["late@example.com"]  # the relay recovers
        result = runner.invoke(main, ["subscribers", "confirmations", "--settings", str(settings_file)])
        assert result.exit_code == 0 and "1 sent, 0 failed" in result.output, result.output
        assert http("GET", confirm_link(stack, "late@example.com"))[0] == 200
        assert "retrying" not in runner.invoke(main, ["subscribers", "list", "--settings", str(settings_file)]).output
    finally:
        stack.close()


def test_the_worker_retries_with_back_off_until_the_relay_takes_it(settings, tmp_path, list_db, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, list_db)
    try:
        stack.smtp.handler.refuse_once["once@example.com"] = "451 4.3.0 Try again later"
        assert http("POST", stack.base + "subscribe", {"email": "once@example.com"})[0] == 200
        assert len(stack.mails_to("once@example.com", wait_for=1)) == 1  # the second try, 0.2 s later
        deadline = time.monotonic() + 10
        while stack.queued("once@example.com") != [("sent", 2)] and time.monotonic() < deadline:
            time.sleep(0.02)  # the worker records the outcome just after the server took the message
        assert stack.queued("once@example.com") == [("sent", 2)]
    finally:
        stack.close()


# --- issue 25: operating `serve` ------------------------------------------------------------------------------------

def start_serve(stack, folder: Path, **web):
    """`capweekly serve` as a real process, in its own folder, on this stack's list and SMTP server:
    (base URL, process)."""
    import os
    import subprocess
    import sys

    folder.mkdir(exist_ok=True)
    port = free_port()
    settings_file = stack.settings_file(folder, **{"public_url": f"http://127.0.0.1:{port}/",
                                                   "signups_per_hour": 10000, **web})
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPWEEKLY")}
    env.update({"CAPWEEKLY_SECRET": SECRET, "PYTHONPATH": str(ROOT)})
    with open(folder / "serve.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--settings", str(settings_file),
                                    "--port", str(port)], cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http("GET", base + "health")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    return base, process


@pytest.fixture()
def served(stack, tmp_path):
    """`capweekly serve` as a real process on this stack's database and SMTP server: (base URL, process)."""
    base, process = start_serve(stack, tmp_path)
    yield base, process
    process.terminate()
    process.wait(10)


def _fds(pid):
    import os

    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.parametrize("list_db", ["sqlite"], indirect=True)  # SQLite's files (database, WAL, shared memory)
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc (Linux)")
def test_serve_keeps_its_file_handles_over_thousands_of_requests(stack, served):
    base, process = served
    sid = stack.store.add("fd@example.com")
    unsubscribe = base + "unsubscribe?" + urlencode({"token": make_token(SECRET, "unsubscribe", sid, "fd@example.com")})

    def burst(n):
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: http("GET", (base + "health", unsubscribe, base + "confirm?token=x")[i % 3]),
                          range(n)))
        http("POST", base + "subscribe", {"email": f"fd{n}@example.com"})

    burst(300)  # warm up: the pool opens its first connections
    counts = [_fds(process.pid)]
    for _ in range(2):
        burst(3000)
        counts.append(_fds(process.pid))
    print(f"serve's open file handles after 300, 3,300 and 6,300 requests: {counts}")
    # The pool keeps at most 8 connections (3 handles each: database, WAL, shared memory), however busy it was;
    # a connection per request thread grew by about 65 handles every 3,000 requests.
    assert max(counts) - counts[0] <= 8 * 3, counts


def test_tokens_never_reach_the_access_log(stack, served, tmp_path):
    base, process = served
    sid = stack.store.add("log@example.com")
    unsubscribe = make_token(SECRET, "unsubscribe", sid, "log@example.com")
    confirm = make_confirm_token(SECRET, sid, "log@example.com", "n")
    assert http("GET", base + "unsubscribe?" + urlencode({"token": unsubscribe}))[0] == 200
    assert http("POST", base + "unsubscribe?" + urlencode({"token": unsubscribe}),
                {"List-Unsubscribe": "One-Click"})[0] == 200
    http("GET", base + "confirm?" + urlencode({"token": confirm}) + "&x=1")
    http("GET", base + "confirm?x=1&token=" + confirm)
    process.terminate()
    process.wait(10)
    log = (tmp_path / "serve.log").read_text()
    assert "/unsubscribe?token=[redacted]" in log and "/confirm?token=[redacted]&x=1" in log, log
    assert unsubscribe not in log and confirm not in log and confirm[:20] not in log


def test_links_signed_before_a_rotation_still_work_and_new_ones_use_the_new_secret(settings, tmp_path, list_db,
                                                                                   monkeypatch):
    from generator.publish.tokens import read_confirm_token

    old = token_urlsafe(32)
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    monkeypatch.setenv("CAPWEEKLY_SECRET_OLD", f"{token_urlsafe(32)},{old}")
    stack = Stack(settings, list_db)
    try:
        sid = stack.store.add("kept@example.com")
        old_link = stack.base + "unsubscribe?" + urlencode({"token": make_token(old, "unsubscribe", sid,
                                                                                "kept@example.com")})
        stranger = make_token(token_urlsafe(32), "unsubscribe", sid, "kept@example.com")
        assert http("POST", stack.base + "unsubscribe?" + urlencode({"token": stranger}),
                    {"List-Unsubscribe": "One-Click"})[0] == 400
        assert http("GET", old_link)[0] == 200
        assert http("POST", old_link, {"List-Unsubscribe": "One-Click"})[0] == 200
        assert stack.store.get("kept@example.com").status == "unsubscribed"
        # A confirmation link mailed before the rotation confirms; the one mailed now is signed with the new secret.
        http("POST", stack.base + "subscribe", {"email": "new@example.com"})
        link = confirm_link(stack, "new@example.com")
        token = link.split("token=")[1]
        from urllib.parse import unquote

        assert read_confirm_token(SECRET, unquote(token), 3600)[0] == stack.store.get("new@example.com").id
        with pytest.raises(TokenError):
            read_confirm_token(old, unquote(token), 3600)
        pending = stack.store.get("new@example.com")
        before = make_confirm_token(old, pending.id, pending.email, pending.nonce)
        assert http("GET", stack.base + "confirm?" + urlencode({"token": before}))[0] == 200
        assert stack.store.get("new@example.com").status == "confirmed"
    finally:
        stack.close()


# --- issue 22: `serve` as a service: several processes (gunicorn workers, hosts) on one list -------------------------

def test_two_serve_processes_share_one_sign_up_limit_and_one_confirmation_queue(stack, tmp_path):
    """Two `capweekly serve` processes (two gunicorn workers, or two hosts behind a load balancer) on one list:
    a client's sign-ups count against one limit whichever answers, and each queued confirmation email is sent
    once, by whichever process's worker (or this stack's) claims it first."""
    servers = [start_serve(stack, tmp_path / name, signups_per_hour=3) for name in ("one", "two")]
    try:
        codes = [http("POST", servers[i % 2][0] + "subscribe", {"email": f"u{i}@example.com"})[0] for i in range(6)]
        assert codes == [200, 200, 200, 429, 429, 429]
        for i in range(3):
            assert len(stack.mails_to(f"u{i}@example.com", wait_for=1)) == 1
        time.sleep(1.0)  # time for a second copy, were a row ever claimed twice
        assert sorted(r for rcpts, _ in stack.smtp.handler.messages for r in rcpts) == [
            "u0@example.com", "u1@example.com", "u2@example.com"]
        assert [state for state, _ in stack.queued()] == ["sent"] * 3
        for base, _ in servers:
            status, body, _ = http("GET", base + "health")
            assert status == 200 and json.loads(body) == {"status": "ok", "database": stack.store.backend,
                                                          "schema_version": LATEST}
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(10)


@pytest.mark.parametrize("list_db", ["postgresql"], indirect=True)
def test_health_says_503_while_the_database_is_gone_and_recovers_after(stack, pg_cluster):
    """A health check that touches the database: a pooled connection whose server session ended (a restart, a
    fail-over) answers 503 once, is dropped, and the next check reconnects."""
    assert http("GET", stack.base + "health")[0] == 200
    database = stack.settings.email.database.rsplit("/", 1)[1]
    pg_cluster.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' "
                     "AND pid != pg_backend_pid()")
    status, body, _ = http("GET", stack.base + "health")
    assert status == 503 and json.loads(body)["status"] == "database unavailable"
    assert http("GET", stack.base + "health")[0] == 200
    stack.store.close()
    stack.store = SubscriberStore(stack.settings.email.database)  # the test's own connection was ended too
    assert http("POST", stack.base + "subscribe", {"email": "after@example.com"})[0] == 200
    assert len(stack.mails_to("after@example.com", wait_for=1)) == 1  # the worker reconnected as well
