"""Delivery to the smarthost: the real server forwarding to a scripted stand-in (smarthost.py) over STARTTLS
with a test CA and AUTH. Every message that got 250 reaches the smarthost or comes back as a bounce; retries
follow 4xx, bounces follow 5xx and expiry, TLS problems keep mail queued, kill -9 loses nothing, and the
queue commands see and steer all of it.
"""

import email
import email.policy
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import unittest

from postern_harness import HOSTNAME, PosternServer, ServerTestCase, make_message, queue_id_of
from smarthost import FakeSmarthost, TestPki, free_port, wait_until

ALICE = ("alice@example.org", "alice-password-1")
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


def relay_settings(smarthost_address, **extra):
    settings = {
        "relay.smarthost": smarthost_address,
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
    settings.update(extra)
    return settings


def trusted_smarthost(port=None):
    return FakeSmarthost(port=port, tls_context=TestPki.server_context(PKI.server_cert, PKI.server_key),
                         auth=RELAY_LOGIN)


class DeliveryCase(ServerTestCase):
    """A server whose smarthost is `smarthost`, made by make_smarthost() before the server starts."""

    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    smarthost = None

    @classmethod
    def make_smarthost(cls):
        return trusted_smarthost()

    @classmethod
    def setUpClass(cls):
        cls.smarthost = cls.make_smarthost().start()
        cls.settings = relay_settings(cls.smarthost.address, **getattr(cls, "extra_settings", {}))
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

    def submit(self, recipients, subject, body="Hello.\r\n", sender=ALICE[0]):
        client = self.session(*ALICE)
        message = make_message("Alice <%s>" % sender, to=", ".join(recipients), subject=subject, body=body)
        reply = client.send_message(sender, recipients, message)
        self.assertReply(reply, 250)
        client.cmd("QUIT")
        return queue_id_of(reply), message

    def with_subject(self, subject):
        return [m for m in self.smarthost.received() if ("Subject: " + subject + "\r\n").encode() in m.data]

    def logged(self, queue_id, lines=1):
        """`postern queue log ID` once it shows at least `lines` lines: the server writes its delivery log in
        batches, at most half a second after an attempt."""
        def read():
            text = self.server.cli("queue", "log", queue_id).stdout.decode()
            return text if len(text.splitlines()) >= lines else None
        return wait_until(read, timeout=10, what="%d delivery log lines for %s" % (lines, queue_id))

    def queue_empty(self):
        return "-- 0 messages" in self.server.cli("queue", "list").stdout.decode()


class DeliveredOverStartTls(DeliveryCase):

    def test_a_message_is_delivered_once_byte_exact_after_the_headers_postern_adds(self):
        body = "Line one.\r\n.A line that starts with a dot.\r\n..Two dots.\r\n\r\nLast line.\r\n"
        queue_id, message = self.submit(["bob@example.net"], "delivered-once", body)
        wait_until(lambda: self.with_subject("delivered-once"), what="the message at the smarthost")
        wait_until(self.queue_empty, what="an empty queue")
        time.sleep(1.5)  # a second delivery would show up by now (retry schedule is 1 s)
        received = self.with_subject("delivered-once")
        self.assertEqual(len(received), 1, received)
        got = received[0]
        self.assertEqual(got.mail_from, ALICE[0])
        self.assertEqual(got.rcpt_tos, ["bob@example.net"])
        self.assertTrue(got.data.endswith(message), got.data)
        self.assertTrue(got.data.startswith(b"Received: from "), got.data[:200])
        self.assertIn(queue_id.encode(), got.data[:len(got.data) - len(message)])
        log = self.logged(queue_id)
        self.assertRegex(log, r"%s\s+delivered\s+<bob@example.net>\s+via 127\.0\.0\.1:%d\s+250 " %
                         (queue_id, self.smarthost.port))
        self.assertIn(("PLAIN", True), self.smarthost.auth_attempts)
        self.assertIn("status=sent", self.server.log_text())
        self.assertNotIn(RELAY_LOGIN[1], self.server.log_text())

    def test_connections_to_the_smarthost_are_reused(self):
        before = len(self.smarthost.connections_seen)
        for i in range(4):
            self.submit(["bob@example.net"], "reuse-%d" % i)
            wait_until(lambda: self.with_subject("reuse-%d" % i), what="message %d" % i)
        # Four messages in a row, well within relay.idle_timeout: one connection (the pool may hold one
        # already from an earlier test).
        self.assertLessEqual(len(self.smarthost.connections_seen) - before, 1)

    def test_4xx_is_retried_until_delivered(self):
        self.smarthost.rcpt_replies["later@example.net"] = ["451 4.3.0 try again later", "250 2.1.5 Ok"]
        queue_id, _ = self.submit(["later@example.net"], "retry-4xx")
        wait_until(lambda: self.with_subject("retry-4xx"), what="the retried message")
        wait_until(self.queue_empty, what="an empty queue")
        log = self.logged(queue_id, 2).splitlines()
        self.assertEqual([line.split()[3] for line in log], ["deferred", "delivered"], log)
        self.assertIn("451 4.3.0 try again later", log[0])

    def test_only_pending_recipients_are_retried(self):
        self.smarthost.rcpt_replies["slow@example.net"] = ["450 4.2.1 mailbox busy", "250 2.1.5 Ok"]
        self.submit(["fast@example.net", "slow@example.net"], "partial")
        wait_until(lambda: len(self.with_subject("partial")) >= 2, what="both deliveries")
        first, second = self.with_subject("partial")
        self.assertEqual(first.rcpt_tos, ["fast@example.net"])
        self.assertEqual(second.rcpt_tos, ["slow@example.net"])

    def test_5xx_bounces_to_the_sender_with_a_delivery_status_notification(self):
        self.smarthost.rcpt_replies["nobody@example.net"] = ["550 5.1.1 <nobody@example.net>: user unknown"]
        queue_id, _ = self.submit(["nobody@example.net", "bob@example.net"], "bounce-me")
        bounce = wait_until(lambda: [m for m in self.smarthost.received()
                                     if m.mail_from == "" and b"bounce-me" in m.data], what="the bounce")[0]
        self.assertEqual(bounce.rcpt_tos, [ALICE[0]])
        msg = email.message_from_bytes(bounce.data, policy=email.policy.default)
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg.get_param("report-type"), "delivery-status")
        self.assertEqual(msg["Auto-Submitted"], "auto-replied")
        self.assertIn("MAILER-DAEMON@" + HOSTNAME, msg["From"])
        parts = list(msg.iter_parts())
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        status = parts[1].get_payload()  # per-message block, then one block per recipient
        fields = [dict((k.lower(), str(v)) for k, v in block.items()) for block in status]
        self.assertEqual(fields[0]["reporting-mta"], "dns;" + HOSTNAME)
        self.assertEqual(len(fields), 2, fields)  # only the failed recipient
        self.assertEqual(fields[1]["final-recipient"], "rfc822;nobody@example.net")
        self.assertEqual(fields[1]["action"], "failed")
        self.assertEqual(fields[1]["status"], "5.1.1")
        self.assertEqual(fields[1]["remote-mta"], "dns;127.0.0.1")
        self.assertEqual(fields[1]["diagnostic-code"], "smtp;550 5.1.1 <nobody@example.net>: user unknown")
        headers = parts[2].get_payload(decode=True) or parts[2].get_content().encode()
        self.assertIn(b"Subject: bounce-me", headers)
        self.assertNotIn(b"Hello.", headers)
        wait_until(self.queue_empty, what="an empty queue")
        delivered = [m for m in self.with_subject("bounce-me") if m.mail_from == ALICE[0]]
        self.assertEqual([m.rcpt_tos for m in delivered], [["bob@example.net"]])

    def test_a_connection_lost_before_the_final_reply_is_retried(self):
        self.smarthost.drop_data = 1
        queue_id, _ = self.submit(["bob@example.net"], "dropped-once")
        wait_until(lambda: self.with_subject("dropped-once"), what="the message after the drop")
        wait_until(self.queue_empty, what="an empty queue")
        log = self.logged(queue_id, 2).splitlines()
        self.assertEqual([line.split()[3] for line in log], ["deferred", "delivered"], log)


