"""A real SMTP server on loopback (aiosmtpd) whose behaviour a test can script."""

from __future__ import annotations

import asyncio
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
    maps a recipient to an SMTP reply (e.g. '550 ...' or '451 ...'), `refuse_once` to a reply given once;
    `refuse_mail` is the reply to every MAIL FROM; `refuse_data` maps a recipient to the reply after the final
    dot of DATA (the message is then not kept); `trickle` names a stage ('MAIL', 'RCPT' or 'DATA', the reply to
    the final dot) at which the server sends an endless reply one byte at a time. `raw` keeps the bytes of each
    accepted message as received (envelope.content), for tests of the wire format."""

    def __init__(self) -> None:
        self.messages = []
        self.senders = []  # the envelope sender (MAIL FROM) of each accepted message, in order
        self.peers = []  # the client's (address, port) of each accepted message: one port per connection
        self.delay = 0.0  # seconds to take before answering the final dot (a relay's own latency)
        self.lock = threading.Lock()
        self.drop_after: int | None = None
        self.down = False
        self.refuse: dict[str, str] = {}
        self.refuse_once: dict[str, str] = {}
        self.refuse_mail: str | None = None
        self.refuse_data: dict[str, str] = {}
        self.trickle: str | None = None
        self.raw: list[bytes] = []
        self.data_seen = 0  # transactions whose final dot arrived, accepted or not

    async def _trickle(self, server) -> None:
        import asyncio

        while not server.transport.is_closing():  # never a whole line: a per-read timeout never fires
            server.transport.write(b"2")
            await asyncio.sleep(0.05)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.down:
            return "421 4.3.2 Service not available"
        if self.trickle == "MAIL":
            await self._trickle(server)
        if self.refuse_mail:
            return self.refuse_mail
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            self.down = True
            server.transport.close()
            return "421 4.3.2 Closing connection"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.trickle == "RCPT":
            await self._trickle(server)
        if address in self.refuse:
            return self.refuse[address]
        if address in self.refuse_once:
            return self.refuse_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.trickle == "DATA":
            await self._trickle(server)
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.refuse_data:
                return self.refuse_data[rcpt]
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.peers.append(session.peer)
            self.raw.append(envelope.content)
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
