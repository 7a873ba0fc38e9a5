"""Integration harness: the real `postern` binary on 127.0.0.1 with real TLS, SQLite and spool.

What it gives a test module:
  * PosternServer: a unique temporary directory with a config file and data dir, users created through
    the CLI (`postern user add`, `postern address add`), the server started with the three listener kinds
    on 127.0.0.1:0 (bound ports parsed from the "smtp: listening on HOST:PORT (KIND)" log lines), and a
    clean SIGTERM stop that asserts exit status 0 and shows the server log when it is not.
  * ServerTestCase: one server per test class (setUpClass/tearDownClass), with users declared as data.
  * SmtpClient: a raw-socket line client for byte-exact conversations. It records a transcript (C:/S:)
    that every failed assertion prints, so a failure report is the conversation itself.
  * TLS client contexts that VERIFY the generated self-signed certificate (<data_dir>/tls/selfsigned.crt)
    with server_hostname set to the configured hostname.
  * Spool inspection: a committed message is found by its queue ID (the "queued as <ID>" reply); its body
    file and its envelope file (<ID>.env, which carries the headers prepended at commit) are read back.

Only loopback addresses are used, every temporary directory is removed and every server is stopped.
Test peers run under /usr/bin/python3 (NOTES-platform.md §9).
"""

import base64
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import warnings

# CPython 3.11 leaks the SSLSocket it builds inside wrap_socket() when the peer has already reset the
# connection (a server refusing a handshake, which several tests provoke on purpose): silence that warning.
warnings.filterwarnings("ignore", message=r"unclosed <ssl\.SSLSocket", category=ResourceWarning)

HOSTNAME = "mail.postern.test"
LOOPBACK = "127.0.0.1"
# Generous on purpose: a slow machine or an AddressSanitizer build must not turn into a failure. No test
# asserts that something happens quickly; these only bound how long a broken server can hang a test.
IO_TIMEOUT = float(os.environ.get("POSTERN_TEST_IO_TIMEOUT", "30"))
START_TIMEOUT = float(os.environ.get("POSTERN_TEST_START_TIMEOUT", "90"))
STOP_TIMEOUT = float(os.environ.get("POSTERN_TEST_STOP_TIMEOUT", "120"))
CLI_TIMEOUT = 120

LISTENER_KINDS = ("submission", "submissions", "alternate")
LISTENING_RE = re.compile(r"smtp: listening on (\S+):(\d+) \((submission|submissions|alternate)\)")
ADMIN_UI_RE = re.compile(r"web: admin UI at https://(\S+):(\d+)/")
PUBLIC_SITE_RE = re.compile(r"web: public site \([^)]*\) at https://(\S+):(\d+)/")
QUEUED_RE = re.compile(r"^Ok: queued as ([0-9A-Z]+)$")
# queue/queue_id.h: 15 characters of Crockford base32 (no I, L, O, U).
QUEUE_ID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{15}$")

# Fast and quiet settings for tests. Argon2 at its cheapest keeps user creation and AUTH fast (also under
# ASan); the throttle is out of the way unless a test raises it (all clients share 127.0.0.1).
DEFAULT_SETTINGS = {
    "hostname": HOSTNAME,
    "log_level": "information",
    "listen.submission": LOOPBACK + ":0",
    "listen.submissions": LOOPBACK + ":0",
    "listen.alternate": LOOPBACK + ":0",
    "smtp.max_message_size": "1048576",
    "smtp.timeout.preauth": "60",
    "smtp.timeout.command": "60",
    "smtp.timeout.data": "60",
    "smtp.shutdown_grace": "2",
    "smtp.max_auth_failures": "3",
    "smtp.auth_failure_delay_ms": "50",
    "spool.min_free_bytes": "0",
    "auth.argon2.time_cost": "1",
    "auth.argon2.memory_kib": "1024",
    "auth.argon2.parallelism": "1",
    "auth.throttle.failures": "100000",
    "auth.throttle.window": "600",
    # The web admin's default, 127.0.0.1:8443, is one fixed port: servers running side by side would fight
    # over it. A test that wants the admin sets admin.listen (127.0.0.1:0) and reads server.admin_port.
    "admin.listen": "",
    # Tests never ask a resolver beyond this machine: lookups go to loopback port 9, where nothing answers
    # (a test that needs DNS starts its own server and sets dns.resolvers), and the background DNS check is
    # off unless a test turns it on.
    "dns.resolvers": LOOPBACK + ":9",
    "dns.timeout": "1s",
    "dns.tries": "1",
    "dns.check_interval": "0",
}


