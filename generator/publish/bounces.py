"""Bounces and complaints: reading what arrives later at the return address, and suppressing those readers.

Every message `send` hands over carries the reader's signed token twice: in the
envelope sender when email.bounce_address is set (VERP: `bounces+<token>@domain`,
so a bounce comes back addressed to the token), and in an `X-Capweekly-Reader`
header, which a delivery report or a complaint usually quotes. The token is the
subscriber's id and a keyed hash of the address (CAPWEEKLY_SECRET), so a forged
report cannot name a reader it has not seen mail for.

`capweekly bounces import MAILBOX` reads an mbox file or a Maildir folder (fetch
an IMAP box into a Maildir with mbsync, getmail or fetchmail first), with the
standard library's email and mailbox modules:

- delivery status notifications (RFC 3464, multipart/report;
  report-type=delivery-status): per recipient, Action `failed` with a permanent
  status (5.1.x bad address, 5.2.1 disabled, and other 5.x.x) is a hard bounce;
  a temporary one (4.x.x), or 5.2.2 mailbox full, 5.3.4 too big, 5.7.x policy
  (often about the sender, not the address) is a soft bounce. `delayed`,
  `delivered`, `relayed` and `expanded` are not bounces.
- complaint reports (ARF, RFC 5965, report-type=feedback-report): Feedback-Type
  abuse, fraud, virus or other is a complaint; not-spam and auth-failure are not.

A hard bounce marks the reader `bounced`; a complaint unsubscribes them; soft
bounces are counted and `email.soft_bounce_limit` of them within
`email.soft_bounce_days` mark the reader `bounced`. Suppressed readers are never
mailed again. Each report is recorded once (by its Message-ID, or a hash of its
bytes), so importing the same mailbox twice changes nothing.

Anyone can write to the bounce address, so a report suppresses a reader only
when it proves which message it is about: a valid VERP token in the report's
To / Delivered-To / X-Original-To, a valid X-Capweekly-Reader token in the
quoted original (signed with CAPWEEKLY_SECRET or one in CAPWEEKLY_SECRET_OLD),
or the quoted original's Message-ID, which the send ledger recorded for the
message sent to that reader. The address a report names proves nothing and is
never used. A report with no such proof, or whose proofs name different
readers, is `unverified`: counted, named, and nobody is suppressed.

Each message is read on its own: one that cannot be read (raw 8-bit bytes in
a header, MIME nested thousands deep, anything that raises) is set aside,
counted and named, and the import goes on with the next one.

`bounces import` exits 0 when every message was read and every report
verified, 3 when some messages were set aside as unreadable, 4 when some
reports were refused as unverified (3 wins when both happened).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import mailbox
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.message import Message
from email.utils import collapse_rfc2231_value, getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Iterator

from generator.errors import EXIT_INPUT, EXIT_OK, EXIT_REFUSED, CapweeklyError
from generator.publish.tokens import address_tag
from generator.settings import Settings

READER_HEADER = "X-Capweekly-Reader"
COMPLAINT_TYPES = {"abuse", "fraud", "virus", "other"}
SOFT_PERMANENT = ("5.2.2", "5.3.4")  # mailbox full, message too big: about this message, not the address
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
MAX_MIME_DEPTH = 20  # real reports nest three or four levels; thousands only to crash a parser


class BounceError(CapweeklyError):
    category = "bounce error"


def reader_token(secret: str, subscriber_id: int, address: str) -> str:
    """`<id>-<tag>`: safe in an address's local part and in a header."""
    return f"{subscriber_id}-{address_tag(secret, address)[:12]}"


def verp_address(bounce_address: str, token: str) -> str:
    local, _, domain = bounce_address.rpartition("@")
    return f"{local}+{token}@{domain}"


@dataclass(frozen=True)
class Event:
    kind: str                 # hard | soft | complaint
    status: str               # the DSN status code, or the ARF feedback type
    recipient: str | None     # the address the report names
    detail: str


