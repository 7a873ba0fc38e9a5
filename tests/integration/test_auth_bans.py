"""Brute-force bans (auth/ban_list.h) over real TLS: failed AUTH from one address bans it (454 4.7.0, even
for the right password), each failure is one log line in the fixed format (auth/auth_log.h) that a login
cannot forge, the ban survives a restart, and a lift through the web API (at once, audited) or the CLI
(another process: within the server's 5-second refresh) lets the client in again."""

import re
import time

from postern_harness import LOOPBACK
from web_api import WebApiCase

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
FAILURE_RE = re.compile(r"^\S+Z Warning auth: failure service=smtp client=127\.0\.0\.1 "
                        r'login="(?P<login>(?:[^"\\]|\\.)*)" mechanism=PLAIN reason=(?P<reason>\S+)$', re.M)


class AuthBanTest(WebApiCase):
    settings = {"admin.listen": LOOPBACK + ":0", "auth.throttle.failures": "3", "auth.throttle.window": "600",
                "auth.ban_time": "900", "smtp.max_auth_failures": "100"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def setUp(self):
        # Every test starts with no ban: the whole class connects from 127.0.0.1.
        response = self.api().delete("/bans")
        self.assertEqual(response.status, 200, repr(response))

    def auth(self, login, password):
        client = self.connect()
        client.ehlo()
        client.starttls()
        client.ehlo()
        reply = client.auth_plain(login, password)
        client.close()
        return reply

    def ban_loopback(self):
        for _ in range(3):
            self.assertReply(self.auth(ALICE, "wrong-password"), 535, "5.7.8")
        self.assertReply(self.auth(ALICE, ALICE_PASSWORD), 454, "4.7.0")

    def wait_for_log(self, pattern, offset, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.server.log_text()[offset:], re.M):
                return
            time.sleep(0.05)
        self.fail("no log line matching %r\n%s" % (pattern, self.server.log_excerpt()))

    def test_failures_over_tls_ban_the_address_and_each_failure_is_one_log_line(self):
        offset = len(self.server.log_text())
        self.ban_loopback()
        self.wait_for_log(r'auth: ban started kind=addr key="127\.0\.0\.1" count=1 until=\S+Z '
                          r'reason="3 failed logins in 600 s"$', offset)
        log = self.server.log_text()[offset:]
        failures = FAILURE_RE.findall(log)
        self.assertEqual(failures, [(ALICE, "wrong-password")] * 3, log)
        self.assertNotIn("wrong-password\"", log)  # the password is never logged (only the reason word)
        self.assertNotIn(ALICE_PASSWORD, log)
        bans = self.api().get("/bans").json["items"]
        self.assertEqual([(b["kind"], b["key"], b["active"], b["count"]) for b in bans],
                         [("addr", "127.0.0.1", True, 1)])

    def test_a_login_cannot_forge_a_second_line_or_another_client(self):
        offset = len(self.server.log_text())
        forged = 'x" client=6.6.6.6 y="\r\n2026-01-01T00:00:00.000Z Warning auth: failure service=smtp client=6.6.6.7'
        self.assertReply(self.auth(forged, "wrong-password"), 535, "5.7.8")
        self.wait_for_log(r"auth: failure service=smtp client=127\.0\.0\.1 ", offset)
        log = self.server.log_text()[offset:]
        lines = [line for line in log.splitlines() if "auth: failure" in line]
        self.assertEqual(len(lines), 1, log)
        self.assertRegex(lines[0], r'^\S+Z Warning auth: failure service=smtp client=127\.0\.0\.1 login="x\\" '
                                   r'client=6\.6\.6\.6 y=\\"\\x0[dD]\\x0[aA]2026-01-01T00:00:00\.000Z Warning auth: failure '
                                   r'service=smtp client=6\.6\.6\.7" mechanism=PLAIN reason=unknown-user$')
        self.assertNotRegex(log, r"(?m)^\S+ \S+ auth: failure service=smtp client=6\.6\.6\.")

    def test_a_lift_through_the_api_applies_at_once_and_is_audited(self):
        self.ban_loopback()
        api = self.api()
        response = api.post("/bans/lift", {"kind": "addr", "key": "127.0.0.1"})
        self.assertEqual(response.status, 204, repr(response))
        self.assertReply(self.auth(ALICE, ALICE_PASSWORD), 235)
        rows = self.audit_rows("ban.lift")
        self.assertEqual((rows[0]["object"], rows[0]["outcome"], rows[0]["actor"]),
                         ("addr:127.0.0.1", "ok", "admin"))
        missing = api.post("/bans/lift", {"kind": "addr", "key": "127.0.0.1"})
        self.assertError(missing, 404)
        self.assertError(api.post("/bans/lift", {"kind": "host", "key": "x"}), 422, field="kind")

    def test_a_lift_with_the_cli_reaches_the_running_server_within_its_refresh_interval(self):
        self.ban_loopback()
        listed = self.server.cli("ban", "list").stdout.decode()
        self.assertRegex(listed, r"^addr:127\.0\.0\.1\tuntil \S+ \S+ UTC\tban 1\t3 failed logins in 600 s$")
        lifted = self.server.cli("ban", "lift", "127.0.0.1")
        self.assertIn("lifted the ban on addr:127.0.0.1", lifted.stdout.decode())
        deadline = time.monotonic() + 8
        while True:
            reply = self.auth(ALICE, ALICE_PASSWORD)
            if reply.code == 235:
                break
            self.assertReply(reply, 454, "4.7.0")
            self.assertLess(time.monotonic(), deadline, "the server did not notice the CLI's lift")
            time.sleep(0.5)
        self.assertEqual(self.server.cli("ban", "lift", "127.0.0.1", check=False).returncode, 1)
        self.assertEqual(self.server.cli("ban", "lift", "", check=False).returncode, 2)

    def test_a_ban_survives_a_restart(self):
        self.ban_loopback()
        self.server.stop()
        self.server.start()
        self.assertReply(self.auth(ALICE, ALICE_PASSWORD), 454, "4.7.0")
        self.assertIn("bans in force from before the start", self.server.log_text())
