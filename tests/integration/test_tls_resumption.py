"""TLS session resumption over real sockets: a returning client resumes with its session ticket (TLS 1.2
and 1.3) on implicit TLS (465 style), after STARTTLS (587 style) and on the web admin's HTTPS listener; a
ticket older than the ticket keys' rotation window (two periods of tls.ticket_key_rotation) does not
resume; tls.ticket_key_rotation = 0 turns tickets off."""

import socket
import ssl
import time
import unittest

from postern_harness import HOSTNAME, IO_TIMEOUT, LOOPBACK, ServerTestCase

ROTATION = 3  # seconds: a ticket opens for at most 2 * ROTATION seconds

VERSIONS = {"TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}


def client_context(server, version):
    context = server.tls_context(minimum=VERSIONS[version], maximum=VERSIONS[version])
    return context


def _read_reply(tls):
    data = b""
    while True:
        chunk = tls.recv(65536)
        if not chunk:
            raise AssertionError("connection closed, got %r" % data)
        data += chunk
        lines = data.split(b"\r\n")
        for line in lines[:-1]:
            if len(line) >= 4 and line[3:4] == b" ":
                return data


def smtp_handshake(server, kind, context, session=None):
    """Connects to a listener, secures the connection (implicit TLS or STARTTLS), sends EHLO so that TLS
    1.3 tickets have arrived, and returns (session, session_reused, version)."""
    sock = socket.create_connection((LOOPBACK, server.port(kind)), timeout=IO_TIMEOUT)
    try:
        if kind == "submissions":
            tls = context.wrap_socket(sock, server_hostname=HOSTNAME, session=session)
            _read_reply(tls)
        else:
            sock.settimeout(IO_TIMEOUT)
            greeting = sock.recv(4096)
            assert greeting.startswith(b"220"), greeting
            sock.sendall(b"EHLO client.example.org\r\n")
            _read_reply(sock)
            sock.sendall(b"STARTTLS\r\n")
            reply = _read_reply(sock)
            assert reply.startswith(b"220"), reply
            tls = context.wrap_socket(sock, server_hostname=HOSTNAME, session=session)
        tls.sendall(b"EHLO client.example.org\r\n")
        reply = _read_reply(tls)
        assert reply.startswith(b"250"), reply
        tls.sendall(b"QUIT\r\n")
        _read_reply(tls)
        result = (tls.session, tls.session_reused, tls.version())
        tls.close()
        return result
    finally:
        sock.close()


def https_handshake(port, context, session=None):
    sock = socket.create_connection((LOOPBACK, port), timeout=IO_TIMEOUT)
    try:
        tls = context.wrap_socket(sock, server_hostname=HOSTNAME, session=session)
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: " + HOSTNAME.encode() + b"\r\nConnection: close\r\n\r\n")
        response = b""
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            response += chunk
        assert response.startswith(b"HTTP/1.1 "), response[:200]
        result = (tls.session, tls.session_reused, tls.version())
        tls.close()
        return result
    finally:
        sock.close()


class SessionResumptionTest(ServerTestCase):
    settings = {"tls.ticket_key_rotation": "%ds" % ROTATION, "admin.listen": LOOPBACK + ":0"}

    def assert_resumes(self, handshake):
        for version in VERSIONS:
            with self.subTest(version=version):
                context = client_context(self.server, version)
                session, reused, negotiated = handshake(context, None)
                self.assertEqual(negotiated, version)
                self.assertFalse(reused)
                self.assertIsNotNone(session)
                _, reused, _ = handshake(context, session)
                self.assertTrue(reused, "a returning %s client made a full handshake" % version)

    def test_a_returning_client_resumes_on_implicit_tls(self):
        self.assert_resumes(lambda ctx, s: smtp_handshake(self.server, "submissions", ctx, s))

    def test_a_returning_client_resumes_after_starttls(self):
        self.assert_resumes(lambda ctx, s: smtp_handshake(self.server, "submission", ctx, s))

    def test_a_returning_client_resumes_on_the_admin_https_listener(self):
        self.assert_resumes(lambda ctx, s: https_handshake(self.server.admin_port, ctx, s))

    def test_a_ticket_from_before_the_rotation_window_no_longer_resumes(self):
        contexts = {v: client_context(self.server, v) for v in VERSIONS}
        sessions = {v: smtp_handshake(self.server, "submissions", contexts[v])[0] for v in VERSIONS}
        time.sleep(2 * ROTATION + 1)
        for version in VERSIONS:
            with self.subTest(version=version):
                session, reused, _ = smtp_handshake(self.server, "submissions", contexts[version],
                                                    sessions[version])
                self.assertFalse(reused, "a %s ticket older than two rotation periods resumed" % version)
                # The full handshake handed out a fresh ticket, which resumes.
                _, reused, _ = smtp_handshake(self.server, "submissions", contexts[version], session)
                self.assertTrue(reused)


class TicketsOffTest(ServerTestCase):
    settings = {"tls.ticket_key_rotation": "0"}

    def test_with_rotation_zero_nobody_resumes(self):
        for version in VERSIONS:
            with self.subTest(version=version):
                context = client_context(self.server, version)
                session, _, _ = smtp_handshake(self.server, "submissions", context)
                if session is None:
                    continue  # no ticket at all: nothing to resume with, as intended
                _, reused, _ = smtp_handshake(self.server, "submissions", context, session)
                self.assertFalse(reused)


if __name__ == "__main__":
    unittest.main()
