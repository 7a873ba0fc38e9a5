"""The attacks of the outside security review, each replayed over the real server with real TLS:

  * a first DATA line starting with whitespace would continue Postern's own Received (or Message-ID) field;
  * "From\\0:" before the real From would read as a second, foreign From where NUL is dropped;
  * Resent-From / Resent-Sender were not held to the ownership rule of From / Sender;
  * EHLO accepted any bytes (they reach the logs and `postern queue show`);
  * a quoted recipient local part went verbatim into the Received "for" clause and could forge a hop;
  * client-chosen text (addresses, logins) could add key=value fields to a log line;
  * the duplicate-recipient check was quadratic (correctness only here: no test asserts speed).
"""

import re
import time
import unittest

from postern_harness import (IO_TIMEOUT, ServerTestCase, find_queued, make_message, plain_response, queue_id_of,
                             smtp_data, spool_files)

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
# A login is an address, and a quoted local part may hold spaces and '=' (lib/store normaliseLogin).
INJECTING_LOGIN = '"x mechanism=none login=ceo@victim.example"@example.org'  # stored lower-cased
INJECTING_PASSWORD = "injector-secret-1"
QUOTED_RECIPIENT = '"x; by evil.example; Tue, 1 Jan 2030 (x"@example.net'
CONTINUATION = b" (authenticated as ceo@example.com) from [10.0.0.5]\r\n"

# A double-quoted log value as core::logValue() writes it: backslash escapes inside.
QUOTED_VALUE_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
KEY_RE = re.compile(r'[^\s"=]*=')


def log_tokens(text):
    """Splits log text the way a key=value reader does, holding it to core::logValue()'s promise: a '"' only
    opens a value (at the start of a token or right after "key="), and a quoted value ends its token.
    Returns (key or None, value, quoted) triples; fails on text that could be split more than one way."""
    tokens = []
    i = 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        key = None
        j = i
        match = KEY_RE.match(text, i)
        if match:
            key, j = match.group(0)[:-1], match.end()
        if j < len(text) and text[j] == '"':
            match = QUOTED_VALUE_RE.match(text, j)
            if not match or (match.end() < len(text) and text[match.end()] != " "):
                raise AssertionError("a quoted value does not end its token at %d: %r" % (j, text))
            tokens.append((key, match.group(0), True))
            i = match.end()
        else:
            end = text.find(" ", j)
            end = len(text) if end < 0 else end
            if '"' in text[j:end]:
                raise AssertionError("a quote inside an unquoted value at %d: %r" % (j, text))
            tokens.append((key, text[j:end], False))
            i = end
    return tokens


def keys(tokens):
    return [k for k, _, _ in tokens if k is not None]