def find_binary():
    """$POSTERN_BIN (set by ctest), else the newest <repo>/build*/app/postern."""
    path = os.environ.get("POSTERN_BIN")
    if path:
        if not os.access(path, os.X_OK):
            raise RuntimeError("POSTERN_BIN=%s is not an executable file" % path)
        return path
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidates = []
    for entry in os.listdir(repo):
        candidate = os.path.join(repo, entry, "app", "postern")
        if entry.startswith("build") and os.access(candidate, os.X_OK):
            candidates.append(candidate)
    if not candidates:
        raise RuntimeError("set POSTERN_BIN to the built postern binary (no <repo>/build*/app/postern found)")
    return max(candidates, key=os.path.getmtime)


def clean_environment():
    """The caller's environment without POSTERN_* (the environment would override the test config)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("POSTERN_")}


def b64(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def plain_response(login, password, authzid=""):
    return b64(authzid.encode() + b"\0" + login.encode() + b"\0" + password.encode())


# ---- the server --------------------------------------------------------------------------------------------


class CliResult:
    def __init__(self, args, returncode, stdout, stderr):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def __repr__(self):
        return "postern %s -> exit %d\nstdout: %s\nstderr: %s" % (
            " ".join(self.args), self.returncode, self.stdout.decode(errors="replace"),
            self.stderr.decode(errors="replace"))


class PosternServer:
    """One postern instance in its own temporary directory. Use start()/stop()/cleanup(), or `with`."""

    def __init__(self, settings=None, create_data_dir=True):
        self.binary = find_binary()
        self.root = tempfile.mkdtemp(prefix="postern-it-")
        self.data_dir = os.path.join(self.root, "data")
        self.config_path = os.path.join(self.root, "postern.conf")
        self.log_path = os.path.join(self.root, "server.log")
        self.settings = dict(DEFAULT_SETTINGS)
        self.settings["data_dir"] = self.data_dir
        self.settings.update(settings or {})
        if create_data_dir:
            os.makedirs(self.data_dir, mode=0o700)
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write("# written by tests/integration/postern_harness.py\n")
            for key, value in self.settings.items():
                f.write("%s = %s\n" % (key, value))
        self.process = None
        self.ports = {}       # kind -> port of the first listener of that kind on 127.0.0.1
        self.listeners = []   # (host, port, kind) as logged, in order
        self.admin_ports = []  # the web admin's ports as logged ("admin UI at https://HOST:PORT/"), in order
        self.public_ports = []  # the public site's (public.listen), likewise
        self._log_file = None
        self._signalled = False

    # -- paths
    @property
    def hostname(self):
        return self.settings["hostname"]

    @property
    def admin_port(self):
        if not self.admin_ports:
            raise AssertionError("the web admin is not listening (admin.listen = %r)" % self.settings.get("admin.listen"))
        return self.admin_ports[0]

    @property
    def certificate_path(self):
        return os.path.join(self.data_dir, "tls", "selfsigned.crt")

    @property
    def spool_dir(self):
        return os.path.join(self.data_dir, "spool")

    # -- CLI
    def cli(self, *args, stdin=None, check=True):
        """Runs `postern --config FILE ARGS...` with stdin from a pipe (never a tty)."""
        if isinstance(stdin, str):
            stdin = stdin.encode("utf-8")
        proc = subprocess.run([self.binary, "--config", self.config_path, *args], input=stdin or b"",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_environment(),
                              timeout=CLI_TIMEOUT)
        result = CliResult(list(args), proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError("CLI command failed: %r" % result)
        return result

    def add_user(self, login, password, addresses=()):
        self.cli("user", "add", login, stdin=password + "\n")
        for pattern in addresses:
            self.cli("address", "add", login, pattern)

    # -- process
    def start(self):
        expected = sum(len([e for e in self.settings.get("listen." + kind, "").split(",") if e.strip()])
                       for kind in LISTENER_KINDS)
        expected_admin = len([e for e in self.settings.get("admin.listen", "").split(",") if e.strip()])
        expected_public = len([e for e in self.settings.get("public.listen", "").split(",") if e.strip()])
        self._signalled = False
        log_offset = len(self.log_text())  # a restart appends to the same log
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "--config", self.config_path, "serve"],
                                        stdin=subprocess.DEVNULL, stdout=self._log_file,
                                        stderr=subprocess.STDOUT, env=clean_environment())
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            log = self.log_text()[log_offset:]
            listeners = [(host.strip("[]"), int(port), kind) for host, port, kind in LISTENING_RE.findall(log)]
            admin_ports = [int(port) for _, port in ADMIN_UI_RE.findall(log)]
            public_ports = [int(port) for _, port in PUBLIC_SITE_RE.findall(log)]
            if (len(listeners) >= expected and len(admin_ports) >= expected_admin
                    and len(public_ports) >= expected_public):
                self.listeners = listeners
                self.admin_ports = admin_ports
                self.public_ports = public_ports
                self.ports = {}
                for host, port, kind in listeners:
                    if host == LOOPBACK:
                        self.ports.setdefault(kind, port)
                return self
            if self.process.poll() is not None:
                raise AssertionError("postern exited with status %s during start-up\n%s"
                                     % (self.process.returncode, self.log_excerpt()))
            if time.monotonic() > deadline:
                self._kill()
                raise AssertionError("postern did not report %d listeners within %.0f s\n%s"
                                     % (expected, START_TIMEOUT, self.log_excerpt()))
            time.sleep(0.05)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self):
        """Sends SIGTERM without waiting (stop() then waits and checks the exit status)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self._signalled = True

    def stop(self):
        """SIGTERM (unless terminate() sent it), wait, and assert exit status 0 (the server log is in the
        error otherwise)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        try:
            if process.poll() is None or self._signalled:
                if process.poll() is None and not self._signalled:
                    process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    raise AssertionError("postern did not exit within %.0f s of SIGTERM\n%s"
                                         % (STOP_TIMEOUT, self.log_excerpt()))
                if process.returncode != 0:
                    raise AssertionError("postern exited with status %d after SIGTERM (expected 0)\n%s"
                                         % (process.returncode, self.log_excerpt()))
            else:
                raise AssertionError("postern had already exited with status %d before the test stopped it\n%s"
                                     % (process.returncode, self.log_excerpt()))
        finally:
            if self._log_file:
                self._log_file.close()
                self._log_file = None

    def _kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def cleanup(self):
        self._kill()
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        if os.environ.get("POSTERN_TEST_KEEP"):
            sys.stderr.write("kept %s\n" % self.root)
            return
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.stop()
        finally:
            self.cleanup()

    # -- log
    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_excerpt(self, lines=200):
        text = self.log_text().splitlines()
        head = "---- server log (%s, last %d of %d lines) ----" % (self.log_path, min(lines, len(text)), len(text))
        return "\n".join([head] + text[-lines:] + ["---- end of server log ----"])

    # -- clients
    def port(self, kind="submission", host=LOOPBACK):
        if host == LOOPBACK and kind in self.ports:
            return self.ports[kind]
        for h, port, k in self.listeners:
            if k == kind and h == host:
                return port
        raise AssertionError("no %s listener on %s (listeners: %r)" % (kind, host, self.listeners))

    def tls_context(self, minimum=None, maximum=None):
        return verifying_context(self.certificate_path, minimum, maximum)

    def connect(self, kind="submission", **kwargs):
        return SmtpClient(self, kind, **kwargs)

    def session(self, login, password, kind="submission", **kwargs):
        """A client that has greeted, secured the connection and authenticated (235)."""
        client = self.connect(kind, **kwargs)
        try:
            client.secure_and_authenticate(login, password)
        except BaseException:
            client.close()
            raise
        return client


def verifying_context(cafile, minimum=None, maximum=None):
    """A client context that trusts only the given certificate and checks the host name."""
    context = ssl.create_default_context(cafile=cafile)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    if minimum is not None:
        context.minimum_version = minimum
    if maximum is not None:
        context.maximum_version = maximum
    return context


def legacy_client_context(version):
    """A client context that offers ONLY `version` (TLS 1.0 or 1.1), with OpenSSL's security level lowered so
    that it is the server, not this client, that decides. Returns None when this OpenSSL cannot offer it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():  # "TLSVersion.TLSv1 is deprecated": that is the point here
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = version
            context.maximum_version = version
    except (ValueError, ssl.SSLError):
        return None
    return context


