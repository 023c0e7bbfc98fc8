"""Sending an issue to confirmed subscribers over SMTP, safely re-runnable.

The ledger (one row per issue and reader) makes a send idempotent and crash-safe.
A reader's delivery for one issue is in one of these states:

    waiting    no ledger row: never tried, or every try so far failed temporarily.
               Tried on every run (and retried with backoff within a run).
    in flight  row `sending`: written immediately before the final dot of DATA, the one
               moment after which the server may hold the message. A run that dies (or
               whose connection drops, or whose deadline passes) before the reply is read
               leaves it here.
    sent       row `sent`: the server answered 2xx to the final dot. Never sent again.
    failed     row `failed`: a 5xx for this reader (RCPT, DATA or after the dot). Never retried.
    unknown    row `unknown`: a later run found the reader in flight. Not re-sent unless
               --resend-unknown (the reader may then get two copies); this is the only way
               a reader can lack a copy without a recorded refusal.

Transitions: waiting -> in flight -> sent | failed | unknown; a 4xx after the dot puts the
reader back to waiting (the server said it did not take the message). Before the dot nothing
is recorded, so a temporary failure at MAIL, RCPT or DATA, or a dropped connection, leaves the
reader waiting. A relay-wide failure (the relay refuses the sender, the login, or every reader
in a row with the same 5xx) stops the run and blames no reader: they stay waiting. The
reader's status is read again immediately before every attempt, so an unsubscribe that lands
while a retry waits is honoured. Each message has a wall-clock deadline
(generator.publish.delivery), so a relay that trickles its reply cannot hang the run.
"""

from __future__ import annotations

import email.policy
import json
import os
import re
import smtplib
import socket
import ssl
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from markupsafe import escape

from generator.errors import CapweeklyError, RefusedError, ServiceError, SettingsError
from generator.notes import IMAGE_TYPES
from generator.publish.bounces import READER_HEADER, reader_token, verp_address
from generator.publish.delivery import (MESSAGE_DEADLINE, READ_TIMEOUT, Permanent, RelayRefused, Transient, Unknown,
                                        deliver, open_connection)
from generator.publish.site import open_flags
from generator.publish.subscribers import Subscriber, SubscriberStore
from generator.publish.tokens import make_token, secret_from_env
from generator.render.email import EMAIL_CHARTS, UNSUBSCRIBE_PLACEHOLDER, chart_cid, chart_file, note_image_cid
from generator.settings import Settings

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Headers whose value is a list of <URI>s (RFC 2369, 8058) or an opaque token: written as they are.
RAW_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post", READER_HEADER.lower()})


class _WirePolicy(email.policy.EmailPolicy):
    """The email package's policy, except for RAW_HEADERS: Python would turn a URI longer than a
    line into RFC 2047 encoded-words (`=?utf-8?q?=3Chttps...`), which mailbox providers do not
    decode in List-Unsubscribe. These are ASCII by construction; they are folded only between
    list items (after a comma), never inside a URI; RFC 5322's 998-octet line limit is far off."""

    def _fold(self, name, value, refold_binary=False):
        if name.lower() not in RAW_HEADERS:
            return super()._fold(name, value, refold_binary)
        text = str(value)
        if "\r" in text or "\n" in text or not text.isascii():
            raise ValueError(f"{name}: a raw header must be one line of ASCII")
        if len(name) + 2 + len(text) <= 78 or not text.startswith("<"):
            return f"{name}: {text}{self.linesep}"
        items = re.split(r",\s*(?=<)", text)  # between "<uri>, <uri>": never inside a URI
        return f"{name}: " + ("," + self.linesep + " ").join(items) + self.linesep


# smtplib sends bytes as they are: lines must already end in CRLF (RFC 5321). The outbox (--dry-run)
# writes the same message with the platform's own line ends.
SMTP_POLICY = _WirePolicy(linesep="\r\n")
FILE_POLICY = _WirePolicy()