class SmarthostDownThenBack(DeliveryCase):
    """Nothing listens on the smarthost port at first; mail waits, then leaves once it is up."""

    @classmethod
    def make_smarthost(cls):
        class NotYet:
            port = free_port()
            address = "127.0.0.1:%d" % port

            def start(self):
                return self

            def stop(self):
                pass
        return NotYet()

    def test_all_mail_waits_and_is_delivered_when_the_smarthost_returns(self):
        ids = [self.submit(["bob@example.net"], "down-%d" % i)[0] for i in range(5)]
        wait_until(lambda: "Connection refused" in self.server.cli("queue", "show", ids[-1]).stdout.decode(),
                   what="a refused attempt")
        listing = self.server.cli("queue", "list").stdout.decode()
        for queue_id in ids:
            self.assertIn(queue_id, listing)
        real = trusted_smarthost(port=self.smarthost.port).start()
        self.addCleanup(real.stop)
        self.assertEqual(self.server.cli("queue", "retry").returncode, 0)
        real.wait_for(5)
        wait_until(self.queue_empty, what="an empty queue")
        subjects = sorted(re.search(rb"Subject: (down-\d)", m.data).group(1) for m in real.received())
        self.assertEqual(subjects, [b"down-%d" % i for i in range(5)])


class StartTlsNotOffered(DeliveryCase):
    @classmethod
    def make_smarthost(cls):
        return FakeSmarthost()  # plaintext only

    def test_mail_stays_queued_and_the_reason_is_logged(self):
        queue_id, _ = self.submit(["bob@example.net"], "needs-tls")
        wait_until(lambda: "does not offer STARTTLS" in self.server.log_text(), what="the STARTTLS error in the log")
        shown = self.server.cli("queue", "show", queue_id).stdout.decode()
        self.assertIn("pending", shown)
        self.assertIn("STARTTLS", shown)
        self.assertEqual(self.smarthost.mail_commands, [])  # not even MAIL was sent in the clear
        self.assertEqual(self.smarthost.received(), [])


