"""TLS on the three listener kinds: STARTTLS on submission and alternate (RFC 3207, RFC 6409), implicit TLS
on submissions (RFC 8314), protocol versions, the generated certificate, and CVE-2011-0411 (plaintext
pipelined after STARTTLS must be discarded)."""

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from postern_harness import (HOSTNAME, IO_TIMEOUT, LOOPBACK, PosternServer, ServerTestCase, checked_legacy_context,
                             make_message, queue_id_of, find_queued, verifying_context)

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"


class TlsAndStarttlsTest(ServerTestCase):
    settings = {"smtp.max_message_size": "2000000"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    # ---- submission (587 style) before TLS

    def test_greets_with_hostname_esmtp_postern(self):
        client = self.connect()
        self.assertReply(client.greeting, 220, startswith="220 %s ESMTP Postern" % HOSTNAME)

    def test_ehlo_before_tls_offers_pipelining_size_8bitmime_enhancedstatuscodes_smtputf8_starttls(self):
        client = self.connect()
        reply = client.ehlo()
        self.assertTrue(reply.lines[0].startswith(HOSTNAME), reply.raw)
        keywords = reply.keywords
        for keyword in ("PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "STARTTLS"):
            self.assertIn(keyword, keywords, reply.raw)
        self.assertEqual(keywords["SIZE"], "SIZE 2000000", reply.raw)

    def test_ehlo_before_tls_offers_no_auth(self):
        client = self.connect()
        reply = client.ehlo()
        self.assertNotIn("AUTH", reply.keywords, reply.raw)
        self.assertFalse(any(l.upper().startswith("AUTH") for l in reply.lines), reply.raw)

    def test_rejects_auth_before_starttls(self):
        client = self.connect()
        client.ehlo()
        self.assertReply(client.cmd("AUTH PLAIN " + "AGFsaWNlQGV4YW1wbGUub3JnAGFsaWNlLXNlY3JldC0x"), 530, "5.7.0")

    def test_rejects_auth_login_before_starttls(self):
        client = self.connect()
        client.ehlo()
        self.assertReply(client.cmd("AUTH LOGIN"), 530, "5.7.0")

    def test_rejects_mail_before_starttls(self):
        client = self.connect()
        client.ehlo()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 530, "5.7.0")

    def test_rejects_rcpt_before_starttls(self):
        client = self.connect()
        client.ehlo()
        self.assertReply(client.cmd("RCPT TO:<bob@example.net>"), 530, "5.7.0")

    def test_rejects_data_before_starttls(self):
        client = self.connect()
        client.ehlo()
        self.assertReply(client.cmd("DATA"), 530, "5.7.0")

    def test_starttls_replies_220_and_upgrades_the_connection(self):
        client = self.connect()
        client.ehlo()
        reply = client.starttls()
        self.assertReply(reply, 220)
        self.assertIn(client.tls_version, ("TLSv1.2", "TLSv1.3"))
        self.assertReply(client.cmd("NOOP"), 250)

    def test_ehlo_after_starttls_offers_auth_plain_login_and_no_starttls(self):
        client = self.connect()
        client.ehlo()
        client.starttls()
        reply = client.ehlo()
        keywords = reply.keywords
        self.assertIn("AUTH", keywords, reply.raw)
        mechanisms = set(keywords["AUTH"].upper().split()[1:])
        self.assertEqual(mechanisms, {"PLAIN", "LOGIN"}, reply.raw)
        self.assertNotIn("STARTTLS", keywords, reply.raw)
        for keyword in ("PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8"):
            self.assertIn(keyword, keywords, reply.raw)

    def test_starttls_discards_commands_pipelined_in_the_same_packet(self):
        # CVE-2011-0411: the injected MAIL FROM must never be processed, in plaintext or after TLS.
        client = self.connect()
        client.ehlo("attacker.example")
        client.send_raw(b"STARTTLS\r\nMAIL FROM:<" + ALICE.encode() + b">\r\nRCPT TO:<victim@example.net>\r\n")
        reply = client.read_reply()
        self.assertReply(reply, 220)
        self.assertEqual(client.buffer, b"", "the server answered the injected commands in plaintext")
        client._wrap(self.server.tls_context())
        # The first reply after the handshake must be the one to our own EHLO.
        reply = client.cmd("EHLO client.example.org")
        self.assertReply(reply, 250)
        self.assertTrue(reply.lines[0].startswith(HOSTNAME), reply.raw)
        self.assertIn("AUTH", reply.keywords, reply.raw)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)
        # Had the injected MAIL been kept, this MAIL would be a nested one (503); RCPT must also be unknown.
        self.assertReply(client.cmd("VRFY marker"), 252)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        reply = client.cmd("DATA")
        self.assertEqual(reply.code // 100, 5, "DATA without any RCPT must fail: the injected RCPT ran\n%s"
                         % reply.transcript)

    def test_starttls_discards_an_injected_quit(self):
        client = self.connect()
        client.ehlo()
        client.send_raw(b"STARTTLS\r\nQUIT\r\n")
        reply = client.read_reply()
        self.assertReply(reply, 220)
        self.assertEqual(client.buffer, b"")
        client._wrap(self.server.tls_context())
        # The injected QUIT did not run: the connection is open and answers.
        self.assertReply(client.cmd("NOOP"), 250)
        self.assertReply(client.cmd("EHLO client.example.org"), 250)

    def test_starttls_with_plaintext_in_a_separate_write_never_runs_it(self):
        # The injected bytes may reach the server with STARTTLS or just after it; either the session
        # discards them or they break the handshake. They must never be taken as commands.
        client = self.connect()
        client.ehlo()
        client.send_raw(b"STARTTLS\r\n")
        client.send_raw(b"MAIL FROM:<" + ALICE.encode() + b">\r\n")
        self.assertReply(client.read_reply(), 220)
        self.assertEqual(client.buffer, b"")
        try:
            client._wrap(self.server.tls_context())
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            return  # the handshake failed on the plaintext: safe
        reply = client.cmd("EHLO client.example.org")
        self.assertReply(reply, 250)
        self.assertIn("AUTH", reply.keywords, reply.raw)

    def test_generated_certificate_verifies_for_the_configured_hostname(self):
        context = self.server.tls_context()
        with socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname=HOSTNAME) as tls:
                names = [v for k, v in tls.getpeercert().get("subjectAltName", ()) if k == "DNS"]
                self.assertEqual(names, [HOSTNAME])

    def test_generated_certificate_does_not_verify_for_another_name(self):
        # Proves the client contexts really verify: the same certificate fails for a different name.
        context = self.server.tls_context()
        with socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname="other.example.org", do_handshake_on_connect=False) as tls:
                with self.assertRaises(ssl.SSLCertVerificationError):
                    tls.do_handshake()

    # ---- submissions (465 style)

    def test_submissions_port_greets_after_the_tls_handshake(self):
        client = self.connect("submissions")
        self.assertIn(client.tls_version, ("TLSv1.2", "TLSv1.3"))
        self.assertReply(client.greeting, 220, startswith="220 %s ESMTP Postern" % HOSTNAME)

    def test_submissions_port_offers_auth_and_no_starttls(self):
        client = self.connect("submissions")
        reply = client.ehlo()
        self.assertIn("AUTH", reply.keywords, reply.raw)
        self.assertEqual(set(reply.keywords["AUTH"].upper().split()[1:]), {"PLAIN", "LOGIN"}, reply.raw)
        self.assertNotIn("STARTTLS", reply.keywords, reply.raw)

    def test_submissions_port_accepts_auth_at_once(self):
        client = self.connect("submissions")
        client.ehlo()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235, "2.7.0")

    def test_submissions_port_accepts_a_message(self):
        client = self.session(ALICE, ALICE_PASSWORD, "submissions")
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        find_queued(self.server, queue_id_of(reply))

    def test_submissions_port_rejects_starttls(self):
        client = self.connect("submissions")
        client.ehlo()
        reply = client.cmd("STARTTLS")
        self.assertIn(reply.code // 100, (4, 5), reply.transcript)
        self.assertReply(client.cmd("NOOP"), 250)

    def test_submissions_port_closes_a_plaintext_client(self):
        with socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT) as raw:
            raw.sendall(b"EHLO client.example.org\r\n")
            received = b""
            while True:
                try:
                    data = raw.recv(4096)
                except ConnectionResetError:
                    break
                if not data:
                    break
                received += data
            self.assertNotIn(b"220 ", received, "a plaintext client got an SMTP greeting on the implicit-TLS port")
            self.assertNotIn(b"250", received)

    # ---- alternate (submission's rules)

    def test_alternate_port_greets_and_offers_starttls_without_auth(self):
        client = self.connect("alternate")
        self.assertReply(client.greeting, 220, startswith="220 %s ESMTP Postern" % HOSTNAME)
        reply = client.ehlo()
        self.assertIn("STARTTLS", reply.keywords, reply.raw)
        self.assertNotIn("AUTH", reply.keywords, reply.raw)

    def test_alternate_port_rejects_auth_and_mail_before_starttls(self):
        client = self.connect("alternate")
        client.ehlo()
        self.assertReply(client.cmd("AUTH PLAIN " + "AGFsaWNlQGV4YW1wbGUub3JnAGFsaWNlLXNlY3JldC0x"), 530, "5.7.0")
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 530, "5.7.0")

    def test_alternate_port_accepts_a_message_after_starttls_and_auth(self):
        client = self.session(ALICE, ALICE_PASSWORD, "alternate")
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        find_queued(self.server, queue_id_of(reply))

    def test_alternate_port_discards_commands_pipelined_after_starttls(self):
        client = self.connect("alternate")
        client.ehlo()
        client.send_raw(b"STARTTLS\r\nMAIL FROM:<" + ALICE.encode() + b">\r\n")
        self.assertReply(client.read_reply(), 220)
        self.assertEqual(client.buffer, b"")
        client._wrap(self.server.tls_context())
        reply = client.cmd("EHLO client.example.org")
        self.assertReply(reply, 250)
        self.assertIn("AUTH", reply.keywords, reply.raw)

    # ---- protocol versions

    def _legacy_context_or_skip(self, version):
        """A client that offers only `version`, checked against a local Python TLS server first, so that a
        refusal below is Postern's doing."""
        context, why = checked_legacy_context(version, self.server.certificate_path)
        if context is None:
            self.skipTest(why)
        return context

    def _assert_handshake_refused(self, kind, context):
        with socket.create_connection((LOOPBACK, self.server.port(kind)), timeout=IO_TIMEOUT) as raw:
            raw.settimeout(IO_TIMEOUT)
            if kind != "submissions":
                greeting = raw.recv(4096)
                self.assertTrue(greeting.startswith(b"220 "), greeting)
                raw.sendall(b"EHLO client.example.org\r\n")
                received = b""
                while not received.endswith(b"\r\n") or b"250 " not in received:
                    data = raw.recv(4096)
                    self.assertTrue(data, "closed during EHLO")
                    received += data
                raw.sendall(b"STARTTLS\r\n")
                self.assertTrue(raw.recv(4096).startswith(b"220"))
            with context.wrap_socket(raw, server_hostname=HOSTNAME, do_handshake_on_connect=False) as tls:
                with self.assertRaises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
                    tls.do_handshake()
                    # If a handshake somehow completed, a read must still fail for the test to pass.
                    tls.recv(1)
                    self.fail("handshake with %s completed on %s" % (tls.version(), kind))

    def test_refuses_tls_1_0_on_submissions(self):
        self._assert_handshake_refused("submissions", self._legacy_context_or_skip(ssl.TLSVersion.TLSv1))

    def test_refuses_tls_1_1_on_submissions(self):
        self._assert_handshake_refused("submissions", self._legacy_context_or_skip(ssl.TLSVersion.TLSv1_1))

    def test_refuses_tls_1_0_after_starttls(self):
        self._assert_handshake_refused("submission", self._legacy_context_or_skip(ssl.TLSVersion.TLSv1))

    def test_refuses_tls_1_1_after_starttls(self):
        self._assert_handshake_refused("submission", self._legacy_context_or_skip(ssl.TLSVersion.TLSv1_1))

    def _assert_version_works(self, kind, version, name):
        context = self.server.tls_context(minimum=version, maximum=version)
        client = self.connect(kind, tls_context=context) if kind == "submissions" else self.connect(kind)
        if kind != "submissions":
            client.ehlo()
            client.starttls(context)
        self.assertEqual(client.tls_version, name)
        client.ehlo()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)

    def test_accepts_tls_1_2_on_submissions(self):
        self._assert_version_works("submissions", ssl.TLSVersion.TLSv1_2, "TLSv1.2")

    def test_accepts_tls_1_3_on_submissions(self):
        self._assert_version_works("submissions", ssl.TLSVersion.TLSv1_3, "TLSv1.3")

    def test_accepts_tls_1_2_after_starttls(self):
        self._assert_version_works("submission", ssl.TLSVersion.TLSv1_2, "TLSv1.2")

    def test_accepts_tls_1_3_after_starttls(self):
        self._assert_version_works("submission", ssl.TLSVersion.TLSv1_3, "TLSv1.3")



