"""Delivery status notifications (RFC 3461): the real server over STARTTLS and AUTH takes RET/ENVID on MAIL and
NOTIFY/ORCPT on RCPT, passes them to a smarthost that offers DSN, and, with one that does not, sends the
notices itself as NOTIFY asks: a "relayed" notice for SUCCESS, none for NEVER, the whole message for RET=FULL.
"""

import email
import email.policy
import shutil
import tempfile
import time
import unittest

from postern_harness import HOSTNAME, ServerTestCase, make_message, queue_id_of, smtp_data
from smarthost import FakeSmarthost, TestPki, wait_until

ALICE = ("alice@example.org", "alice-password-1")
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


class DsnCase(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    smarthost = None
    offer_dsn = False

    @classmethod
    def setUpClass(cls):
        cls.smarthost = FakeSmarthost(tls_context=TestPki.server_context(PKI.server_cert, PKI.server_key),
                                      auth=RELAY_LOGIN, offer_dsn=cls.offer_dsn).start()
        cls.settings = {
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

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.smarthost.stop()

    def submit(self, subject, mail_parameters, recipients, body="Hello, the body.\r\n"):
        """recipients: [(address, "NOTIFY=... ORCPT=..." or "")]. Returns the queue ID."""
        client = self.session(*ALICE)
        self.assertReply(client.cmd("MAIL FROM:<%s> %s" % (ALICE[0], mail_parameters)), 250)
        for address, parameters in recipients:
            self.assertReply(client.cmd("RCPT TO:<%s> %s" % (address, parameters)), 250)
        self.assertReply(client.cmd("DATA"), 354)
        message = make_message("Alice <%s>" % ALICE[0], to=recipients[0][0], subject=subject, body=body)
        client.send_raw(smtp_data(message))
        reply = client.read_reply()
        self.assertReply(reply, 250)
        client.cmd("QUIT")
        return queue_id_of(reply)

    def notices_about(self, subject):
        return [m for m in self.smarthost.received() if m.mail_from == "" and subject.encode() in m.data]

    def originals(self, subject):
        return [m for m in self.smarthost.received()
                if m.mail_from == ALICE[0] and ("Subject: " + subject + "\r\n").encode() in m.data]

    def queue_empty(self):
        return "-- 0 messages" in self.server.cli("queue", "list").stdout.decode()

    @staticmethod
    def report(notice):
        """(the parsed notice, its parts, the delivery-status blocks as dicts with lower-case keys)."""
        msg = email.message_from_bytes(notice.data, policy=email.policy.default)
        parts = list(msg.iter_parts())
        blocks = [dict((k.lower(), str(v)) for k, v in block.items()) for block in parts[1].get_payload()]
        return msg, parts, blocks


class ParametersAtSubmission(DsnCase):

    def test_ehlo_offers_dsn(self):
        reply = self.session(*ALICE).ehlo()
        self.assertIn("DSN", reply.keywords, reply.raw)

    def test_bad_parameters_get_501_naming_the_parameter(self):
        client = self.session(*ALICE)
        self.assertReply(client.cmd("MAIL FROM:<%s> RET=SOME" % ALICE[0]), 501, "5.5.4",
                         text="501 5.5.4 Bad RET parameter syntax")
        self.assertReply(client.cmd("MAIL FROM:<%s> ENVID=a+2b" % ALICE[0]), 501, "5.5.4",
                         text="501 5.5.4 Bad ENVID parameter syntax")
        self.assertReply(client.cmd("MAIL FROM:<%s> RET=FULL ENVID=ok" % ALICE[0]), 250)
        self.assertReply(client.cmd("RCPT TO:<bob@example.net> NOTIFY=NEVER,SUCCESS"), 501, "5.5.4",
                         text="501 5.5.4 Bad NOTIFY parameter syntax")
        self.assertReply(client.cmd("RCPT TO:<bob@example.net> ORCPT=bob@example.net"), 501, "5.5.4",
                         text="501 5.5.4 Bad ORCPT parameter syntax")
        self.assertReply(client.cmd("RCPT TO:<bob@example.net> NOTIFY=FAILURE NOTIFY=DELAY"), 501, "5.5.4",
                         text="501 5.5.4 Duplicate NOTIFY parameter")
        self.assertReply(client.cmd("RCPT TO:<bob@example.net> NOTIFY=delay,Failure ORCPT=rfc822;x+2By@a.example"),
                         250)


class ToASmarthostWithDsn(DsnCase):
    offer_dsn = True

    def test_parameters_are_passed_on_re_encoded_and_postern_sends_no_notice(self):
        self.submit("dsn-pass", "RET=HDRS ENVID=QQ+2B314",
                    [("bob@example.net", "NOTIFY=success,DELAY ORCPT=rfc822;Bob+2Bold@old.example"),
                     ("carol@example.net", "")])
        wait_until(lambda: self.originals("dsn-pass"), what="the message at the smarthost")
        wait_until(self.queue_empty, what="an empty queue")
        mail = [line for line in self.smarthost.mail_lines if "ENVID=" in line]
        self.assertEqual(len(mail), 1, self.smarthost.mail_lines)
        self.assertIn(" RET=HDRS", mail[0])
        self.assertIn(" ENVID=QQ+2B314", mail[0])
        self.assertIn("TO:<bob@example.net> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Bob+2Bold@old.example",
                      self.smarthost.rcpt_lines)
        self.assertIn("TO:<carol@example.net>", self.smarthost.rcpt_lines)
        time.sleep(1.5)  # a relayed notice would be queued and delivered by now
        self.assertEqual(self.notices_about("dsn-pass"), [])


class ToASmarthostWithoutDsn(DsnCase):
    offer_dsn = False

    def test_parameters_are_not_sent_and_notify_success_gets_a_relayed_notice(self):
        queue_id = self.submit("dsn-relayed", "RET=FULL ENVID=env-1",
                               [("bob@example.net", "NOTIFY=SUCCESS ORCPT=rfc822;bob+40old.example"),
                                ("carol@example.net", "NOTIFY=FAILURE")])
        notice = wait_until(lambda: self.notices_about("dsn-relayed"), what="the relayed notice")[0]
        self.assertFalse([l for l in self.smarthost.mail_lines if "RET=" in l or "ENVID=" in l])
        self.assertFalse([l for l in self.smarthost.rcpt_lines if "NOTIFY=" in l or "ORCPT=" in l])
        self.assertEqual(notice.rcpt_tos, [ALICE[0]])
        msg, parts, blocks = self.report(notice)
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg["Subject"], "Successful Mail Delivery Report")
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        self.assertEqual(blocks[0]["original-envelope-id"], "env-1")
        self.assertEqual(blocks[0]["reporting-mta"], "dns;" + HOSTNAME)
        self.assertEqual(len(blocks), 2, blocks)  # bob only: carol asked for failures alone
        self.assertEqual(blocks[1]["original-recipient"], "rfc822;bob@old.example")
        self.assertEqual(blocks[1]["final-recipient"], "rfc822;bob@example.net")
        self.assertEqual(blocks[1]["action"], "relayed")
        self.assertEqual(blocks[1]["status"], "2.0.0")
        headers = parts[2].get_payload(decode=True) or parts[2].get_content().encode()
        self.assertIn(b"Subject: dsn-relayed", headers)
        self.assertNotIn(b"Hello, the body.", headers)  # RET applies to failures only
        self.assertIn(queue_id, self.server.log_text())

    def test_notify_never_gets_no_bounce_and_notify_failure_one_with_the_whole_message(self):
        self.smarthost.rcpt_replies["never@example.net"] = ["550 5.1.1 <never@example.net>: user unknown"]
        self.smarthost.rcpt_replies["failure@example.net"] = ["550 5.1.1 <failure@example.net>: user unknown"]
        self.submit("dsn-bounce", "RET=FULL ENVID=env+2B2",
                    [("never@example.net", "NOTIFY=NEVER"),
                     ("failure@example.net", "NOTIFY=FAILURE ORCPT=rfc822;failure@old.example")],
                    body="The whole body comes back.\r\n")
        bounce = wait_until(lambda: self.notices_about("dsn-bounce"), what="the bounce")[0]
        wait_until(self.queue_empty, what="an empty queue")
        time.sleep(1.5)
        self.assertEqual(len(self.notices_about("dsn-bounce")), 1)  # never@ got none of its own
        msg, parts, blocks = self.report(bounce)
        self.assertEqual(msg["Subject"], "Undelivered Mail Returned to Sender")
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/delivery-status", "message/rfc822"])
        self.assertEqual(blocks[0]["original-envelope-id"], "env+2")
        self.assertEqual(len(blocks), 2, blocks)
        self.assertEqual(blocks[1]["original-recipient"], "rfc822;failure@old.example")
        self.assertEqual(blocks[1]["final-recipient"], "rfc822;failure@example.net")
        self.assertEqual(blocks[1]["action"], "failed")
        returned = parts[2].get_payload()[0]
        self.assertEqual(returned["Subject"], "dsn-bounce")
        self.assertIn("The whole body comes back.", returned.get_content())

    def test_ret_hdrs_bounce_carries_only_the_header_section(self):
        self.smarthost.rcpt_replies["hdrs@example.net"] = ["550 5.1.1 <hdrs@example.net>: user unknown"]
        self.submit("dsn-hdrs", "RET=HDRS", [("hdrs@example.net", "")], body="Not returned.\r\n")
        bounce = wait_until(lambda: self.notices_about("dsn-hdrs"), what="the bounce")[0]
        msg, parts, blocks = self.report(bounce)
        self.assertEqual(parts[2].get_content_type(), "text/rfc822-headers")
        self.assertNotIn(b"Not returned.", bounce.data)
        self.assertNotIn("original-envelope-id", blocks[0])


if __name__ == "__main__":
    unittest.main()
