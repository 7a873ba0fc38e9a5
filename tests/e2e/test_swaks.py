"""swaks against the built server, as an administrator would check a new installation: STARTTLS + AUTH PLAIN,
implicit TLS + AUTH LOGIN, pipelining, certificate verification, and the exit codes swaks gives for the
refusals a user meets (28 AUTH, 23 MAIL FROM, 26 after DATA). swaks exit codes: `swaks --help`, EXIT CODES."""

import os
import re
import subprocess
import unittest

from postern_harness import HOSTNAME, LOOPBACK, ServerTestCase, clean_environment, find_queued

SWAKS = os.environ.get("POSTERN_TEST_SWAKS", "/usr/bin/swaks")
ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
QUEUED = re.compile(r"queued as ([0-9A-Z]{15})")


@unittest.skipUnless(os.access(SWAKS, os.X_OK), "swaks is not installed at " + SWAKS)
class SwaksTest(ServerTestCase):
    users = {ALICE: (ALICE_PASSWORD, ["@alice.example"])}

    def swaks(self, kind, *args, password=ALICE_PASSWORD, sender=ALICE):
        command = [SWAKS, "--server", LOOPBACK, "--port", str(self.server.port(kind)),
                   "--ehlo", "laptop.example.org", "--from", sender, "--to", "bob@example.net",
                   "--auth-user", ALICE, "--auth-password", password, "--timeout", "60", *args]
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=clean_environment(), timeout=180)
        output = proc.stdout.decode("utf-8", errors="replace")
        return proc.returncode, output

    def assertExit(self, result, expected):
        code, output = result
        self.assertEqual(code, expected, "swaks exited %d, expected %d\n%s" % (code, expected, output))
        return output

    def queued_from(self, output):
        ids = QUEUED.findall(output)
        self.assertEqual(len(ids), 1, output)
        return find_queued(self.server, ids[0])

    def test_swaks_starttls_auth_plain_delivers(self):
        output = self.assertExit(self.swaks("submission", "--tls", "--auth", "PLAIN",
                                            "--header", "Subject: swaks starttls plain"), 0)
        queued = self.queued_from(output)
        self.assertIn(b"Subject: swaks starttls plain", queued.body)
        self.assertIn(b"This is a test mailing", queued.body)
        self.assertEqual(queued.field("login"), ALICE)
        self.assertIn("with ESMTPSA id %s" % queued.id, queued.header_values("Received")[0])

    def test_swaks_tls_on_connect_auth_login_delivers(self):
        output = self.assertExit(self.swaks("submissions", "--tls-on-connect", "--auth", "LOGIN",
                                            "--header", "Subject: swaks tls-on-connect login"), 0)
        queued = self.queued_from(output)
        self.assertIn(b"Subject: swaks tls-on-connect login", queued.body)

    def test_swaks_alternate_port_with_starttls_delivers(self):
        output = self.assertExit(self.swaks("alternate", "--tls", "--auth", "PLAIN"), 0)
        self.queued_from(output)

    def test_swaks_pipelining_delivers(self):
        output = self.assertExit(self.swaks("submission", "--tls", "--auth", "PLAIN", "--pipeline",
                                            "--header", "Subject: swaks pipeline"), 0)
        queued = self.queued_from(output)
        self.assertIn(b"Subject: swaks pipeline", queued.body)

    def test_swaks_verifies_the_generated_certificate(self):
        output = self.assertExit(self.swaks("submissions", "--tls-on-connect", "--auth", "PLAIN", "--tls-verify",
                                            "--tls-ca-path", self.server.certificate_path,
                                            "--tls-sni", HOSTNAME), 0)
        self.queued_from(output)

    def test_swaks_tls_1_2_delivers(self):
        output = self.assertExit(self.swaks("submission", "--tls", "--auth", "PLAIN",
                                            "--tls-protocol", "tlsv1_2"), 0)
        self.queued_from(output)

    def test_swaks_wrong_password_exits_28(self):
        output = self.assertExit(self.swaks("submission", "--tls", "--auth", "PLAIN", password="wrong-password"), 28)
        self.assertIn("535 5.7.8", output)
        self.assertEqual(QUEUED.findall(output), [])

    def test_swaks_auth_without_tls_exits_28(self):
        # A user who forgets --tls: AUTH is not offered before STARTTLS, the password never leaves.
        output = self.assertExit(self.swaks("submission", "--auth", "PLAIN"), 28)
        self.assertNotIn("AUTH PLAIN", output)

    def test_swaks_foreign_mail_from_exits_23(self):
        output = self.assertExit(self.swaks("submission", "--tls", "--auth", "PLAIN", sender="bob@example.com"), 23)
        self.assertIn("553 5.7.1", output)

    def test_swaks_foreign_header_from_exits_26(self):
        output = self.assertExit(self.swaks("submission", "--tls", "--auth", "PLAIN",
                                            "--header", "From: bob@example.com"), 26)
        self.assertIn("550 5.7.1", output)

    def test_swaks_domain_pattern_sender_delivers(self):
        output = self.assertExit(self.swaks("submissions", "--tls-on-connect", "--auth", "PLAIN",
                                            sender="office@alice.example"), 0)
        queued = self.queued_from(output)
        self.assertEqual(queued.field("sender"), "office@alice.example")


if __name__ == "__main__":
    unittest.main()