class SendError(CapweeklyError):
    category = "send error"


class SendRefused(SendError, RefusedError):
    """A safety rule refused the send: nothing went out (exit code 4)."""

    category = "send refused"


class SMTPUnavailable(SendError, ServiceError):
    """The SMTP server could not be reached or refused the login (exit code 5)."""


@dataclass
class SendSummary:
    issue: str
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unknown: int = 0
    deferred: int = 0  # temporary failures after every retry: waiting, tried again on the next run
    stopped: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.sent + self.skipped + self.failed + self.unknown + self.deferred

    def line(self) -> str:
        text = (f"issue {self.issue}: sent {self.sent}, skipped {self.skipped} (already done), "
                f"failed {self.failed}, outcome unknown {self.unknown}")
        if self.deferred:
            text += f", deferred {self.deferred} (tried again on the next run)"
        return text + (f"; stopped: {self.stopped}" if self.stopped else "")


@dataclass(frozen=True)
class Issue:
    folder: Path
    as_of: str
    source: str
    subject: str
    html: str
    text: str
    metrics: dict
    images: dict = field(default_factory=dict)  # Content-ID -> (image subtype, bytes) for inline images, read once


def load_issue(folder: Path) -> Issue:
    try:
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        html = (folder / "email.html").read_text(encoding="utf-8")
        if not isinstance(metrics, dict) or not isinstance(metrics.get("source"), str):
            raise ValueError("not a metrics document")
        as_of = date.fromisoformat(metrics["as_of"])

        open_flags(metrics)  # readable, or the error below
        if not isinstance(metrics.get("provenance", {}), dict) or not isinstance(
                metrics.get("provenance", {}).get("expected_session", ""), (str, type(None))):
            raise ValueError("provenance is not a mapping with a date")
        images = {chart_cid(c, as_of): ("png", (folder / chart_file(c)).read_bytes()) for c in EMAIL_CHARTS
                  if f"cid:{chart_cid(c, as_of)}" in html}
        notes = folder / "notes"
        for image in (sorted(notes.iterdir()) if notes.is_dir() else []):
            if f"cid:{note_image_cid(image.name)}" in html and image.suffix in IMAGE_TYPES:
                images[note_image_cid(image.name)] = (IMAGE_TYPES[image.suffix][0], image.read_bytes())
        return Issue(folder, metrics["as_of"], metrics["source"],
                     (folder / "email-subject.txt").read_text(encoding="utf-8").strip(), html,
                     (folder / "email.txt").read_text(encoding="utf-8"), metrics, images)
    except FileNotFoundError as exc:
        raise SendError(f"{folder}: not a built issue ({Path(exc.filename).name} missing)",
                        "run `capweekly build` first") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON, UTF-8, a field or a date
        what = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        raise SendError(f"{folder / 'metrics.json'}: damaged ({type(exc).__name__}: {str(what)[:120]}); "
                        "nothing was sent",
                        f"rebuild the issue with `capweekly build --as-of {folder.name}`") from None
    except OSError as exc:
        raise SendError(f"{folder}: cannot read the issue ({exc.strerror}: {exc.filename})",
                        "check the reports folder's permissions") from None


def check_sendable(issue: Issue, store: SubscriberStore, *, today: date, max_age_days: int,
                   allow_sample: bool, allow_stale: bool, allow_older: bool, allow_flagged: bool = False) -> None:

    flags = open_flags(issue.metrics)
    if flags and not allow_flagged:
        raise SendRefused(f"issue {issue.as_of} has {flags} open fact-check flag(s); refusing to send it to readers",
                        f"read {issue.folder / 'review.txt'}, then fix the words, replace the section in the "
                        "editor's note, or pass --allow-flagged")
    if issue.source == "sample" and not allow_sample:
        raise SendRefused(f"issue {issue.as_of} was built from SAMPLE DATA; refusing to send it to readers",
                        "build from real data, or pass --allow-sample-data to send synthetic numbers anyway")
    age = (today - date.fromisoformat(issue.as_of)).days
    expected = issue.metrics.get("provenance", {}).get("expected_session")
    stale = age > max_age_days or (expected is not None and expected > issue.as_of)
    if stale and not allow_stale:
        raise SendRefused(f"issue {issue.as_of} is stale ({age} days old)",
                        "build the latest week, or pass --allow-stale-data to send old numbers as news")
    last = store.last_sent_issue()
    if last is not None and issue.as_of < last and not allow_older:
        raise SendRefused(f"issue {issue.as_of} is older than {last}, already sent",
                        "pass --allow-older-issue to send an out-of-date issue after a newer one")


