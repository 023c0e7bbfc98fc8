"""Subscribers and the send ledger, in one database: a SQLite file, or PostgreSQL when email.database is a
postgresql:// URL (generator.db; the schema and its migrations: generator.publish.schema). The same SQL runs on
both, with the same statuses, suppression, case-insensitive unique addresses and ledger states.

Statuses: pending (signed up, not yet confirmed), confirmed (receives issues),
unsubscribed, bounced. Every status change is written with a timestamp to
`events`; every act of consent (a sign-up and its confirmation with the
client's IP, an import, an address added by the publisher) to `consents`.
An unsubscribed or bounced address (a complaint unsubscribes) is suppressed:
neither `subscribers add` nor an import re-subscribes it; only the reader's
own new sign-up does, or `add --consent` naming the reader's request. The ledger has one row per (issue, subscriber) once a message is in flight: its `state` is
`sending` from just before the final dot of DATA until the reply, then `sent`, `failed`
(permanent refusal) or `unknown` (the connection died after the message
was handed over, so it may or may not have been delivered). No row means waiting
(see generator.publish.mail for the whole state machine).
"""

from __future__ import annotations

import builtins
import csv
import io
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import ContextManager

from generator.db import PgConnection, errors_of, is_url, migrate, transaction
from generator.errors import CapweeklyError

STATUSES = ("pending", "confirmed", "unsubscribed", "bounced")
COLUMNS = "id, email, name, status, created_at, updated_at, nonce, suppression"
# Suppression in detail: for the publisher a pending address is as fixed as a suppressed one (an import or `add`
# never confirms it); the reader's own click on a confirmation link is what confirms a sign-up and what brings back
# a reader who left and signed up again (they stay `unsubscribed` until then). A hard bounce, or a complaint
# (`unsubscribed` with `suppression = 'complaint'`), is final for the sign-up form too: it answers as always and
# mails nothing. Confirmation emails are queued in `confirmations`, sent by generator.publish.confirmations.
SUPPRESSED = ("unsubscribed", "bounced")  # never mailed again; back only through a new double opt-in
FINAL = ("hard bounce", "complaint")  # suppressions the sign-up form cannot lift either


class SubscriberError(CapweeklyError):
    category = "subscriber error"


@dataclass(frozen=True)
class Subscriber:
    id: int
    email: str
    name: str
    status: str
    created_at: str
    updated_at: str
    nonce: str = ""  # one-time value a pending sign-up's confirmation link must carry
    suppression: str = ""  # why a suppressed reader is: 'hard bounce', 'soft bounces', 'complaint' ('' otherwise)

    @property
    def blocked(self) -> bool:
        """A hard-bounced or complained address: no mail at all, a confirmation included. (A reader suppressed
        for soft bounces, a full mailbox, may sign up again.)"""
        return self.suppression in FINAL or (self.status == "bounced" and self.suppression != "soft bounces")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def normalise_address(raw: str) -> str:
    """A valid, normalised address, or SubscriberError saying why not."""
    from email_validator import EmailNotValidError, validate_email

    shown = raw.strip()[:100]
    try:
        # No SMTPUTF8: an address with a non-ASCII local part could not be sent to by most servers (nor by
        # smtplib without SMTPUTF8); an international domain name is kept in its ASCII (punycode) form.
        valid = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise SubscriberError(f"invalid address {shown!r}: {exc}") from None
    return valid.ascii_email or valid.normalized


