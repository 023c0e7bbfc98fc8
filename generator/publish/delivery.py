"""One SMTP transaction under an overall deadline, and what its outcome means for a reader.

A message moves through these stages on the wire; each outcome below names where it leaves the ledger:

    MAIL FROM -> RCPT TO -> DATA (354) -> body -> final dot -> reply

- Before the final dot, nothing can have been delivered: the server drops a transaction that
  never ends. Any temporary failure there (4xx at MAIL, RCPT or DATA, a connection drop, the
  deadline) raises `Transient`: the reader is retried, in this run and the next.
- `in_flight()` is called immediately before the final dot is written. From then until the
  reply is read the server may hold the message; a connection lost or a deadline passed in this
  window raises `Unknown` (the only case in which a reader may or may not have a copy).
- The reply to the dot decides: 2xx delivered; 4xx `Transient` (the server said it did not take
  it); 5xx `Permanent`.
- A 5xx to MAIL FROM refuses the sender, not a reader: `RelayRefused`.

The deadline is wall-clock time for the whole transaction (connecting included): a watchdog
thread shuts the socket down when it passes, so a server that trickles an endless reply one
byte at a time (which a per-read timeout never catches) cannot hold a run, or its lock, forever.
"""

from __future__ import annotations

import re
import smtplib
import socket
import threading
import time
from typing import Callable

MESSAGE_DEADLINE = 300.0  # seconds for one message, from MAIL FROM to the reply after the final dot
READ_TIMEOUT = 30.0  # seconds for any one read or write


class Transient(Exception):
    """Not delivered, and safe to try again."""


class Permanent(Exception):
    """Refused for good (a 5xx for this recipient or this message)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class Unknown(Exception):
    """The connection ended after the final dot was written: the server may have the message."""


class RelayRefused(Exception):
    """The relay refuses the sender itself (5xx at MAIL FROM): no reader is to blame."""


class Deadline:
    """Shut the connection's socket down once `seconds` of wall-clock time have passed."""

    def __init__(self, smtp: smtplib.SMTP, seconds: float) -> None:
        self.smtp, self.seconds = smtp, seconds
        self.passed = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="capweekly-smtp-deadline")

    def _watch(self) -> None:
        if self._done.wait(self.seconds):
            return
        self.passed = True
        # Keep shutting down whatever socket exists: a connect still under way has none yet.
        while not self._done.is_set():
            sock = getattr(self.smtp, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._done.wait(0.1)

    def __enter__(self) -> "Deadline":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def check(self, reply: tuple[int, bytes]) -> tuple[int, bytes]:
        """A reply cut short by the deadline is no reply (smtplib would read `2222` as code 222)."""
        if self.passed:
            raise TimeoutError("deadline passed")
        return reply

    def why(self, exc: BaseException) -> str:
        return f"no complete reply within the {self.seconds:g} s deadline" if self.passed else str(exc)


def _dot_stuffed(body: bytes) -> bytes:
    """The DATA payload without its final dot line (RFC 5321 4.5.2: lines starting with a dot doubled)."""
    body = re.sub(rb"(?m)^\.", b"..", body)
    return body if body.endswith(b"\r\n") else body + b"\r\n"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def deliver(smtp: smtplib.SMTP, sender: str, recipient: str, body: bytes, *,
            in_flight: Callable[[], None] = lambda: None, deadline: float = MESSAGE_DEADLINE) -> str:
    """One transaction on an open connection; returns the server's reply to the final dot."""
    dot_written = False
    with Deadline(smtp, deadline) as watch:
        try:
            code, reply = watch.check(smtp.mail(sender))
            if code >= 400:
                smtp.rset()
                if code >= 500:
                    raise RelayRefused(f"MAIL FROM {code} {_text(reply)}")
                raise Transient(f"MAIL FROM {code} {_text(reply)}")
            code, reply = watch.check(smtp.rcpt(recipient))
            if code >= 400:
                smtp.rset()
                if code >= 500:
                    raise Permanent(f"RCPT TO {code} {_text(reply)}", code)
                raise Transient(f"RCPT TO {code} {_text(reply)}")
            code, reply = watch.check(smtp.docmd("DATA"))
            if code != 354:
                smtp.rset()
                if code >= 500:
                    raise Permanent(f"DATA {code} {_text(reply)}", code)
                raise Transient(f"DATA {code} {_text(reply)}")
            smtp.send(_dot_stuffed(body))
            in_flight()
            dot_written = True
            smtp.send(b".\r\n")
            code, reply = watch.check(smtp.getreply())
        except (smtplib.SMTPException, OSError) as exc:
            if dot_written:
                raise Unknown(f"connection lost after the message was handed over ({watch.why(exc)})") from None
            raise Transient(f"connection lost before the message was complete ({watch.why(exc)})") from None
    if code >= 500:
        raise Permanent(f"end of DATA {code} {_text(reply)}", code)
    if code >= 400 or code < 200:
        raise Transient(f"end of DATA {code} {_text(reply)}")
    return _text(reply)


def open_connection(factory: Callable[[], smtplib.SMTP], host: str, port: int, setup: Callable[[smtplib.SMTP], None],
                    deadline: float = MESSAGE_DEADLINE) -> smtplib.SMTP:
    """Connect, greet and log in under the same wall-clock deadline as a message."""
    smtp = factory()
    started = time.monotonic()
    with Deadline(smtp, deadline) as watch:
        try:
            watch.check(smtp.connect(host, port))
            setup(smtp)
            if watch.passed:
                raise TimeoutError("deadline passed")
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            if watch.passed and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise TimeoutError(f"no complete reply within {time.monotonic() - started:.0f} s") from None
            raise
    return smtp