@dataclass
class Report:
    key: str                                  # the report's Message-ID, or a hash of its bytes
    events: list[Event]
    tokens: list[str] = field(default_factory=list)     # candidate reader tokens, most trusted first
    original_ids: list[str] = field(default_factory=list)  # Message-IDs of the quoted original
    at: datetime | None = None


@dataclass
class ImportSummary:
    messages: int = 0
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    duplicates: int = 0       # reports already imported
    not_reports: int = 0      # replies, auto-replies, delays and anything else
    unverified: list[str] = field(default_factory=list)  # "report key (names x@y)": no proof of a message we sent
    unreadable: list[str] = field(default_factory=list)  # "message 3 (Message-ID ...): why": set aside
    suppressed: list[str] = field(default_factory=list)  # addresses newly suppressed

    def line(self) -> str:
        return (f"read {self.messages} messages: {self.hard} hard bounces, {self.soft} soft bounces, "
                f"{self.complaints} complaints; {len(self.suppressed)} readers newly suppressed; "
                f"{len(self.unverified)} reports unverified (nobody suppressed); {len(self.unreadable)} messages "
                f"unreadable (set aside); {self.duplicates} already imported; "
                f"{self.not_reports} not bounces or complaints")

    @property
    def exit_code(self) -> int:
        return EXIT_INPUT if self.unreadable else EXIT_REFUSED if self.unverified else EXIT_OK


def _status_kind(action: str, status: str) -> str | None:
    action = action.strip().lower()
    if action != "failed":
        return None
    code = status.strip().split()[0] if status.strip() else ""
    if code.startswith("5.") and not code.startswith(SOFT_PERMANENT) and not code.startswith("5.7."):
        return "hard"
    if code.startswith(("4.", "5.")):
        return "soft"
    return "hard"  # failed without a usable status: the server gave up on the address


def _address(field_value: str | None) -> str | None:
    """`rfc822; a@b` (DSN) or `<a@b>` (ARF) -> a@b."""
    if not field_value:
        return None
    value = str(field_value)
    if ";" in value:
        kind, _, value = value.partition(";")
        if kind.strip().lower() not in ("rfc822", "utf-8"):
            return None
    addr = parseaddr(value.strip())[1]
    return addr.lower() if "@" in addr else None


def _header_block(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(block + "\n", policy=email.policy.compat32)
            for block in re.split(r"\r?\n\r?\n", text) if block.strip()]


def _quoted_headers(part: Message) -> Message | None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        payload = part.get_payload()
        first = payload[0] if isinstance(payload, list) and payload else None
        return first if isinstance(first, Message) else None
    if ctype == "text/rfc822-headers":
        text = part.get_payload(decode=True)
        return email.message_from_bytes(text if isinstance(text, bytes) else b"", policy=email.policy.compat32)
    return None


TOKEN = re.compile(r"^\d{1,12}-[0-9a-f]{12}$")


class UnreadableMessage(ValueError):
    """A message this importer will not interpret (it is set aside and named)."""


def _text(value, where: str) -> str:
    """A header value as clean text. The parser keeps raw 8-bit bytes as lone surrogates, which no database,
    date parser or terminal accepts: such a message is not a report we can trust."""
    if isinstance(value, Header):  # what the compat32 parser makes of a header holding raw 8-bit bytes
        raise UnreadableMessage(f"raw 8-bit bytes in {where}")
    text = str(value or "")
    if any("\udc80" <= ch <= "\udcff" or ch == "\ufffd" for ch in text):
        raise UnreadableMessage(f"raw 8-bit bytes in {where}")
    return text


def _check_depth(msg: Message, limit: int = MAX_MIME_DEPTH) -> None:
    stack = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > limit:
            raise UnreadableMessage(f"MIME parts nested more than {limit} deep")
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((p, depth + 1) for p in payload if isinstance(p, Message))