def require_postal_address(settings: Settings, where: str = "settings.yaml") -> None:
    """No real send without the publisher's postal address, which every email prints (US CAN-SPAM)."""
    if not settings.branding.postal_address:
        raise SettingsError(where, ["branding.postal_address: required before sending: the publisher's postal "
                                    "address, printed in every email's footer (US CAN-SPAM); set it, then rebuild "
                                    "the issue"])


def require_footer(issue: "Issue", settings: Settings, where: str = "settings.yaml") -> None:
    """The issue must have been built with the address (email.html and email.txt are rendered at build time)."""
    address = " ".join(settings.branding.postal_address.split())
    flat = lambda text: " ".join(text.split())  # noqa: E731 - the text part is wrapped at 72 columns
    if address and not (address in flat(issue.text) and str(escape(address)) in flat(issue.html)):
        raise SettingsError(where, [f"branding.postal_address: issue {issue.as_of} was built before the postal "
                                    f"address was set, so its emails lack it; rebuild it "
                                    f"(capweekly build --as-of {issue.as_of})"])


def unsubscribe_links(settings: Settings, secret: str, subscriber: Subscriber) -> tuple[str, str]:
    base = settings.email.unsubscribe_url or (f"{settings.web.public_url}unsubscribe" if settings.web.public_url
                                              else f"{settings.site.base_url}unsubscribe" if settings.site.base_url
                                              else None)
    if base is None:
        raise SendError("no unsubscribe URL: set email.unsubscribe_url or site.base_url in settings.yaml",
                        "one-click unsubscribe (RFC 8058) needs an https endpoint")
    token = make_token(secret, "unsubscribe", subscriber.id, subscriber.email)
    http = f"{base}?token={quote(token)}"
    mailto = f"mailto:{settings.email.unsubscribe_mailto}?subject={quote('unsubscribe ' + token)}"
    return http, mailto


def build_message(settings: Settings, issue: Issue, subscriber: Subscriber, secret: str, *, now: datetime) -> EmailMessage:
    http, mailto = unsubscribe_links(settings, secret, subscriber)
    domain = parseaddr(settings.email.from_address)[1].rpartition("@")[2] or "capweekly.invalid"
    msg = EmailMessage(policy=FILE_POLICY)
    msg["From"] = settings.email.from_address
    msg["To"] = subscriber.email
    msg["Subject"] = issue.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=f"{issue.as_of}.{subscriber.id}", domain=domain)
    msg["List-Id"] = f"<{settings.email.list_id}>"
    msg["List-Unsubscribe"] = f"<{http}>, <{mailto}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if subscriber.id:
        msg[READER_HEADER] = reader_token(secret, subscriber.id, subscriber.email)  # read back from bounces
    if settings.email.reply_to:
        msg["Reply-To"] = settings.email.reply_to
    msg.set_content(issue.text.replace(UNSUBSCRIBE_PLACEHOLDER, http))
    msg.add_alternative(issue.html.replace(UNSUBSCRIBE_PLACEHOLDER, http), subtype="html")
    if issue.images:
        html_part = msg.get_payload()[1]  # type: ignore[index]  # a multipart's payload is its list of parts
        assert isinstance(html_part, EmailMessage), "add_alternative made the message multipart"
        for cid, (subtype, data) in issue.images.items():
            name = cid.split("@")[0] if cid.endswith("@capweekly-note") else f"{cid.split('.')[0]}.png"
            html_part.add_related(data, "image", subtype, cid=f"<{cid}>", filename=name)
    if settings.email.attach_pdf:
        msg.add_attachment((issue.folder / "report.pdf").read_bytes(), maintype="application", subtype="pdf",
                           filename=f"small-caps-weekly-{issue.as_of}.pdf")
    return msg


