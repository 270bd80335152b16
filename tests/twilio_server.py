"""A local stand-in for api.twilio.com: records message requests, answers in Twilio's JSON shape."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "twilio-test-token"
INVALID_NUMBER = "+33612345001"  # answered with 21211
UNVERIFIED_NUMBER = "+33612345002"  # answered with 21608


@dataclass
class FakeTwilio:
    messages: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._send(401, {"code": 20003, "message": "Authenticate", "more_info": "", "status": 401})
                return
            if not self.path.endswith("/Messages.json"):
                self._send(404, {"code": 20404, "message": "Not found", "status": 404})
                return
            errors = {INVALID_NUMBER: 21211, UNVERIFIED_NUMBER: 21608}
            if form.get("To") in errors:
                self._send(400, {"code": errors[form["To"]], "message": "refused", "more_info": "", "status": 400})
                return
            with state.lock:
                state.messages.append(form)
                sid = f"SM{len(state.messages):032d}"
            self._send(201, {"sid": sid, "status": "queued", "to": form.get("To"), "from": form.get("From"),
                             "body": form.get("Body"), "account_sid": ACCOUNT_SID, "num_segments": "1",
                             "date_created": "Thu, 12 Mar 2026 09:00:00 +0000", "uri": f"/Messages/{sid}.json"})

        def log_message(self, *args):
            pass

    return Handler


def start_fake_twilio() -> tuple[ThreadingHTTPServer, FakeTwilio]:
    state = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state