def checked_legacy_context(version, certificate_path):
    """(context, None) with a client context that offers only `version` (TLS 1.0 or 1.1), once a local Python
    TLS server with the certificate at certificate_path (and its .key beside it) has really negotiated that
    version with it, so that a refusal by Postern is Postern's doing; (None, why) when this machine cannot."""
    context = legacy_client_context(version)
    if context is None:
        return None, "this OpenSSL cannot offer %s" % version
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        server_context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            server_context.minimum_version = version
            server_context.maximum_version = version
        server_context.load_cert_chain(certificate_path, certificate_path.replace(".crt", ".key"))
    except (ssl.SSLError, ValueError, OSError) as e:
        return None, "cannot build a local %s server to check the client: %s" % (version, e)
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(1)
    listener.settimeout(IO_TIMEOUT)
    result = {}

    def serve():
        try:
            conn, _ = listener.accept()
            with server_context.wrap_socket(conn, server_side=True) as tls:
                result["version"] = tls.version()
        except (OSError, ssl.SSLError) as e:
            result["error"] = e

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with socket.create_connection(listener.getsockname(), timeout=IO_TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname=HOSTNAME) as tls:
                negotiated = tls.version()
    except (OSError, ssl.SSLError) as e:
        negotiated = None
        result.setdefault("client_error", e)
    finally:
        thread.join(IO_TIMEOUT)
        listener.close()
    expected = {ssl.TLSVersion.TLSv1: "TLSv1", ssl.TLSVersion.TLSv1_1: "TLSv1.1"}[version]
    if negotiated != expected:
        return None, "this machine's OpenSSL cannot negotiate %s even locally (%r)" % (expected, result)
    return context, None


