"""Postern forwarding to Postfix's smtp-sink, an independent SMTP server: mail submitted with swaks and Python's
smtplib arrives once per message with the envelope it was submitted with. smtp-sink speaks no TLS, so the
relay runs with relay.tls = none here (TLS to the smarthost is covered by tests/integration/test_delivery.py).
"""

import os
import re
import shutil
import smtplib
import ssl
import subprocess
import tempfile
import time
import unittest

from postern_harness import HOSTNAME, LOOPBACK, ServerTestCase, clean_environment
from smarthost import free_port, wait_until

SMTP_SINK = "/usr/sbin/smtp-sink"
SWAKS = os.environ.get("POSTERN_TEST_SWAKS", "/usr/bin/swaks")
ALICE = ("alice@example.org", "alice-sink-password")


class SMTP(smtplib.SMTP):
    """Connects to 127.0.0.1 while TLS verifies HOSTNAME (smtplib checks the host given to connect())."""

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(LOOPBACK if host == HOSTNAME else host, port, timeout)


@unittest.skipUnless(os.access(SMTP_SINK, os.X_OK), "smtp-sink is not installed (apt-get install postfix)")
class SmtpSinkDelivery(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org"])}

    @classmethod
    def setUpClass(cls):
        cls.sink_root = tempfile.mkdtemp(prefix="postern-sink-")
        os.chmod(cls.sink_root, 0o755)
        cls.dump_dir = os.path.join(cls.sink_root, "dump")
        os.mkdir(cls.dump_dir)
        os.chmod(cls.dump_dir, 0o777)  # smtp-sink writes as nobody when started as root
        port = free_port()
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        cls.sink = subprocess.Popen([SMTP_SINK, *user, "-d", os.path.join(cls.dump_dir, "%M."),
                                     "%s:%d" % (LOOPBACK, port), "64"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cls.settings = {"relay.smarthost": "%s:%d" % (LOOPBACK, port), "relay.tls": "none",
                        "queue.retry_schedule": "1s"}
        try:
            super().setUpClass()
        except BaseException:
            cls.sink.kill()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.sink.kill()
            cls.sink.wait()
            shutil.rmtree(cls.sink_root, ignore_errors=True)

    def dumps(self):
        found = []
        for directory, _, files in os.walk(self.dump_dir):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    found.append(f.read())
        return found

    def with_token(self, token):
        return [d for d in self.dumps() if token.encode() in d]

    def smtplib_send(self, token, recipients):
        context = ssl.create_default_context(cafile=self.server.certificate_path)
        with SMTP(HOSTNAME, self.server.port("submission"), local_hostname="client.example.org",
                  timeout=60) as client:
            client.starttls(context=context)
            client.login(*ALICE)
            client.sendmail(ALICE[0], recipients,
                            ("From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\nBody of %s.\r\n"
                             % (ALICE[0], ", ".join(recipients), token, token)).encode())

    def test_smtplib_messages_arrive_once_each_with_their_envelope(self):
        tokens = ["sink-smtplib-%d" % i for i in range(10)]
        for token in tokens:
            self.smtplib_send(token, ["bob@example.net", "carol@example.com"])
        wait_until(lambda: all(self.with_token(t) for t in tokens), what="all ten messages at smtp-sink")
        wait_until(lambda: "-- 0 messages" in self.server.cli("queue", "list").stdout.decode(), what="an empty queue")
        time.sleep(1.5)  # a duplicate would have arrived by now (retry schedule is 1 s)
        for token in tokens:
            dumps = self.with_token(token)
            self.assertEqual(len(dumps), 1, token)
            dump = dumps[0]
            self.assertRegex(dump, rb"X-Mail-Args: <alice@example\.org>")
            self.assertEqual(re.findall(rb"X-Rcpt-Args: <([^>]*)>", dump), [b"bob@example.net", b"carol@example.com"])
            self.assertIn(b"Received: from client.example.org", dump)
            self.assertIn(("Body of %s." % token).encode(), dump)

    @unittest.skipUnless(os.access(SWAKS, os.X_OK), "swaks is not installed")
    def test_swaks_message_arrives(self):
        proc = subprocess.run([SWAKS, "--server", LOOPBACK, "--port", str(self.server.port("submission")), "--tls",
                               "--auth", "PLAIN", "--auth-user", ALICE[0], "--auth-password", ALICE[1],
                               "--from", ALICE[0], "--to", "dave@example.net", "--header", "Subject: sink-swaks",
                               "--timeout", "60"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=clean_environment(), timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout.decode(errors="replace"))
        dump = wait_until(lambda: self.with_token("sink-swaks"), what="the swaks message at smtp-sink")[0]
        self.assertIn(b"X-Rcpt-Args: <dave@example.net>", dump)
        self.assertIn(b"This is a test mailing", dump)


if __name__ == "__main__":
    unittest.main()
