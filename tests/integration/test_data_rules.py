"""DATA: line endings (bare LF / bare CR are refused, and never end the data: SMTP smuggling), line length
(998 octets pass, 999 fail), 8-bit and UTF-8 content byte for byte, dot-unstuffing, and the size limit."""

import unittest

from postern_harness import ServerTestCase, find_queued, make_message, queue_id_of, smtp_data, spool_files

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
MAX_SIZE = 65536


class DataRulesTest(ServerTestCase):
    settings = {"smtp.max_message_size": str(MAX_SIZE)}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def ready_for_data(self, mail_parameters=""):
        """An authenticated client that got 354 for DATA, and the spool's file list before it."""
        client = self.session(ALICE, ALICE_PASSWORD)
        before = spool_files(self.server)
        extra = (" " + mail_parameters) if mail_parameters else ""
        self.assertReply(client.cmd("MAIL FROM:<%s>%s" % (ALICE, extra)), 250)
        self.assertReply(client.cmd("RCPT TO:<bob@example.net>"), 250)
        self.assertReply(client.cmd("DATA"), 354)
        return client, before

    def header(self):
        return ("From: %s\r\nTo: bob@example.net\r\nSubject: data rules\r\n"
                "Date: Mon, 30 Nov 2026 12:00:00 +0000\r\nMessage-ID: <data@client.example.org>\r\n\r\n" % ALICE
                ).encode()

    def assertRefusedAndUsable(self, client, reply, code, enhanced, before):
        self.assertReply(reply, code, enhanced)
        self.assertSpoolUnchanged(before)
        # Exactly one reply came for the whole DATA: the next command gets its own reply.
        self.assertReply(client.cmd("VRFY marker"), 252)

    def test_data_gets_354(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("RCPT TO:<bob@example.net>"), 250)
        self.assertReply(client.cmd("DATA"), 354)

    def test_data_without_recipients_is_refused(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        reply = client.cmd("DATA")
        self.assertEqual(reply.code // 100, 5, reply.transcript)

    # ---- line endings

    def test_bare_lf_in_body_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        client.send_raw(self.header() + b"line one\nline two\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def test_bare_cr_in_body_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        client.send_raw(self.header() + b"line one\rline two\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def test_bare_lf_in_header_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        client.send_raw(b"From: " + ALICE.encode() + b"\nX-Smuggled: yes\r\nSubject: x\r\n\r\nbody\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def test_bare_cr_at_end_of_line_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        client.send_raw(self.header() + b"line one\r\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def smuggle(self, end_marker):
        """Sends a body in which `end_marker` tries to end the data early and start a second, smuggled
        transaction; only the real CRLF.CRLF may end it. Returns (client, reply, spool before)."""
        client, before = self.ready_for_data()
        smuggled = (b"MAIL FROM:<" + ALICE.encode() + b">\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
                    b"From: " + ALICE.encode() + b"\r\nSubject: smuggled\r\n\r\nsmuggled body\r\n")
        client.send_raw(self.header() + b"visible body" + end_marker + smuggled + b".\r\n")
        return client, client.read_reply(), before

    def test_lf_dot_lf_does_not_end_data(self):
        client, reply, before = self.smuggle(b"\n.\n")
        self.assertRefusedAndUsable(client, reply, 550, "5.5.2", before)

    def test_cr_lf_dot_lf_does_not_end_data(self):
        client, reply, before = self.smuggle(b"\r\n.\n")
        self.assertRefusedAndUsable(client, reply, 550, "5.5.2", before)

    def test_lf_dot_cr_lf_does_not_end_data(self):
        client, reply, before = self.smuggle(b"\n.\r\n")
        self.assertRefusedAndUsable(client, reply, 550, "5.5.2", before)

    def test_cr_dot_cr_lf_does_not_end_data(self):
        client, reply, before = self.smuggle(b"\r.\r\n")
        self.assertRefusedAndUsable(client, reply, 550, "5.5.2", before)

    # ---- line length (RFC 5321 §4.5.3.1.6: 998 octets plus CRLF)

    def test_line_of_998_octets_passes(self):
        line = b"x" * 998
        message = self.header() + line + b"\r\n"
        client, _ = self.ready_for_data()
        client.send_raw(smtp_data(message))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)

    def test_line_of_999_octets_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        client.send_raw(self.header() + b"x" * 999 + b"\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def test_header_line_of_999_octets_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        subject = b"Subject: " + b"s" * (999 - len(b"Subject: "))
        client.send_raw(b"From: " + ALICE.encode() + b"\r\n" + subject + b"\r\n\r\nbody\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def test_dot_stuffed_line_of_998_octets_passes(self):
        # 999 octets on the wire, 998 after unstuffing: the limit applies to the line, not the stuffing.
        line = b"." + b"y" * 997
        message = self.header() + line + b"\r\n"
        client, _ = self.ready_for_data()
        client.send_raw(smtp_data(message))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)

    # ---- content

    def test_eight_bit_utf8_body_passes_byte_for_byte(self):
        body = "Grüße aus Köln — 日本語のテキスト ✓\r\nÆØÅ æøå\r\n".encode("utf-8") + bytes(range(0x80, 0x100)) + b"\r\n"
        message = self.header() + body
        client, _ = self.ready_for_data("BODY=8BITMIME")
        client.send_raw(smtp_data(message))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)
        self.assertEqual(queued.field("8bitmime"), "yes")

    def test_utf8_headers_with_smtputf8_pass_byte_for_byte(self):
        message = ("From: Jürgen <%s>\r\nTo: Zoë <zoë@exämple.net>\r\nSubject: Grüße ✓\r\n"
                   "Date: Mon, 30 Nov 2026 12:00:00 +0000\r\nMessage-ID: <utf8@client.example.org>\r\n\r\n"
                   "Hallo.\r\n" % ALICE).encode("utf-8")
        client = self.session(ALICE, ALICE_PASSWORD)
        reply = client.send_message(ALICE, ["zoë@exämple.net"], message, "SMTPUTF8 BODY=8BITMIME")
        queued = find_queued(self.server, queue_id_of(reply))
        self.assertEqual(queued.body, message)
        self.assertEqual(queued.field("smtputf8"), "yes")
        self.assertEqual(queued.recipients, ["zoë@exämple.net"])

    def test_dot_stuffed_lines_are_unstuffed_in_the_spool(self):
        body = b".leading dot\r\n..two dots\r\n.\r\n...\r\nend\r\n"
        message = self.header() + body
        client, _ = self.ready_for_data()
        data = smtp_data(message)
        self.assertIn(b"\r\n..\r\n", data)  # the lone "." line went over the wire stuffed
        client.send_raw(data)
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)

    def test_message_without_body_passes(self):
        message = self.header()
        client, _ = self.ready_for_data()
        client.send_raw(smtp_data(message))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)

    def test_data_split_across_many_writes_is_reassembled(self):
        body = b"".join(b"line %04d of a message sent in small pieces\r\n" % i for i in range(200))
        message = self.header() + body
        data = smtp_data(message)
        client, _ = self.ready_for_data()
        for i in range(0, len(data), 7):  # the terminator itself is split too
            client.sock.sendall(data[i:i + 7])
        client.note("C", b"(%d octets in 7-octet writes)" % len(data))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)

    # ---- size

    def test_message_over_size_limit_gets_552_5_3_4(self):
        body = b"".join(b"%05d " % i + b"z" * 90 + b"\r\n" for i in range(MAX_SIZE // 96 + 20))
        client, before = self.ready_for_data()
        client.send_raw(smtp_data(self.header() + body))
        self.assertRefusedAndUsable(client, client.read_reply(), 552, "5.3.4", before)

    def exact_size_message(self, size):
        head = self.header()
        lines, remaining = [], size - len(head)
        while remaining > 0:
            n = min(remaining, 100)
            if n < 3:  # keep every line at least "x\r\n"; lengthen the previous one instead
                lines[-1] = b"w" * (len(lines[-1]) - 2 + n) + b"\r\n"
                break
            lines.append(b"w" * (n - 2) + b"\r\n")
            remaining -= n
        message = head + b"".join(lines)
        self.assertEqual(len(message), size)
        return message

    def test_message_of_exactly_the_size_limit_passes(self):
        message = self.exact_size_message(MAX_SIZE)
        client, _ = self.ready_for_data()
        client.send_raw(smtp_data(message))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)

    def test_message_one_octet_over_the_size_limit_gets_552_5_3_4(self):
        client, before = self.ready_for_data()
        client.send_raw(smtp_data(self.exact_size_message(MAX_SIZE + 1)))
        self.assertRefusedAndUsable(client, client.read_reply(), 552, "5.3.4", before)

    def test_very_long_line_in_data_gets_550_5_5_2(self):
        client, before = self.ready_for_data()
        client.send_raw(self.header() + b"v" * 50000 + b"\r\n.\r\n")
        self.assertRefusedAndUsable(client, client.read_reply(), 550, "5.5.2", before)

    def test_message_well_under_size_limit_passes(self):
        body = b"".join(b"%05d " % i + b"z" * 90 + b"\r\n" for i in range((MAX_SIZE - 4096) // 96))
        message = self.header() + body
        self.assertLess(len(message), MAX_SIZE - 1024)
        client, _ = self.ready_for_data()
        client.send_raw(smtp_data(message))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(queued.body, message)


if __name__ == "__main__":
    unittest.main()