def connect(settings: Settings, deadline: float = MESSAGE_DEADLINE) -> smtplib.SMTP:
    e = settings.email
    if e.security == "none" and e.smtp_host not in LOCAL_HOSTS:
        raise SendRefused(f"email.security is none for {e.smtp_host}", "use starttls or tls for any remote server")
    context = ssl.create_default_context()  # verifies the certificate and the host name

    def setup(smtp: smtplib.SMTP) -> None:
        if e.security == "starttls":
            smtp.starttls(context=context)
        user, password = os.environ.get("CAPWEEKLY_SMTP_USER"), os.environ.get("CAPWEEKLY_SMTP_PASSWORD")
        if user:
            smtp.login(user, password or "")
        smtp.ehlo_or_helo_if_needed()  # mail()/rcpt() do not greet by themselves, unlike sendmail()

    factory = ((lambda: smtplib.SMTP_SSL(timeout=READ_TIMEOUT, context=context)) if e.security == "tls"
               else (lambda: smtplib.SMTP(timeout=READ_TIMEOUT)))
    try:
        return open_connection(factory, e.smtp_host, e.smtp_port, setup, deadline)
    except smtplib.SMTPAuthenticationError as exc:
        raise SMTPUnavailable(f"SMTP login to {e.smtp_host} refused ({exc.smtp_code})",
                        "check CAPWEEKLY_SMTP_USER and CAPWEEKLY_SMTP_PASSWORD") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SMTPUnavailable(f"cannot connect to SMTP server {e.smtp_host}:{e.smtp_port} ({exc})",
                        "check email.smtp_host, smtp_port and security") from None


class _Refusals:
    """5xx refusals held back until they are known to concern readers, not the relay.

    A relay that refuses everyone (relaying denied, a blocked sender) answers every RCPT
    with the same 5xx; marking those readers `failed` would drop them from the issue for
    good. So refusals wait here: a delivery, or a refusal with another code, shows the
    relay works and marks them failed. `streak` in a row with one code is the relay's fault.
    The streak is twice max_consecutive_failures, so a few bad addresses next to each other
    (all "550 no such user") do not stop every run at the same place: the reader after them
    is tried, and a delivery settles them."""

    def __init__(self, max_consecutive: int) -> None:
        self.streak = 2 * max_consecutive
        self.held: list[tuple[Subscriber, Permanent]] = []

    def add(self, reader: Subscriber, exc: Permanent) -> None:
        self.held.append((reader, exc))

    def relay_wide(self, at_end: bool = False) -> str:
        """Why the held refusals are the relay's, or "". `at_end`: the run is over and no reader has ever
        had this issue (then two refusals with one code, every reader tried, are enough)."""
        codes = {exc.code for _, exc in self.held}
        count = len(self.held)
        if len(codes) == 1 and (count >= self.streak or (at_end and count >= 2)):
            return (f"the relay refused {count} readers in a row with the same reply ({self.held[-1][1]}); "
                    "a relay-wide refusal, so none was marked failed")
        return ""

    def settle(self, store: SubscriberStore, issue: str, summary: "SendSummary", keep: Permanent | None = None) -> None:
        """Mark the held readers failed, except a trailing run of `keep`'s code (it may be starting a streak)."""
        hold: list[tuple[Subscriber, Permanent]] = []
        if keep is not None:
            while self.held and self.held[-1][1].code == keep.code:
                hold.insert(0, self.held.pop())
        for reader, exc in self.held:
            store.mark(issue, reader, "failed", str(exc))
            summary.failed += 1
            summary.failures.append(f"{reader.email}: {exc}")
        self.held = hold


