"""What an accepted message becomes: "250 2.0.0 Ok: queued as <ID>" only once the message is in spool/queue,
its body byte for byte as received, the envelope (sender, recipients, login), the prepended trace and
submission header fields (Received; Date and Message-ID only when missing), and concurrency: 50 messages
over 5 parallel TLS+AUTH connections all land intact."""

import email.utils
import hashlib
import os
import random
import re
import socket
import ssl
import time
import unittest

from postern_harness import (HOSTNAME, IO_TIMEOUT, QUEUE_ID_RE, ServerTestCase, spool_files, find_queued, make_message,
                             parse_header_fields, queue_id_of, run_threads, smtp_data)

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"


def message_without(date=False, message_id=False, body="Hello.\r\n"):
    return make_message(ALICE, date=date, message_id=message_id, body=body)


class SpoolDeliveryTest(ServerTestCase):
    settings = {"smtp.received_client_address": "true"}
    users = {ALICE: (ALICE_PASSWORD, ["@alice.example"])}

    def deliver(self, message, recipients=("bob@example.net",), kind="submission", sender=ALICE, **kwargs):
        client = self.session(ALICE, ALICE_PASSWORD, kind, **kwargs)
        reply = client.send_message(sender, list(recipients), message)
        return client, reply, find_queued(self.server, queue_id_of(reply))

    def received(self, queued):
        values = queued.header_values("Received")
        self.assertEqual(len(values), 1, queued.prepended)
        return values[0]

    # ---- the reply and the files

    def test_success_reply_is_250_2_0_0_ok_queued_as_id(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        match = re.fullmatch(r"250 2\.0\.0 Ok: queued as (\S+)", reply.first_line)
        self.assertIsNotNone(match, reply.raw)
        self.assertRegex(match.group(1), QUEUE_ID_RE)

    def test_committed_message_is_in_spool_queue_when_250_arrives(self):
        _, reply, queued = self.deliver(make_message(ALICE))
        queue_dir = os.path.join(self.server.spool_dir, "queue")
        for path in (queued.envelope_path, queued.body_path):
            self.assertTrue(os.path.realpath(path).startswith(os.path.realpath(queue_dir) + os.sep), path)

    def test_queued_body_is_the_message_exactly_as_received(self):
        message = make_message(ALICE, body="Line 1\r\n\r\n  indented\tand tabbed  \r\nlast line\r\n")
        _, _, queued = self.deliver(message)
        self.assertEqual(queued.body, message)

    def test_envelope_records_sender_recipients_login_and_client(self):
        recipients = ["bob@example.net", "carol@example.com", "dave@example.net"]
        _, _, queued = self.deliver(make_message(ALICE), recipients=recipients, sender="news@alice.example")
        self.assertEqual(queued.field("sender"), "news@alice.example")
        self.assertEqual(queued.recipients, recipients)
        self.assertEqual(queued.field("login"), ALICE)
        self.assertEqual(queued.field("client"), "127.0.0.1")
        self.assertEqual(queued.field("helo"), "client.example.org")
        self.assertEqual(queued.field("id"), queued.id)
        self.assertEqual(int(queued.field("body-size")), len(queued.body))

    def test_each_message_of_a_session_gets_its_own_id(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        ids = [queue_id_of(client.send_message(ALICE, ["bob@example.net"], make_message(ALICE, subject=str(i))))
               for i in range(5)]
        self.assertEqual(len(set(ids)), 5)
        self.assertEqual(ids, sorted(ids), "IDs are in arrival order (queue/queue_id.h)")
        for i, qid in enumerate(ids):
            self.assertIn(b"Subject: %d\r\n" % i, find_queued(self.server, qid).body)

    # ---- Received

    def test_received_header_is_prepended_first(self):
        _, _, queued = self.deliver(make_message(ALICE))
        self.assertTrue(queued.prepended.startswith(b"Received: "), queued.prepended)
        self.assertTrue(queued.prepended.endswith(b"\r\n"), queued.prepended)
        self.assertEqual(queued.headers()[0][0], "Received")
        self.assertFalse(queued.body.startswith(b"Received:"), "the body file must stay as received")

    def test_received_header_has_esmtpsa_id_tls_version_and_login(self):
        client, _, queued = self.deliver(make_message(ALICE))
        received = self.received(queued)
        self.assertIn("with ESMTPSA id %s" % queued.id, received)
        self.assertIn("by %s" % HOSTNAME, received)
        self.assertIn(client.tls_version, received)
        self.assertIn("authenticated as %s" % ALICE, received)
        self.assertIn("from client.example.org", received)

    def test_received_header_names_the_client_address_when_configured(self):
        _, _, queued = self.deliver(make_message(ALICE))
        self.assertIn("[127.0.0.1]", self.received(queued))

    def test_received_header_names_tls_1_2_when_negotiated(self):
        context = self.server.tls_context(maximum=ssl.TLSVersion.TLSv1_2)
        client, _, queued = self.deliver(make_message(ALICE), kind="submissions", tls_context=context)
        self.assertEqual(client.tls_version, "TLSv1.2")
        self.assertIn("TLSv1.2", self.received(queued))

    def test_received_header_on_the_submissions_port(self):
        client, _, queued = self.deliver(make_message(ALICE), kind="submissions")
        received = self.received(queued)
        self.assertIn("with ESMTPSA id %s" % queued.id, received)
        self.assertIn(client.tls_version, received)

    def test_received_header_names_a_single_recipient(self):
        _, _, queued = self.deliver(make_message(ALICE), recipients=["bob@example.net"])
        self.assertIn("for <bob@example.net>", self.received(queued))

    def test_received_header_names_no_recipient_when_there_are_several(self):
        # Naming one of several recipients would disclose Bcc recipients.
        _, _, queued = self.deliver(make_message(ALICE), recipients=["bob@example.net", "secret@example.com"])
        received = self.received(queued)
        self.assertNotIn("bob@example.net", received)
        self.assertNotIn("secret@example.com", received)

    def test_received_header_lines_are_folded_below_998_octets(self):
        client = self.connect()
        client.ehlo()
        client.starttls()
        long_name = ".".join(["h" * 50] * 4) + ".example.org"  # 215 octets: the longest EHLO names allowed
        client.ehlo(long_name)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        queued = find_queued(self.server, queue_id_of(reply))
        for line in queued.prepended.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)

    def test_received_header_uses_the_ehlo_name_given_after_starttls(self):
        # RFC 3207 §4.2: the server forgets what it learnt before TLS, the EHLO argument included.
        client = self.connect()
        client.ehlo("before-tls.example.org")
        client.starttls()
        client.ehlo("after-tls.example.org")
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)
        queued = find_queued(self.server, queue_id_of(
            client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))))
        received = self.received(queued)
        self.assertIn("from after-tls.example.org", received)
        self.assertNotIn("before-tls", received)
        self.assertEqual(queued.field("helo"), "after-tls.example.org")

    # ---- partial messages

    def test_client_disconnect_in_data_leaves_nothing_in_the_spool(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        before = spool_files(self.server)
        client.expect(client.cmd("MAIL FROM:<%s>" % ALICE), 250, "MAIL")
        client.expect(client.cmd("RCPT TO:<bob@example.net>"), 250, "RCPT")
        client.expect(client.cmd("DATA"), 354, "DATA")
        client.send_raw(make_message(ALICE, body="x" * 500 + "\r\n") * 20)
        client.close()
        deadline = time.monotonic() + IO_TIMEOUT
        while spool_files(self.server) != before:  # the session ends just after the connection: poll
            if time.monotonic() > deadline:
                self.assertEqual(spool_files(self.server), before, "partial message files were left in the spool")
            time.sleep(0.05)

    # ---- Date and Message-ID (RFC 6409 §8.2, §8.3)

    def test_date_and_message_id_added_when_missing(self):
        message = message_without()
        _, _, queued = self.deliver(message)
        self.assertEqual(queued.body, message, "the body file must stay as received")
        dates = queued.header_values("Date")
        ids = queued.header_values("Message-ID")
        self.assertEqual(len(dates), 1, queued.prepended)
        self.assertEqual(len(ids), 1, queued.prepended)
        self.assertIsNotNone(email.utils.parsedate_to_datetime(dates[0]).tzinfo, dates[0])
        self.assertRegex(ids[0], r"^<[^<>@\s]+@[^<>@\s]+>$")
        self.assertIn(b"Date: ", queued.prepended)
        self.assertIn(b"Message-ID: ", queued.prepended.replace(b"Message-Id: ", b"Message-ID: "))

    def test_added_message_ids_are_unique(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        ids = set()
        for _ in range(5):
            queued = find_queued(self.server, queue_id_of(client.send_message(ALICE, ["bob@example.net"],
                                                                              message_without())))
            ids.update(queued.header_values("Message-ID"))
        self.assertEqual(len(ids), 5)

    def test_message_of_headers_only_without_an_empty_line_passes(self):
        message = ("From: %s\r\nTo: bob@example.net\r\nSubject: headers only\r\n" % ALICE).encode()
        _, _, queued = self.deliver(message)
        self.assertEqual(queued.body, message)
        self.assertEqual(len(queued.header_values("Date")), 1)
        self.assertEqual(len(queued.header_values("Message-ID")), 1)
        self.assertEqual(queued.header_values("Subject"), ["headers only"])

    def test_date_and_message_id_untouched_when_present(self):
        message = make_message(ALICE, extra_headers=[])
        original = dict((n.lower(), v) for n, v in parse_header_fields(message))
        _, _, queued = self.deliver(message)
        self.assertEqual(queued.header_values("Date"), [original["date"]])
        self.assertEqual(queued.header_values("Message-ID"), [original["message-id"]])
        self.assertNotIn(b"date:", queued.prepended.lower())
        self.assertNotIn(b"message-id:", queued.prepended.lower())

    def test_only_message_id_added_when_only_date_present(self):
        _, _, queued = self.deliver(message_without(date=True))
        self.assertEqual(queued.header_values("Date"), ["Mon, 30 Nov 2026 12:00:00 +0000"])
        self.assertEqual(len(queued.header_values("Message-ID")), 1)
        self.assertNotIn(b"date:", queued.prepended.lower())

    def test_only_date_added_when_only_message_id_present(self):
        message = message_without(message_id=True)
        original_id = [v for n, v in parse_header_fields(message) if n == "Message-ID"]
        _, _, queued = self.deliver(message)
        self.assertEqual(queued.header_values("Message-ID"), original_id)
        self.assertEqual(len(queued.header_values("Date")), 1)
        self.assertNotIn(b"message-id:", queued.prepended.lower())

    def test_lower_case_date_and_message_id_count_as_present(self):
        message = make_message(ALICE, date=False, message_id=False,
                               extra_headers=["date: Tue, 1 Dec 2026 08:00:00 +0100", "message-id: <lc@client.example.org>"])
        _, _, queued = self.deliver(message)
        self.assertEqual(len(queued.header_values("Date")), 1, queued.full[:600])
        self.assertEqual(len(queued.header_values("Message-ID")), 1, queued.full[:600])

    # ---- pipelining (RFC 2920)

    def test_pipelined_envelope_gets_replies_in_order(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        client.send_raw(("MAIL FROM:<%s>\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\n"
                         "DATA\r\n" % ALICE).encode())
        self.assertEqual([client.read_reply().code for _ in range(4)], [250, 250, 250, 354])
        message = make_message(ALICE)
        client.send_raw(smtp_data(message) + b"MAIL FROM:<" + ALICE.encode() + b">\r\nRSET\r\n")
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)
        self.assertEqual(queued.recipients, ["bob@example.net", "carol@example.net"])
        self.assertReply(client.read_reply(), 250)  # MAIL
        self.assertReply(client.read_reply(), 250)  # RSET

    def test_pipelined_refused_sender_does_not_stop_the_rest(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        client.send_raw(("MAIL FROM:<bob@example.com>\r\nMAIL FROM:<%s>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"
                         % ALICE).encode())
        self.assertEqual([client.read_reply().code for _ in range(4)], [553, 250, 250, 354])
        client.send_raw(smtp_data(make_message(ALICE)))
        find_queued(self.server, queue_id_of(client.read_reply()))

    def test_large_message_with_dot_lines_at_every_offset_arrives_intact(self):
        # About 900 KB: many TLS records and server reads, with "." lines and CRLFs landing on every kind
        # of boundary.
        rng = random.Random(7)
        lines = []
        while sum(len(l) + 2 for l in lines) < 900 * 1024:
            n = rng.randint(0, 200)
            lines.append(("." if rng.random() < 0.2 else "") + "".join(rng.choice("abc.xyz ") for _ in range(n)))
        body = "\r\n".join(lines) + "\r\n"
        message = make_message(ALICE, body=body)
        _, _, queued = self.deliver(message)
        self.assertEqual(queued.body, message)

    # ---- concurrency

    def test_fifty_messages_over_five_parallel_connections_land_intact(self):
        results = []

        def sender(thread):
            rng = random.Random(thread)
            client = self.server.session(ALICE, ALICE_PASSWORD)
            try:
                for n in range(10):
                    lines = ["%d.%d.%04d %s" % (thread, n, i, os.urandom(24).hex()) for i in range(rng.randint(5, 600))]
                    if n % 3 == 0:
                        lines.append(".a line that needs dot-stuffing")
                        lines.append(".")
                    body = ("\r\n".join(lines) + "\r\n").encode()
                    digest = hashlib.sha256(body).hexdigest()
                    message = make_message(ALICE, subject="thread %d message %d" % (thread, n), body=body.decode(),
                                           extra_headers=["X-Body-SHA256: " + digest])
                    reply = client.send_message(ALICE, ["bob@example.net"], message)
                    results.append((queue_id_of(reply), message, body, digest))
                client.expect(client.cmd("QUIT"), 221, "QUIT")
            finally:
                client.close()

        run_threads([lambda t=t: sender(t) for t in range(5)])
        self.assertEqual(len(results), 50)
        self.assertEqual(len({qid for qid, _, _, _ in results}), 50, "queue IDs must be distinct")
        for qid, message, body, digest in results:
            queued = find_queued(self.server, qid)
            self.assertEqual(queued.body, message, "message %s differs in the spool" % qid)
            stored_body = queued.body.split(b"\r\n\r\n", 1)[1]
            self.assertEqual(hashlib.sha256(stored_body).hexdigest(), digest)
            self.assertIn("with ESMTPSA id %s" % qid, self.received(queued))


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@unittest.skipUnless(ipv6_loopback_available(), "no IPv6 loopback on this machine")
class Ipv6ListenerTest(ServerTestCase):
    settings = {"listen.submission": "127.0.0.1:0,[::1]:0", "listen.submissions": "[::1]:0"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_ipv6_client_is_recorded_as_an_ipv6_address_literal(self):
        client = self.session(ALICE, ALICE_PASSWORD, host="::1")
        queued = find_queued(self.server, queue_id_of(
            client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))))
        self.assertIn("[IPv6:::1]", queued.header_values("Received")[0])
        self.assertEqual(queued.field("client"), "::1")

    def test_implicit_tls_over_ipv6(self):
        client = self.session(ALICE, ALICE_PASSWORD, "submissions", host="::1")
        queue_id_of(client.send_message(ALICE, ["bob@example.net"], make_message(ALICE)))


class ReceivedPrivacyTest(ServerTestCase):
    settings = {"smtp.received_client_address": "false"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_received_header_leaves_out_the_client_address_when_configured(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        queued = find_queued(self.server, queue_id_of(reply))
        received = queued.header_values("Received")
        self.assertEqual(len(received), 1)
        self.assertNotIn("127.0.0.1", received[0])
        self.assertIn("with ESMTPSA id %s" % queued.id, received[0])


if __name__ == "__main__":
    unittest.main()