def client_hello_bytes():
    """The bytes of a real TLS ClientHello, as a client would send them first on an implicit-TLS port."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=HOSTNAME)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


# ---- the line client ---------------------------------------------------------------------------------------


class ConnectionClosed(AssertionError):
    pass


class Reply:
    """One SMTP reply: code, the text of each line (without "ddd-"), and the raw bytes."""

    ENHANCED_RE = re.compile(r"^([245]\.\d{1,3}\.\d{1,3})(?: |$)")

    def __init__(self, code, lines, raw, transcript=""):
        self.code, self.lines, self.raw, self.transcript = code, lines, raw, transcript

    @property
    def text(self):
        return "\n".join(self.lines)

    @property
    def first_line(self):
        """The first line as sent, e.g. "535 5.7.8 Authentication credentials invalid"."""
        return self.raw.split(b"\r\n", 1)[0].decode("utf-8", errors="replace")

    @property
    def enhanced(self):
        match = self.ENHANCED_RE.match(self.lines[0]) if self.lines else None
        return match.group(1) if match else None

    @property
    def keywords(self):
        """EHLO: the extension lines (after the host name line), upper-cased keyword -> full line."""
        return {line.split(" ", 1)[0].upper(): line for line in self.lines[1:]}

    def __repr__(self):
        return "Reply(%r)" % self.raw.decode("utf-8", errors="replace")


class SmtpClient:
    """A byte-exact SMTP client over a plain or TLS socket, reading replies line by line.

    kind selects the listener: "submission" and "alternate" start in plaintext, "submissions" does the TLS
    handshake first. The greeting is read on connect unless read_greeting=False (it is then self.greeting).
    """

    def __init__(self, server, kind="submission", read_greeting=True, tls_context=None, timeout=IO_TIMEOUT,
                 host=LOOPBACK):
        self.server = server
        self.kind = kind
        self.buffer = b""
        self.transcript = []
        self.tls_version = None
        self.sock = socket.create_connection((host, server.port(kind, host)), timeout=timeout)
        self.sock.settimeout(timeout)
        self.greeting = None
        if kind == "submissions":
            self._wrap(tls_context or server.tls_context())
        if read_greeting:
            self.greeting = self.read_reply()

    # -- transcript
    def note(self, direction, data):
        text = data.decode("utf-8", errors="backslashreplace") if isinstance(data, bytes) else data
        for line in text.split("\r\n"):
            if line:
                self.transcript.append("%s: %s" % (direction, line.encode("unicode_escape").decode("ascii")
                                                     if any(ord(c) < 32 for c in line) else line))

    def transcript_text(self):
        lines = self.transcript[-80:]
        skipped = len(self.transcript) - len(lines)
        return "\n".join((["  ... (%d earlier lines)" % skipped] if skipped else []) + ["  " + l for l in lines])

    # -- I/O
    def _wrap(self, context):
        self.note("*", "TLS handshake (server_hostname=%s)" % self.server.hostname)
        tls = context.wrap_socket(self.sock, server_hostname=self.server.hostname, do_handshake_on_connect=False)
        self.sock = tls
        try:
            tls.do_handshake()
        except BaseException:
            tls.close()
            raise
        self.tls_version = self.sock.version()
        self.note("*", "TLS established: %s %s" % (self.tls_version, self.sock.cipher()[0]))

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        shown = data if len(data) <= 600 else data[:300] + b"...(%d octets)..." % len(data) + data[-100:]
        self.note("C", shown)
        self.sock.sendall(data)

    def _recv(self):
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError, BrokenPipeError):
            return b""
        except ssl.SSLError as e:
            # A TLS alert or a reset mid-record is a close as far as a test is concerned.
            self.note("*", "TLS error while reading: %s" % e)
            return b""
        except socket.timeout:
            raise AssertionError("no reply within %.0f s\ntranscript:\n%s" % (IO_TIMEOUT, self.transcript_text()))
        return data

    def _read_line(self):
        while b"\r\n" not in self.buffer:
            data = self._recv()
            if not data:
                self.note("*", "connection closed by server")
                raise ConnectionClosed("connection closed by the server while waiting for a reply"
                                       "\ntranscript:\n%s" % self.transcript_text())
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_reply(self):
        raw_lines = []
        while True:
            line = self._read_line()
            raw_lines.append(line)
            if len(line) < 3 or not line[:3].isdigit() or (len(line) > 3 and line[3:4] not in (b" ", b"-")):
                raise AssertionError("malformed reply line %r\ntranscript:\n%s" % (line, self.transcript_text()))
            if len(line) == 3 or line[3:4] == b" ":
                break
        raw = b"\r\n".join(raw_lines) + b"\r\n"
        self.note("S", raw)
        codes = {l[:3] for l in raw_lines}
        if len(codes) != 1:
            raise AssertionError("reply lines with different codes %r\ntranscript:\n%s" % (raw, self.transcript_text()))
        lines = [l[4:].decode("utf-8", errors="replace") for l in raw_lines]
        return Reply(int(raw_lines[0][:3]), lines, raw, self.transcript_text())

    def cmd(self, line):
        """Sends one command line (CRLF appended) and returns the reply."""
        if isinstance(line, str):
            line = line.encode("utf-8")
        self.send_raw(line + b"\r\n")
        return self.read_reply()

    def read_until_closed(self):
        """Reads replies until the server closes the connection; returns them. Fails if it stays open."""
        replies = []
        while True:
            try:
                replies.append(self.read_reply())
            except ConnectionClosed:
                return replies

    def is_closed_by_server(self):
        """True when the server has closed (EOF, reset or TLS close) and nothing more arrived. Waits up to
        IO_TIMEOUT for that; leftover bytes make it False."""
        if self.buffer:
            return False
        data = self._recv()
        if data:
            self.buffer += data
            self.note("S", data)
            return False
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # -- conversation helpers (each asserts the expected step so a test reads as its rule)
    def expect(self, reply, code, what):
        if reply.code != code:
            raise AssertionError("%s: expected %d, got %r\ntranscript:\n%s" % (what, code, reply.raw,
                                                                              self.transcript_text()))
        return reply

    def ehlo(self, name="client.example.org"):
        return self.expect(self.cmd("EHLO " + name), 250, "EHLO")

    def starttls(self, context=None):
        reply = self.expect(self.cmd("STARTTLS"), 220, "STARTTLS")
        if self.buffer:
            raise AssertionError("bytes after the 220 to STARTTLS in plaintext: %r\ntranscript:\n%s"
                                 % (self.buffer, self.transcript_text()))
        self._wrap(context or self.server.tls_context())
        return reply

    def auth_plain(self, login, password, authzid=""):
        return self.cmd("AUTH PLAIN " + plain_response(login, password, authzid))

    def secure_and_authenticate(self, login, password):
        self.expect(self.greeting, 220, "greeting")
        if self.kind != "submissions":
            self.ehlo()
            self.starttls()
        self.ehlo()
        self.expect(self.auth_plain(login, password), 235, "AUTH PLAIN")

    def transaction(self, sender, recipients, data, mail_parameters=""):
        """MAIL, RCPT..., DATA (each must succeed), then `data` sent as is; returns the final reply.
        `data` is the DATA payload including the terminating ".\r\n" line (see smtp_data())."""
        self.expect(self.cmd("MAIL FROM:<%s>%s" % (sender, (" " + mail_parameters) if mail_parameters else "")),
                    250, "MAIL FROM")
        for rcpt in recipients:
            self.expect(self.cmd("RCPT TO:<%s>" % rcpt), 250, "RCPT TO")
        self.expect(self.cmd("DATA"), 354, "DATA")
        self.send_raw(data)
        return self.read_reply()

    def send_message(self, sender, recipients, message, mail_parameters=""):
        """A whole transaction with `message` (bytes, CRLF lines) dot-stuffed; returns the final reply."""
        return self.transaction(sender, recipients, smtp_data(message), mail_parameters)


# ---- messages ----------------------------------------------------------------------------------------------


def smtp_data(message):
    """The DATA payload for message bytes: dot-stuffed (RFC 5321 §4.5.2) and terminated with CRLF.CRLF."""
    if isinstance(message, str):
        message = message.encode("utf-8")
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    stuffed = b"\r\n".join((b"." + l) if l.startswith(b".") else l for l in message.split(b"\r\n"))
    return stuffed + b".\r\n"


def make_message(from_header, to="bob@example.net", subject="test", body="Hello.\r\n", extra_headers=(),
                 date=True, message_id=True):
    """An RFC 5322 message with CRLF line ends. from_header=None leaves the From field out."""
    headers = []
    if from_header is not None:
        headers.append("From: " + from_header)
    headers.append("To: " + to)
    headers.append("Subject: " + subject)
    if date:
        headers.append("Date: Mon, 30 Nov 2026 12:00:00 +0000")
    if message_id:
        headers.append("Message-ID: <%s@client.example.org>" % os.urandom(8).hex())
    headers.extend(extra_headers)
    text = "\r\n".join(headers) + "\r\n\r\n" + body
    if not text.endswith("\r\n"):
        text += "\r\n"
    return text.encode("utf-8")


def queue_id_of(reply):
    """The ID from "250 2.0.0 Ok: queued as <ID>"; fails when the reply has another shape."""
    if reply.code != 250 or reply.enhanced != "2.0.0":
        raise AssertionError("expected 250 2.0.0, got %r\ntranscript:\n%s" % (reply.raw, reply.transcript))
    text = reply.lines[0][len("2.0.0 "):]
    match = QUEUED_RE.match(text)
    if not match:
        raise AssertionError("expected '250 2.0.0 Ok: queued as <ID>', got %r" % reply.raw)
    return match.group(1)


# ---- spool inspection --------------------------------------------------------------------------------------


def _percent_decode(token):
    """Envelope values: %XX escapes (queue/envelope_format.h) over UTF-8 text, decoded to bytes."""
    data = token.encode("utf-8")
    return re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data)


class QueuedMessage:
    def __init__(self, queue_id, envelope_path, body_path):
        self.id = queue_id
        self.envelope_path = envelope_path
        self.body_path = body_path
        with open(body_path, "rb") as f:
            self.body = f.read()
        with open(envelope_path, "rb") as f:
            self.envelope_text = f.read().decode("utf-8")
        self.fields = parse_envelope(self.envelope_text)
        self.prepended = self.fields.get("headers", [b""])[0]

    @property
    def full(self):
        """What delivery will send: the prepended header fields, then the body file's bytes."""
        return self.prepended + self.body

    def field(self, key):
        values = self.fields.get(key)
        if not values or len(values) != 1:
            raise AssertionError("envelope field %r: %r\n%s" % (key, values, self.envelope_text))
        return values[0].decode("utf-8")

    @property
    def recipients(self):
        return [v.decode("utf-8").split(" ", 1)[0] for v in self.fields.get("rcpt", [])]

    def headers(self):
        """Header fields of the full message, unfolded: list of (name, value)."""
        return parse_header_fields(self.full)

    def header_values(self, name):
        return [v for n, v in self.headers() if n.lower() == name.lower()]