def parse_report(raw: bytes, bounce_local: str | None = None) -> Report | None:
    """A delivery report or complaint as events and reader clues; None for any other message;
    UnreadableMessage (or any other exception) for one that cannot be read."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    _check_depth(msg)
    key = _text(msg.get("Message-ID"), "the Message-ID").strip() or "sha256:" + hashlib.sha256(raw).hexdigest()
    if msg.get_content_type() != "multipart/report":
        return None
    param = msg.get_param("report-type")
    report_type = collapse_rfc2231_value(param).lower() if param else ""
    events: list[Event] = []
    quoted: list[Message] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if report_type == "delivery-status" and ctype == "message/delivery-status":
            for block in _header_block(part)[1:] or _header_block(part):
                status = _text(block.get("Status"), "the Status line")
                kind = _status_kind(_text(block.get("Action"), "the Action line"), status)
                if kind:
                    recipient = (_address(_text(block.get("Final-Recipient"), "Final-Recipient"))
                                 or _address(_text(block.get("Original-Recipient"), "Original-Recipient")))
                    diagnostic = _text(block.get("Diagnostic-Code"), "the Diagnostic-Code")
                    events.append(Event(kind, status.strip(), recipient, " ".join(diagnostic.split())[:200]))
        elif report_type == "feedback-report" and ctype == "message/feedback-report":
            for block in _header_block(part)[:1]:
                feedback = _text(block.get("Feedback-Type"), "the Feedback-Type").strip().lower()
                if feedback in COMPLAINT_TYPES:
                    events.append(Event("complaint", feedback,
                                        _address(_text(block.get("Original-Rcpt-To"), "Original-Rcpt-To")),
                                        _text(block.get("User-Agent"), "the User-Agent")[:100]))
        else:
            headers = _quoted_headers(part)
            if headers is not None:
                quoted.append(headers)
    if not events:
        return None
    report = Report(key, events)
    if bounce_local:  # VERP: the report was addressed to bounces+<token>@domain
        for name in ("Delivered-To", "X-Original-To", "Envelope-To", "To"):
            for _, addr in getaddresses([_text(v, name) for v in msg.get_all(name, [])]):
                local = addr.rpartition("@")[0]
                if local.lower().startswith(bounce_local.lower() + "+"):
                    report.tokens.append(local[len(bounce_local) + 1:])
    for headers in quoted:
        token = _text(headers.get(READER_HEADER), f"the quoted {READER_HEADER}").strip()
        if token:
            report.tokens.append(token)
        quoted_id = _text(headers.get("Message-ID"), "the quoted Message-ID").strip()
        if quoted_id:
            report.original_ids.append(quoted_id)
    date = _text(msg.get("Date"), "the Date")
    try:
        report.at = parsedate_to_datetime(date) if date else None
        if report.at is not None and report.at.tzinfo is None:
            report.at = report.at.replace(tzinfo=timezone.utc)
    except (TypeError, ValueError, IndexError):
        report.at = None
    report.tokens = [t for t in report.tokens if TOKEN.match(t)]
    return report


def read_mailbox(path: Path) -> Iterator[tuple[str, bytes]]:
    """(a name for the message, its raw bytes) for each message of an mbox file (`message 3`, counting from 1)
    or a Maildir folder (its file name)."""
    path = Path(path)
    if path.is_dir():
        if not all((path / sub).is_dir() for sub in ("cur", "new")):
            raise BounceError(f"{path}: a folder but not a Maildir (no cur/ and new/)",
                              "give an mbox file or a Maildir folder; sync IMAP into a Maildir with mbsync or getmail")
        box: mailbox.Mailbox = mailbox.Maildir(path, factory=None, create=False)
    elif path.is_file():
        with open(path, "rb") as f:
            head = f.read(5)
        if head and head != b"From ":
            raise BounceError(f"{path}: not an mbox file (it must start with a 'From ' line)",
                              "give an mbox file or a Maildir folder")
        box = mailbox.mbox(path, factory=None, create=False)
    else:
        raise BounceError(f"{path}: no such mailbox", "give an mbox file or a Maildir folder")
    try:
        for number, key in enumerate(box.iterkeys(), 1):
            try:
                raw = box.get_bytes(key)
            except (OSError, KeyError):
                continue
            if len(raw) <= MAX_MESSAGE_BYTES:
                yield (key if isinstance(key, str) else f"message {number}"), raw
    finally:
        box.close()


def _name(name: str, raw: bytes) -> str:
    """`message 3 (<id@host>)`: the Message-ID shown as ASCII, whatever bytes it holds."""
    found = re.search(rb"^Message-ID:[ \t]*(\S{1,120})", raw[:65536], re.IGNORECASE | re.MULTILINE)
    return f"{name} ({found.group(1).decode('ascii', 'backslashreplace')})" if found else name


def import_bounces(store, path: Path, secret: str | tuple[str, ...], settings: Settings) -> ImportSummary:
    """`secret`: the current secret, or every secret a reader token may be signed with (current first)."""
    e = settings.email
    bounce_local = e.bounce_address.rpartition("@")[0] if e.bounce_address else None
    secrets = (secret,) if isinstance(secret, str) else tuple(secret)
    summary = ImportSummary()
    for name, raw in read_mailbox(path):
        summary.messages += 1
        try:
            _import_one(store, raw, bounce_local, secrets, e, summary)
        except Exception as exc:  # noqa: BLE001 -- one bad message must not stop the others (the rest is the same)
            why = str(exc) if isinstance(exc, UnreadableMessage) else f"{type(exc).__name__}: {exc}"[:160]
            summary.unreadable.append(f"{_name(name, raw)}: {why}")
    return summary


def _import_one(store, raw: bytes, bounce_local: str | None, secrets: tuple[str, ...], e,
                summary: ImportSummary) -> None:
    report = parse_report(raw, bounce_local)
    if report is None:
        summary.not_reports += 1
        return
    subscriber = _identify(store, secrets, report)
    if subscriber is None:
        named = sorted({ev.recipient for ev in report.events if ev.recipient})
        summary.unverified.append(report.key + (f" (names {', '.join(named)[:120]})" if named else ""))
        return
    outcome = store.record_bounce(report.key, subscriber, report.events, report.at,
                                  soft_limit=e.soft_bounce_limit, soft_days=e.soft_bounce_days)
    if outcome is None:
        summary.duplicates += 1
        return
    kinds, suppressed = outcome
    summary.hard += kinds.count("hard")
    summary.soft += kinds.count("soft")
    summary.complaints += kinds.count("complaint")
    if suppressed:
        summary.suppressed.append(subscriber.email)


def _identify(store, secrets: tuple[str, ...], report: Report):
    """The one reader the report proves it is about, or None (no proof, or proofs naming different readers)."""
    proven = {}
    for token in report.tokens:
        sid, _, tag = token.partition("-")
        found = store.by_id(int(sid))
        if found is not None and any(hmac.compare_digest(address_tag(s, found.email)[:12], tag) for s in secrets):
            proven[found.id] = found
    for message_id in report.original_ids:
        found = store.by_message_id(message_id)  # only a message the ledger recorded as handed over to that reader
        if found is not None:
            proven[found.id] = found
    return next(iter(proven.values())) if len(proven) == 1 else None


def list_health(store, days: int = 30, now: datetime | None = None) -> str:
    """The list's bounce and complaint rates over the last `days` days, for the send summary."""
    now = now or datetime.now(timezone.utc)
    since = (now - timedelta(days=days)).isoformat(timespec="seconds")
    sent, bounced, complained = store.health_counts(since)
    if not sent:
        return f"list health (last {days} days): no messages sent yet"
    line = (f"list health (last {days} days): {sent} sent, bounce rate {bounced / sent:.2%} ({bounced}), "
            f"complaint rate {complained / sent:.2%} ({complained})")
    if complained / sent >= 0.003:
        line += "; complaints are at or above the 0.3% Gmail and Yahoo tolerate: check consent and frequency"
    elif bounced / sent >= 0.02:
        line += "; bounces above 2%: import bounces (capweekly bounces import) and clean the list"
    return line
