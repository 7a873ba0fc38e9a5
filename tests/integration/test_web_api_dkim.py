"""The web admin's DKIM key endpoints over real HTTPS against the binary: generate (RSA, Ed25519) and import
keys, list and show them with the DNS record's name, TXT value and zone-file line, activate (retiring the
previous key of the algorithm), retire and delete them; the answers for no session (401), a viewer's change
and a missing CSRF token (403), bad values (422 naming the field), unknown keys (404) and a wrong method
(405 with Allow); an audit row for each kind of change that never holds the private key; hostile text
answered as JSON data; and end to end, a key generated and activated through the API signing the next
message submitted over SMTP, verified by dkimpy against the API's dnsValue."""

import os
import re
import sqlite3
import subprocess
import unittest

import dkim

from postern_harness import find_queued, make_message, queue_id_of
from web_api import ADMIN, WebApiCase, quote

ALICE = ("alice@example.org", "alice-password-1")
XSS = "<img src=x onerror=alert(1)>"
SQL = "x' OR '1'='1'; DROP TABLE dkim_keys; --"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
VIEW_KEYS = ["domain", "selector", "algorithm", "bits", "state", "createdAt", "activatedAt", "retiredAt",
             "dnsName", "dnsValue", "dnsRecord"]


def ed25519_pem():
    return subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519"], check=True,
                          stdout=subprocess.PIPE).stdout.decode()