class _Run:
    """One send's shared state, for one connection or several at once (`send --connections N`).

    Each connection is a worker with its own SMTP session and its own database connection. A worker claims
    the next reader from one iterator under `lock`, so each reader is claimed once, by one worker; the run lock
    (generator.locking) keeps any other process from sending the issue meanwhile. The ledger rules are those of
    one connection, reader by reader: each worker writes its reader's in-flight mark immediately before the
    final dot. `pace` reserves each message's start time across all workers, so together they start at most
    email.rate_per_second messages a second. Counts, the failure streak and the held refusals change under
    `lock`; the first reason to stop stops every worker after its current message."""

    def __init__(self, settings: Settings, issue: Issue, secret: str, readers: list[Subscriber], done: dict[int, str], *,
                 resend_unknown: bool, sleep, clock, now, progress, deadline: float) -> None:
        import threading

        self.settings, self.issue, self.secret, self.done = settings, issue, secret, done
        self.resend_unknown, self.sleep, self.clock, self.now = resend_unknown, sleep, clock, now
        self.progress, self.deadline = progress, deadline
        self.summary = SendSummary(issue.as_of)
        self.refusals = _Refusals(settings.email.max_consecutive_failures)
        self.consecutive = 0
        self.interval = 1.0 / settings.email.rate_per_second
        self.next_start = -1e9
        self.sender = parseaddr(settings.email.from_address)[1]
        self.lock = threading.RLock()
        self.halted = False  # a worker failed with an exception (a bug, a database gone): the others stop too
        self._readers = iter(readers)

    def claim(self) -> Subscriber | None:
        with self.lock:
            if self.summary.stopped or self.halted:
                return None
            return next(self._readers, None)

    def stop(self, why: str) -> None:
        with self.lock:
            self.summary.stopped = self.summary.stopped or why

    def pace(self) -> None:
        """Wait for this message's turn: its start is reserved one interval after the previous one's."""
        with self.lock:
            start = max(self.clock(), self.next_start)
            self.next_start = start + self.interval
        wait = start - self.clock()
        if wait > 0:
            self.sleep(wait)

    def work(self, store: SubscriberStore) -> None:
        """A worker: claim readers and deliver them over one SMTP connection until none is left or the run stops."""
        smtp = None
        try:
            while (reader := self.claim()) is not None:
                smtp = self.deliver_to(store, reader, smtp)
        finally:
            _drop(smtp)

    def deliver_to(self, store: SubscriberStore, reader: Subscriber, smtp):
        e, issue, summary = self.settings.email, self.issue, self.summary

        def still_confirmed() -> bool:
            current = store.by_id(reader.id)  # read again before every attempt: an unsubscribe takes effect at once
            return current is not None and current.status == "confirmed"

        state = self.done.get(reader.id)
        if state in ("sent", "failed") or not still_confirmed():
            with self.lock:
                summary.skipped += 1
                self.progress(summary)  # every reader counts, skipped ones too, so progress reaches the total
            return smtp
        if state in ("sending", "unknown") and not self.resend_unknown:
            store.mark(issue.as_of, reader, "unknown", "outcome unknown after an interrupted send; not re-sent")
            with self.lock:
                summary.unknown += 1
                self.progress(summary)
            return smtp
        msg = build_message(self.settings, issue, reader, self.secret, now=self.now())
        body = msg.as_bytes(policy=SMTP_POLICY)
        envelope = verp_address(e.bounce_address, msg[READER_HEADER]) if e.bounce_address else self.sender
        attempt = 0
        while True:
            self.pace()
            if not still_confirmed():  # after any wait: an unsubscribe may have landed meanwhile
                with self.lock:
                    summary.skipped += 1
                break
            flown = []

            def in_flight() -> None:
                store.mark(issue.as_of, reader, "sending", message_id=msg["Message-ID"])
                flown.append(True)

            try:
                if smtp is None:
                    smtp = connect(self.settings, self.deadline)
                deliver(smtp, envelope, reader.email, body, in_flight=in_flight, deadline=self.deadline)
            except Transient as exc:
                if flown:  # a 4xx after the dot: the server did not take it
                    store.unmark(issue.as_of, reader)
                if "connection lost" in str(exc):
                    _drop(smtp)
                    smtp = None
                attempt += 1
                if attempt <= e.retries and not summary.stopped:
                    self.sleep(e.backoff_seconds * 2 ** (attempt - 1))
                    continue
                with self.lock:
                    summary.deferred += 1  # left waiting: the next run tries again
                    summary.failures.append(f"{reader.email}: {exc} (tried again on the next run)")
                    self.consecutive += 1
                break
            except Permanent as exc:  # counted by `refusals`, not `consecutive`
                if flown:
                    store.unmark(issue.as_of, reader)  # held as waiting until the refusal is known to be the reader's
                with self.lock:
                    self.refusals.settle(store, issue.as_of, summary, keep=exc)
                    self.refusals.add(reader, exc)
                break
            except Unknown as exc:
                store.mark(issue.as_of, reader, "unknown", str(exc))
                _drop(smtp)
                smtp = None
                with self.lock:
                    summary.unknown += 1
                    self.consecutive += 1
                break
            except RelayRefused as exc:
                self.stop(f"the relay refuses the sender ({exc}); no reader was marked failed")
                return smtp
            except SendError as exc:  # could not (re)connect or log in
                self.stop(exc.message)
                return smtp
            else:
                store.mark(issue.as_of, reader, "sent", message_id=msg["Message-ID"])
                with self.lock:
                    summary.sent += 1
                    self.consecutive = 0
                    self.refusals.settle(store, issue.as_of, summary)
                break
        with self.lock:
            self.progress(summary)
            wide = self.refusals.relay_wide()
            if wide:
                self.stop(wide)
            elif self.consecutive >= e.max_consecutive_failures:
                last = summary.failures[-1] if summary.failures else "unknown outcome"
                self.stop(f"{self.consecutive} failures in a row (last: {last})")
        return smtp


