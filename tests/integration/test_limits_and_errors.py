"""Limits (recipients, SIZE, command line length, connections per address, idle timeouts) and the handling of
errors and foreign protocols (bare LF in commands, HTTP, a TLS ClientHello on the plaintext port, repeated
errors), plus the simple commands VRFY, EXPN, NOOP, RSET and QUIT."""

import random
import socket
import struct
import time
import unittest

from postern_harness import (IO_TIMEOUT, LOOPBACK, PosternServer, ServerTestCase, all_queued,
                             client_hello_bytes, find_queued, make_message, queue_id_of, spool_files)

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
MAX_SIZE = 10000


class LimitsAndErrorsTest(ServerTestCase):
    settings = {"smtp.max_recipients": "3", "smtp.max_message_size": str(MAX_SIZE)}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def alice(self):
        return self.session(ALICE, ALICE_PASSWORD)

    # ---- recipients and SIZE

    def test_rcpt_to_any_domain_gets_250(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        for rcpt in ("bob@example.net", "carol@elsewhere.example", "dan@xn--bcher-kva.example"):
            self.assertReply(client.cmd("RCPT TO:<%s>" % rcpt), 250)

    def test_rcpt_over_max_recipients_gets_452_4_5_3(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        recipients = ["r%d@example.net" % i for i in range(3)]
        for rcpt in recipients:
            self.assertReply(client.cmd("RCPT TO:<%s>" % rcpt), 250)
        self.assertReply(client.cmd("RCPT TO:<r3@example.net>"), 452, "4.5.3")
        # The transaction goes on with the recipients that were accepted.
        self.assertReply(client.cmd("DATA"), 354)
        client.send_raw(b"From: " + ALICE.encode() + b"\r\nSubject: three\r\n\r\nbody\r\n.\r\n")
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.recipients, recipients)

    def test_mail_size_parameter_over_limit_gets_552_5_3_4(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s> SIZE=%d" % (ALICE, MAX_SIZE + 1)), 552, "5.3.4")
        self.assertReply(client.cmd("MAIL FROM:<%s> SIZE=%d" % (ALICE, MAX_SIZE // 2)), 250)

    def test_mail_size_parameter_that_overflows_is_refused(self):
        reply = self.alice().cmd("MAIL FROM:<%s> SIZE=184467440737095516160" % ALICE)
        self.assertIn(reply.code, (501, 552, 555), reply.transcript)

    def test_mail_size_parameter_within_limit_gets_250(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<%s> SIZE=%d" % (ALICE, MAX_SIZE // 2)), 250)

    def test_ehlo_advertises_the_configured_size(self):
        client = self.connect()
        self.assertEqual(client.ehlo().keywords.get("SIZE"), "SIZE %d" % MAX_SIZE)

    # ---- command lines

    def test_command_line_of_512_octets_is_accepted(self):
        client = self.connect()
        line = b"NOOP " + b"x" * (512 - 2 - 5)
        self.assertEqual(len(line) + 2, 512)
        self.assertReply(client.cmd(line), 250)

    def test_command_line_over_512_octets_gets_500_5_5_2(self):
        client = self.connect()
        line = b"NOOP " + b"x" * (513 - 2 - 5)
        self.assertEqual(len(line) + 2, 513)
        self.assertReply(client.cmd(line), 500, "5.5.2")
        self.assertReply(client.cmd("NOOP"), 250)

    def test_very_long_command_line_gets_one_500_5_5_2(self):
        client = self.connect()
        self.assertReply(client.cmd(b"NOOP " + b"x" * 100000), 500, "5.5.2")
        self.assertReply(client.cmd("VRFY marker"), 252)

    def test_bare_lf_in_command_gets_500_5_5_2(self):
        client = self.connect()
        client.send_raw(b"NOOP\nNOOP\r\n")
        self.assertReply(client.read_reply(), 500, "5.5.2")

    def test_bare_lf_after_auth_gets_500_5_5_2(self):
        client = self.alice()
        client.send_raw(b"MAIL FROM:<" + ALICE.encode() + b">\nRCPT TO:<bob@example.net>\r\n")
        self.assertReply(client.read_reply(), 500, "5.5.2")

    # ---- foreign protocols

    def test_http_request_gets_554_and_close(self):
        client = self.connect()
        client.send_raw(b"GET / HTTP/1.1\r\nHost: mail.postern.test\r\nUser-Agent: test\r\n\r\n")
        replies = client.read_until_closed()
        self.assertEqual([r.code for r in replies], [554], "\n" + client.transcript_text())

    def test_http_post_gets_554_and_close(self):
        client = self.connect()
        client.send_raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na=b")
        replies = client.read_until_closed()
        self.assertEqual([r.code for r in replies], [554], "\n" + client.transcript_text())

    def test_tls_client_hello_on_plaintext_port_closes_connection(self):
        client = self.connect()
        client.send_raw(client_hello_bytes())
        replies = client.read_until_closed()
        self.assertTrue(all(r.code >= 400 for r in replies), [r.raw for r in replies])

    # ---- repeated errors

    def test_five_consecutive_errors_get_421_and_close(self):
        client = self.connect()
        for i in range(4):
            reply = client.cmd("XYZZY %d" % i)
            self.assertEqual(reply.code // 100, 5, reply.transcript)
        client.send_raw(b"XYZZY 4\r\n")
        replies = self.assertClosedAfter(client, 421)
        self.assertLessEqual(len(replies), 2)

    def test_error_count_resets_after_a_good_command(self):
        client = self.connect()
        for _ in range(2):
            for i in range(4):
                self.assertEqual(client.cmd("XYZZY %d" % i).code // 100, 5)
            self.assertReply(client.cmd("NOOP"), 250)

    def test_unknown_command_gets_500(self):
        self.assertReply(self.connect().cmd("XYZZY"), 500)

    def test_rcpt_before_mail_gets_503(self):
        self.assertReply(self.alice().cmd("RCPT TO:<bob@example.net>"), 503)

    def test_nested_mail_gets_503(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 503)

    # ---- simple commands

    def test_vrfy_gets_252(self):
        self.assertReply(self.connect().cmd("VRFY alice@example.org"), 252)

    def test_expn_gets_502(self):
        self.assertReply(self.connect().cmd("EXPN staff"), 502)

    def test_noop_gets_250(self):
        self.assertReply(self.connect().cmd("NOOP"), 250)

    def test_rset_gets_250_and_clears_the_transaction(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("RSET"), 250)
        self.assertReply(client.cmd("RCPT TO:<bob@example.net>"), 503)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)

    def test_quit_gets_221_and_close(self):
        client = self.connect()
        client.send_raw(b"QUIT\r\n")
        replies = client.read_until_closed()
        self.assertEqual([r.code for r in replies], [221], "\n" + client.transcript_text())

    def test_quit_over_tls_gets_221_and_close(self):
        client = self.alice()
        client.send_raw(b"QUIT\r\n")
        replies = client.read_until_closed()
        self.assertEqual([r.code for r in replies], [221], "\n" + client.transcript_text())

    def test_many_pipelined_commands_get_all_replies_in_order(self):
        client = self.connect()
        client.send_raw(b"".join(b"VRFY n%d\r\nNOOP\r\n" % i for i in range(150)))
        codes = [client.read_reply().code for _ in range(300)]
        self.assertEqual(codes, [252, 250] * 150)
        self.assertReply(client.cmd("RSET"), 250)

    def test_server_survives_garbage_on_every_port(self):
        rng = random.Random(20261130)
        blobs = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000))) for _ in range(12)]
        blobs += [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + blobs[0][:40],  # a truncated ClientHello
                  b"\x00" * 2000, b"\r\n" * 500, b"\n" * 600, b"EHLO " + b"\xff" * 600 + b"\r\n"]
        for kind in ("submission", "submissions", "alternate"):
            for blob in blobs:
                with socket.create_connection((LOOPBACK, self.server.port(kind)), timeout=IO_TIMEOUT) as raw:
                    try:
                        raw.sendall(blob)
                        raw.shutdown(socket.SHUT_WR)
                        while raw.recv(65536):
                            pass
                    except OSError:
                        pass  # reset by the server: fine
        # Still serving, and still correct.
        client = self.alice()
        find_queued(self.server, queue_id_of(client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))))

    def test_commands_are_case_insensitive(self):
        client = self.connect()
        self.assertReply(client.cmd("ehlo client.example.org"), 250)
        self.assertReply(client.cmd("nOoP"), 250)


class PerAddressConnectionCapTest(ServerTestCase):
    settings = {"smtp.max_connections_per_ip": "2"}

    def test_connection_beyond_per_ip_cap_gets_421_4_7_0_until_one_closes(self):
        first, second = self.connect(), self.connect()
        self.assertReply(first.greeting, 220)
        self.assertReply(second.greeting, 220)
        third = self.connect(read_greeting=False)
        replies = third.read_until_closed()
        self.assertEqual(len(replies), 1, third.transcript_text())
        self.assertReply(replies[0], 421, "4.7.0", text="421 4.7.0 Too many connections from your address")
        # The two admitted connections are unaffected.
        self.assertReply(first.cmd("NOOP"), 250)
        self.assertReply(second.cmd("NOOP"), 250)
        # Once one leaves, a new connection is admitted (release is asynchronous: poll, no timing claim).
        first.send_raw(b"QUIT\r\n")
        self.assertEqual([r.code for r in first.read_until_closed()], [221])
        deadline = time.monotonic() + IO_TIMEOUT
        while True:
            client = self.connect()
            if client.greeting.code == 220:
                break
            client.close()
            if time.monotonic() > deadline:
                self.fail("no connection admitted after one of two left\n" + self.server.log_excerpt(40))
            time.sleep(0.1)
        self.assertReply(client.cmd("NOOP"), 250)
        # The cap counts the address over all listeners: the alternate port is full too.
        other = self.connect("alternate", read_greeting=False)
        replies = other.read_until_closed()
        self.assertEqual([(r.code, r.enhanced) for r in replies], [(421, "4.7.0")], other.transcript_text())


class ConnectionAccountingTest(ServerTestCase):
    """Connections that end abnormally give their slot back (a leak would lock an office out)."""

    settings = {"smtp.max_connections_per_ip": "3", "smtp.timeout.preauth": "60"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_abnormally_ended_connections_release_their_slots(self):
        for _ in range(4):
            # HTTP request: 554 and close
            client = self.connect()
            client.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            client.read_until_closed()
            client.close()
            # TLS ClientHello on the plaintext port: close
            client = self.connect()
            client.send_raw(client_hello_bytes())
            client.read_until_closed()
            client.close()
            # Client vanishes in the middle of the implicit-TLS handshake
            raw = socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT)
            raw.sendall(client_hello_bytes()[:50])
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST on close
            raw.close()
            # Client resets in the middle of DATA
            client = self.server.session(ALICE, ALICE_PASSWORD)
            client.expect(client.cmd("MAIL FROM:<%s>" % ALICE), 250, "MAIL")
            client.expect(client.cmd("RCPT TO:<bob@example.net>"), 250, "RCPT")
            client.expect(client.cmd("DATA"), 354, "DATA")
            client.send_raw(b"Subject: cut\r\n\r\npartial")
            client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        # All slots come back (asynchronously: poll until three connections are admitted together).
        deadline = time.monotonic() + IO_TIMEOUT
        while True:
            clients = [self.connect() for _ in range(3)]
            if all(c.greeting.code == 220 for c in clients):
                break
            for c in clients:
                c.close()
            if time.monotonic() > deadline:
                self.fail("connection slots were not released\n" + self.server.log_excerpt(60))
            time.sleep(0.2)
        for c in clients:
            self.assertReply(c.cmd("NOOP"), 250)


class TotalConnectionCapTest(ServerTestCase):
    settings = {"smtp.max_connections": "2", "smtp.max_connections_per_ip": "20"}

    def test_connection_beyond_max_connections_gets_421(self):
        first, second = self.connect(), self.connect()
        self.assertReply(first.greeting, 220)
        self.assertReply(second.greeting, 220)
        third = self.connect("alternate", read_greeting=False)
        replies = third.read_until_closed()
        self.assertEqual([r.code for r in replies], [421], third.transcript_text())
        self.assertReply(first.cmd("NOOP"), 250)


class IdleTimeoutTest(ServerTestCase):
    """smtp.timeout.preauth and smtp.timeout.command at their minimum (5 s). The tests only wait for the 421;
    they do not measure when it comes."""

    settings = {"smtp.timeout.preauth": "5", "smtp.timeout.command": "5", "smtp.timeout.data": "5"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_idle_client_before_auth_gets_421_4_4_2_and_close(self):
        client = self.connect()
        client.ehlo()
        self.assertClosedAfter(client, 421, "4.4.2")

    def test_idle_client_after_auth_gets_421_4_4_2_and_close(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        self.assertClosedAfter(client, 421, "4.4.2")

    def test_idle_client_in_data_gets_421_4_4_2_and_nothing_is_queued(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        before = spool_files(self.server)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("RCPT TO:<bob@example.net>"), 250)
        self.assertReply(client.cmd("DATA"), 354)
        client.send_raw(b"From: " + ALICE.encode() + b"\r\nSubject: never finished\r\n\r\nfirst line\r\n")
        self.assertClosedAfter(client, 421, "4.4.2")
        wait_for_spool(self, self.server, before)


def wait_for_spool(test, server, expected):
    """Polls until the spool's file list equals `expected` (partial files are removed when the session ends,
    which may be just after the connection closed); fails after IO_TIMEOUT."""
    deadline = time.monotonic() + IO_TIMEOUT
    while spool_files(server) != expected:
        if time.monotonic() > deadline:
            test.assertEqual(spool_files(server), expected, "partial message files were left in the spool")
        time.sleep(0.05)


class GracefulShutdownTest(unittest.TestCase):
    """SIGTERM: idle sessions get 421 4.3.2 at once; a transaction in DATA may finish within
    smtp.shutdown_grace, after which it is closed without queueing; the process exits 0."""

    def start_server(self, grace):
        server = PosternServer({"smtp.shutdown_grace": str(grace)})
        self.addCleanup(server.cleanup)
        server.add_user(ALICE, ALICE_PASSWORD)
        server.start()
        return server

    def in_data(self, server):
        client = server.session(ALICE, ALICE_PASSWORD)
        self.addCleanup(client.close)
        client.expect(client.cmd("MAIL FROM:<%s>" % ALICE), 250, "MAIL")
        client.expect(client.cmd("RCPT TO:<bob@example.net>"), 250, "RCPT")
        client.expect(client.cmd("DATA"), 354, "DATA")
        client.send_raw(b"From: " + ALICE.encode() + b"\r\nSubject: shutdown\r\n\r\nfirst line\r\n")
        return client

    def test_sigterm_sends_421_4_3_2_to_idle_sessions_and_exits_0(self):
        server = self.start_server(grace=30)
        greeted = server.connect()
        self.addCleanup(greeted.close)
        greeted.ehlo()
        authenticated = server.session(ALICE, ALICE_PASSWORD)
        self.addCleanup(authenticated.close)
        server.terminate()
        for client in (greeted, authenticated):
            replies = client.read_until_closed()
            self.assertEqual([(r.code, r.enhanced) for r in replies], [(421, "4.3.2")], client.transcript_text())
        server.stop()

    def test_transaction_in_data_at_sigterm_may_finish_within_the_grace_period(self):
        server = self.start_server(grace=120)
        client = self.in_data(server)
        server.terminate()
        client.send_raw(b"last line\r\n.\r\n")
        reply = client.read_reply()
        find_queued(server, queue_id_of(reply))
        replies = client.read_until_closed()
        self.assertEqual([(r.code, r.enhanced) for r in replies], [(421, "4.3.2")], client.transcript_text())
        server.stop()

    def test_transaction_in_data_is_closed_when_the_grace_period_ends(self):
        server = self.start_server(grace=1)
        client = self.in_data(server)
        server.terminate()
        replies = client.read_until_closed()  # the client never finishes its message
        self.assertEqual([(r.code, r.enhanced) for r in replies], [(421, "4.3.2")], client.transcript_text())
        server.stop()
        self.assertEqual(all_queued(server), [])
        self.assertEqual(spool_files(server), [], "partial message files were left in the spool")


if __name__ == "__main__":
    unittest.main()
