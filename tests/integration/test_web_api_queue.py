"""The web admin's queue, delivery log and status endpoints over real HTTPS against the binary: mail sent
with smtplib while the smarthost is down shows in GET /queue and GET /log with its recipients' states and
the last reply; POST /queue/{id}/retry acts on the running queue manager (the smarthost back, the message
arrives and leaves the queue); DELETE removes another; GET /status in the contract's shape. Every change
is refused to a viewer and without the CSRF token, and leaves an audit row; client text (a Subject with
markup or SQL) comes back verbatim as JSON strings."""

import os
import shutil
import smtplib
import sqlite3
import ssl
import tempfile
import time
import unittest

from postern_harness import LOOPBACK, make_message
from smarthost import FakeSmarthost, TestPki, free_port, wait_until
from web_api import ADMIN, WebApiCase

ALICE = ("alice@example.org", "alice-password-1")
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")
XSS = "<img src=x onerror=alert(1)>"
SQL = "x'); DROP TABLE delivery_log; --"
UNKNOWN_ID = "0123456789ABCDE"  # a well-formed queue ID no message has

MESSAGE_KEYS = ["id", "arrival", "sender", "notification", "size", "login", "clientAddress", "attempts",
                "lastAttempt", "nextAttempt", "remote", "recipients"]
LOG_KEYS = ["time", "queueId", "recipient", "outcome", "remote", "reply"]
ISO_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