def make_ca_chain(directory):
    """root CA -> intermediate CA -> leaf for HOSTNAME, with `openssl`. Returns (root.crt, chain.pem with leaf
    then intermediate, leaf.key, other.key)."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=120)

    with open(os.path.join(directory, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    with open(os.path.join(directory, "leaf.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" % HOSTNAME)
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key",
        "-out", "root.crt", "-days", "30", "-subj", "/CN=Postern Test Root",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "int.key",
        "-out", "int.csr", "-subj", "/CN=Postern Test Intermediate")
    run("x509", "-req", "-in", "int.csr", "-CA", "root.crt", "-CAkey", "root.key", "-CAcreateserial",
        "-out", "int.crt", "-days", "30", "-extfile", "ca.ext")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key",
        "-out", "leaf.csr", "-subj", "/CN=" + HOSTNAME)
    run("x509", "-req", "-in", "leaf.csr", "-CA", "int.crt", "-CAkey", "int.key", "-CAcreateserial",
        "-out", "leaf.crt", "-days", "30", "-extfile", "leaf.ext")
    run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key")
    chain = os.path.join(directory, "chain.pem")
    with open(chain, "wb") as out:
        for name in ("leaf.crt", "int.crt"):
            with open(os.path.join(directory, name), "rb") as f:
                out.write(f.read())
    return (os.path.join(directory, "root.crt"), chain, os.path.join(directory, "leaf.key"),
            os.path.join(directory, "other.key"))


class ConfiguredCertificateTest(unittest.TestCase):
    """tls.certificate / tls.private_key: a chain (server certificate first) issued by a CA the client trusts;
    no self-signed certificate is generated then."""

    @classmethod
    def setUpClass(cls):
        cls.pki = tempfile.mkdtemp(prefix="postern-it-pki-")
        cls.root, cls.chain, cls.key, cls.other_key = make_ca_chain(cls.pki)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.pki, ignore_errors=True)

    def test_configured_chain_is_served_and_verifies_against_the_root(self):
        server = PosternServer({"tls.certificate": self.chain, "tls.private_key": self.key})
        self.addCleanup(server.cleanup)
        server.add_user(ALICE, ALICE_PASSWORD)
        server.start()
        context = verifying_context(self.root)  # trusts the root only: the intermediate must come from the server
        for kind in ("submissions", "submission"):
            client = server.connect(kind, tls_context=context)
            self.addCleanup(client.close)
            if kind != "submissions":
                client.ehlo()
                client.starttls(context)
            client.ehlo()
            self.assertEqual(client.auth_plain(ALICE, ALICE_PASSWORD).code, 235, client.transcript_text())
        self.assertFalse(os.path.exists(server.certificate_path), "a self-signed certificate was generated anyway")
        server.stop()

    def test_key_that_does_not_match_the_certificate_stops_the_start(self):
        server = PosternServer({"tls.certificate": self.chain, "tls.private_key": self.other_key})
        self.addCleanup(server.cleanup)
        with self.assertRaises(AssertionError) as raised:
            server.start()
        self.assertIn("exited with status 1", str(raised.exception))
        self.assertIn("does not match", server.log_text())


class MinimumProtocolTest(ServerTestCase):
    settings = {"tls.min_protocol": "1.3"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_tls_min_protocol_1_3_refuses_tls_1_2(self):
        context = self.server.tls_context(maximum=ssl.TLSVersion.TLSv1_2)
        with socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname=HOSTNAME, do_handshake_on_connect=False) as tls:
                with self.assertRaises((ssl.SSLError, ConnectionResetError)):
                    tls.do_handshake()

    def test_tls_min_protocol_1_3_accepts_tls_1_3(self):
        client = self.connect("submissions", tls_context=self.server.tls_context(minimum=ssl.TLSVersion.TLSv1_3))
        self.assertEqual(client.tls_version, "TLSv1.3")


if __name__ == "__main__":
    unittest.main()
