"""A scripted smarthost stand-in for delivery tests: aiosmtpd on 127.0.0.1, optionally with STARTTLS (a test
CA made here with the openssl command) and AUTH, that records every transaction and answers from a script:
per-recipient replies (a list per address: the first answer first, the last one repeating), a MAIL hook, and
a DATA behaviour that can drop the connection before its reply. With offer_dsn it offers DSN (RFC 3461) and
takes RET/ENVID/NOTIFY/ORCPT; without, it refuses them (555) like any server without DSN. Every MAIL and RCPT
line is recorded as sent (mail_lines, rcpt_lines). With chunking=True it also offers CHUNKING (RFC 3030: BDAT,
which aiosmtpd lacks) and PIPELINING, and records each BDAT's size and LAST marker.

TestPki makes the certificates: a CA, a server certificate for 127.0.0.1 / smarthost.test signed by it, one
for another name signed by it, and one signed by an unrelated CA.
"""

import logging
import os
import socket
import ssl
import subprocess
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

warnings.filterwarnings("ignore", message=r".*login_data.*", category=DeprecationWarning)
# Connections Postern drops on purpose (refused certificates, killed servers) are expected here.
warnings.filterwarnings("ignore", message=r"unclosed", category=ResourceWarning)
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

LOOPBACK = "127.0.0.1"


