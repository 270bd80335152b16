"""``homecrm webhooks serve``: a small HTTP receiver for Stripe webhooks (hosted installs).

POST /stripe/webhook with the raw body and the ``Stripe-Signature`` header. 200 when handled (or
already handled), 400 for a forged, stale or malformed request (nothing recorded), 500 otherwise
so that Stripe retries. Each request is one transaction acting as the system account.
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy.orm import Session, sessionmaker

from homecrm.payments.stripe_gateway import BadWebhook, handle_webhook
from homecrm.security.accounts import system_principal
from homecrm.store import write_session

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000


def make_handler(factory: sessionmaker[Session]):
    class StripeWebhookHandler(BaseHTTPRequestHandler):
        server_version = "homecrm-webhooks"

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server API
            if self.path.rstrip("/") != "/stripe/webhook":
                self._reply(404, {"error": "not found"})
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:  # "Content-Length: abc"
                length = -1
            if length <= 0 or length > MAX_BODY:
                self._reply(400, {"error": "bad length"})
                return
            payload = self.rfile.read(length)
            try:
                with write_session(factory) as session:
                    outcome = handle_webhook(session, actor=system_principal(session), payload=payload,
                                             signature=self.headers.get("Stripe-Signature"))
            except BadWebhook as exc:
                self._reply(400, {"error": str(exc)})
                return
            except Exception:  # noqa: BLE001 - Stripe retries on 5xx
                log.exception("webhook failed")
                self._reply(500, {"error": "internal error"})
                return
            body = {"status": outcome.status}
            if outcome.status == "credited":  # paid on a cancelled or already paid document: kept as credit
                body["detail"] = outcome.reason
            self._reply(200, body)

        def log_message(self, fmt: str, *args) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

    return StripeWebhookHandler


def make_server(factory: sessionmaker[Session], host: str, port: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(factory))
