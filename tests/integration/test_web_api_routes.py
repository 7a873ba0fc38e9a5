"""The web admin's relay route and test message endpoints over real HTTPS against the binary: add, list,
show, change and delete routes (secrets write-only), the provider presets, which route a sender takes, and
POST /test-message; the answers for no session (401), a viewer's change and a missing CSRF token (403), bad
values (422 naming the field), unknown routes (404) and a wrong method (405 with Allow); an audit row for
each kind of change; hostile text answered verbatim as JSON data. End to end (a server started without a
smarthost): a route added through the API to a scripted smarthost takes the mail that was held in the
queue; checking the route reports each host ok, and a route to a closed port reports the connect error; a
test message sent through the API arrives at the smarthost DKIM-signed."""

import os
import re
import shutil
import sqlite3
import tempfile
import time
import unittest

import dkim

from postern_harness import make_message, queue_id_of
from smarthost import FakeSmarthost, TestPki, free_port, wait_until
from web_api import ADMIN, WebApiCase

ALICE = ("alice@example.org", "alice-password-1")
RELAY_LOGIN = ("relay-user@example.org", "relay-secret-42")
XSS = "<img src=x onerror=alert(1)>"
SQL = "x' OR '1'='1'; DROP TABLE routes; --"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ROUTE_KEYS = ["name", "senders", "hosts", "tls", "caFile", "auth", "username", "hasPassword", "oauthGrant",
              "oauthTokenUrl", "oauthClientId", "oauthScope", "hasClientSecret", "hasRefreshToken",
              "maxConnections", "spf", "version", "createdAt", "updatedAt"]
HOST_KEYS = ["host", "ok", "tlsVersion", "cipher", "certificateVerified", "certificateError", "authMechanism",
             "authOk", "error"]
SETTINGS = {"admin.listen": "127.0.0.1:0", "queue.retry_schedule": "1s", "queue.delay_warning": "0",
            "relay.timeout.connect": "10s", "relay.timeout.command": "20s", "relay.idle_timeout": "5s"}

_pki_dir = tempfile.mkdtemp(prefix="postern-pki-")
PKI = TestPki(_pki_dir)


def tearDownModule():
    shutil.rmtree(_pki_dir, ignore_errors=True)


class RoutesApiCase(WebApiCase):
    settings = SETTINGS
    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    viewers = {"viewer": "viewer password 1"}

    def setUp(self):
        self.admin = self.api()

    def audit(self, action):
        db = sqlite3.connect(os.path.join(self.server.data_dir, "postern.db"))
        try:
            return db.execute("SELECT actor, action, object, outcome FROM audit_log WHERE action = ? ORDER BY id",
                              (action,)).fetchall()
        finally:
            db.close()

    def add_route(self, name, **fields):
        """POST /routes; waits until the running server has loaded the change (it checks the table before
        deliveries, at most once a second)."""
        updates = self.server.log_text().count("event=routes-updated")
        response = self.admin.post("/routes", dict({"name": name}, **fields))
        self.assertEqual(response.status, 201, repr(response))
        wait_until(lambda: self.server.log_text().count("event=routes-updated") > updates,
                   what="the server to load the route")
        return response.json