class WebApiDkim(WebApiCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org", "@signed.test"])}
    viewers = {"viewer": "viewer password 1"}

    def setUp(self):
        self.admin = self.api()

    def generate(self, domain, **body):
        response = self.admin.post("/dkim/" + domain, body)
        self.assertEqual(response.status, 201, repr(response))
        return response.json

    def audit(self, action):
        db = sqlite3.connect(os.path.join(self.server.data_dir, "postern.db"))
        try:
            return db.execute("SELECT actor, action, object, outcome FROM audit_log WHERE action = ? ORDER BY id",
                              (action,)).fetchall()
        finally:
            db.close()

    # -- success and shapes
    def test_generating_an_ed25519_key_answers_its_view_with_the_dns_record(self):
        key = self.generate("gen.test", algorithm="ed25519", selector="s1")
        self.assertEqual(list(key), VIEW_KEYS)
        self.assertEqual({k: key[k] for k in ("domain", "selector", "algorithm", "bits", "state")},
                         {"domain": "gen.test", "selector": "s1", "algorithm": "ed25519", "bits": 256,
                          "state": "pending"})
        self.assertRegex(key["createdAt"], ISO)
        self.assertIsNone(key["activatedAt"])
        self.assertIsNone(key["retiredAt"])
        self.assertEqual(key["dnsName"], "s1._domainkey.gen.test")
        self.assertRegex(key["dnsValue"], r"^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$")
        self.assertEqual(key["dnsRecord"], 's1._domainkey.gen.test. IN TXT "%s"' % key["dnsValue"])
        self.assertEqual(self.audit("dkim.generate")[-1], (ADMIN, "dkim.generate", "gen.test/s1", "ok"))

    def test_an_rsa_key_has_the_bits_asked_for_and_a_default_selector(self):
        key = self.generate("rsa.test", algorithm="rsa", bits=2048)
        self.assertEqual((key["algorithm"], key["bits"]), ("rsa", 2048))
        self.assertRegex(key["selector"], r"^\d{6}r$")
        self.assertTrue(key["dnsValue"].startswith("v=DKIM1; k=rsa; p=MII"), key["dnsValue"])

    def test_keys_are_listed_for_all_domains_and_per_domain_and_shown_one_by_one(self):
        key = self.generate("list.test", algorithm="ed25519", selector="one")
        everything = self.admin.get("/dkim")
        self.assertEqual(everything.status, 200, repr(everything))
        self.assertEqual(list(everything.json), ["items"])
        self.assertIn(key, everything.json["items"])
        domain = self.admin.get("/dkim/list.test")
        self.assertEqual(domain.json, {"items": [key]})
        shown = self.admin.get("/dkim/list.test/one")
        self.assertEqual((shown.status, shown.json), (200, key))

    def test_an_imported_key_is_pending_and_its_pem_is_never_audited_or_logged(self):
        pem = ed25519_pem()
        response = self.admin.post("/dkim/import.test", {"selector": "imp", "privateKeyPem": pem})
        self.assertEqual(response.status, 201, repr(response))
        self.assertEqual((response.json["selector"], response.json["state"]), ("imp", "pending"))
        self.assertEqual(self.audit("dkim.import")[-1], (ADMIN, "dkim.import", "import.test/imp", "ok"))
        body = pem.split("-----")[2].strip()
        db = sqlite3.connect(os.path.join(self.server.data_dir, "postern.db"))
        try:
            audit_text = repr(db.execute("SELECT * FROM audit_log").fetchall())
        finally:
            db.close()
        self.assertNotIn(body, audit_text)
        self.assertNotIn(body, self.server.log_text())

    def test_activating_retires_the_previous_key_of_the_algorithm_and_names_it(self):
        self.generate("rot.test", algorithm="ed25519", selector="old")
        first = self.admin.patch("/dkim/rot.test/old", {"state": "active", "force": True})
        self.assertEqual(first.status, 200, repr(first))
        self.assertEqual(first.json["state"], "active")
        self.assertRegex(first.json["activatedAt"], ISO)
        self.assertNotIn("retiredSelector", first.json)
        self.generate("rot.test", algorithm="ed25519", selector="new")
        second = self.admin.patch("/dkim/rot.test/new", {"state": "active", "force": True})
        self.assertEqual(list(second.json), VIEW_KEYS + ["retiredSelector"])
        self.assertEqual(second.json["retiredSelector"], "old")
        self.assertEqual(self.admin.get("/dkim/rot.test/old").json["state"], "retired")
        self.assertEqual(self.audit("dkim.activate.forced")[-1],
                         (ADMIN, "dkim.activate.forced", "rot.test/new", "ok"))

    def test_retiring_a_key_answers_it_retired(self):
        self.generate("ret.test", algorithm="ed25519", selector="r1")
        self.admin.patch("/dkim/ret.test/r1", {"state": "active", "force": True})
        response = self.admin.patch("/dkim/ret.test/r1", {"state": "retired"})
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.json["state"], "retired")
        self.assertRegex(response.json["retiredAt"], ISO)
        self.assertEqual(self.audit("dkim.retire")[-1], (ADMIN, "dkim.retire", "ret.test/r1", "ok"))

    def test_an_active_key_is_deleted_only_with_force(self):
        self.generate("del.test", algorithm="ed25519", selector="d1")
        self.admin.patch("/dkim/del.test/d1", {"state": "active", "force": True})
        self.assertError(self.admin.delete("/dkim/del.test/d1"), 409)
        self.assertEqual(self.admin.get("/dkim/del.test/d1").status, 200)
        response = self.admin.delete("/dkim/del.test/d1?force=true")
        self.assertEqual((response.status, response.body), (204, b""))
        self.assertError(self.admin.get("/dkim/del.test/d1"), 404, "not_found")
        self.assertEqual(self.audit("dkim.delete")[-1], (ADMIN, "dkim.delete", "del.test/d1", "ok"))

    def test_a_pending_key_is_deleted_without_force(self):
        self.generate("del2.test", algorithm="ed25519", selector="d2")
        self.assertEqual(self.admin.delete("/dkim/del2.test/d2").status, 204)

    # -- refusals
    def test_without_a_session_reads_are_401(self):
        self.assertError(self.client().get("/dkim"), 401, "unauthorized")
        self.assertError(self.client().get("/dkim/gen.test/s1"), 401, "unauthorized")

    def test_a_viewer_reads_keys_but_cannot_generate_change_or_delete_them(self):
        self.generate("view.test", algorithm="ed25519", selector="v1")
        viewer = self.api("viewer")
        self.assertEqual(viewer.get("/dkim/view.test/v1").status, 200)
        self.assertError(viewer.post("/dkim/view.test", {"algorithm": "ed25519"}), 403, "forbidden")
        self.assertError(viewer.patch("/dkim/view.test/v1", {"state": "active", "force": True}), 403, "forbidden")
        self.assertError(viewer.delete("/dkim/view.test/v1?force=true"), 403, "forbidden")
        self.assertEqual(self.admin.get("/dkim/view.test/v1").json["state"], "pending")
        self.assertIn(("viewer", "denied"), [(row[0], row[3]) for row in self.audit("dkim.generate")])

    def test_a_change_without_the_csrf_token_is_403(self):
        response = self.admin.request("POST", "/dkim/csrf.test", {"algorithm": "ed25519"}, csrf=False)
        self.assertError(response, 403, "forbidden")
        self.assertEqual(self.admin.get("/dkim/csrf.test").json, {"items": []})

    def test_bad_values_are_422_naming_the_field(self):
        self.assertError(self.admin.post("/dkim/bad.test", {"algorithm": "dsa"}), 422, "invalid_value", "algorithm")
        self.assertError(self.admin.post("/dkim/bad.test", {}), 422, "invalid_value", "algorithm")
        self.assertError(self.admin.post("/dkim/bad.test", {"algorithm": "rsa", "bits": 1024}), 422,
                         "invalid_value", "bits")
        self.assertError(self.admin.post("/dkim/bad.test", {"algorithm": "ed25519", "bits": 2048}), 422,
                         "invalid_value", "bits")
        self.generate("bad.test", algorithm="ed25519", selector="b1")
        self.assertError(self.admin.patch("/dkim/bad.test/b1", {"state": "deleted"}), 422, "invalid_value", "state")
        self.assertError(self.admin.patch("/dkim/bad.test/b1", {}), 422, "invalid_value", "state")

    def test_an_unknown_field_or_a_wrong_type_is_400(self):
        self.assertError(self.admin.post("/dkim/bad.test", {"algorithm": "rsa", "bitz": 2048}), 400, "bad_request")
        self.assertError(self.admin.post("/dkim/bad.test", {"algorithm": "rsa", "bits": "2048"}), 400,
                         "bad_request", "bits")
        self.assertError(self.admin.delete("/dkim/bad.test/b1?force=yes"), 400, "bad_request", "force")

    def test_unknown_keys_are_404(self):
        self.assertError(self.admin.get("/dkim/none.test/nosuch"), 404, "not_found")
        self.assertError(self.admin.patch("/dkim/none.test/nosuch", {"state": "active", "force": True}), 404, "not_found")
        self.assertError(self.admin.patch("/dkim/none.test/nosuch", {"state": "retired"}), 404, "not_found")
        self.assertError(self.admin.delete("/dkim/none.test/nosuch?force=true"), 404, "not_found")

    def test_a_wrong_method_is_405_with_allow(self):
        response = self.admin.request("PUT", "/dkim/gen.test", {"algorithm": "rsa"})
        self.assertError(response, 405, "method_not_allowed")
        self.assertEqual(response.header("Allow"), "GET, HEAD, POST")
        response = self.admin.request("POST", "/dkim/gen.test/s1", {})
        self.assertEqual(response.header("Allow"), "GET, HEAD, PATCH, DELETE")

    def test_hostile_names_are_refused_as_data_and_never_reach_sql(self):
        for text in (XSS, SQL):
            response = self.admin.post("/dkim/" + quote(text), {"algorithm": "ed25519", "selector": "h1"})
            self.assertError(response, 422, "invalid_value")
            self.assertEqual(response.header("Content-Type"), "application/json; charset=utf-8")
            response = self.admin.post("/dkim/hostile.test", {"algorithm": "ed25519", "selector": text})
            self.assertError(response, 422, "invalid_value")
            # If the refusal quotes the text, it comes back verbatim inside a JSON string.
            if "<img" in response.body.decode() or "DROP" in response.body.decode():
                self.assertIn(text, response.error["message"])
            self.assertError(self.admin.get("/dkim/hostile.test/" + quote(text)), 404, "not_found")
        self.assertEqual(self.admin.get("/dkim/hostile.test").json, {"items": []})
        self.assertEqual(self.admin.get("/dkim").status, 200)  # the table is still there

    # -- end to end
    def test_a_key_generated_and_activated_through_the_api_signs_the_next_message(self):
        key = self.generate("signed.test", algorithm="ed25519", selector="api")
        self.assertEqual(self.admin.patch("/dkim/signed.test/api", {"state": "active", "force": True}).status, 200)
        client = self.session(*ALICE)
        reply = client.send_message("ops@signed.test", ["bob@example.net"], make_message("ops@signed.test"))
        self.assertReply(reply, 250)
        message = find_queued(self.server, queue_id_of(reply)).full
        records = {key["dnsName"]: key["dnsValue"]}

        def dnsfunc(name, timeout=5):
            value = records.get((name.decode() if isinstance(name, bytes) else name).rstrip(".").lower())
            return value.encode() if value is not None else None

        self.assertIn(b"s=api", re.sub(rb"\s+", b"", message.split(b"\r\n\r\n", 1)[0]))
        self.assertTrue(dkim.DKIM(message).verify(dnsfunc=dnsfunc))


if __name__ == "__main__":
    unittest.main()