class SubscriberStore:
    """The list. `location` is a SQLite file path or a postgresql:// URL (settings.list_database())."""

    def __init__(self, location, application_name: str = "capweekly") -> None:
        from generator.publish.schema import MIGRATIONS

        self.url = location if is_url(location) else None
        self.path = location if self.url else Path(location)
        self.backend = "postgresql" if self.url else "sqlite"
        if self.url:
            self.db: PgConnection | sqlite3.Connection = PgConnection(self.url, application_name)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if not self.url:
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
                self.db.execute("PRAGMA journal_mode=WAL")
                # WAL with NORMAL: every commit survives the process being killed (what the ledger's
                # crash-safety is about); only a power cut could lose the last few ledger rows.
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.applied = migrate(self.db, MIGRATIONS)  # every command that opens the list brings it up to date
        except sqlite3.DatabaseError as exc:
            raise SubscriberError(f"{self.path}: not a usable subscriber database ({exc})") from None
        except BaseException as exc:
            self.db.close()
            if self.url and isinstance(exc, self.errors):  # a PostgreSQL user without the rights, say
                raise SubscriberError(f"{self.url}: cannot bring the list's tables up to date "
                                      f"({' '.join(str(exc).split())[:200]})",
                                      "the database user needs the right to create tables in it, and "
                                      "CREATE EXTENSION citext (or an administrator creates it once)") from None
            raise

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """What this backend's driver raises (sqlite3.Error, or psycopg.Error)."""
        return errors_of(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SubscriberStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def transaction(self) -> ContextManager:
        return transaction(self.db)

    # --- subscribers -----------------------------------------------------------------

    def get(self, email: str) -> Subscriber | None:
        row = self.db.execute(f"SELECT {COLUMNS} FROM subscribers WHERE email = ?", (email.strip(),)).fetchone()
        return Subscriber(*row) if row else None

    def by_id(self, subscriber_id: int) -> Subscriber | None:
        row = self.db.execute(f"SELECT {COLUMNS} FROM subscribers WHERE id = ?", (subscriber_id,)).fetchone()
        return Subscriber(*row) if row else None

    def list(self, status: str | None = None) -> list[Subscriber]:
        if status:
            rows = self.db.execute(f"SELECT {COLUMNS} FROM subscribers WHERE status = ? ORDER BY id",
                                   (status,)).fetchall()
        else:
            rows = self.db.execute(f"SELECT {COLUMNS} FROM subscribers ORDER BY id").fetchall()
        return [Subscriber(*r) for r in rows]

    def _upsert(self, db, email: str, name: str, status: str, event: str) -> int:
        stamp = now_iso()
        row = db.execute("SELECT id, status FROM subscribers WHERE email = ?", (email,)).fetchone()
        if row is None:
            (sid,) = db.execute("INSERT INTO subscribers (email, name, status, created_at, updated_at) "
                                "VALUES (?, ?, ?, ?, ?) RETURNING id", (email, name, status, stamp, stamp)).fetchone()
        else:
            sid = row[0]
            db.execute("UPDATE subscribers SET status = ?, name = COALESCE(NULLIF(?, ''), name), updated_at = ?, "
                       "suppression = CASE WHEN ? IN ('unsubscribed', 'bounced') THEN suppression ELSE '' END "
                       "WHERE id = ?", (status, name, stamp, status, sid))
        db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, ?)", (sid, event, stamp))
        return sid

    @staticmethod
    def _consent(db, sid: int, source: str, ip: str = "", detail: str = "") -> None:
        db.execute("INSERT INTO consents (subscriber_id, at, source, ip, detail) VALUES (?, ?, ?, ?, ?)",
                   (sid, now_iso(), source, ip, detail))

    def consents(self, subscriber_id: int) -> builtins.list[tuple[str, str, str, str]]:
        """(at, source, ip, detail) of every recorded consent of a subscriber, oldest first."""
        return self.db.execute("SELECT at, source, ip, detail FROM consents WHERE subscriber_id = ? ORDER BY id",
                               (subscriber_id,)).fetchall()

    def add(self, raw_email: str, name: str = "", status: str = "confirmed", consent: str | None = None) -> int:
        """Add or update one subscriber. A pending, unsubscribed or bounced address is left as it is unless
        `consent` says how the reader asked (it is recorded): a pending sign-up becomes a reader only by their
        own click, a reader who left or bounced comes back only by asking."""
        if status not in STATUSES:
            raise SubscriberError(f"unknown status {status!r}", f"use one of {', '.join(STATUSES)}")
        email = normalise_address(raw_email)
        if any(ord(ch) < 32 for ch in name) or len(name) > 200:
            raise SubscriberError(f"{email}: the name must be one line of at most 200 characters")
        with self.transaction() as db:
            row = db.execute("SELECT status, updated_at FROM subscribers WHERE email = ?", (email,)).fetchone()
            if row and row[0] in (*SUPPRESSED, "pending") and row[0] != status and not consent:
                what = "not confirmed" if row[0] == "pending" else "not re-subscribed"
                raise SubscriberError(f"{email} is {row[0]} (since {row[1]}); {what}, nothing changed",
                                      "a reader who left comes back by signing up again, a pending sign-up is "
                                      "confirmed by the reader's click; if they asked you directly, pass "
                                      "--consent 'how and when they asked'")
            sid = self._upsert(db, email, name, status, f"added as {status}")
            if status in ("confirmed", "pending"):
                self._consent(db, sid, "added by the publisher", detail=consent or "")
            return sid

    def set_status(self, subscriber_id: int, status: str, event: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE subscribers SET status = ?, updated_at = ? WHERE id = ?",
                       (status, now_iso(), subscriber_id))
            db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, ?)",
                       (subscriber_id, event, now_iso()))

    def sign_up(self, email: str, ip: str = "", *, base_url: str = "", per_day: int = 3,
                now: float | None = None) -> Subscriber | None:
        """Record a sign-up and queue a confirmation email. Returns the subscriber (with the nonce its link will
        carry) when one is queued or already waiting; None when nothing will be sent: the address is confirmed
        (nothing to do), hard-bounced or complained (final), or had `per_day` confirmations in the last day.
        A reader who unsubscribed stays unsubscribed, and a pending one pending, until the link is opened."""
        import secrets
        import time

        now = time.time() if now is None else now
        with self.transaction() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM subscribers WHERE email = ?", (email,)).fetchone()
            known = Subscriber(*row) if row else None
            if known is not None and (known.status == "confirmed" or known.blocked):
                # The row stays exactly as it was; the event is the audit trail, and gives this answer the same
                # work (a write, a commit) as a new sign-up's, so its timing tells nothing.
                why = f"{known.status} ({known.suppression})" if known.suppression else known.status
                db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, ?)",
                           (known.id, f"sign-up form used while {why}: nothing sent", now_iso()))
                return None
            if known is None:
                sid = self._upsert(db, email, "", "pending", "signed up (awaiting confirmation)")
            else:
                sid = known.id
                db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, ?)",
                           (sid, f"signed up again while {known.status} (awaiting confirmation)", now_iso()))
            self._consent(db, sid, "web sign-up form", ip)
            waiting = db.execute("SELECT 1 FROM confirmations WHERE subscriber_id = ? AND state IN ('queued', 'sending')",
                                 (sid,)).fetchone()
            if waiting is None:
                (recent,) = db.execute("SELECT COUNT(*) FROM confirmations WHERE subscriber_id = ? AND queued > ?",
                                       (sid, now - 86400)).fetchone()
                if recent >= per_day:
                    return None  # the earlier links still work: the nonce is kept
                db.execute("UPDATE subscribers SET nonce = ? WHERE id = ?", (secrets.token_urlsafe(12), sid))
                db.execute("INSERT INTO confirmations (subscriber_id, base_url, queued, due, updated_at) "
                           "VALUES (?, ?, ?, ?, ?)", (sid, base_url, now, now, now_iso()))
        return self.by_id(sid)

    def confirm(self, subscriber_id: int, nonce: str, ip: str = "") -> str:
        """'confirmed', 'already' (confirmed before) or 'used' (link replayed, superseded or withdrawn).
        The click is the reader's consent: a pending sign-up, or a reader who unsubscribed and signed up again,
        becomes confirmed, and the consent is recorded."""
        with self.transaction() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM subscribers WHERE id = ?", (subscriber_id,)).fetchone()
            if row is None:
                return "used"
            subscriber = Subscriber(*row)
            if subscriber.status == "confirmed":
                return "already"
            if subscriber.blocked or not nonce or not subscriber.nonce or subscriber.nonce != nonce:
                return "used"  # pending, unsubscribed or soft-bounced with this link's nonce may confirm
            stamp = now_iso()
            db.execute("UPDATE subscribers SET status = 'confirmed', nonce = '', suppression = '', updated_at = ? "
                       "WHERE id = ?", (stamp, subscriber_id))
            event = "confirmed by link" if subscriber.status == "pending" else f"re-subscribed by link (was {subscriber.status})"
            db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, ?)", (subscriber_id, event, stamp))
            self._consent(db, subscriber_id, "confirmation link (double opt-in)", ip)
        return "confirmed"

    def unsubscribe(self, subscriber_id: int, how: str) -> bool:
        """Unsubscribe at once (idempotent). False when there is no such subscriber."""
        with self.transaction() as db:
            row = db.execute("SELECT status FROM subscribers WHERE id = ?", (subscriber_id,)).fetchone()
            if row is None:
                return False
            if row[0] != "unsubscribed":
                stamp = now_iso()
                db.execute("UPDATE subscribers SET status = 'unsubscribed', nonce = '', updated_at = ? WHERE id = ?",
                           (stamp, subscriber_id))
                db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, ?)",
                           (subscriber_id, f"unsubscribed ({how})", stamp))
        return True

    def remove(self, raw_email: str) -> bool:
        """Unsubscribe (kept as a suppression record, so a later import cannot re-add them silently)."""
        found = self.get(raw_email.strip())
        if found is None:
            return False
        self.set_status(found.id, "unsubscribed", "removed by the publisher")
        return True

    def import_csv(self, path: Path, status: str = "confirmed") -> tuple[int, int]:
        """All rows or none: an invalid line stops the import, naming file and line. Returns (added, updated)."""
        if status not in STATUSES:
            raise SubscriberError(f"unknown status {status!r}", f"use one of {', '.join(STATUSES)}")
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SubscriberError(f"{path}: cannot read ({exc})") from None
        if "\x00" in text:
            raise SubscriberError(f"{path}: line {text[:text.index(chr(0))].count(chr(10)) + 1}: a NUL character "
                                  "(not a text CSV file?)", "export the list as UTF-8 CSV; nothing was imported")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        except csv.Error as exc:
            raise SubscriberError(f"{path}: line 1: not a readable CSV header ({exc})") from None
        if "email" not in fields:
            raise SubscriberError(f"{path}: line 1: no 'email' column", "the header must name an email column")
        rows, problems = [], []
        seen: dict[str, int] = {}
        rows_iter = iter(reader)
        while True:
            start = reader.line_num + 1  # a quoted field may span lines: the row starts here
            try:
                row = next(rows_iter)
            except StopIteration:
                break
            except csv.Error as exc:
                raise SubscriberError(f"{path}: line {reader.line_num}: not valid CSV ({exc})",
                                      "fix the file and import again; nothing was imported") from None
            number = reader.line_num  # the file's own line number: blank lines are skipped but counted
            if number > start and not any(ch in "\r\n" for v in row.values() if isinstance(v, str) for ch in v):
                start = number  # blank lines before the row were skipped
            number = start
            if None in row:  # more fields than the header names
                problems.append(f"line {number}: more fields than the header has")
                continue
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            if any(ord(ch) < 32 for v in row.values() for ch in v):
                problems.append(f"line {number}: a line break or control character inside a field")
                continue
            if len(row.get("name", "")) > 200:
                problems.append(f"line {number}: name longer than 200 characters")
                continue
            if not any(row.values()):
                continue
            try:
                email = normalise_address(row.get("email", ""))
            except SubscriberError as exc:
                problems.append(f"line {number}: {exc.message}")
                continue
            if email.lower() in seen:
                problems.append(f"line {number}: duplicate address {email} (also on line {seen[email.lower()]})")
                continue
            seen[email.lower()] = number
            row_status = row.get("status") or status
            if row_status not in STATUSES:
                problems.append(f"line {number}: unknown status {row_status!r}")
                continue
            rows.append((email, row.get("name", ""), row_status))
        if problems:
            shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
            raise SubscriberError(f"{path}: {shown}", "fix the file and import again; nothing was imported")
        added = updated = 0
        source = f"imported from {Path(path).name}"
        self.kept_suppressed = 0  # pending, unsubscribed or bounced rows left as they were
        with self.transaction() as db:
            for email, name, row_status in rows:
                existing = db.execute("SELECT status FROM subscribers WHERE email = ?", (email,)).fetchone()
                if existing and existing[0] in (*SUPPRESSED, "pending"):
                    self.kept_suppressed += 1
                    continue  # an import never confirms a sign-up nor changes a reader who left or bounced
                sid = self._upsert(db, email, name, row_status, source)
                if row_status in ("confirmed", "pending"):
                    self._consent(db, sid, source)
                added, updated = (added + 1, updated) if existing is None else (added, updated + 1)
        return added, updated

    # --- bounces and complaints (generator.publish.bounces) -------------------------------

    def by_message_id(self, message_id: str) -> Subscriber | None:
        """The reader the ledger recorded this Message-ID for (a message handed over, not refused), while the
        reader still has the address it went to; None otherwise."""
        if not message_id.strip():
            return None
        rows = self.db.execute("SELECT subscriber_id, email FROM ledger WHERE message_id = ? AND state != 'failed'",
                               (message_id.strip(),)).fetchall()
        if len({r[0] for r in rows}) != 1:
            return None
        found = self.by_id(rows[0][0])
        return found if found is not None and found.email.lower() == rows[0][1].lower() else None

    def record_bounce(self, report: str, subscriber: Subscriber, events, at, *, soft_limit: int,
                      soft_days: int) -> tuple[builtins.list[str], bool] | None:
        """Record one report's events for a reader, suppressing them when due. None when the report was
        imported before; else (the kinds recorded, whether the reader was newly suppressed)."""
        from datetime import timedelta

        stamp = now_iso()
        when = (at.astimezone(timezone.utc) if at else datetime.now(timezone.utc)).isoformat(timespec="seconds")
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM bounces WHERE report = ? AND subscriber_id = ?",
                          (report, subscriber.id)).fetchone():
                return None
            kinds = []
            for e in events:
                if e.recipient and e.recipient != subscriber.email.lower() and len(events) > 1:
                    continue  # a report about several recipients: only this reader's lines
                cur = db.execute("INSERT INTO bounces (report, subscriber_id, kind, status, detail, at, "
                                 "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                 (report, subscriber.id, e.kind, e.status, e.detail, when, stamp))
                if cur.rowcount:
                    kinds.append(e.kind)
            status = db.execute("SELECT status FROM subscribers WHERE id = ?", (subscriber.id,)).fetchone()[0]
            new, why, reason = None, "", ""
            if "complaint" in kinds:
                new, why, reason = "unsubscribed", "complaint (feedback report) from the reader's mail provider", \
                    "complaint"
            elif "hard" in kinds:
                new, why, reason = "bounced", f"hard bounce ({next(e.status for e in events if e.kind == 'hard')})", \
                    "hard bounce"
            elif "soft" in kinds:
                since = (datetime.now(timezone.utc) - timedelta(days=soft_days)).isoformat(timespec="seconds")
                (soft,) = db.execute("SELECT COUNT(*) FROM bounces WHERE subscriber_id = ? AND kind = 'soft' "
                                     "AND at >= ?", (subscriber.id, since)).fetchone()
                if soft >= soft_limit:
                    new, why, reason = "bounced", f"{soft} soft bounces in {soft_days} days", "soft bounces"
            suppressed = new is not None and status not in SUPPRESSED
            if suppressed or reason == "complaint":  # a complaint is final even from a reader who had left
                db.execute("UPDATE subscribers SET status = ?, nonce = '', suppression = ?, updated_at = ? WHERE id = ?",
                           (new if suppressed else status, reason, stamp, subscriber.id))
            if suppressed:
                db.execute("INSERT INTO events (subscriber_id, event, at, detail) VALUES (?, ?, ?, ?)",
                           (subscriber.id, f"{new}: {why}", stamp, report[:200]))
        return kinds, suppressed

    def health_counts(self, since: str) -> tuple[int, int, int]:
        """(messages sent, bounce reports, complaints) since an ISO time."""
        (sent,) = self.db.execute("SELECT COUNT(*) FROM ledger WHERE state = 'sent' AND updated_at >= ?",
                                  (since,)).fetchone()
        (bounced,) = self.db.execute("SELECT COUNT(*) FROM bounces WHERE kind IN ('hard', 'soft') AND at >= ?",
                                     (since,)).fetchone()
        (complained,) = self.db.execute("SELECT COUNT(*) FROM bounces WHERE kind = 'complaint' AND at >= ?",
                                        (since,)).fetchone()
        return sent, bounced, complained

    # --- sign-up rate limit (shared by every worker, kept across restarts) ------------

    def allow_hit(self, client: str, per_hour: int, now: float | None = None) -> bool:
        """Count one request of `client` unless it already made `per_hour` in the last hour."""
        import time

        now = time.time() if now is None else now
        with self.transaction() as db:
            db.execute("DELETE FROM rate_hits WHERE at < ?", (now - 3600,))
            (count,) = db.execute("SELECT COUNT(*) FROM rate_hits WHERE client = ?", (client,)).fetchone()
            if count >= per_hour:
                return False
            db.execute("INSERT INTO rate_hits (client, at) VALUES (?, ?)", (client, now))
            return True

    # --- ledger ----------------------------------------------------------------------

    def ledger(self, issue: str) -> dict[int, str]:
        rows = self.db.execute("SELECT subscriber_id, state FROM ledger WHERE issue = ?", (issue,)).fetchall()
        return dict(rows)

    def mark(self, issue: str, subscriber: Subscriber, state: str, error: str = "", message_id: str = "") -> None:
        self.db.execute(
            "INSERT INTO ledger (issue, subscriber_id, email, state, attempts, last_error, message_id, updated_at) "
            "VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (issue, subscriber_id) DO UPDATE SET state = excluded.state, "
            "attempts = ledger.attempts + CASE WHEN excluded.state = 'sending' THEN 1 ELSE 0 END, "
            "last_error = excluded.last_error, "
            "message_id = CASE WHEN excluded.message_id != '' THEN excluded.message_id ELSE ledger.message_id END, "
            "updated_at = excluded.updated_at",
            (issue, subscriber.id, subscriber.email, state, error, message_id, now_iso()))

    def unmark(self, issue: str, subscriber: Subscriber) -> None:
        """Back to waiting (no row): the server said it did not take the message that was in flight."""
        self.db.execute("DELETE FROM ledger WHERE issue = ? AND subscriber_id = ? AND state = 'sending'",
                        (issue, subscriber.id))

    def last_sent_issue(self) -> str | None:
        row = self.db.execute("SELECT MAX(issue) FROM ledger WHERE state = 'sent'").fetchone()
        return row[0]

    def start_run(self, issue: str) -> int:
        return self.db.execute("INSERT INTO runs (issue, started_at) VALUES (?, ?) RETURNING id",
                               (issue, now_iso())).fetchone()[0]

    def finish_run(self, run_id: int, sent: int, skipped: int, failed: int, unknown: int, stopped: str) -> None:
        self.db.execute("UPDATE runs SET finished_at = ?, sent = ?, skipped = ?, failed = ?, unknown = ?, stopped = ? "
                        "WHERE id = ?", (now_iso(), sent, skipped, failed, unknown, stopped, run_id))
