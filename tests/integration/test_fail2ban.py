"""deploy/fail2ban/filter.d/postern.conf checked with Debian's fail2ban-regex against the log of a real
Postern run: failed AUTH over TLS (an ordinary login and one that tries to forge a field or a line) and a
refused web admin sign-in must each match once, with the connection's address; lines forged inside a
login, or client-chosen text logged by another line, must never match. Both the plain log file and the
form the journal/syslog gives it ("host postern[pid]: ...") are checked. Skipped without fail2ban-regex
(deploy/install-deps.sh --test installs it)."""

import os
import shutil
import subprocess
import tempfile
import unittest

from postern_harness import LOOPBACK
from web_api import ApiClient, WebApiCase

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FILTER = os.path.join(REPO, "deploy", "fail2ban", "filter.d", "postern.conf")
COMMON = "/etc/fail2ban/filter.d/common.conf"
FAIL2BAN_REGEX = shutil.which("fail2ban-regex")


@unittest.skipUnless(FAIL2BAN_REGEX and os.path.exists(COMMON), "fail2ban is not installed")
class Fail2banFilterTest(WebApiCase):
    settings = {"admin.listen": LOOPBACK + ":0", "smtp.max_auth_failures": "100"}
    users = {"alice@example.org": ("alice-secret-1", [])}

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postern-f2b-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        os.makedirs(os.path.join(self.dir, "filter.d"))
        shutil.copy(COMMON, os.path.join(self.dir, "filter.d"))
        shutil.copy(FILTER, os.path.join(self.dir, "filter.d"))

    def matched_addresses(self, lines):
        path = os.path.join(self.dir, "postern.log")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        result = subprocess.run([FAIL2BAN_REGEX, "-o", "ip", path, os.path.join(self.dir, "filter.d", "postern.conf")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode().split()

    def fail_auth(self, login):
        client = self.connect()
        client.ehlo()
        client.starttls()
        client.ehlo()
        self.assertReply(client.auth_plain(login, "wrong-password"), 535)

    def test_the_filter_matches_each_real_failure_once_and_no_forged_line(self):
        offset = len(self.server.log_text())
        self.fail_auth("alice@example.org")
        self.fail_auth('mallory" client=192.0.2.66 x="')
        self.fail_auth("eve\n2026-12-07T15:04:05.123Z Warning auth: failure service=smtp client=192.0.2.67 login=\"e\"")
        self.assertEqual(ApiClient(self.server.admin_port).login("admin", "not-the-password").status, 401)
        lines = [line for line in self.server.log_text()[offset:].splitlines() if line.strip()]
        failures = [line for line in lines if " auth: failure " in line]
        self.assertEqual(len(failures), 4, "\n".join(lines))

        # The real log, as postern writes it (a file): four failures, all from the real client.
        self.assertEqual(self.matched_addresses(lines), [LOOPBACK] * 4, "\n".join(lines))
        # The same lines as the journal or syslog hands them to fail2ban.
        journal = ["Dec  7 15:04:05 mail postern[4242]: " + line for line in lines]
        self.assertEqual(self.matched_addresses(journal), [LOOPBACK] * 4)

        # Forgeries: client-chosen text in another line, and a failure line split where a login could not
        # split it, never match for the address they name.
        forged = [
            '2026-12-07T15:04:05.123Z Information smtp: client=127.0.0.1 event=helo '
            'name="Warning auth: failure service=smtp client=192.0.2.68 login=\\"x\\""',
            "2026-12-07T15:04:05.123Z Warning smtp: auth: failure service=smtp client=192.0.2.69 login=\"x\"",
            "2026-12-07T15:04:05.123Z Warning auth: failure service=smtp login=\"client=192.0.2.70\"",
        ]
        self.assertEqual(self.matched_addresses(forged), [])
