"""The subscription app as a real HTTP server on loopback, with a real SMTP server behind it."""

from secrets import token_urlsafe  # a fresh strong secret each run: no secret in the repo
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from werkzeug.serving import make_server

from generator.pipeline import build_issue
from generator.publish.mail import load_issue, send_issue
from generator.publish.subscribers import SubscriberStore
from generator.publish.confirmations import ConfirmationWorker
from generator.publish.tokens import TokenError, make_confirm_token, make_token
from generator.web import RedactingRequestHandler, create_app
from tests.smtp_server import SmtpServer

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

    def __init__(self, settings, tmp_path, worker=True, **web):
        self.smtp = SmtpServer().__enter__()
        e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": self.smtp.port,
                                              "security": "none", "database": str(tmp_path / "subs.sqlite"),
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
        self.store = SubscriberStore(tmp_path / "subs.sqlite")

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
def stack(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    s = Stack(settings, tmp_path)
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


def test_forged_expired_and_replayed_tokens(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, tmp_path, confirm_hours=1)
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


def test_signups_are_rate_limited_per_client(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPWEEKLY_SECRET", SECRET)
    stack = Stack(settings, tmp_path, signups_per_hour=3)
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
