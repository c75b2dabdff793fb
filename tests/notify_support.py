"""Real local servers for the reminder tests, and the demo company in a database without OCR.

- ``RobotServer``: an HTTP server in a thread that plays 企业微信, 钉钉, 飞书 or a plain webhook:
  it checks the signature (computed here from the documented formulas, not with dossier's code)
  and the body's shape, and answers as the real robot does (HTTP 200 with ``errcode``/``code``).
- ``SmtpServer``: aiosmtpd on a free port (optionally STARTTLS or implicit TLS with a self-signed
  certificate made here), with a login it checks.
- ``demo_database``: ``fixtures/sample-upgrade``'s documents as its truth file says they read,
  stored as processed documents: the ledger of the demo company in a second.
- ``FakeClock``: monotonic time that a sleep advances, so a rate limit of minutes costs nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from dossier.model import ApplicationSpec, ExtractedDocument, ExtractedField
from dossier.store import repo
from fixtures import load_truth
from tests.conftest import FIXTURES

DEMO = FIXTURES / "sample-upgrade"
SECRET = "SECdemo0123456789abcdef"
KEY = "wecomkey-5f1e2d3c"
TOKEN = "dingtoken-a1b2c3d4"


@dataclass
class FakeClock:
    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    raw: bytes
    problems: list[str]


class RobotServer:
    """A group robot (``kind``) on a free loopback port; ``url`` is what goes into dossier.toml."""

    def __init__(self, kind: str, *, secret: str | None = None):
        self.kind, self.secret = kind, secret
        self.received: list[Received] = []
        self.fail_next = 0  # answer this many requests with an error code
        self.http_status = 200
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                got = Received(parts.path, parse_qs(parts.query), dict(self.headers), None, raw, [])
                try:
                    got.body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    got.problems.append("body is not UTF-8 JSON")
                if not got.problems:
                    got.problems += server.check(got)
                server.received.append(got)
                answer = server.answer(got)
                data = json.dumps(answer).encode()
                self.send_response(server.http_status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        return {"wecom": f"{base}/cgi-bin/webhook/send?key={KEY}",
                "dingtalk": f"{base}/robot/send?access_token={TOKEN}",
                "feishu": f"{base}/open-apis/bot/v2/hook/{TOKEN}",
                "webhook": f"{base}/hooks/dossier"}[self.kind]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- what each robot checks, after its documentation ---------------------------------------

    def check(self, got: Received) -> list[str]:
        body, problems = got.body, []
        if self.kind == "wecom":
            if got.query.get("key") != [KEY]:
                problems.append("wrong key")
            if body.get("msgtype") != "markdown" or not isinstance(body.get("markdown", {}).get("content"), str):
                problems.append("not a markdown message")
            elif len(body["markdown"]["content"].encode()) > 4096:
                problems.append("content over 4096 bytes")
        elif self.kind == "dingtalk":
            if body.get("msgtype") != "markdown" or not {"title", "text"} <= set(body.get("markdown", {})):
                problems.append("not a markdown message")
            if self.secret:
                stamp, sign = got.query.get("timestamp", [""])[0], got.query.get("sign", [""])[0]
                want = base64.b64encode(hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(),
                                                 hashlib.sha256).digest()).decode()
                if not stamp.isdigit() or len(stamp) != 13 or sign != want:  # parse_qs already unquoted it
                    problems.append("sign not match")
        elif self.kind == "feishu":
            card = body.get("card", {})
            if body.get("msg_type") != "interactive" or card.get("elements", [{}])[0].get("tag") != "markdown":
                problems.append("not an interactive card with markdown")
            if self.secret:
                stamp = body.get("timestamp", "")
                want = base64.b64encode(hmac.new(f"{stamp}\n{self.secret}".encode(), b"",
                                                 hashlib.sha256).digest()).decode()
                if not str(stamp).isdigit() or len(str(stamp)) != 10 or body.get("sign") != want:
                    problems.append("sign not match")
        else:
            if not {"channel", "kind", "company", "entries", "status", "title", "text"} <= set(body):
                problems.append("not a dossier message")
            if self.secret:
                stamp = got.headers.get("X-Dossier-Timestamp", "")
                want = "sha256=" + hmac.new(self.secret.encode(), f"{stamp}.".encode() + got.raw,
                                            hashlib.sha256).hexdigest()
                if got.headers.get("X-Dossier-Signature") != want:
                    problems.append("bad signature")
        return problems

    def answer(self, got: Received) -> dict:
        refused = bool(got.problems) or self.fail_next > 0
        if self.fail_next > 0:
            self.fail_next -= 1
        if self.kind == "feishu":
            return {"code": 19021 if refused else 0, "msg": "sign match fail or timestamp is not within one hour "
                    "from current time" if refused else "success", "data": {}}
        if self.kind == "webhook":
            return {"ok": not refused}
        return {"errcode": 310000 if refused else 0, "errmsg": "sign not match" if refused else "ok"}

    def accepted(self) -> list[Received]:
        return [r for r in self.received if not r.problems]

    def texts(self) -> list[str]:
        """The message text of every accepted request."""
        out = []
        for r in self.accepted():
            b = r.body
            out.append(b.get("markdown", {}).get("content") or b.get("markdown", {}).get("text")
                       or (b.get("card", {}).get("elements") or [{}])[0].get("content") or b.get("text", ""))
        return out


# --- SMTP ---------------------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key (PEM files in ``folder``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class SmtpServer:
    """aiosmtpd on a free port; ``tls``: None, "starttls" (required) or "implicit" (smtps)."""

    def __init__(self, *, user: str = "dossier", password: str = "p@ss:w0rd/", tls: str | None = None,
                 certs: tuple[Path, Path] | None = None):
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        from tests.web_support import free_port

        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[str, bool]] = []
        server = self

        class Handler:
            async def handle_DATA(self, srv, session, envelope):  # noqa: N802 - aiosmtpd's API
                server.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                return "250 OK"

        def authenticate(srv, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            server.logins.append((auth_data.login.decode(), ok))
            return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535 itself

        context = None
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, certs))
        self.port = free_port()
        params: dict[str, Any] = {"authenticator": authenticate, "auth_require_tls": tls == "starttls"}
        if tls == "starttls":
            params.update(tls_context=context, require_starttls=True)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     ssl_context=context if tls == "implicit" else None, **params)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


# --- the demo company ---------------------------------------------------------------------------


def demo_database(db) -> None:
    """Store ``fixtures/sample-upgrade``'s documents as read (its truth) in ``db``."""
    truth = load_truth(DEMO)
    spec = ApplicationSpec(**yaml.safe_load((DEMO / "application.yaml").read_text(encoding="utf-8")))
    with db.session() as session:
        app = repo.get_or_create_application(session, "sample-upgrade", spec=spec)
        for rel, entry in truth["files"].items():
            docs = [ExtractedDocument(
                file=rel, sha256=entry["sha256"], doc_type=d["doc_type"], doc_type_confidence=0.95,
                pages=len(d["pages"]), first_page=d["pages"][0], records=d.get("records") or [],
                fields={k: ExtractedField(value=v, confidence=0.95) for k, v in d["fields"].items()})
                for d in entry.get("documents") or [] if d.get("doc_type")]
            if not docs:
                continue
            row, _ = repo.record_document(session, sha256=entry["sha256"], size=1, media_type="application/pdf",
                                          name=rel)
            repo.link_document(session, app, row, path=rel)
            repo.save_extractions(session, row.id, docs)
            repo.set_status(session, row.id, "processed")