def parse_envelope(text):
    """queue envelope format 1 or 2: "key value" lines between "postern-envelope N" and "end" (LF ends)."""
    lines = text.split("\n")
    if not lines or lines[0] not in ("postern-envelope 1", "postern-envelope 2"):
        raise AssertionError("envelope does not start with 'postern-envelope 1' or '2':\n%s" % text)
    if "end" not in lines:
        raise AssertionError("envelope has no 'end' line:\n%s" % text)
    fields = {}
    for line in lines[1:lines.index("end")]:
        key, _, value = line.partition(" ")
        if key == "rcpt":
            address, _, rest = value.partition(" ")
            decoded = _percent_decode(address) + (b" " + rest.encode() if rest else b"")
        else:
            decoded = _percent_decode(value)
        fields.setdefault(key, []).append(decoded)
    return fields


def parse_header_fields(message):
    """(name, unfolded value) pairs of the header section (up to the first empty line)."""
    head = message.split(b"\r\n\r\n", 1)[0]
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + b" " + line.strip())
        else:
            name, _, value = line.partition(b":")
            fields.append((name, value.strip()))
    return [(n.decode("utf-8", "replace"), v.decode("utf-8", "replace")) for n, v in fields]


def spool_files(server):
    """Every regular file under <data_dir>/spool, as paths relative to it."""
    found = []
    for directory, _, files in os.walk(server.spool_dir):
        for name in files:
            found.append(os.path.relpath(os.path.join(directory, name), server.spool_dir))
    return sorted(found)