class WebApiRoutes(RoutesApiCase):
    def closed(self):
        return "127.0.0.1:%d" % free_port()

    # -- success and shapes
    def test_adding_a_route_answers_its_view_and_never_its_password(self):
        route = self.add_route("office", senders=["@office.test"], hosts=[self.closed()], tls="starttls",
                               auth="password", username="relay-user", password="route-pass-Qx7",
                               maxConnections=2)
        self.assertEqual(list(route), ROUTE_KEYS)
        self.assertEqual({k: route[k] for k in ROUTE_KEYS[:14] if k not in ("hosts",)},
                         {"name": "office", "senders": ["@office.test"], "tls": "starttls", "caFile": "",
                          "auth": "password", "username": "relay-user", "hasPassword": True, "oauthGrant": "",
                          "oauthTokenUrl": "", "oauthClientId": "", "oauthScope": "", "hasClientSecret": False,
                          "hasRefreshToken": False})
        self.assertEqual(route["maxConnections"], 2)
        self.assertIsInstance(route["version"], int)
        self.assertRegex(route["createdAt"], ISO)
        self.assertRegex(route["updatedAt"], ISO)
        shown = self.admin.get("/routes/office")
        self.assertEqual((shown.status, shown.json), (200, route))
        for response in (shown, self.admin.get("/routes")):
            self.assertNotIn(b"route-pass-Qx7", response.body)
        self.assertNotIn("route-pass-Qx7", self.server.log_text())
        self.assertEqual(self.audit("route.add")[-1], (ADMIN, "route.add", "office", "ok"))
        self.assertNotIn("route-pass-Qx7", repr(self.audit("route.add")))

    def test_the_list_names_the_routes_and_no_default_without_a_configured_smarthost(self):
        self.add_route("listed", senders=["@listed.test"], hosts=[self.closed()], tls="none")
        response = self.admin.get("/routes")
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(list(response.json), ["items", "defaultRoute"])
        self.assertIn("listed", [r["name"] for r in response.json["items"]])
        self.assertIsNone(response.json["defaultRoute"])

    def test_the_presets_name_their_provider_and_whether_a_tenant_is_needed(self):
        response = self.admin.get("/routes/presets")
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.json, {"items": [
            {"name": "microsoft365", "label": "Microsoft 365", "needsTenant": True},
            {"name": "google", "label": "Google Workspace", "needsTenant": False}]})

    def test_the_route_test_names_the_route_a_sender_takes_or_null(self):
        self.add_route("bysender", senders=["someone@taken.test"], hosts=[self.closed()], tls="none")
        taken = self.admin.get("/routes/test", sender="someone@taken.test")
        self.assertEqual((taken.status, taken.json), (200, {"sender": "someone@taken.test", "route": "bysender"}))
        none = self.admin.get("/routes/test", sender="nobody@elsewhere.test")
        self.assertEqual(none.json, {"sender": "nobody@elsewhere.test", "route": None})
        self.assertError(self.admin.get("/routes/test"), 422, "invalid_value", "sender")

    def test_a_change_changes_only_what_is_given_and_keeps_the_password(self):
        before = self.add_route("changing", senders=["@changing.test"], hosts=[self.closed()], tls="tls",
                                auth="password", username="u1", password="keep-me-1")
        response = self.admin.patch("/routes/changing", {"maxConnections": 7, "username": "u2"})
        self.assertEqual(response.status, 200, repr(response))
        after = response.json
        self.assertEqual((after["maxConnections"], after["username"], after["tls"], after["hasPassword"]),
                         (7, "u2", "tls", True))
        self.assertEqual(after["senders"], before["senders"])
        self.assertGreater(after["version"], before["version"])
        self.assertEqual(self.audit("route.change")[-1], (ADMIN, "route.change", "changing", "ok"))

    def test_a_routes_spf_is_shown_changed_and_refused_unless_include_ip4_or_ip6(self):
        added = self.add_route("spf-route", senders=["@spf.test"], hosts=[self.closed()], tls="none")
        self.assertEqual(added["spf"], "")
        response = self.admin.patch("/routes/spf-route", {"spf": "include:_spf.example.net ip4:192.0.2.10"})
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.json["spf"], "include:_spf.example.net ip4:192.0.2.10")
        self.assertEqual(self.admin.get("/routes/spf-route").json["spf"], "include:_spf.example.net ip4:192.0.2.10")
        listed = [r for r in self.admin.get("/routes").json["items"] if r["name"] == "spf-route"]
        self.assertEqual(listed[0]["spf"], "include:_spf.example.net ip4:192.0.2.10")
        self.assertError(self.admin.patch("/routes/spf-route", {"spf": "mx:example.net"}), 422, "invalid_value",
                         "spf")
        self.assertError(self.admin.post("/routes", {"name": "spf-bad", "hosts": [self.closed()], "spf": "a"}),
                         422, "invalid_value", "spf")
        self.assertError(self.admin.get("/routes/spf-bad"), 404)

    def test_deleting_a_route_answers_204_and_it_is_gone(self):
        self.add_route("doomed", senders=["@doomed.test"], hosts=[self.closed()], tls="none")
        response = self.admin.delete("/routes/doomed")
        self.assertEqual((response.status, response.body), (204, b""))
        self.assertError(self.admin.get("/routes/doomed"), 404, "not_found")
        self.assertEqual(self.audit("route.delete")[-1], (ADMIN, "route.delete", "doomed", "ok"))

    def test_a_test_message_is_queued_and_answers_its_queue_id(self):
        response = self.admin.post("/test-message", {"from": ALICE[0], "to": "bob@example.net"})
        self.assertEqual(response.status, 202, repr(response))
        self.assertEqual(list(response.json), ["queueId"])
        queue_id = response.json["queueId"]
        self.assertRegex(queue_id, r"^[A-Za-z0-9]+$")
        self.assertIn(queue_id, self.server.cli("queue", "list").stdout.decode())
        self.assertEqual(self.audit("message.test")[-1], (ADMIN, "message.test", queue_id, "ok"))

    # -- refusals
    def test_without_a_session_reads_are_401(self):
        for path in ("/routes", "/routes/presets", "/routes/test?sender=a@b.test", "/routes/office"):
            self.assertError(self.client().get(path), 401, "unauthorized")

    def test_a_viewer_reads_routes_but_every_change_is_403(self):
        viewer = self.api("viewer")
        self.assertEqual(viewer.get("/routes").status, 200)
        self.assertError(viewer.post("/routes", {"name": "sneaky", "hosts": [self.closed()]}), 403, "forbidden")
        self.assertError(viewer.patch("/routes/office", {"maxConnections": 1}), 403, "forbidden")
        self.assertError(viewer.delete("/routes/office"), 403, "forbidden")
        self.assertError(viewer.post("/routes/office/check"), 403, "forbidden")
        self.assertError(viewer.post("/test-message", {"from": ALICE[0], "to": "bob@example.net"}), 403)
        self.assertError(self.admin.get("/routes/sneaky"), 404)
        for action in ("route.add", "route.change", "route.delete", "route.check", "message.test"):
            self.assertIn(("viewer", "denied"), [(r[0], r[3]) for r in self.audit(action)], action)

    def test_a_change_without_the_csrf_token_is_403(self):
        response = self.admin.request("POST", "/routes", {"name": "nocsrf", "hosts": [self.closed()]}, csrf=False)
        self.assertError(response, 403, "forbidden")
        self.assertError(self.admin.get("/routes/nocsrf"), 404)

    def test_bad_values_are_422_naming_the_field(self):
        host = [self.closed()]
        self.assertError(self.admin.post("/routes", {"hosts": host}), 422, "invalid_value", "name")
        for field, value in (("tls", "ssl"), ("auth", "cram-md5"), ("oauthGrant", "password")):
            response = self.admin.post("/routes", {"name": "bad", "hosts": host, field: value})
            self.assertError(response, 422, "invalid_value", field)
        self.assertError(self.admin.post("/routes", {"name": "bad", "hosts": host, "maxConnections": 0}), 422,
                         "invalid_value", "maxConnections")
        self.assertError(self.admin.post("/routes", {"name": "bad", "preset": "nosuch"}), 422, "invalid_value",
                         "preset")
        self.assertError(self.admin.post("/test-message", {"from": "stranger@nowhere.test", "to": "b@x.test"}),
                         422, "invalid_value", "from")
        self.assertError(self.admin.post("/test-message", {"from": ALICE[0]}), 422, "invalid_value", "to")
        self.assertError(self.admin.get("/routes/bad"), 404)

    def test_an_unknown_field_is_400(self):
        self.assertError(self.admin.post("/routes", {"name": "typo", "host": ["a:25"]}), 400, "bad_request")
        self.assertError(self.admin.post("/test-message", {"from": ALICE[0], "to": "b@x.test", "cc": "c@x.test"}),
                         400, "bad_request")

    def test_unknown_routes_are_404(self):
        self.assertError(self.admin.get("/routes/nosuch"), 404, "not_found")
        self.assertError(self.admin.patch("/routes/nosuch", {"maxConnections": 2}), 404, "not_found")
        self.assertError(self.admin.delete("/routes/nosuch"), 404, "not_found")
        self.assertError(self.admin.post("/routes/nosuch/check"), 404, "not_found")

    def test_a_wrong_method_is_405_with_allow(self):
        response = self.admin.request("PUT", "/routes/office", {})
        self.assertError(response, 405, "method_not_allowed")
        self.assertEqual(response.header("Allow"), "GET, HEAD, PATCH, DELETE")
        self.assertEqual(self.admin.request("GET", "/routes/office/check").header("Allow"), "POST")
        self.assertEqual(self.admin.request("DELETE", "/test-message").header("Allow"), "POST")

    def test_hostile_text_comes_back_verbatim_as_json_strings(self):
        for name, text in (("xss", XSS), ("sql", SQL)):
            route = self.add_route(name, senders=["@%s.test" % name], hosts=[self.closed()], tls="tls",
                                   auth="password", username=text, password="p-" + name)
            self.assertEqual(route["username"], text)
            shown = self.admin.get("/routes/" + name)
            self.assertEqual(shown.json["username"], text)
            self.assertEqual(shown.header("Content-Type"), "application/json; charset=utf-8")
        self.assertIn("xss", [r["name"] for r in self.admin.get("/routes").json["items"]])


