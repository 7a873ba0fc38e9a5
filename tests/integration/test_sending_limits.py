"""Per-user sending limits (README "Sending limits") against the real binary over STARTTLS with AUTH: with
limits.messages_per_hour = 2 the third MAIL FROM gets 451 4.7.1 with a clear text; with
limits.recipients_per_day the RCPTs past the limit get 451 while the earlier ones are accepted and the
message is queued to them; an override through the API or the CLI lifts the limit for the next MAIL; the
refusal is logged (login, limit, client) and counted in /metrics; and a restart keeps the count."""

import re
import time
import unittest

from postern_harness import LOOPBACK, PosternServer, make_message
from test_metrics import parse, scrape, value
from web_api import WebApiCase, quote

PASSWORD = "sender password 1"
MESSAGES_TEXT = "451 4.7.1 Sending limit reached: 2 messages per hour for this account; try again later"


def send(case, client, login, recipients=("bob@example.net",)):
    reply = client.send_message(login, list(recipients), make_message(login))
    case.assertReply(reply, 250)


class SendingLimitsTest(WebApiCase):
    settings = {"admin.listen": LOOPBACK + ":0", "limits.messages_per_hour": "2",
                "limits.recipients_per_day": "5"}
    users = {login: (PASSWORD, []) for login in (
        "hourly@example.org", "wide@example.org", "apiuser@example.org", "cliuser@example.org")}

    def metrics(self):
        status, _, body = scrape(self.server.admin_port)
        self.assertEqual(status, 200)
        return parse(body)

    def test_the_third_mail_in_an_hour_gets_451_4_7_1_logged_and_counted(self):
        before = self.metrics()
        client = self.session("hourly@example.org", PASSWORD)
        send(self, client, "hourly@example.org")
        send(self, client, "hourly@example.org")
        reply = client.cmd("MAIL FROM:<hourly@example.org>")
        self.assertReply(reply, 451, "4.7.1", MESSAGES_TEXT)
        # The session stays usable: the client may try again later on the same connection.
        self.assertReply(client.cmd("NOOP"), 250)
        after = self.metrics()
        name = "postern_sending_limit_refusals_total"
        self.assertEqual(value(after, name, '{limit="messages_per_hour"}')
                         - value(before, name, '{limit="messages_per_hour"}'), 1)
        self.assertEqual(value(after, "postern_messages_refused_total", '{reason="sending_limit"}')
                         - value(before, "postern_messages_refused_total", '{reason="sending_limit"}'), 1)
        self.assertRegex(self.server.log_text(),
                         r"event=limit login=hourly@example\.org limit=messages_per_hour max=2 client=127\.0\.0\.1")

    def test_the_rcpts_past_the_recipients_per_day_get_451_and_the_message_goes_to_the_others(self):
        self.assertEqual(self.server.cli("user", "set", "wide@example.org", "--messages-per-hour", "0").returncode, 0)
        client = self.session("wide@example.org", PASSWORD)
        send(self, client, "wide@example.org", ["r%d@example.net" % i for i in range(4)])
        self.assertReply(client.cmd("MAIL FROM:<wide@example.org>"), 250)
        self.assertReply(client.cmd("RCPT TO:<r4@example.net>"), 250)
        refused = client.cmd("RCPT TO:<r5@example.net>")
        self.assertReply(refused, 451, "4.7.1",
                         "451 4.7.1 Sending limit reached: 5 recipients per day for this account; try again later")
        self.assertReply(client.cmd("RCPT TO:<r6@example.net>"), 451, "4.7.1")
        self.assertReply(client.cmd("DATA"), 354)
        client.send_raw(b"From: <wide@example.org>\r\nSubject: x\r\n\r\nHi\r\n.\r\n")
        self.assertReply(client.read_reply(), 250)
        shown = self.api().get("/users/" + quote("wide@example.org") + "/limits").json
        self.assertEqual(shown["usage"]["recipientsLastDay"], 5)
        self.assertEqual(shown["usage"]["messagesLastHour"], 2)
        self.assertEqual(shown["usage"]["refusalsLastDay"], 2)
        self.assertEqual(shown["overrides"], {"messagesPerHour": 0, "recipientsPerDay": None})
        self.assertEqual(shown["effective"], {"messagesPerHour": 0, "recipientsPerDay": 5})

    def test_an_override_through_the_api_lifts_the_limit_for_the_next_mail(self):
        api = self.api()
        path = "/users/" + quote("apiuser@example.org") + "/limits"
        client = self.session("apiuser@example.org", PASSWORD)
        send(self, client, "apiuser@example.org")
        send(self, client, "apiuser@example.org")
        self.assertReply(client.cmd("MAIL FROM:<apiuser@example.org>"), 451, "4.7.1")
        shown = api.get(path).json
        self.assertEqual(shown["usage"]["messagesLastHour"], 2)
        self.assertIs(shown["live"], True)
        self.assertIs(shown["limited"], True)
        listed = api.get("/limits").json
        self.assertEqual(listed["defaults"], {"messagesPerHour": 2, "recipientsPerDay": 5})
        self.assertIn("apiuser@example.org", [u["login"] for u in listed["items"] if u["limited"]])

        changed = api.patch(path, {"messagesPerHour": 10})
        self.assertEqual(changed.status, 200, repr(changed))
        self.assertEqual(changed.json["effective"]["messagesPerHour"], 10)
        self.assertReply(client.cmd("MAIL FROM:<apiuser@example.org>"), 250)
        self.assertReply(client.cmd("RSET"), 250)
        self.assertTrue([r for r in self.audit_rows("user.limits") if r["object"] == "apiuser@example.org"])

        back = api.patch(path, {"messagesPerHour": "default"})
        self.assertEqual(back.json["overrides"]["messagesPerHour"], None)
        self.assertReply(client.cmd("MAIL FROM:<apiuser@example.org>"), 451, "4.7.1")

        self.assertError(api.patch(path, {"messagesPerHour": -1}), 422, "invalid_value", "messagesPerHour")
        self.assertError(api.patch(path, {"recipientsPerDay": "lots"}), 422, "invalid_value", "recipientsPerDay")
        self.assertError(api.patch(path, {"perHour": 1}), 400)
        self.assertEqual(api.get("/users/" + quote("nobody@example.org") + "/limits").status, 404)

    def test_an_override_through_the_cli_lifts_the_limit_and_show_prints_limits_and_use(self):
        client = self.session("cliuser@example.org", PASSWORD)
        send(self, client, "cliuser@example.org")
        send(self, client, "cliuser@example.org")
        self.assertReply(client.cmd("MAIL FROM:<cliuser@example.org>"), 451, "4.7.1")
        result = self.server.cli("user", "set", "cliuser@example.org", "--messages-per-hour", "3")
        self.assertIn("messages per hour:  3", result.stdout.decode())
        self.assertReply(client.cmd("MAIL FROM:<cliuser@example.org>"), 250)
        self.assertReply(client.cmd("RSET"), 250)
        time.sleep(6)  # the server writes its counts down every 5 s
        shown = self.server.cli("user", "show", "cliuser@example.org").stdout.decode()
        self.assertIn("recipients per day: 5 (default)", shown)
        self.assertIn("sent in the last hour:       2 of 3 messages", shown)
        self.assertIn("as the server last wrote it down", shown)
        bad = self.server.cli("user", "set", "cliuser@example.org", "--messages-per-hour", "-3", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("not a limit", bad.stderr.decode())
        usage = self.server.cli("user", "set", "cliuser@example.org", check=False)
        self.assertEqual(usage.returncode, 2, repr(usage))


class SendingLimitsRestartTest(unittest.TestCase):
    def test_a_restart_keeps_the_count(self):
        server = PosternServer({"limits.messages_per_hour": "2"})
        self.addCleanup(server.cleanup)
        server.add_user("restart@example.org", PASSWORD)
        server.start()
        client = server.session("restart@example.org", PASSWORD)
        for _ in range(2):
            reply = client.send_message("restart@example.org", ["bob@example.net"], make_message("restart@example.org"))
            self.assertEqual(reply.code, 250, client.transcript_text())
        client.close()
        server.stop()
        shown = server.cli("user", "show", "restart@example.org").stdout.decode()
        self.assertIn("sent in the last hour:       2 of 2 messages", shown)
        server.start()
        client = server.session("restart@example.org", PASSWORD)
        self.addCleanup(client.close)
        reply = client.cmd("MAIL FROM:<restart@example.org>")
        self.assertEqual((reply.code, reply.enhanced), (451, "4.7.1"), client.transcript_text())
        server.stop()


if __name__ == "__main__":
    unittest.main()