class UntrustedCertificate(DeliveryCase):
    @classmethod
    def make_smarthost(cls):
        return FakeSmarthost(tls_context=TestPki.server_context(PKI.untrusted_cert, PKI.untrusted_key),
                             auth=RELAY_LOGIN)

    def test_an_unknown_ca_means_no_delivery(self):
        queue_id, _ = self.submit(["bob@example.net"], "untrusted")
        wait_until(lambda: "certificate verify failed" in self.server.cli("queue", "show", queue_id).stdout.decode(),
                   what="the certificate error")
        self.assertEqual(self.smarthost.mail_commands, [])
        self.assertEqual(self.smarthost.auth_attempts, [])  # credentials never offered to it


class WrongCertificateName(DeliveryCase):
    @classmethod
    def make_smarthost(cls):
        return FakeSmarthost(tls_context=TestPki.server_context(PKI.wrong_name_cert, PKI.wrong_name_key),
                             auth=RELAY_LOGIN)

    def test_a_certificate_for_another_name_means_no_delivery(self):
        queue_id, _ = self.submit(["bob@example.net"], "wrong-name")
        wait_until(lambda: "certificate verify failed" in self.server.cli("queue", "show", queue_id).stdout.decode(),
                   what="the certificate error")
        self.assertEqual(self.smarthost.mail_commands, [])
        self.assertEqual(self.smarthost.auth_attempts, [])


class Expiry(DeliveryCase):
    """The smarthost defers everything except notifications; after queue.max_lifetime the sender is told."""
    extra_settings = {"queue.max_lifetime": "4s", "queue.retry_schedule": "1s"}

    @classmethod
    def make_smarthost(cls):
        smarthost = trusted_smarthost()
        smarthost.mail_reply = lambda address: None if address in ("<>", "") else "451 4.7.1 greylisted, come back"
        return smarthost

    def test_expired_mail_is_bounced_with_the_last_error(self):
        queue_id, _ = self.submit(["bob@example.net"], "expire-me")
        bounce = self.smarthost.wait_for(1, timeout=60)[0]
        self.assertEqual(bounce.mail_from, "")
        self.assertEqual(bounce.rcpt_tos, [ALICE[0]])
        msg = email.message_from_bytes(bounce.data, policy=email.policy.default)
        status = list(msg.iter_parts())[1].get_payload()
        recipient = dict((k.lower(), str(v)) for k, v in status[1].items())
        self.assertEqual(recipient["action"], "failed")
        self.assertEqual(recipient["status"], "4.7.1")
        self.assertIn("451 4.7.1 greylisted", recipient["diagnostic-code"])
        self.assertIn(b"delivery time expired", bounce.data)
        wait_until(self.queue_empty, what="an empty queue")
        wait_until(lambda: "expired" in self.server.cli("queue", "log", queue_id).stdout.decode(), timeout=10,
                   what="the expiry in the delivery log")


