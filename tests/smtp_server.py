"""A real SMTP server on loopback (aiosmtpd) whose behaviour a test can script."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every accepted message. `drop_after` closes the connection at the MAIL command of the
    message after that many, then answers 421 to everything until `down` is cleared; `refuse`
    maps a recipient to an SMTP reply (e.g. '550 ...' or '451 ...'), `refuse_once` to a reply given once."""

    def __init__(self) -> None:
        self.messages = []
        self.senders = []  # the envelope sender (MAIL FROM) of each accepted message, in order
        self.lock = threading.Lock()
        self.drop_after: int | None = None
        self.down = False
        self.refuse: dict[str, str] = {}
        self.refuse_once: dict[str, str] = {}

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.down:
            return "421 4.3.2 Service not available"
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            self.down = True
            server.transport.close()
            return "421 4.3.2 Closing connection"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        if address in self.refuse_once:
            return self.refuse_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.rcpt_tos[:], message_from_bytes(envelope.content, policy=policy.default)))
            self.senders.append(envelope.mail_from)
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [r for rcpts, _ in self.messages for r in rcpts]


class SmtpServer:
    def __init__(self, authenticator=None) -> None:
        self.handler = Recorder()
        self.port = free_port()
        kwargs = {}
        if authenticator is not None:
            kwargs = {"authenticator": authenticator, "auth_require_tls": False}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def refuse_all_logins(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)