def send_with_smtplib(server, subject, recipients=("bob@example.net",)):
    """One message over submission with STARTTLS and AUTH; its queue ID from the DATA reply."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP(LOOPBACK, server.port("submission"), timeout=30) as client:
        client.starttls(context=context)
        client.login(*ALICE)
        client.mail(ALICE[0])
        for recipient in recipients:
            client.rcpt(recipient)
        message = make_message("Alice <%s>" % ALICE[0], to=", ".join(recipients), subject=subject)
        code, reply = client.data(message)
    if code != 250:
        raise AssertionError("DATA refused: %d %r" % (code, reply))
    return reply.decode().rsplit(" ", 1)[-1]


class QueueCase(WebApiCase):
    """A server whose smarthost (relay.smarthost, STARTTLS, AUTH) is a closed port until a test starts one
    there; retries wait an hour, so only a retry asked for through the API makes the next attempt."""

    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    viewers = {"viewer": "viewer password 1"}
    smarthost_port = None

    @classmethod
    def setUpClass(cls):
        cls.smarthost_port = free_port()
        cls.settings = dict(WebApiCase.settings, **{
            "relay.smarthost": "%s:%d" % (LOOPBACK, cls.smarthost_port),
            "relay.tls": "starttls",
            "relay.ca_file": PKI.ca_cert,
            "relay.username": RELAY_LOGIN[0],
            "relay.password": RELAY_LOGIN[1],
            "relay.timeout.connect": "10s",
            "queue.retry_schedule": "1h",
            "queue.delay_warning": "0",
        })
        super().setUpClass()

    def deferred(self, subject, recipients=("bob@example.net",)):
        """A message the closed smarthost has refused once; its view from GET /queue/{id}."""
        queue_id = send_with_smtplib(self.server, subject, recipients)
        api = self.api()

        def attempted():
            response = api.get("/queue/" + queue_id)
            return response.json if response.status == 200 and response.json["attempts"] >= 1 else None
        return queue_id, wait_until(attempted, what="a refused attempt at " + queue_id)

    def audit(self, action):
        with sqlite3.connect(os.path.join(self.server.data_dir, "postern.db")) as db:
            return db.execute("SELECT actor, action, object, outcome FROM audit_log WHERE action = ? ORDER BY id",
                              (action,)).fetchall()


class QueueWhileTheSmarthostIsDown(QueueCase):

    def test_a_deferred_message_shows_with_its_recipients_states_and_last_reply(self):
        queue_id, message = self.deferred("down-1", ("bob@example.net", "carol@example.net"))
        self.assertEqual(list(message), MESSAGE_KEYS + ["headers"])
        self.assertEqual(message["id"], queue_id)
        self.assertRegex(message["arrival"], ISO_TIME)
        self.assertRegex(message["lastAttempt"], ISO_TIME)
        self.assertRegex(message["nextAttempt"], ISO_TIME)
        self.assertEqual((message["sender"], message["login"], message["notification"]), (ALICE[0], ALICE[0], False))
        self.assertEqual(message["clientAddress"], LOOPBACK)
        self.assertIsInstance(message["size"], int)
        self.assertEqual([(r["address"], r["state"]) for r in message["recipients"]],
                         [("bob@example.net", "pending"), ("carol@example.net", "pending")])
        for recipient in message["recipients"]:
            self.assertEqual(list(recipient), ["address", "state", "lastReply"])
            self.assertIn("refused", recipient["lastReply"].lower())

    def test_the_queue_lists_a_page_with_the_total_and_its_bytes(self):
        first, _ = self.deferred("page-1")
        second, _ = self.deferred("page-2")
        api = self.api()
        everything = api.get("/queue")
        self.assertEqual(everything.status, 200, repr(everything))
        self.assertEqual(list(everything.json), ["items", "total", "offset", "limit", "bytes"])
        ids = [m["id"] for m in everything.json["items"]]
        self.assertLess(ids.index(first), ids.index(second))
        self.assertEqual(list(everything.json["items"][0]), MESSAGE_KEYS)
        self.assertEqual(everything.json["bytes"], sum(m["size"] for m in everything.json["items"]))
        page = api.get("/queue", offset=1, limit=1).json
        self.assertEqual((page["offset"], page["limit"], page["total"]), (1, 1, everything.json["total"]))
        self.assertEqual([m["id"] for m in page["items"]], ids[1:2])

    def test_the_log_shows_each_recipients_refused_attempt_newest_first(self):
        queue_id, _ = self.deferred("log-1", ("bob@example.net", "dave@example.net"))
        response = self.api().get("/log", id=queue_id)
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(list(response.json), ["items"])
        items = response.json["items"]
        self.assertEqual(sorted(i["recipient"] for i in items), ["bob@example.net", "dave@example.net"])
        for item in items:
            self.assertEqual(list(item), LOG_KEYS)
            self.assertEqual((item["queueId"], item["outcome"]), (queue_id, "deferred"))
            self.assertEqual(item["remote"], "")  # no smarthost answered: none to name
            self.assertIn("refused", item["reply"].lower())
        everything = self.api().get("/log", limit=500).json["items"]
        self.assertEqual(everything, sorted(everything, key=lambda i: i["time"], reverse=True))

    def test_the_log_filters_by_recipient_text_and_pages(self):
        queue_id, _ = self.deferred("log-2", ("erin@example.net", "frank@example.net"))
        api = self.api()
        only = api.get("/log", id=queue_id, recipient="ERIN").json["items"]
        self.assertEqual([i["recipient"] for i in only], ["erin@example.net"])
        first = api.get("/log", id=queue_id, limit=1).json["items"]
        second = api.get("/log", id=queue_id, limit=1, offset=1).json["items"]
        self.assertEqual(len(first) + len(second), 2)
        self.assertNotEqual(first[0]["recipient"], second[0]["recipient"])

    def test_sql_in_a_log_filter_is_text_that_matches_nothing(self):
        response = self.api().get("/log", recipient="' OR '1'='1", id=SQL)
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.json["items"], [])

    def test_markup_and_sql_in_a_subject_come_back_verbatim_in_the_headers(self):
        queue_id = send_with_smtplib(self.server, XSS + " " + SQL)
        response = self.api().get("/queue/" + queue_id)
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.header("Content-Type"), "application/json; charset=utf-8")
        self.assertIn("\r\nSubject: " + XSS + " " + SQL + "\r\n", response.json["headers"])
        self.assertIn(b"<img src=x onerror=alert(1)>", response.body.replace(b"\\u003c", b"<").replace(b"\\u003e", b">"))

    def test_a_deleted_message_leaves_the_queue_and_is_audited(self):
        queue_id, _ = self.deferred("delete-me")
        api = self.api()
        response = api.delete("/queue/" + queue_id)
        self.assertEqual(response.status, 204, repr(response))
        self.assertError(api.get("/queue/" + queue_id), 404, "not_found")
        self.assertNotIn(queue_id, [m["id"] for m in api.get("/queue", limit=500).json["items"]])
        self.assertIn((ADMIN, "queue.delete", queue_id, "ok"), self.audit("queue.delete"))

    def test_retrying_every_message_is_accepted_and_audited(self):
        response = self.api().post("/queue/retry")
        self.assertEqual(response.status, 202, repr(response))
        self.assertEqual(response.body, b"")
        self.assertIn((ADMIN, "queue.retry_all", "all", "ok"), self.audit("queue.retry_all"))

    def test_an_unknown_or_malformed_id_is_404_for_every_method(self):
        api = self.api()
        for queue_id in (UNKNOWN_ID, "..%2F..%2Fetc", "not-an-id", "0123456789abcde"):
            self.assertError(api.get("/queue/" + queue_id), 404, "not_found")
            self.assertError(api.delete("/queue/" + queue_id), 404, "not_found")
            self.assertError(api.post("/queue/%s/retry" % queue_id), 404, "not_found")

    def test_a_page_limit_of_zero_is_422_naming_the_limit(self):
        self.assertError(self.api().get("/queue", limit=0), 422, "invalid_value", "limit")
        self.assertError(self.api().get("/log", limit=0), 422, "invalid_value", "limit")

    def test_without_a_session_every_read_is_401(self):
        for path in ("/queue", "/queue/" + UNKNOWN_ID, "/log", "/status"):
            self.assertError(self.client().get(path), 401, "unauthorized")

    def test_a_viewer_reads_but_cannot_retry_or_delete_and_the_refusal_is_audited(self):
        queue_id = send_with_smtplib(self.server, "viewer-sees")
        viewer = self.api("viewer")
        self.assertEqual(viewer.get("/queue/" + queue_id).status, 200)
        self.assertEqual(viewer.get("/log").status, 200)
        self.assertError(viewer.delete("/queue/" + queue_id), 403, "forbidden")
        self.assertError(viewer.post("/queue/%s/retry" % queue_id), 403, "forbidden")
        self.assertError(viewer.post("/queue/retry"), 403, "forbidden")
        self.assertEqual(self.api().get("/queue/" + queue_id).status, 200)
        # Refused before the handler ran: the row still names who, what kind of change, and the message the
        # path named.
        self.assertIn(("viewer", "queue.delete", queue_id, "denied"), self.audit("queue.delete"))
        self.assertIn(("viewer", "queue.retry_all", "", "denied"), self.audit("queue.retry_all"))

    def test_a_change_without_the_csrf_token_is_403_and_changes_nothing(self):
        queue_id = send_with_smtplib(self.server, "csrf-kept")
        api = self.api()
        self.assertError(api.delete("/queue/" + queue_id, csrf=False), 403, "forbidden")
        self.assertError(api.post("/queue/retry", csrf=False), 403, "forbidden")
        self.assertEqual(api.get("/queue/" + queue_id).status, 200)

    def test_a_wrong_method_is_405_with_allow(self):
        response = self.api().request("PUT", "/queue/" + UNKNOWN_ID, {})
        self.assertError(response, 405, "method_not_allowed")
        self.assertEqual(response.header("Allow"), "GET, HEAD, DELETE")
        self.assertEqual(self.api().request("DELETE", "/log").header("Allow"), "GET, HEAD")

    def test_the_status_has_the_contracts_shape_and_names_the_failing_relay(self):
        self.deferred("status-1")
        response = self.api("viewer").get("/status")
        self.assertEqual(response.status, 200, repr(response))
        status = response.json
        self.assertEqual(list(status), ["version", "uptimeSeconds", "hostname", "listeners", "certificate", "queue",
                                        "today", "lastRelayError", "checklist", "problems"])
        self.assertEqual(status["hostname"], self.server.hostname)
        self.assertIsInstance(status["uptimeSeconds"], int)
        kinds = [listener["kind"] for listener in status["listeners"]]
        for kind in ("submission", "submissions", "alternate", "admin"):
            self.assertIn(kind, kinds)
        self.assertEqual(list(status["certificate"]), ["subject", "notAfter", "selfSigned"])
        self.assertTrue(status["certificate"]["selfSigned"])
        self.assertRegex(status["certificate"]["notAfter"], ISO_TIME)
        self.assertGreaterEqual(status["queue"]["messages"], 1)
        self.assertRegex(status["queue"]["oldestArrival"], ISO_TIME)
        self.assertEqual(list(status["today"]), ["accepted", "delivered", "deferred", "bounced"])
        self.assertGreaterEqual(status["today"]["deferred"], 1)
        self.assertGreaterEqual(status["today"]["accepted"], 1)
        self.assertEqual(list(status["lastRelayError"]), ["time", "remote", "reply"])
        self.assertIn("refused", status["lastRelayError"]["reply"].lower())
        self.assertEqual(status["checklist"], {"hasUser": True, "hasActiveDkimKey": False, "hasRoute": True,
                                               "testMessageDelivered": False})
        problems = {p["kind"]: p for p in status["problems"]}
        self.assertEqual(list(problems["relay_failing"]), ["kind", "message", "link"])
        self.assertIn("certificate_self_signed", problems)


class RetryWhenTheSmarthostReturns(QueueCase):

    def test_a_retry_through_the_api_delivers_the_message_and_it_leaves_the_queue(self):
        queue_id, _ = self.deferred("comes-back")
        smarthost = FakeSmarthost(port=self.smarthost_port,
                                  tls_context=TestPki.server_context(PKI.server_cert, PKI.server_key),
                                  auth=RELAY_LOGIN).start()
        self.addCleanup(smarthost.stop)
        api = self.api()
        response = api.post("/queue/%s/retry" % queue_id)
        self.assertEqual(response.status, 202, repr(response))
        smarthost.wait_for(1)
        self.assertIn(b"Subject: comes-back\r\n", smarthost.received()[0].data)
        wait_until(lambda: api.get("/queue/" + queue_id).status == 404, what="the message gone from the queue")
        outcomes = [i["outcome"] for i in api.get("/log", id=queue_id).json["items"]]
        self.assertEqual(outcomes, ["delivered", "deferred"])
        self.assertIn((ADMIN, "queue.retry", queue_id, "ok"), self.audit("queue.retry"))
        self.assertTrue(api.get("/status").json["checklist"]["testMessageDelivered"])


if __name__ == "__main__":
    unittest.main()
