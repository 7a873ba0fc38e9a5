"""CHUNKING (RFC 3030) over real STARTTLS + AUTH: EHLO offers CHUNKING (not BINARYMIME); a message sent in
several BDAT chunks is queued with the same rules as DATA, signed (verified by dkimpy through the records
`postern dkim dns` prints) and relayed with BDAT to a smarthost that offers CHUNKING; a pipelined burst of
MAIL, RCPT and BDAT chunks in one write gets its replies in order; bare LF across a chunk boundary, a header
From the user does not own and a chunk past the size limit are refused with the stream still in step; a
connection dropped mid-chunk leaves nothing in the spool."""

import re
import shutil
import socket
import tempfile
import time
import unittest

import dkim

from postern_harness import ServerTestCase, make_message, queue_id_of, spool_files
from smarthost import FakeSmarthost, TestPki, wait_until

ALICE = "alice@example.org"
PASSWORD = "alice-secret-1"
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")
MAX_SIZE = 65536

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


def bdat(octets, last=False):
    return b"BDAT %d%s\r\n" % (len(octets), b" LAST" if last else b"") + octets


class ChunkingTest(ServerTestCase):
    users = {ALICE: (PASSWORD, ["@example.org"])}
    smarthost = None

    @classmethod
    def setUpClass(cls):
        cls.smarthost = FakeSmarthost(tls_context=TestPki.server_context(PKI.server_cert, PKI.server_key),
                                      auth=RELAY_LOGIN, chunking=True).start()
        cls.settings = {
            "smtp.max_message_size": str(MAX_SIZE),
            "relay.smarthost": cls.smarthost.address,
            "relay.tls": "starttls",
            "relay.ca_file": PKI.ca_cert,
            "relay.username": RELAY_LOGIN[0],
            "relay.password": RELAY_LOGIN[1],
            "relay.timeout.connect": "10s",
            "relay.timeout.command": "20s",
            "relay.idle_timeout": "5s",
            "queue.retry_schedule": "1s",
            "queue.delay_warning": "0",
        }
        try:
            super().setUpClass()
        except BaseException:
            cls.smarthost.stop()
            raise
        # An Ed25519 key for example.org, and its TXT record for dkimpy's stand-in DNS.
        out = cls.server.cli("dkim", "generate", "example.org", "--algorithm", "ed25519").stdout.decode()
        selector = re.search(r" selector (\S+) \(pending\)", out).group(1)
        cls.txt = {}
        for line in cls.server.cli("dkim", "dns", "example.org", selector).stdout.decode().splitlines():
            match = re.match(r'^(\S+)\. IN TXT((?: "[^"]*")+)$', line.strip())
            if match:
                cls.txt[match.group(1).lower()] = "".join(re.findall(r'"([^"]*)"', match.group(2)))
        cls.server.cli("dkim", "activate", "example.org", selector, "--force")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.smarthost.stop()

    def dnsfunc(self, name, timeout=5):
        key = (name.decode() if isinstance(name, bytes) else name).rstrip(".").lower()
        value = self.txt.get(key)
        return value.encode() if value is not None else None

    def in_transaction(self):
        client = self.session(ALICE, PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("RCPT TO:<bob@example.net>"), 250)
        return client

    def chunk(self, client, octets, last=False):
        client.send_raw(bdat(octets, last))
        return client.read_reply()

    def with_subject(self, subject):
        return [m for m in self.smarthost.received() if ("Subject: " + subject + "\r\n").encode() in m.data]

    # ---- the offer

    def test_ehlo_offers_chunking_and_not_binarymime(self):
        client = self.session(ALICE, PASSWORD)
        keywords = client.ehlo().keywords
        self.assertIn("CHUNKING", keywords)
        self.assertNotIn("BINARYMIME", keywords)

    # ---- a whole message

    def test_a_message_in_several_chunks_is_queued_signed_and_relayed_with_bdat(self):
        body = "".join("Line %d of a chunked message.\r\n" % i for i in range(200)) + ".\r\n..\r\nEnd.\r\n"
        message = make_message("Alice <%s>" % ALICE, subject="chunked-dkim", body=body)
        client = self.in_transaction()
        thirds = [message[:100], message[100:2000], message[2000:]]
        self.assertReply(self.chunk(client, thirds[0]), 250, "2.0.0")
        self.assertReply(self.chunk(client, thirds[1]), 250, "2.0.0")
        queue_id = queue_id_of(self.chunk(client, thirds[2], last=True))
        self.assertReply(client.cmd("QUIT"), 221)

        delivered = wait_until(lambda: self.with_subject("chunked-dkim"), what="the message at the smarthost")
        data = delivered[0].data
        self.assertTrue(data.endswith(message), "the content arrives byte for byte, dots and all")
        self.assertIn(b"id " + queue_id.encode(), data)  # Postern's Received field
        self.assertTrue(dkim.DKIM(data).verify(dnsfunc=self.dnsfunc), "dkimpy verifies the signature")
        # Postern relayed it with BDAT: one LAST chunk of exactly the delivered size.
        self.assertIn((len(data), True), self.smarthost.chunks)

    def test_a_pipelined_bdat_burst_in_one_write_gets_every_reply_in_order(self):
        message = make_message("Alice <%s>" % ALICE, subject="chunked-burst", body="Burst.\r\n")
        client = self.session(ALICE, PASSWORD)
        client.send_raw(b"MAIL FROM:<" + ALICE.encode() + b">\r\nRCPT TO:<bob@example.net>\r\n" +
                        bdat(message[:40]) + bdat(message[40:]) + b"BDAT 0 LAST\r\nNOOP\r\n")
        self.assertReply(client.read_reply(), 250, "2.1.0")
        self.assertReply(client.read_reply(), 250, "2.1.5")
        self.assertEqual(client.read_reply().first_line, "250 2.0.0 40 octets received")
        self.assertReply(client.read_reply(), 250, "2.0.0")
        queue_id_of(client.read_reply())
        self.assertReply(client.read_reply(), 250)  # NOOP
        wait_until(lambda: self.with_subject("chunked-burst"), what="the burst message at the smarthost")

    # ---- refusals keep the stream in step

    def assertRefusedInStep(self, client, reply, code, enhanced, before):
        self.assertReply(reply, code, enhanced)
        # Nothing new in the spool (an earlier test's message may leave it meanwhile: delivery goes on).
        self.assertEqual(sorted(set(spool_files(self.server)) - set(before)), [])
        self.assertReply(client.cmd("VRFY marker"), 252)  # the next command gets its own reply

    def test_bare_lf_across_a_chunk_boundary_is_refused_at_last(self):
        before = spool_files(self.server)
        client = self.in_transaction()
        head = ("From: %s\r\nSubject: bare\r\n\r\nline one" % ALICE).encode()
        self.assertReply(self.chunk(client, head + b"\r"), 250)
        # The CR that ended the first chunk is followed by a letter: a bare CR; then a bare LF.
        reply = self.chunk(client, b"x\nline two\r\n", last=True)
        self.assertRefusedInStep(client, reply, 550, "5.5.2", before)

    def test_a_crlf_split_across_chunks_is_an_ordinary_line_end(self):
        client = self.in_transaction()
        head = ("From: %s\r\nSubject: split-crlf\r\n\r\nline one\r" % ALICE).encode()
        self.assertReply(self.chunk(client, head), 250)
        queue_id_of(self.chunk(client, b"\nline two\r\n", last=True))

    def test_a_header_from_the_user_does_not_own_is_refused_at_last(self):
        before = spool_files(self.server)
        client = self.in_transaction()
        message = make_message("Mallory <mallory@evil.example>", subject="spoof", body="x\r\n")
        self.assertReply(self.chunk(client, message[:30]), 250)
        self.assertRefusedInStep(client, self.chunk(client, message[30:], last=True), 550, "5.7.1", before)

    def test_a_chunk_past_the_size_limit_is_read_and_refused_552(self):
        before = spool_files(self.server)
        client = self.in_transaction()
        self.assertReply(self.chunk(client, b"From: " + ALICE.encode() + b"\r\n\r\n" + b"x" * 1000 + b"\r\n"), 250)
        # The whole oversized chunk is read (it may hold anything, such as commands) before the reply.
        big = (b"RSET\r\n" * 20000)[:MAX_SIZE]
        self.assertRefusedInStep(client, self.chunk(client, big, last=True), 552, "5.3.4", before)

    def test_bdat_without_mail_is_503_and_its_octets_are_not_commands(self):
        client = self.session(ALICE, PASSWORD)
        self.assertReply(self.chunk(client, b"QUIT\r\n"), 503, "5.5.1")
        self.assertReply(client.cmd("NOOP"), 250)

    def test_data_after_bdat_is_refused_503(self):
        client = self.in_transaction()
        self.assertReply(self.chunk(client, b"From: " + ALICE.encode() + b"\r\n"), 250)
        self.assertReply(client.cmd("DATA"), 503, "5.5.1")
        self.assertReply(client.cmd("RSET"), 250)

    def test_a_connection_dropped_mid_chunk_leaves_nothing_in_the_spool(self):
        before = spool_files(self.server)
        client = self.in_transaction()
        client.send_raw(b"BDAT 5000 LAST\r\nFrom: " + ALICE.encode() + b"\r\n\r\npartial")
        time.sleep(0.3)
        try:
            client.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        client.close()
        wait_until(lambda: not set(spool_files(self.server)) - set(before), timeout=10,
                   what="the partial message removed")


if __name__ == "__main__":
    unittest.main()