def send_issue(settings: Settings, store: SubscriberStore, issue: Issue, *, resend_unknown: bool = False,
               sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
               now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
               progress: Callable[[SendSummary], None] = lambda s: None,
               deadline: float = MESSAGE_DEADLINE, connections: int = 1) -> SendSummary:
    """Send the issue to every confirmed reader not yet done, over `connections` SMTP connections at once."""
    require_postal_address(settings)
    secret = secret_from_env()
    done = store.ledger(issue.as_of)
    run = _Run(settings, issue, secret, store.list("confirmed"), done, resend_unknown=resend_unknown, sleep=sleep,
               clock=clock, now=now, progress=progress, deadline=deadline)
    summary = run.summary
    run_id = store.start_run(issue.as_of)
    try:
        if connections <= 1:
            run.work(store)
        else:
            _work_in_parallel(run, store, connections)
        if not summary.stopped:
            summary.stopped = run.refusals.relay_wide(at_end=summary.sent == 0 and "sent" not in done.values())
        return summary
    finally:
        failing = sys.exc_info()[0] is not None
        try:
            if not summary.stopped and not failing:  # a stopped run leaves held readers waiting for the next
                run.refusals.settle(store, issue.as_of, summary)
            store.finish_run(run_id, summary.sent, summary.skipped, summary.failed + summary.deferred,
                             summary.unknown, summary.stopped)
        except store.errors:
            if not failing:  # a full disk says so once, as the error already on its way
                raise