class WebApiRoutesEndToEnd(RoutesApiCase):
    """In order: mail held without a route, a route added through the API, checks, the test message."""

    @classmethod
    def setUpClass(cls):
        cls.smarthost = FakeSmarthost(tls_context=TestPki.server_context(PKI.server_cert, PKI.server_key),
                                      auth=RELAY_LOGIN).start()
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

    def arrived(self, subject):
        return [m for m in self.smarthost.received() if ("Subject: " + subject + "\r\n").encode() in m.data]

    def test_1_a_route_added_through_the_api_takes_the_held_mail(self):
        client = self.session(*ALICE)
        reply = client.send_message(ALICE[0], ["bob@example.net"], make_message(ALICE[0], subject="held-api"))
        self.assertReply(reply, 250)
        time.sleep(1.5)
        self.assertIn("attempts:     0", self.server.cli("queue", "show", queue_id_of(reply)).stdout.decode())
        self.add_route("smarthost", senders=["@example.org"], hosts=[self.smarthost.address], tls="starttls",
                       caFile=PKI.ca_cert, auth="password", username=RELAY_LOGIN[0], password=RELAY_LOGIN[1])
        wait_until(lambda: self.arrived("held-api"), what="the held message at the smarthost")

    def test_2_checking_the_route_reports_each_host_ok(self):
        response = self.admin.post("/routes/smarthost/check")
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(list(response.json), ["hosts"])
        (host,) = response.json["hosts"]
        self.assertEqual(list(host), HOST_KEYS)
        self.assertEqual((host["host"], host["ok"], host["certificateVerified"], host["authOk"], host["error"]),
                         (self.smarthost.address, True, True, True, ""))
        self.assertTrue(host["tlsVersion"].startswith("TLSv1."), host)
        self.assertEqual(len(self.arrived("held-api")), 1)  # a check sends no mail
        self.assertEqual(self.audit("route.check")[-1], (ADMIN, "route.check", "smarthost", "ok"))

    def test_3_checking_a_route_to_a_closed_port_reports_the_connect_error(self):
        closed = "127.0.0.1:%d" % free_port()
        self.add_route("closed", senders=["nobody@closed.test"], hosts=[closed], tls="none")
        response = self.admin.post("/routes/closed/check")
        self.assertEqual(response.status, 200, repr(response))
        (host,) = response.json["hosts"]
        self.assertEqual((host["host"], host["ok"]), (closed, False))
        self.assertRegex(host["error"].lower(), "connect|refused")

    def test_4_a_test_message_arrives_at_the_smarthost_dkim_signed(self):
        key = self.admin.post("/dkim/example.org", {"algorithm": "ed25519", "selector": "web"}).json
        # The key's record is published nowhere here: activation is forced past the DNS gate.
        self.assertEqual(self.admin.patch("/dkim/example.org/web", {"state": "active", "force": True}).status,
                         200)
        response = self.admin.post("/test-message", {"from": ALICE[0], "to": "carol@example.net"})
        self.assertEqual(response.status, 202, repr(response))
        message = wait_until(lambda: [m for m in self.smarthost.received() if m.rcpt_tos == ["carol@example.net"]],
                             what="the test message at the smarthost")[0]
        records = {key["dnsName"]: key["dnsValue"]}

        def dnsfunc(name, timeout=5):
            value = records.get((name.decode() if isinstance(name, bytes) else name).rstrip(".").lower())
            return value.encode() if value is not None else None

        self.assertIn(b"s=web", re.sub(rb"\s+", b"", message.data.split(b"\r\n\r\n", 1)[0]))
        self.assertTrue(dkim.DKIM(message.data).verify(dnsfunc=dnsfunc))


if __name__ == "__main__":
    unittest.main()