class ReviewAttacksTest(ServerTestCase):
    # Thousands of recipients in one message: the daily sending limit (README "Sending limits") is not what
    # these tests are about.
    settings = {"smtp.max_recipients": "10000", "limits.recipients_per_day": "0"}
    users = {
        ALICE: (ALICE_PASSWORD, ["@alice.example"]),
        INJECTING_LOGIN: (INJECTING_PASSWORD, []),
    }

    def alice(self):
        return self.session(ALICE, ALICE_PASSWORD)

    def after_354(self, client, recipient="bob@example.net"):
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("RCPT TO:<%s>" % recipient), 250)
        self.assertReply(client.cmd("DATA"), 354)

    def log_lines_with(self, *fragments):
        """Server log lines holding every fragment, waiting briefly for the line to be written."""
        deadline = time.monotonic() + IO_TIMEOUT
        while True:
            lines = [l for l in self.server.log_text().splitlines() if all(f in l for f in fragments)]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    # ---- 1. a first line that would continue Postern's own fields

    def test_a_first_line_continuing_postern_received_gets_550_5_6_0(self):
        # With the client's Date and Message-ID it would continue Received; without them, Message-ID.
        for client_fields in (True, False):
            with self.subTest(client_date_and_message_id=client_fields):
                client = self.alice()
                before = spool_files(self.server)
                self.after_354(client)
                message = make_message(ALICE, date=client_fields, message_id=client_fields)
                client.send_raw(smtp_data(CONTINUATION + message))
                self.assertReply(client.read_reply(), 550, "5.6.0",
                                 text="550 5.6.0 Message must begin with a header field")
                self.assertSpoolUnchanged(before)

    def test_an_mbox_from_line_first_gets_550_5_6_0(self):
        client = self.alice()
        self.after_354(client)
        client.send_raw(smtp_data(b"From ceo@example.com Mon Nov 30 12:00:00 2026\r\n" + make_message(ALICE)))
        self.assertReply(client.read_reply(), 550, "5.6.0")

    # ---- 2. NUL in the header section

    def test_nul_in_a_field_name_gets_550_5_6_0(self):
        client = self.alice()
        before = spool_files(self.server)
        self.after_354(client)
        client.send_raw(smtp_data(b"From\0: boss@victim.example\r\n" + make_message(ALICE)))
        self.assertReply(client.read_reply(), 550, "5.6.0",
                         text="550 5.6.0 Message header contains a control character")
        self.assertSpoolUnchanged(before)

    def test_nul_after_the_first_field_gets_550_5_6_0(self):
        client = self.alice()
        self.after_354(client)
        message = make_message(ALICE).replace(b"\r\nTo: ", b"\r\nFrom\0: boss@victim.example\r\nTo: ", 1)
        client.send_raw(smtp_data(message))
        self.assertReply(client.read_reply(), 550, "5.6.0")

    # ---- 3. Resent-From and Resent-Sender (RFC 5322 §3.6.6)

    def test_a_foreign_resent_from_gets_550_5_7_1(self):
        reply = self.alice().send_message(ALICE, ["bob@example.net"], make_message(
            ALICE, extra_headers=["Resent-From: boss@victim.example", "Resent-Date: Mon, 30 Nov 2026 12:00:00 +0000"]))
        self.assertReply(reply, 550, "5.7.1",
                         text="550 5.7.1 Resent-From header address <boss@victim.example> not owned by you")

    def test_a_foreign_resent_sender_gets_550_5_7_1(self):
        reply = self.alice().send_message(ALICE, ["bob@example.net"], make_message(
            ALICE, extra_headers=["Resent-From: " + ALICE, "Resent-Sender: boss@victim.example"]))
        self.assertReply(reply, 550, "5.7.1",
                         text="550 5.7.1 Resent-Sender header address <boss@victim.example> not owned by you")

    def test_own_resent_blocks_are_queued(self):
        reply = self.alice().send_message(ALICE, ["bob@example.net"], make_message(
            ALICE, extra_headers=["Resent-From: " + ALICE, "Resent-Date: Mon, 30 Nov 2026 12:00:00 +0000",
                                  "Resent-From: Desk <desk@alice.example>", "Resent-Sender: " + ALICE]))
        queued = find_queued(self.server, queue_id_of(reply))
        self.assertEqual(queued.header_values("Resent-From"), [ALICE, "Desk <desk@alice.example>"])

    # ---- 5. the EHLO argument (RFC 5321 §4.1.1.1)

    def test_ehlo_with_escape_spaces_or_parentheses_gets_501(self):
        for name in (b"\x1b[2Jlaptop.example", b"my laptop", b"laptop (192.0.2.99)"):
            with self.subTest(name=name):
                client = self.connect()
                self.assertReply(client.cmd(b"EHLO " + name), 501, "5.5.4")
                client.ehlo()
                client.starttls()  # and again over TLS
                self.assertReply(client.cmd(b"EHLO " + name), 501, "5.5.4")
                self.assertReply(client.cmd(b"HELO " + name), 501, "5.5.4")

    def test_office_device_names_get_250(self):
        for name in ("my_printer", "[192.0.2.1]"):
            with self.subTest(name=name):
                client = self.connect()
                self.assertReply(client.cmd("EHLO " + name), 250)
                client.starttls()
                self.assertReply(client.cmd("EHLO " + name), 250)
                self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)
                queued = find_queued(self.server, queue_id_of(
                    client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))))
                self.assertEqual(queued.field("helo"), name)
                self.assertTrue(queued.prepended.startswith(b"Received: from " + name.encode() + b" "),
                                queued.prepended)

    # ---- 6. the Received "for" clause

    def test_a_quoted_recipient_is_queued_without_a_for_clause(self):
        client = self.alice()
        reply = client.send_message(ALICE, [QUOTED_RECIPIENT], make_message(ALICE))
        queued = find_queued(self.server, queue_id_of(reply))
        received = queued.header_values("Received")
        self.assertEqual(len(received), 1, queued.prepended)
        self.assertNotIn(" for ", received[0])
        self.assertNotIn(b"evil.example", queued.prepended)
        # A plain recipient keeps its clause.
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        self.assertIn(" for <bob@example.net>; ", find_queued(self.server, queue_id_of(reply)).header_values(
            "Received")[0])

    # ---- 7. client-chosen text in log lines

    def event_tokens(self, *fragments):
        """The key=value tokens lib/smtp wrote after "event=" on the one log line holding every fragment (the
        connection's prefix before it belongs to lib/net)."""
        lines = self.log_lines_with(*fragments)
        self.assertEqual(len(lines), 1, self.server.log_excerpt(40))
        return lines[0], log_tokens(lines[0].split(" event=", 1)[1])

    def test_a_sender_with_spaces_and_equals_is_one_quoted_log_value(self):
        injected = "recipients=99 size=1 from=<ceo@victim.example>"
        sender = '"%s"@alice.example' % injected
        queue_id = queue_id_of(self.alice().send_message(sender, ["bob@example.net"], make_message(ALICE)))
        line, tokens = self.event_tokens("event=queued", "id=" + queue_id)
        self.assertEqual(keys(tokens), ["id", "from", "recipients", "size"], line)
        self.assertEqual([(v, q) for k, v, q in tokens if k == "recipients"], [("1", False)], line)
        [(value, quoted)] = [(v, q) for k, v, q in tokens if k == "from"]
        self.assertTrue(quoted, line)
        self.assertIn(injected, value)

    def test_a_refused_sender_with_spaces_and_equals_is_one_quoted_log_value(self):
        marker = "refused-%d" % time.monotonic_ns()
        sender = '"%s login=ceo@victim.example"@victim.example' % marker
        self.assertReply(self.alice().cmd("MAIL FROM:<%s>" % sender), 553, "5.7.1")
        line, tokens = self.event_tokens("event=rejected", marker)
        self.assertEqual(keys(tokens), ["login"], line)
        self.assertEqual([v for k, v, _ in tokens if k == "login"], [ALICE], line)
        [(value, quoted)] = [(v, q) for k, v, q in tokens if marker in v]
        self.assertTrue(quoted, line)
        self.assertTrue(value.startswith('"<'), line)

    def test_a_login_with_spaces_and_equals_is_one_quoted_log_value(self):
        client = self.connect()
        client.ehlo()
        client.starttls()
        client.ehlo()
        self.assertReply(client.cmd("AUTH PLAIN " + plain_response(INJECTING_LOGIN, INJECTING_PASSWORD)), 235)
        line, tokens = self.event_tokens("event=auth", "mechanism=PLAIN succeeded", "ceo@victim.example")
        self.assertEqual(keys(tokens), ["login", "mechanism"], line)
        quoted = '"%s"' % INJECTING_LOGIN.replace("\\", "\\\\").replace('"', '\\"')
        self.assertEqual([v for k, v, _ in tokens if k == "login"], [quoted], line)
        self.assertEqual([v for k, v, _ in tokens if k == "mechanism"], ["PLAIN"], line)

    # ---- 4. many recipients (correctness only: the speed is not asserted anywhere)

    def test_three_thousand_recipients_with_duplicates_are_accepted_once_each(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        recipients = ["r%d@example.net" % i for i in range(3000)]
        duplicates = ["R%d@EXAMPLE.net" % i for i in range(0, 3000, 10)]
        commands = recipients + duplicates
        for start in range(0, len(commands), 100):  # pipelined in groups (RFC 2920), replies read per group
            group = commands[start:start + 100]
            client.send_raw(b"".join(b"RCPT TO:<%s>\r\n" % r.encode() for r in group))
            codes = [client.read_reply().code for _ in group]
            self.assertEqual(codes, [250] * len(group), client.transcript_text())
        self.assertReply(client.cmd("DATA"), 354)
        client.send_raw(smtp_data(make_message(ALICE)))
        queued = find_queued(self.server, queue_id_of(client.read_reply()))
        self.assertEqual(sorted(queued.recipients), sorted(recipients))


if __name__ == "__main__":
    unittest.main()
