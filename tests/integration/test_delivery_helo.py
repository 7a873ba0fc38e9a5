"""Delivery to a smarthost that refuses EHLO (RFC 5321 §3.2, §4.1.1.1): Postern greets it with HELO on the
same connection and continues without extensions. Over implicit TLS without AUTH that is enough to deliver;
a route that needs AUTH (or STARTTLS) gets neither credentials nor mail, and the message stays queued with a
note that `postern queue show` displays.
"""

import shutil
import tempfile
import time
import unittest
import warnings

from postern_harness import ServerTestCase, make_message, queue_id_of
from smarthost import FakeSmarthost, TestPki, wait_until

ALICE = ("alice@example.org", "alice-password-1")
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")
REFUSAL = "502 5.5.2 Error: command not recognized"
NOTE = "refused EHLO and answered HELO; it offers no STARTTLS/AUTH"

# The HELO-only smarthost with AUTH serves implicit TLS, which aiosmtpd does not count as TLS for AUTH.
warnings.filterwarnings("ignore", message=r"Requiring AUTH while not requiring TLS")

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


class HeloOnlyCase(ServerTestCase):
    """A server whose smarthost (made by make_smarthost() before the server starts) only knows HELO."""

    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    relay = {}

    @classmethod
    def make_smarthost(cls):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.smarthost = cls.make_smarthost().start()
        cls.settings = {
            "relay.smarthost": cls.smarthost.address,
            "relay.ca_file": PKI.ca_cert,
            "relay.timeout.connect": "10s",
            "relay.timeout.command": "20s",
            "relay.idle_timeout": "5s",
            "queue.retry_schedule": "1s",
            "queue.delay_warning": "0",
        }
        cls.settings.update(cls.relay)
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

    def submit(self, subject, body="Hello.\r\n", mail_parameters=""):
        client = self.session(*ALICE)
        message = make_message("Alice <%s>" % ALICE[0], subject=subject, body=body)
        reply = client.send_message(ALICE[0], ["bob@example.net"], message, mail_parameters)
        self.assertReply(reply, 250)
        client.cmd("QUIT")
        return queue_id_of(reply), message


def implicit_tls():
    return TestPki.server_context(PKI.server_cert, PKI.server_key)


class HeloOverImplicitTlsWithoutAuth(HeloOnlyCase):
    relay = {"relay.tls": "tls"}

    @classmethod
    def make_smarthost(cls):
        return FakeSmarthost(implicit_tls_context=implicit_tls(), refuse_ehlo=REFUSAL)

    def test_the_message_is_delivered_after_helo(self):
        queue_id, message = self.submit("helo-delivered")
        received = self.smarthost.wait_for(1)
        self.assertEqual(received[0].rcpt_tos, ["bob@example.net"])
        self.assertTrue(received[0].data.endswith(message), received[0].data[-200:])
        self.assertEqual(self.smarthost.greetings[:2], ["EHLO", "HELO"])
        wait_until(lambda: "delivered" in self.server.cli("queue", "log", queue_id).stdout.decode(),
                   what="the delivery in the queue log")

    def test_an_8bit_message_stays_queued_with_the_note(self):
        queue_id, _ = self.submit("helo-8bit", body="Caf\u00e9.\r\n", mail_parameters="BODY=8BITMIME")
        wait_until(lambda: "cannot take this 8BITMIME" in self.server.cli("queue", "show", queue_id).stdout.decode(),
                   what="the 8BITMIME note in queue show")
        shown = self.server.cli("queue", "show", queue_id).stdout.decode()
        self.assertIn(NOTE, shown)
        self.assertEqual([m for m in self.smarthost.received() if b"helo-8bit" in m.data], [])


class HeloOverImplicitTlsWithAuth(HeloOnlyCase):
    relay = {"relay.tls": "tls", "relay.username": RELAY_LOGIN[0], "relay.password": RELAY_LOGIN[1]}

    @classmethod
    def make_smarthost(cls):
        return FakeSmarthost(implicit_tls_context=implicit_tls(), auth=RELAY_LOGIN, refuse_ehlo=REFUSAL)

    def test_the_message_stays_queued_with_the_note_and_no_credentials_are_sent(self):
        queue_id, _ = self.submit("helo-needs-auth")
        shown = wait_until(
            lambda: (lambda text: text if NOTE in text else None)(
                self.server.cli("queue", "show", queue_id).stdout.decode()),
            what="the HELO note in queue show")
        self.assertIn("pending", shown)
        self.assertIn("AUTH", shown)
        self.assertIn("HELO", self.smarthost.greetings)
        self.assertEqual(self.smarthost.auth_attempts, [])
        self.assertEqual(self.smarthost.mail_commands, [])
        self.assertEqual(self.smarthost.received(), [])
        self.assertNotIn(RELAY_LOGIN[1], self.server.log_text())


class HeloWhereStartTlsIsRequired(HeloOnlyCase):
    relay = {"relay.tls": "starttls"}

    @classmethod
    def make_smarthost(cls):
        return FakeSmarthost(refuse_ehlo=REFUSAL)

    def test_nothing_is_sent_in_the_clear_and_the_note_says_why(self):
        queue_id, _ = self.submit("helo-needs-starttls")
        wait_until(lambda: NOTE in self.server.cli("queue", "show", queue_id).stdout.decode(),
                   what="the HELO note in queue show")
        time.sleep(1.5)  # a retry (schedule 1 s) must not change anything either
        self.assertEqual(self.smarthost.mail_commands, [])
        self.assertEqual(self.smarthost.received(), [])


if __name__ == "__main__":
    unittest.main()
