"""The JSON API's administration over real HTTPS against the binary: the web admin's own accounts (list,
add, role, enable, disable, password, delete; the last enabled admin kept; one's own password changed
without losing the session) and the audit log (every signed-in role reads it, filtered and paged)."""

import unittest

from web_api import ADMIN, WebApiCase, quote

ADMIN_KEYS = ["login", "role", "enabled", "createdAt", "lastLogin", "totp"]
AUDIT_KEYS = ["time", "actor", "clientAddress", "action", "object", "outcome"]
TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
PASSWORD = "account password 1"
XSS = "<img src=x onerror=alert(1)>"


class WebAdminsTest(WebApiCase):
    viewers = {"viewer": "viewer password 1"}

    def add(self, login, role="admin", password=PASSWORD):
        response = self.api().post("/admins", {"login": login, "password": password, "role": role})
        self.assertEqual(response.status, 201, repr(response))
        return response.json

    def rows(self, action, object_):
        return [row for row in self.audit_rows(action) if row["object"] == object_]

    def assertAudited(self, action, object_, outcome="ok", actor=ADMIN):
        rows = [r for r in self.rows(action, object_) if r["outcome"] == outcome]
        self.assertEqual(len(rows), 1, (action, object_, rows))
        self.assertEqual(rows[0]["actor"], actor)

    # ---- accounts
    def test_the_accounts_are_listed_with_their_exact_fields(self):
        response = self.api().get("/admins")
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(list(response.json), ["items"])
        accounts = {a["login"]: a for a in response.json["items"]}
        admin = accounts[ADMIN]
        self.assertEqual(list(admin), ADMIN_KEYS)
        self.assertEqual((admin["role"], admin["enabled"]), ("admin", True))
        self.assertRegex(admin["createdAt"], TIME)
        self.assertRegex(admin["lastLogin"], TIME)  # signed in for this very request
        self.assertEqual(accounts["viewer"]["role"], "viewer")

    def test_an_added_account_is_answered_signs_in_and_is_audited(self):
        created = self.add("Operator2", role="viewer")
        self.assertEqual(list(created), ADMIN_KEYS)
        self.assertEqual((created["login"], created["role"], created["enabled"]), ("operator2", "viewer", True))
        self.assertIsNone(created["lastLogin"])
        self.assertEqual(self.client().login("operator2", PASSWORD).status, 200)
        self.assertAudited("admin.add", "operator2")

    def test_role_state_and_password_changes_are_answered_and_each_audited(self):
        self.add("changed")
        path = "/admins/changed"
        client = self.api()
        demoted = client.patch(path, {"role": "viewer"})
        self.assertEqual(demoted.status, 200, repr(demoted))
        self.assertEqual(list(demoted.json), ADMIN_KEYS)
        self.assertEqual(demoted.json["role"], "viewer")
        self.assertIs(client.patch(path, {"enabled": False}).json["enabled"], False)
        self.assertError(self.client().login("changed", PASSWORD), 401)
        self.assertIs(client.patch(path, {"enabled": True}).json["enabled"], True)
        self.assertEqual(client.patch(path, {"password": "another password 2"}).status, 200)
        self.assertEqual(self.client().login("changed", "another password 2").status, 200)
        for action in ("admin.role", "admin.disable", "admin.enable", "admin.password"):
            self.assertAudited(action, "changed")
        self.assertNotIn("another password", repr(self.api().get("/audit", limit=500).json))

    def test_a_password_change_of_ones_own_account_keeps_the_session_and_ends_the_others(self):
        self.add("selfish")
        mine = self.api("selfish", PASSWORD)
        other = self.api("selfish", PASSWORD)
        response = mine.patch("/admins/selfish", {"password": "a new password 4"})
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(mine.get("/me").status, 200)
        self.assertError(other.get("/me"), 401)
        self.assertAudited("admin.password", "selfish", actor="selfish")

    def test_a_viewer_may_change_its_own_password_and_nothing_else(self):
        self.add("reader", role="viewer")
        reader = self.api("reader", PASSWORD)
        self.assertEqual(reader.patch("/admins/reader", {"password": "reader password 2"}).status, 200)
        self.assertEqual(reader.get("/me").status, 200)
        self.assertError(reader.patch("/admins/reader", {"role": "admin"}), 403, "forbidden")
        # What is asked decides, not whether its value is valid: no 422 tells a viewer which roles exist.
        self.assertError(reader.patch("/admins/reader", {"role": "no such role"}), 403, "forbidden")
        self.assertError(reader.patch("/admins/" + ADMIN, {"enabled": "not a boolean"}), 403, "forbidden")
        self.assertError(reader.patch("/admins/" + ADMIN, {"password": "stolen password 1"}), 403, "forbidden")
        self.assertError(reader.get("/admins"), 403, "forbidden")
        self.assertError(reader.post("/admins", {"login": "x", "password": PASSWORD, "role": "admin"}), 403)
        self.assertError(reader.delete("/admins/viewer"), 403, "forbidden")
        roles = [(r["object"], r["outcome"]) for r in self.audit_rows("admin.role") if r["actor"] == "reader"]
        self.assertEqual(roles, [("reader", "denied")] * 2)
        denied = [r for r in self.audit_rows("admin.delete") if r["actor"] == "reader"]
        self.assertEqual([(r["outcome"], r["object"]) for r in denied], [("denied", "viewer")])
        self.assertEqual(self.client().login(ADMIN, "stolen password 1").status, 401)

    def test_a_deleted_account_is_gone_and_audited(self):
        self.add("leaving")
        client = self.api()
        self.assertEqual(client.delete("/admins/leaving").status, 204)
        self.assertNotIn("leaving", [a["login"] for a in client.get("/admins").json["items"]])
        self.assertError(client.delete("/admins/leaving"), 404, "not_found")
        self.assertAudited("admin.delete", "leaving")

    def test_the_last_enabled_admin_cannot_be_disabled_demoted_or_deleted(self):
        client = self.api()
        for account in client.get("/admins").json["items"]:
            if account["login"] != ADMIN and account["role"] == "admin" and account["enabled"]:
                self.assertEqual(client.patch("/admins/" + account["login"], {"enabled": False}).status, 200)
        self.assertError(client.delete("/admins/" + ADMIN), 409, "conflict")
        self.assertError(client.patch("/admins/" + ADMIN, {"enabled": False}), 409, "conflict")
        self.assertError(client.patch("/admins/" + ADMIN, {"role": "viewer"}), 409, "conflict")
        self.assertEqual(client.get("/me").status, 200)

    def test_unknown_accounts_are_404(self):
        client = self.api()
        self.assertError(client.patch("/admins/nobody", {"enabled": True}), 404, "not_found")
        self.assertError(client.delete("/admins/nobody"), 404, "not_found")
        self.assertError(client.delete("/admins/" + quote("Not A Login!")), 404, "not_found")

    def test_a_refused_value_is_422_naming_its_field(self):
        client = self.api()
        self.assertError(client.post("/admins", {"login": "ok", "password": PASSWORD, "role": "root"}), 422,
                         "invalid_value", "role")
        self.assertError(client.post("/admins", {"login": "bad login", "password": PASSWORD, "role": "viewer"}),
                         422, "invalid_value", "login")
        self.assertError(client.post("/admins", {"login": "ok", "password": "short", "role": "viewer"}), 422,
                         "invalid_value", "password")
        self.assertError(client.patch("/admins/viewer", {"role": "owner"}), 422, "invalid_value", "role")
        self.assertError(client.patch("/admins/viewer", {}), 400, "bad_request")

    def test_without_a_session_accounts_and_the_audit_log_are_401(self):
        client = self.client()
        self.assertError(client.get("/admins"), 401, "unauthorized")
        self.assertError(client.get("/audit"), 401, "unauthorized")
        self.assertError(client.patch("/admins/viewer", {"enabled": False}), 401, "unauthorized")

    def test_a_method_the_resource_lacks_is_405_with_allow(self):
        response = self.api().get("/admins/viewer")
        self.assertError(response, 405, "method_not_allowed")
        self.assertEqual(response.header("Allow"), "PATCH, DELETE")

    def test_a_change_without_the_csrf_token_is_403(self):
        response = self.api().request("DELETE", "/admins/viewer", csrf=False)
        self.assertError(response, 403, "forbidden")
        self.assertIn("viewer", [a["login"] for a in self.api().get("/admins").json["items"]])

    # ---- the audit log
    def test_the_audit_log_is_a_page_newest_first_readable_by_a_viewer(self):
        self.add("audit1", role="viewer")
        self.add("audit2", role="viewer")
        response = self.api("viewer").get("/audit", action="admin.add", limit=1)
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(list(response.json), ["items", "total", "offset", "limit"])
        self.assertGreaterEqual(response.json["total"], 2)
        self.assertEqual((response.json["offset"], response.json["limit"]), (0, 1))
        [newest] = response.json["items"]
        self.assertEqual(list(newest), AUDIT_KEYS)
        self.assertEqual((newest["action"], newest["object"], newest["actor"]), ("admin.add", "audit2", ADMIN))
        self.assertRegex(newest["time"], TIME)
        second = self.api("viewer").get("/audit", action="admin.add", offset=1, limit=1).json["items"]
        self.assertEqual(second[0]["object"], "audit1")

    def test_the_audit_log_filters_by_actor(self):
        self.api("viewer")
        rows = self.api().get("/audit", actor="viewer", limit=500).json
        self.assertTrue(rows["items"])
        self.assertEqual({r["actor"] for r in rows["items"]}, {"viewer"})
        self.assertEqual(rows["total"], len(rows["items"]))
        self.assertEqual(self.api().get("/audit", actor=XSS).json["total"], 0)

    def test_a_malformed_page_is_400(self):
        self.assertError(self.api().get("/audit", limit="ten"), 400, "bad_request", "limit")

    def test_hostile_text_in_the_audit_log_comes_back_verbatim(self):
        client = self.api()
        for text in (XSS, "x'; DROP TABLE audit_log; --"):
            self.assertError(client.post("/admins", {"login": text, "password": PASSWORD, "role": "viewer"}), 422,
                             "invalid_value", "login")
            rows = self.api("viewer").get("/audit", action="admin.add").json["items"]
            self.assertIn(text, [r["object"] for r in rows])


if __name__ == "__main__":
    unittest.main()