class QueueCommands(DeliveryCase):
    """The smarthost defers everything, so messages stay for the commands to act on."""
    extra_settings = {"queue.retry_schedule": "1h"}

    @classmethod
    def make_smarthost(cls):
        smarthost = trusted_smarthost()
        smarthost.mail_reply = lambda address: "421 4.3.2 maintenance"
        return smarthost

    def attempts(self, queue_id):
        return len(self.server.cli("queue", "log", queue_id).stdout.decode().splitlines())

    def test_list_show_retry_delete_and_log(self):
        queue_id, _ = self.submit(["bob@example.net", "carol@example.net"], "steer-me")
        wait_until(lambda: self.attempts(queue_id) >= 2, what="the first attempt")
        listing = self.server.cli("queue", "list").stdout.decode()
        self.assertRegex(listing, r"%s .*<%s>.*attempts=1" % (queue_id, re.escape(ALICE[0])))
        self.assertRegex(listing, r"pending\s+<bob@example.net>\s+421 4.3.2 maintenance")
        shown = self.server.cli("queue", "show", queue_id).stdout.decode()
        self.assertIn("Subject: steer-me", shown)
        self.assertIn("login:        " + ALICE[0], shown)

        retried = self.server.cli("queue", "retry", queue_id)
        self.assertEqual(retried.returncode, 0, retried)
        wait_until(lambda: self.attempts(queue_id) >= 4, what="the retried attempt")

        deleted = self.server.cli("queue", "delete", queue_id)
        self.assertIn("deleted", deleted.stdout.decode())
        self.assertNotIn(queue_id, self.server.cli("queue", "list").stdout.decode())
        self.assertEqual(self.server.cli("queue", "show", queue_id, check=False).returncode, 1)
        self.assertEqual(self.server.cli("queue", "delete", queue_id, check=False).returncode, 1)
        self.assertEqual(self.server.cli("queue", "retry", "0000000000000ZZ", check=False).returncode, 1)
        self.assertEqual(self.smarthost.received(), [])

    def test_a_directory_in_the_control_directory_does_not_stop_queue_commands(self):
        # queue/queue_control.h: an entry the manager cannot handle is skipped (and reported once); the
        # requests beside it are still carried out.
        queue_id, _ = self.submit(["bob@example.net"], "control-dir")
        wait_until(lambda: self.attempts(queue_id) >= 1, what="the first attempt")
        stray = os.path.join(self.server.spool_dir, "control", "stray-directory")
        os.makedirs(os.path.join(stray, "inside"))
        self.addCleanup(shutil.rmtree, stray, True)
        before = self.attempts(queue_id)
        retried = self.server.cli("queue", "retry", queue_id)
        self.assertEqual(retried.returncode, 0, retried)
        wait_until(lambda: self.attempts(queue_id) > before, what="the retried attempt")
        self.assertEqual(self.server.cli("queue", "retry").returncode, 0)  # and again: the poller still runs
        self.assertTrue(os.path.isdir(stray), "the administrator's directory was left alone")
        time.sleep(1.5)  # a few more polls (every 0.5 s)
        self.assertEqual(self.server.log_text().count("stray-directory"), 1, "reported once, not at every poll")

    def test_delete_without_a_running_server(self):
        queue_id, _ = self.submit(["bob@example.net"], "offline-delete")
        wait_until(lambda: self.attempts(queue_id) >= 1, what="the first attempt")
        self.server.stop()
        try:
            self.assertIn("deleted", self.server.cli("queue", "delete", queue_id).stdout.decode())
            self.assertIn("will be attempted", self.server.cli("queue", "retry").stdout.decode())
        finally:
            self.server.start()
        self.assertNotIn(queue_id, self.server.cli("queue", "list").stdout.decode())


class KillDashNine(unittest.TestCase):
    """SIGKILL while messages stream in and out: every message that got 250 reaches the smarthost."""

    def test_nothing_acknowledged_is_lost(self):
        smarthost = trusted_smarthost().start()
        self.addCleanup(smarthost.stop)
        server = PosternServer(relay_settings(smarthost.address))
        self.addCleanup(server.cleanup)
        server.add_user(*ALICE, addresses=["@example.org"])
        server.start()
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def sender(n):
            def run():
                i = 0
                while not stop.is_set():
                    token = "kill-%d-%d" % (n, i)
                    i += 1
                    try:
                        client = server.session(*ALICE)
                        reply = client.send_message(ALICE[0], ["bob@example.net"],
                                                    make_message(ALICE[0], subject=token))
                        client.close()
                    except Exception:
                        return  # the server is gone
                    if reply.code == 250:
                        with lock:
                            acknowledged.append(token)
            return run

        threads = [threading.Thread(target=sender(n)) for n in range(4)]
        for t in threads:
            t.start()
        wait_until(lambda: len(acknowledged) >= 40, timeout=120, what="40 acknowledged messages")
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        stop.set()
        for t in threads:
            t.join(60)
        self.assertGreater(len(acknowledged), 0)
        server.start()
        try:
            wait_until(lambda: "-- 0 messages" in server.cli("queue", "list").stdout.decode(), timeout=120,
                       what="an empty queue after the restart")
            arrived = set(re.search(rb"Subject: (kill-\d+-\d+)", m.data).group(1).decode()
                          for m in smarthost.received())
            missing = sorted(set(acknowledged) - arrived)
            self.assertEqual(missing, [], "acknowledged but never delivered (of %d)" % len(acknowledged))
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
