"""Relay routes and OAuth, through the running server: routes added with `postern route` while it runs take
effect without a restart; each sender's mail goes through its route's smarthost with that route's
authentication — a password, or XOAUTH2/OAUTHBEARER with a token Postern fetched from a (stand-in) token
endpoint by the client-credentials or refresh-token grant. A failing token endpoint, a smarthost that no
longer offers the configured mechanism, or one that is down defers mail (failing over inside the route),
and never sends it unauthenticated. Secrets stay out of the database in clear, the CLI output and the log.
"""

import os
import re
import shutil
import sqlite3
import tempfile
import time
import unittest

from postern_harness import ServerTestCase, make_message, queue_id_of
from smarthost import FakeSmarthost, FakeTokenEndpoint, TestPki, free_port, wait_until

ALICE = ("alice@example.org", "alice-password-1")      # routed by @example.org
CAROL = ("carol@example.com", "carol-password-1")      # routed by @example.com (OAuth)
DAVE = ("dave@example.net", "dave-password-1")         # routed by address
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")
CLIENT_SECRET = "client-secret-Zq9"
REFRESH_TOKEN = "refresh-token-Xy7"

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


def tls():
    return TestPki.server_context(PKI.server_cert, PKI.server_key)


class RoutesCase(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org"]), CAROL[0]: (CAROL[1], ["@example.com"]),
             DAVE[0]: (DAVE[1], [])}
    settings = {"queue.retry_schedule": "1s", "queue.delay_warning": "0", "relay.timeout.connect": "10s",
                "relay.timeout.command": "20s", "relay.idle_timeout": "5s"}

    @classmethod
    def setUpClass(cls):
        cls.password_host = FakeSmarthost(tls_context=tls(), auth=RELAY_LOGIN).start()
        cls.oauth_host = FakeSmarthost(tls_context=tls(), oauth_tokens=set()).start()
        cls.plain_only_host = FakeSmarthost(tls_context=tls(), auth=RELAY_LOGIN).start()
        cls.tokens = FakeTokenEndpoint().start()
        try:
            super().setUpClass()
        except BaseException:
            cls.stop_peers()
            raise

    @classmethod
    def stop_peers(cls):
        for peer in (cls.password_host, cls.oauth_host, cls.plain_only_host, cls.tokens):
            peer.stop()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.stop_peers()

    def route(self, *args, stdin=None, check=True):
        """`postern route ARGS`; a change waits until the running server has loaded it (it checks the table
        before deliveries, at most once a second)."""
        updates = self.server.log_text().count("event=routes-updated")
        result = self.server.cli("route", *args, stdin=stdin, check=check)
        if args[0] in ("add", "set", "remove") and result.returncode == 0:
            wait_until(lambda: self.server.log_text().count("event=routes-updated") > updates,
                       what="the server to load the route change")
        return result

    def submit(self, user, subject, recipients=("bob@example.net",)):
        client = self.session(*user)
        reply = client.send_message(user[0], list(recipients), make_message(user[0], subject=subject))
        self.assertReply(reply, 250)
        client.cmd("QUIT")
        return queue_id_of(reply)

    def arrived(self, host, subject):
        return [m for m in host.received() if ("Subject: " + subject + "\r\n").encode() in m.data]

    def shown(self, queue_id):
        return self.server.cli("queue", "show", queue_id).stdout.decode()

    def add_password_route(self, name="office", senders=("@example.org",), hosts=None):
        args = ["add", name, "--smarthost", hosts or self.password_host.address, "--ca-file", PKI.ca_cert,
                "--auth", "password", "--username", RELAY_LOGIN[0], "--password-stdin"]
        for s in senders:
            args += ["--sender", s]
        return self.route(*args, stdin=RELAY_LOGIN[1] + "\n")


