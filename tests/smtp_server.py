"""A real SMTP server for tests (aiosmtpd), optionally requiring a login."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    data: bytes


@dataclass
class Mailbox:
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, username: str, password: str):
        self.username, self.password = username.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.username and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)


def start_server(*, username: str | None = None, password: str | None = None, **kwargs):
    mailbox = Mailbox()
    options = {}
    if username is not None:
        options = {"authenticator": Authenticator(username, password or ""), "auth_require_tls": False,
                   "auth_exclude_mechanism": ["CRAM-MD5"]}
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options, **kwargs)
    controller.start()
    return controller, mailbox
