"""Real local servers for tests of messages that leave the building: an SMTP server (aiosmtpd)
collecting what it receives, and an HTTP server standing for an SMS gateway."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpInbox:
    """aiosmtpd handler keeping (recipients, parsed message) of every mail received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


class SmsGateway:
    """An HTTP server answering like an SMS gateway: 200 with an id, or the status it is told
    to answer (``failures`` first answers fail with 503)."""

    def __init__(self, token: str = "gateway-token") -> None:  # noqa: S107 (a test server)
        self.token = token
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.failures = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    gateway.refused.append("unauthorised")
                    return self._answer(401, {"error": "unauthorised"})
                if gateway.failures > 0:
                    gateway.failures -= 1
                    gateway.refused.append("unavailable")
                    return self._answer(503, {"error": "unavailable"})
                message = json.loads(body)
                gateway.received.append(message)
                return self._answer(200, {"id": f"sms-{len(gateway.received)}"})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmsGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