def find_queued(server, queue_id):
    """The committed message with this ID: its envelope (<ID>.env) and its body file in spool/queue."""
    queue_dir = os.path.join(server.spool_dir, "queue")
    search = queue_dir if os.path.isdir(queue_dir) else server.spool_dir
    matches = []
    for directory, _, files in os.walk(search):
        matches.extend(os.path.join(directory, n) for n in files if queue_id in n)
    envelopes = [p for p in matches if p.endswith(".env")]
    bodies = [p for p in matches if not p.endswith(".env")]
    if len(envelopes) != 1 or len(bodies) != 1:
        raise AssertionError("queue ID %s: expected one envelope (.env) and one body file under %s, found %r\n"
                             "all spool files: %r" % (queue_id, search, matches, spool_files(server)))
    return QueuedMessage(queue_id, envelopes[0], bodies[0])


def all_queued(server):
    """Every committed message (one per envelope file under spool/queue)."""
    queue_dir = os.path.join(server.spool_dir, "queue")
    messages = []
    for directory, _, files in os.walk(queue_dir):
        for name in sorted(files):
            if name.endswith(".env"):
                with open(os.path.join(directory, name), encoding="utf-8") as f:
                    queue_id = parse_envelope(f.read())["id"][0].decode()
                messages.append(find_queued(server, queue_id))
    return messages