class RoutesAndOAuth(RoutesCase):

    def test_1_mail_is_held_until_a_route_exists_then_leaves_without_a_restart(self):
        queue_id = self.submit(ALICE, "held-then-routed")
        time.sleep(1.5)
        self.assertIn("attempts:     0", self.shown(queue_id))  # held: not even tried
        self.assertIn("held in the queue", self.server.log_text())
        self.add_password_route()
        wait_until(lambda: self.arrived(self.password_host, "held-then-routed"), what="delivery after route add")
        self.assertIn(("PLAIN", True), self.password_host.auth_attempts)

    def test_2_xoauth2_with_a_client_credentials_token(self):
        self.tokens.answers = None
        self.oauth_host.oauth_tokens.update({"token-%d" % i for i in range(1, 50)})
        out = self.route("add", "m365", "--sender", "@example.com", "--smarthost", self.oauth_host.address,
                         "--ca-file", PKI.ca_cert, "--auth", "xoauth2", "--username", "sender@example.com",
                         "--grant", "client_credentials", "--token-url", self.tokens.url, "--client-id", "app-id-1",
                         "--scope", "https://outlook.office365.com/.default", "--client-secret-stdin",
                         stdin=CLIENT_SECRET + "\n").stdout.decode()
        self.assertNotIn(CLIENT_SECRET, out)
        self.assertIn("(stored, encrypted)", out)
        for i in range(3):
            self.submit(CAROL, "oauth-%d" % i)
        wait_until(lambda: all(self.arrived(self.oauth_host, "oauth-%d" % i) for i in range(3)),
                   what="three messages over XOAUTH2")
        form = self.tokens.forms()[0]
        self.assertEqual(form, {"grant_type": "client_credentials", "client_id": "app-id-1",
                                "client_secret": CLIENT_SECRET, "scope": "https://outlook.office365.com/.default"})
        self.assertEqual(len(self.tokens.forms()), 1)  # one token, cached for every connection
        mechanism, user, token, accepted = self.oauth_host.oauth_attempts[0]
        self.assertEqual((mechanism, user, accepted), ("XOAUTH2", "sender@example.com", True))
        self.assertEqual(self.password_host.received(), [m for m in self.password_host.received()
                                                          if b"oauth-" not in m.data])  # not through office

    def test_3_a_failing_token_endpoint_defers_and_never_sends_unauthenticated(self):
        self.route("add", "failing", "--sender", "dave@example.net", "--smarthost", self.oauth_host.address,
                   "--ca-file", PKI.ca_cert, "--auth", "oauthbearer", "--username", "dave@example.net",
                   "--grant", "refresh_token", "--token-url", self.tokens.url + "?broken", "--client-id", "app-2",
                   "--refresh-token-stdin", stdin=REFRESH_TOKEN + "\n")
        self.tokens.answers = [(400, {"error": "invalid_grant", "error_description": "AADSTS70000 expired"})]
        before = len(self.oauth_host.mail_commands)
        queue_id = self.submit(DAVE, "token-fails")
        wait_until(lambda: "OAuth token unavailable" in self.shown(queue_id), what="the token error in the queue")
        shown = self.shown(queue_id)
        self.assertIn("invalid_grant", shown)
        self.assertNotIn(REFRESH_TOKEN, shown)
        self.assertEqual(len(self.oauth_host.mail_commands), before)  # nothing sent
        # The endpoint recovers and rotates the refresh token: mail leaves, the new token is stored sealed.
        self.tokens.answers = [(200, {"access_token": "token-77", "token_type": "Bearer", "expires_in": 3600,
                                      "refresh_token": "rotated-refresh-Q1"})]
        self.oauth_host.oauth_tokens.add("token-77")
        self.server.cli("queue", "retry", queue_id)
        wait_until(lambda: self.arrived(self.oauth_host, "token-fails"), timeout=90, what="delivery after recovery")
        attempt = [a for a in self.oauth_host.oauth_attempts if a[2] == "token-77"][0]
        self.assertEqual(attempt[:2], ("OAUTHBEARER", "dave@example.net"))
        refresh_forms = [f for f in self.tokens.forms() if f.get("grant_type") == "refresh_token"]
        self.assertEqual(refresh_forms[-1]["refresh_token"], REFRESH_TOKEN)
        db = os.path.join(self.server.data_dir, "postern.db")
        wait_until(lambda: self._sealed_refresh(db, "failing") not in ("", None), what="the stored refresh token")
        with open(db, "rb") as f:
            raw = f.read()
        for secret in (REFRESH_TOKEN, "rotated-refresh-Q1", CLIENT_SECRET, RELAY_LOGIN[1]):
            self.assertNotIn(secret.encode(), raw)
            self.assertNotIn(secret, self.server.log_text())
        self.route("remove", "failing")

    @staticmethod
    def _sealed_refresh(db, name):
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT oauth_refresh_token FROM relay_routes WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def test_4_a_smarthost_without_the_configured_mechanism_gets_nothing(self):
        self.route("add", "downgrade", "--sender", "dave@example.net", "--smarthost", self.plain_only_host.address,
                   "--ca-file", PKI.ca_cert, "--auth", "xoauth2", "--username", "dave@example.net",
                   "--grant", "client_credentials", "--token-url", self.tokens.url, "--client-id", "app-3",
                   "--client-secret-stdin", stdin=CLIENT_SECRET + "\n")
        self.tokens.answers = None
        queue_id = self.submit(DAVE, "no-downgrade")
        wait_until(lambda: "does not offer AUTH XOAUTH2" in self.shown(queue_id), what="the downgrade refusal")
        self.assertEqual(self.plain_only_host.mail_commands, [])
        self.assertEqual(self.plain_only_host.auth_attempts, [])  # no PLAIN fallback either
        self.server.cli("queue", "delete", queue_id)
        self.route("remove", "downgrade")

    def test_5_failover_inside_a_route_and_route_test(self):
        dead = "127.0.0.1:%d" % free_port()
        self.route("add", "failover", "--sender", "dave@example.net", "--smarthost",
                   dead + "," + self.password_host.address, "--ca-file", PKI.ca_cert, "--auth", "password",
                   "--username", RELAY_LOGIN[0], "--password-stdin", stdin=RELAY_LOGIN[1] + "\n")
        self.assertIn("route failover", self.route("test", DAVE[0]).stdout.decode())
        self.assertIn("route m365", self.route("test", "anyone@example.com").stdout.decode())
        self.assertEqual(self.route("test", "stranger@elsewhere.test", check=False).returncode, 1)
        self.submit(DAVE, "failover")
        got = wait_until(lambda: self.arrived(self.password_host, "failover"), what="delivery via the second host")
        self.assertEqual(got[0].mail_from, DAVE[0])
        listing = self.route("list").stdout.decode()
        self.assertRegex(listing, r"failover\s+dave@example.net\s+127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+")
        self.assertNotIn(RELAY_LOGIN[1], listing)
        self.route("remove", "failover")

    def test_6_a_route_whose_secret_does_not_open_defers_instead_of_falling_through(self):
        self.add_password_route("catchall", senders=("*",))
        self.add_password_route("tampered", senders=("dave@example.net",))
        db = os.path.join(self.server.data_dir, "postern.db")
        updates = self.server.log_text().count("event=routes-updated")
        with sqlite3.connect(db) as conn:  # a sealed secret moved to another route does not open
            conn.execute("UPDATE relay_routes SET password = (SELECT password FROM relay_routes WHERE name = "
                         "'catchall') WHERE name = 'tampered'")
        wait_until(lambda: self.server.log_text().count("event=routes-updated") > updates, what="the reload")
        self.assertIn("route tampered:", self.server.log_text())
        queue_id = self.submit(DAVE, "tampered-route")
        wait_until(lambda: "no usable smarthost" in self.shown(queue_id), what="the deferral")
        self.assertEqual(self.arrived(self.password_host, "tampered-route"), [])  # not via the default route
        self.server.cli("queue", "delete", queue_id)
        self.route("remove", "tampered")
        self.route("remove", "catchall")


if __name__ == "__main__":
    unittest.main()
