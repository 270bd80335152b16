"""A real SMTP server for tests (aiosmtpd): optionally requiring a login, refusing some recipients
(550), requiring STARTTLS (``tls_context=…, require_starttls=True``) or speaking TLS from the first
byte like port 465 (``ssl_context=…``)."""

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
    refuse: tuple[str, ...] = ()  # recipients answered "550 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, username: str, password: str):
        self.username, self.password = username.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.username and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)


def start_server(*, username: str | None = None, password: str | None = None, refuse: tuple[str, ...] = (), **kwargs):
    mailbox = Mailbox(refuse=refuse)
    options = {}
    if username is not None:
        options = {"authenticator": Authenticator(username, password or ""), "auth_require_tls": False,
                   "auth_exclude_mechanism": ["CRAM-MD5"]}
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options, **kwargs)
    controller.start()
    return controller, mailbox


def self_signed(folder):
    """A certificate for "localhost" and its key, written in ``folder``; trusted by nobody but the test."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
