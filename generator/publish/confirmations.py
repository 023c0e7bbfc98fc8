"""Confirmation emails: queued by a sign-up, sent by a worker, retried with back-off.

`POST /subscribe` only writes to the database (generator.publish.subscribers,
`sign_up`), so it answers at once, and the same way for every address. The
email itself goes out here, outside any request:

- `capweekly serve` (and each gunicorn worker, `app_from_env`) runs a
  `ConfirmationWorker` thread, woken by every sign-up and every few seconds;
- `capweekly subscribers confirmations` sends whatever is queued, now.

Each queued row is claimed (`sending`, for a lease of ten minutes) before the
SMTP conversation, so two workers never send the same row. A failure is
retried after 1, 2, 4 ... minutes (at most an hour apart); after
MAX_ATTEMPTS the row is `failed`, and `capweekly subscribers list` shows it.
A row whose reader no longer awaits a link (confirmed meanwhile, bounced,
complained) is `dropped`. The link carries the reader's current nonce and is
signed with the current secret when the email is written.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote

from generator.publish.subscribers import SubscriberStore, now_iso
from generator.publish.tokens import make_confirm_token
from generator.settings import Settings

MAX_ATTEMPTS = 8
LEASE_SECONDS = 600  # longer than any one SMTP conversation may take
CLAIMABLE = "(state = 'queued' AND due <= ?) OR (state = 'sending' AND due <= ?)"
log = logging.getLogger("capweekly.confirmations")


@dataclass
class ConfirmationRun:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)     # "address: why" (retried later unless given up)
    dropped: int = 0

    def line(self) -> str:
        return (f"confirmation emails: {len(self.sent)} sent, {len(self.failed)} failed"
                f"{' (' + '; '.join(self.failed[:5]) + ')' if self.failed else ''}, {self.dropped} no longer needed")


@dataclass(frozen=True)
class Waiting:
    """The latest confirmation email of a reader, as `subscribers list` shows it."""

    email: str
    state: str          # queued | sending | sent | failed | dropped
    attempts: int
    last_error: str
    due: float

    def describe(self) -> str:
        if self.state == "queued" and self.attempts:
            at = datetime.fromtimestamp(self.due, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            return f"confirmation retrying ({self.attempts} failed, next try {at}: {self.last_error})"
        if self.state == "failed":
            return f"confirmation FAILED after {self.attempts} tries ({self.last_error})"
        return f"confirmation {self.state}"


def backoff(attempts: int, first: float) -> float:
    return min(first * 2 ** (attempts - 1), 3600.0)


def latest_confirmations(store: SubscriberStore) -> dict[int, Waiting]:
    rows = store.db.execute(
        "SELECT c.subscriber_id, s.email, c.state, c.attempts, c.last_error, c.due FROM confirmations c "
        "JOIN subscribers s ON s.id = c.subscriber_id WHERE c.id IN "
        "(SELECT MAX(id) FROM confirmations GROUP BY subscriber_id)").fetchall()
    return {r[0]: Waiting(*r[1:]) for r in rows}


def retry_failed(store: SubscriberStore, now: float | None = None) -> int:
    """Queue again every confirmation that gave up (the writer fixed the relay)."""
    now = time.time() if now is None else now
    with store.transaction() as db:
        return db.execute("UPDATE confirmations SET state = 'queued', attempts = 0, due = ?, updated_at = ? "
                          "WHERE state = 'failed'", (now, now_iso())).rowcount


def send_due(store: SubscriberStore, settings: Settings, secret: str, *, mailer=None, now: float | None = None,
             everything: bool = False, first_backoff: float = 60.0) -> ConfirmationRun:
    """Send the queued confirmations that are due (`everything`: all queued, ignoring the back-off)."""
    if mailer is None:
        from generator.publish.mail import send_confirmation as mailer
    now = time.time() if now is None else now
    run = ConfirmationRun()
    until = float("inf") if everything else now
    rows = store.db.execute(f"SELECT id, subscriber_id, base_url, attempts FROM confirmations WHERE {CLAIMABLE} "
                            "ORDER BY due LIMIT 200", (until, now)).fetchall()
    for row_id, sid, base_url, attempts in rows:
        if not _claim(store, row_id, now, until):
            continue  # another worker has it
        subscriber = store.by_id(sid)
        if subscriber is None or subscriber.blocked or not subscriber.nonce or subscriber.status == "confirmed":
            _finish(store, row_id, "dropped", attempts, "no longer awaiting confirmation")
            run.dropped += 1
            continue
        base = settings.web.public_url or base_url
        if not base:
            _finish(store, row_id, "failed", attempts + 1, "no web.public_url to build the link from")
            run.failed.append(f"{subscriber.email}: no web.public_url")
            continue
        token = make_confirm_token(secret, subscriber.id, subscriber.email, subscriber.nonce)
        try:
            mailer(settings, subscriber.email, f"{base}confirm?token={quote(token)}")
        except Exception as exc:  # noqa: BLE001 -- any failure is retried; the writer sees it in `subscribers list`
            error = " ".join(str(exc).split())[:200] or type(exc).__name__
            tries = attempts + 1
            if tries >= MAX_ATTEMPTS:
                _finish(store, row_id, "failed", tries, error)
            else:
                _finish(store, row_id, "queued", tries, error, due=time.time() + backoff(tries, first_backoff))
            run.failed.append(f"{subscriber.email}: {error}")
            log.warning("confirmation email to subscriber %s failed (try %s): %s", sid, tries, error)
            continue
        _finish(store, row_id, "sent", attempts + 1, "")
        run.sent.append(subscriber.email)
    return run


def _claim(store: SubscriberStore, row_id: int, now: float, until: float) -> bool:
    """Mark the row `sending` for one lease, unless another worker did first (a lease that ran out, its worker
    killed mid-conversation, may be taken over)."""
    with store.transaction() as db:
        return db.execute(f"UPDATE confirmations SET state = 'sending', due = ? WHERE id = ? AND ({CLAIMABLE})",
                          (now + LEASE_SECONDS, row_id, until, now)).rowcount == 1


def _finish(store: SubscriberStore, row_id: int, state: str, attempts: int, error: str,
            due: float | None = None) -> None:
    with store.transaction() as db:
        db.execute("UPDATE confirmations SET state = ?, attempts = ?, last_error = ?, due = COALESCE(?, due), "
                   "updated_at = ? WHERE id = ?", (state, attempts, error, due, now_iso(), row_id))


class ConfirmationWorker:
    """A daemon thread sending due confirmations: woken by `wake()` (every sign-up) and every `interval`."""

    def __init__(self, settings: Settings, secret: str, *, interval: float = 5.0, first_backoff: float = 60.0,
                 mailer=None) -> None:
        self.settings = settings
        self.secret = secret
        self.interval = interval
        self.first_backoff = first_backoff
        self.mailer = mailer
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="capweekly-confirmations", daemon=True)

    def start(self) -> "ConfirmationWorker":
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        store = None
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    if store is None or getattr(store.db, "broken", False):
                        # first pass, or a PostgreSQL server that went away (a restart, a fail-over): reconnect
                        if store is not None:
                            store.close()
                        store = None
                        store = SubscriberStore(self.settings.list_database())
                    send_due(store, self.settings, self.secret, mailer=self.mailer, first_backoff=self.first_backoff)
                except Exception:  # noqa: BLE001 -- a bug or a locked database must not end the worker
                    log.exception("confirmation worker: sending failed")
                self._wake.wait(self.interval)
        finally:
            if store is not None:
                store.close()