def queued_with(server, token):
    """The one committed message whose body contains `token` (bytes or str)."""
    if isinstance(token, str):
        token = token.encode("utf-8")
    found = [m for m in all_queued(server) if token in m.body]
    if len(found) != 1:
        raise AssertionError("expected one queued message containing %r, found %d (spool: %r)"
                             % (token, len(found), spool_files(server)))
    return found[0]


# ---- test case base ----------------------------------------------------------------------------------------


class ServerTestCase(unittest.TestCase):
    """One server per test class. Subclasses set `settings` (config keys) and `users`
    ({login: (password, [sender patterns])})."""

    settings = {}
    users = {}
    server = None
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls._any_failure = False
        cls.server = PosternServer(cls.settings)
        try:
            for login, (password, patterns) in cls.users.items():
                cls.server.add_user(login, password, patterns)
            cls.server.start()
        except BaseException:
            sys.stderr.write(cls.server.log_excerpt() + "\n")
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
            if cls._any_failure or os.environ.get("POSTERN_TEST_SHOW_LOG"):
                sys.stderr.write("\n%s: a test failed; %s\n" % (cls.__name__, cls.server.log_excerpt(120)))
        finally:
            cls.server.cleanup()

    def tearDown(self):
        # Python 3.11 reports a failure to the result before tearDown; the server log is then shown once
        # the class is done (tearDownClass).
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        failed = not getattr(outcome, "success", True)
        if result is not None:
            failed = failed or any(test is self for test, _ in list(result.failures) + list(result.errors))
        if failed:
            type(self)._any_failure = True

    # -- helpers
    def connect(self, kind="submission", **kwargs):
        client = self.server.connect(kind, **kwargs)
        self.addCleanup(client.close)
        return client

    def session(self, login, password, kind="submission", **kwargs):
        client = self.server.session(login, password, kind, **kwargs)
        self.addCleanup(client.close)
        return client

    def assertReply(self, reply, code, enhanced=None, text=None, startswith=None):
        """code must match; enhanced (e.g. "5.7.1") and the full first line text (after the enhanced code)
        when given."""
        problems = []
        if reply.code != code:
            problems.append("code %d != %d" % (reply.code, code))
        if enhanced is not None and reply.enhanced != enhanced:
            problems.append("enhanced code %r != %r" % (reply.enhanced, enhanced))
        if text is not None and reply.first_line != text:
            problems.append("line %r != %r" % (reply.first_line, text))
        if startswith is not None and not reply.first_line.startswith(startswith):
            problems.append("line %r does not start with %r" % (reply.first_line, startswith))
        if problems:
            self.fail("%s\nreply: %r\ntranscript:\n%s" % ("; ".join(problems), reply.raw, reply.transcript))

    def assertClosedAfter(self, client, code, enhanced=None):
        """The server sends a reply with `code` as its last words and closes the connection (without the
        client sending anything more)."""
        replies = client.read_until_closed()
        if not replies:
            self.fail("connection closed without a %d reply\ntranscript:\n%s" % (code, client.transcript_text()))
        self.assertReply(replies[-1], code, enhanced)
        return replies

    def assertSpoolUnchanged(self, before):
        after = spool_files(self.server)
        self.assertEqual(before, after, "the spool changed although the message was refused")


def run_threads(functions):
    """Runs each callable on its own thread; re-raises the first exception (with its thread index)."""
    errors = [None] * len(functions)

    def wrap(i, fn):
        try:
            fn()
        except BaseException as e:  # reported below
            errors[i] = e

    threads = [threading.Thread(target=wrap, args=(i, fn), daemon=True) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=STOP_TIMEOUT * 3)
        if t.is_alive():
            raise AssertionError("a client thread did not finish")
    for i, e in enumerate(errors):
        if e is not None:
            raise AssertionError("thread %d failed: %s" % (i, e)) from e
