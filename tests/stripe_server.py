"""A local stand-in for api.stripe.com: records requests, answers in Stripe's JSON shape.

The official SDK is pointed at it (HOMECRM_STRIPE_API_BASE); nothing else is faked.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

GOOD_KEY = "sk_test_homecrm_good_key"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    form: dict


@dataclass
class FakeStripe:
    requests: list[Recorded] = field(default_factory=list)
    links: dict = field(default_factory=dict)
    sessions: list[dict] = field(default_factory=list)

    def form_of(self, path: str, method: str = "POST") -> list[dict]:
        return [r.form for r in self.requests if r.path == path and r.method == method]


def _handler(state: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Request-Id", "req_test")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> Recorded:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            parsed = urlparse(self.path)
            form = dict(parse_qsl(body or parsed.query, keep_blank_values=True))
            record = Recorded(self.command, parsed.path, dict(self.headers), form)
            state.requests.append(record)
            return record

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {GOOD_KEY}":
                return True
            self._send(401, {"error": {"type": "invalid_request_error", "code": "api_key_invalid",
                                       "message": "Invalid API Key provided: sk_test_****"}})
            return False

        def do_GET(self):  # noqa: N802
            record = self._record()
            if not self._authorised():
                return
            if record.path == "/v1/balance":
                self._send(200, {"object": "balance", "livemode": False, "available": [], "pending": []})
            elif record.path == "/v1/checkout/sessions":
                self._send(200, {"object": "list", "data": state.sessions, "has_more": False, "url": "/v1/checkout/sessions"})
            else:
                self._send(404, {"error": {"type": "invalid_request_error", "message": "no such route"}})

        def do_POST(self):  # noqa: N802
            record = self._record()
            if not self._authorised():
                return
            if record.path == "/v1/payment_links":
                link_id = f"plink_{len(state.links) + 1}"
                state.links[link_id] = {"id": link_id, "object": "payment_link", "active": True,
                                        "url": f"https://buy.stripe.com/test_{link_id}", "livemode": False}
                self._send(200, state.links[link_id])
            elif record.path.startswith("/v1/payment_links/"):
                link_id = record.path.rsplit("/", 1)[1]
                state.links[link_id]["active"] = record.form.get("active") == "true"
                self._send(200, state.links[link_id])
            else:
                self._send(404, {"error": {"type": "invalid_request_error", "message": "no such route"}})

        def log_message(self, *args):
            pass

    return Handler


def start_fake_stripe() -> tuple[ThreadingHTTPServer, FakeStripe]:
    state = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state