def free_port():
    """A port nothing listens on right now (bound and released)."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_until(condition, timeout=60.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


class TestPki:
    """Certificates in `directory`, made with the openssl command (EC P-256, valid for two days)."""

    def __init__(self, directory):
        self.dir = directory
        self.ca_cert, self.ca_key = self._ca("ca", "Postern Test CA")
        self.other_ca_cert, self.other_ca_key = self._ca("other-ca", "Unrelated Test CA")
        self.server_cert, self.server_key = self._leaf("smarthost", "IP:127.0.0.1,DNS:smarthost.test",
                                                       self.ca_cert, self.ca_key)
        self.wrong_name_cert, self.wrong_name_key = self._leaf("wrong-name", "DNS:elsewhere.test",
                                                               self.ca_cert, self.ca_key)
        self.untrusted_cert, self.untrusted_key = self._leaf("untrusted", "IP:127.0.0.1,DNS:smarthost.test",
                                                             self.other_ca_cert, self.other_ca_key)

    def _run(self, *args):
        subprocess.run(["openssl", *args], check=True, cwd=self.dir, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def _ca(self, name, cn):
        cert, key = os.path.join(self.dir, name + ".crt"), os.path.join(self.dir, name + ".key")
        self._run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                  "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + cn,
                  "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return cert, key

    def _leaf(self, name, san, ca_cert, ca_key):
        cert, key, csr = (os.path.join(self.dir, name + ext) for ext in (".crt", ".key", ".csr"))
        ext = os.path.join(self.dir, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" % san)
        self._run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                  "-out", csr, "-subj", "/CN=" + name)
        self._run("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
                  "-days", "2", "-extfile", ext)
        return cert, key

    @staticmethod
    def server_context(cert, key):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)
        return ctx


class Received:
    def __init__(self, mail_from, rcpt_tos, data):
        self.mail_from = mail_from   # "" for the null reverse-path
        self.rcpt_tos = rcpt_tos
        self.data = data             # bytes as delivered (dot-stuffing undone), CRLF lines

    def __repr__(self):
        return "<Received from=%r to=%r %d octets>" % (self.mail_from, self.rcpt_tos, len(self.data))


_DSN_PARAMETERS = ("RET=", "ENVID=", "NOTIFY=", "ORCPT=")


def _without_dsn_parameters(arg):
    """The MAIL/RCPT argument without the RFC 3461 parameters, which aiosmtpd itself does not know."""
    return " ".join(w for w in arg.split(" ") if not w.upper().startswith(_DSN_PARAMETERS))


class _RecordingSmtp(SMTP):
    """aiosmtpd's server, recording each MAIL and RCPT argument exactly as received; with the owner's
    offer_dsn the DSN parameters are accepted (and left out of what aiosmtpd checks)."""

    def __init__(self, owner, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner = owner

    async def smtp_MAIL(self, arg):
        with self._owner.lock:
            self._owner.mail_lines.append(arg)
        await super().smtp_MAIL(_without_dsn_parameters(arg) if self._owner.offer_dsn and arg else arg)

    async def smtp_RCPT(self, arg):
        with self._owner.lock:
            self._owner.rcpt_lines.append(arg)
        await super().smtp_RCPT(_without_dsn_parameters(arg) if self._owner.offer_dsn and arg else arg)


class _RecordingController(Controller):
    def __init__(self, owner, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner = owner

    def factory(self):
        return _RecordingSmtp(self._owner, self.handler, **self.SMTP_kwargs)


class _Handler:
    def __init__(self, owner):
        self.owner = owner

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.owner.lock:
            self.owner.connections_seen.add(id(session))
            self.owner.greetings.append("EHLO")
            if self.owner.refuse_ehlo:  # an old server that only knows HELO
                session.extended_smtp = False
                return [self.owner.refuse_ehlo]
        session.host_name = hostname
        if self.owner.offer_dsn:
            responses.insert(len(responses) - 1, "250-DSN")  # before the last line ("250 HELP")
        if self.owner.chunking:  # before the final "250 HELP"
            responses[-1:-1] = ["250-PIPELINING", "250-CHUNKING"]
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        with self.owner.lock:
            self.owner.greetings.append("HELO")
        session.host_name = hostname
        return "250 %s" % server.hostname

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        owner = self.owner
        with owner.lock:
            owner.mail_commands.append(address)
            reply = owner.mail_reply(address) if owner.mail_reply else None
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        owner = self.owner
        with owner.lock:
            replies = owner.rcpt_replies.get(address.lower())
            reply = replies.pop(0) if replies and len(replies) > 1 else (replies[0] if replies else None)
        if reply and not reply.startswith("2"):
            return reply
        envelope.rcpt_tos.append(address)
        return reply or "250 2.1.5 Ok"

    # SASL XOAUTH2 (Google/Microsoft) and OAUTHBEARER (RFC 7628): the initial response carries the user and
    # the bearer token; a bad token gets the JSON error challenge, then 535 after the client's answer.
    async def auth_XOAUTH2(self, server, args):
        return await self.owner._oauth(server, args, "XOAUTH2")

    async def auth_OAUTHBEARER(self, server, args):
        return await self.owner._oauth(server, args, "OAUTHBEARER")

    async def handle_DATA(self, server, session, envelope):
        owner = self.owner
        with owner.lock:
            if owner.drop_data > 0:
                owner.drop_data -= 1
                server.transport.close()  # the client never learns whether the message arrived
                return "421 4.4.2 dropped"
            sender = "" if envelope.mail_from in ("<>", "") else envelope.mail_from
            owner.messages.append(Received(sender, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Ok: queued"


class _ChunkingSmtp(_RecordingSmtp):
    """aiosmtpd plus BDAT (RFC 3030, without BINARYMIME): a chunk's octets are read first, whatever the reply;
    the LAST chunk hands the joined chunks to handle_DATA as if they had come by DATA."""

    def __init__(self, owner, *args, **kwargs):
        super().__init__(owner, *args, **kwargs)
        self._owner = owner
        self._chunks = []

    def _set_rset_state(self):
        super()._set_rset_state()
        self._chunks = []

    def _set_post_data_state(self):
        super()._set_post_data_state()
        self._chunks = []

    async def smtp_BDAT(self, arg):
        words = (arg or "").split()
        if not words or not words[0].isdigit() or len(words) > 2 or (len(words) == 2 and words[1].upper() != "LAST"):
            await self.push("501 5.5.4 Syntax: BDAT size [LAST]")
            self.transport.close()
            return
        size, last = int(words[0]), len(words) == 2
        octets = await self._reader.readexactly(size) if size else b""
        with self._owner.lock:
            self._owner.chunks.append((size, last))
        if not self.session.authenticated and self._auth_required:
            await self.push("530 5.7.0 Authentication required")
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        self._chunks.append(octets)
        if not last:
            await self.push("250 2.0.0 %d octets received" % size)
            return
        content = b"".join(self._chunks)
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)


class _ChunkingController(Controller):
    def __init__(self, owner, *args, **kwargs):
        self._owner = owner
        super().__init__(*args, **kwargs)

    def factory(self):
        return _ChunkingSmtp(self._owner, self.handler, **self.SMTP_kwargs)


class FakeSmarthost:
    """Start with start(), stop with stop(). tls_context: STARTTLS offered and required; implicit_tls_context:
    TLS from the first byte; auth: (login, password) required (after TLS); refuse_ehlo: the reply to EHLO of a
    server that only knows HELO."""

    def __init__(self, port=None, tls_context=None, auth=None, oauth_tokens=None, mechanisms_off=(),
                 implicit_tls_context=None, refuse_ehlo=None, offer_dsn=False, chunking=False):
        self.port = port or free_port()
        self.offer_dsn = offer_dsn  # EHLO offers DSN and RET/ENVID/NOTIFY/ORCPT are taken (RFC 3461)
        self.mail_lines = []       # each MAIL argument as received ("FROM:<a@b> SIZE=1 RET=HDRS")
        self.rcpt_lines = []       # each RCPT argument as received
        self.chunking = chunking
        self.chunks = []           # (size, last) of every BDAT received, in order
        self.lock = threading.Lock()
        self.messages = []
        self.mail_commands = []
        self.connections_seen = set()
        self.rcpt_replies = {}     # address (lower case) -> [reply, ...]; the last one repeats
        self.mail_reply = None     # function(address) -> reply or None (accept)
        self.drop_data = 0         # this many DATA transactions are cut off before their reply
        self.auth_attempts = []
        self.refuse_ehlo = refuse_ehlo  # a reply to every EHLO ("502 5.5.2 ..."); HELO still works
        self.greetings = []        # "EHLO" / "HELO", in the order received
        self.oauth_attempts = []   # (mechanism, user, token, accepted)
        self._auth = auth
        self.oauth_tokens = oauth_tokens  # set of accepted bearer tokens (None: OAuth always refused)
        kwargs = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if implicit_tls_context is not None:  # TLS from the first byte (port 465 style)
            kwargs.update(ssl_context=implicit_tls_context)
        if auth is not None or oauth_tokens is not None:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=tls_context is not None,
                          auth_required=True)
        excluded = list(mechanisms_off)
        if oauth_tokens is None:
            excluded += ["XOAUTH2", "OAUTHBEARER"]
        if auth is None:
            excluded += ["PLAIN", "LOGIN"]
        if excluded:
            kwargs.update(auth_exclude_mechanism=excluded)
        controller = _ChunkingController if chunking else _RecordingController
        self.controller = controller(self, _Handler(self), hostname=LOOPBACK, port=self.port, decode_data=False,
                                     server_hostname="smarthost.test", ident="fake smarthost", **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if self._auth is None:
            return AuthResult(success=False, handled=False)
        ok = (isinstance(auth_data, LoginPassword) and self._auth is not None and
              auth_data.login.decode() == self._auth[0] and auth_data.password.decode() == self._auth[1])
        with self.lock:
            self.auth_attempts.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)

    async def _oauth(self, server, args, mechanism):
        import base64
        from aiosmtpd.smtp import AuthResult as _Result
        if len(args) < 2:
            return _Result(success=False, message="501 5.5.2 initial response required")
        raw = base64.b64decode(args[1])
        if mechanism == "XOAUTH2":
            fields = dict(f.split(b"=", 1) for f in raw.split(b"\x01") if b"=" in f)
            user = fields.get(b"user", b"").decode()
        else:  # "n,a=USER,\x01host=...\x01port=...\x01auth=Bearer T\x01\x01"
            header, _, rest = raw.partition(b"\x01")
            user = header.split(b",")[1][2:].decode().replace("=2C", ",").replace("=3D", "=")
            fields = dict(f.split(b"=", 1) for f in rest.split(b"\x01") if b"=" in f)
        auth = fields.get(b"auth", b"").decode()
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        accepted = self.oauth_tokens is not None and token in self.oauth_tokens
        with self.lock:
            self.oauth_attempts.append((mechanism, user, token, accepted))
        if accepted:
            return _Result(success=True, auth_data=LoginPassword(user.encode(), b""))
        await server.challenge_auth('{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}')
        return _Result(success=False, message="535 5.7.8 Username and Password not accepted")

    @property
    def address(self):
        return "%s:%d" % (LOOPBACK, self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        try:
            self.controller.stop()
        except Exception:  # already stopped
            pass

    def received(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, count, timeout=60.0):
        return wait_until(lambda: len(self.received()) >= count and self.received(), timeout,
                          what="%d message(s) at the smarthost (have %d)" % (count, len(self.received())))


class FakeTokenEndpoint:
    """An OAuth 2.0 token endpoint on http://127.0.0.1 (Postern allows plain http to loopback only): records
    each request's form fields and answers from `answers` (a list of (status, json dict); the last one
    repeats). By default it issues "token-1", "token-2", ... valid for an hour."""

    def __init__(self):
        import http.server
        import json
        import urllib.parse
        owner = self
        self.requests = []
        self.answers = None
        self.issued = 0
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                with owner.lock:
                    owner.requests.append((self.path, form))
                    if owner.answers:
                        status, body = owner.answers[0] if len(owner.answers) == 1 else owner.answers.pop(0)
                    else:
                        owner.issued += 1
                        status, body = 200, {"access_token": "token-%d" % owner.issued, "token_type": "Bearer",
                                             "expires_in": 3600}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.port = self.server.server_address[1]
        self.url = "http://%s:%d/tenant/oauth2/v2.0/token" % (LOOPBACK, self.port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def forms(self):
        with self.lock:
            return [form for _, form in self.requests]