def _work_in_parallel(run: _Run, store: SubscriberStore, connections: int) -> None:
    """`connections` workers, each with its own database connection; the first exception is raised here once
    every worker has finished its current message (so does a SIGTERM arriving meanwhile)."""
    import threading

    failures: list[BaseException] = []

    def worker() -> None:
        try:
            with SubscriberStore(store.url or store.path, application_name="capweekly send worker") as own:
                run.work(own)
        except BaseException as exc:  # noqa: BLE001 -- handed to the calling thread below
            with run.lock:
                run.halted = True
                failures.append(exc)

    threads = [threading.Thread(target=worker, name=f"capweekly-send-{n}", daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)  # short waits: a SIGTERM's handler runs in this thread between them
    finally:
        with run.lock:
            run.halted = True
        for thread in threads:
            thread.join(run.deadline + 5)
    if failures:
        raise failures[0]


def _drop(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError, socket.error):
            smtp.close()


def write_outbox(settings: Settings, issue: Issue, store: SubscriberStore | None, folder: Path, to: str | None = None) -> int:
    """--dry-run: one .eml per confirmed reader (or the --to address), nothing sent, ledger untouched."""
    secret = secret_from_env()
    folder.mkdir(parents=True, exist_ok=True)
    readers = [Subscriber(0, to, "", "confirmed", "", "")] if to else (store.list("confirmed") if store else [])
    for reader in readers:
        msg = build_message(settings, issue, reader, secret, now=datetime.now(timezone.utc))
        safe = "".join(ch if ch.isalnum() or ch in "@._-" else "_" for ch in reader.email)
        (folder / f"{issue.as_of}-{safe}.eml").write_bytes(msg.as_bytes(policy=FILE_POLICY))
    return len(readers)


def send_confirmation(settings: Settings, to: str, link: str) -> None:
    """The double opt-in email: one link, valid for web.confirm_hours."""
    title = settings.branding.title
    msg = EmailMessage()
    msg["From"] = settings.email.from_address
    msg["To"] = to
    msg["Subject"] = f"Confirm your subscription to {title}"
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    domain = parseaddr(settings.email.from_address)[1].rpartition("@")[2] or "capweekly.invalid"
    msg["Message-ID"] = make_msgid(domain=domain)
    hours = settings.web.confirm_hours
    msg.set_content(f"Someone, hopefully you, asked to receive {title} at this address.\n\n"
                    f"Confirm within {hours} hours by opening this link:\n{link}\n\n"
                    "If it was not you, ignore this message and nothing more will be sent.\n")
    from markupsafe import escape

    msg.add_alternative(f"<p>Someone, hopefully you, asked to receive <strong>{escape(title)}</strong> at this "
                        f"address.</p><p><a href=\"{escape(link)}\">Confirm your subscription</a> "
                        f"(valid for {hours} hours).</p><p>If it was not you, ignore this message and nothing more "
                        "will be sent.</p>", subtype="html")
    smtp = connect(settings)
    try:
        deliver(smtp, parseaddr(settings.email.from_address)[1], to, msg.as_bytes(policy=SMTP_POLICY))
    except (Transient, Permanent, Unknown, RelayRefused) as exc:
        raise SendError(f"confirmation email to {to} failed: {exc}") from None
    finally:
        _drop(smtp)


def send_test_copy(settings: Settings, issue: Issue, to: str) -> None:
    """--to: one copy to one address, outside the ledger."""
    require_postal_address(settings)
    secret = secret_from_env()
    msg = build_message(settings, issue, Subscriber(0, to, "", "confirmed", "", ""), secret,
                        now=datetime.now(timezone.utc))
    smtp = connect(settings)
    try:
        deliver(smtp, parseaddr(settings.email.from_address)[1], to, msg.as_bytes(policy=SMTP_POLICY))
    except (Transient, Permanent, Unknown, RelayRefused) as exc:
        raise SendError(f"test copy to {to} failed: {exc}") from None
    finally:
        _drop(smtp)
