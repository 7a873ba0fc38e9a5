"""The JSON API's mail users and sender addresses over real HTTPS against the binary: the exact JSON of a
user and of a page of them, 401/403/404/405/422, an audit row for every kind of change, hostile text
coming back verbatim as JSON strings, and the effect on SMTP: a user added through the API authenticates
at once and is refused once disabled; a pattern added lets it send as that address, and removing it ends
that right."""

import unittest

from web_api import ADMIN, WebApiCase, quote

USER_KEYS = ["login", "enabled", "createdAt", "updatedAt", "addresses"]
TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
XSS = "<img src=x onerror=alert(1)>"
SQL = "x' OR '1'='1'; DROP TABLE users; --"


class WebUsersTest(WebApiCase):
    viewers = {"viewer": "viewer password 1"}

    def add(self, login, password="user password 1"):
        response = self.api().post("/users", {"login": login, "password": password})
        self.assertEqual(response.status, 201, repr(response))
        return response.json

    def rows(self, action, object_):
        return [row for row in self.audit_rows(action) if row["object"] == object_]

    # ---- reads and the JSON shape
    def test_an_added_user_is_answered_with_its_view_and_its_login_as_first_address(self):
        created = self.add("Ann@Example.org")
        self.assertEqual(list(created), USER_KEYS)
        self.assertEqual(created["login"], "ann@example.org")
        self.assertIs(created["enabled"], True)
        self.assertRegex(created["createdAt"], TIME)
        self.assertRegex(created["updatedAt"], TIME)
        self.assertEqual(created["addresses"], ["ann@example.org"])
        shown = self.api().get("/users/" + quote("ann@example.org"))
        self.assertEqual(shown.status, 200, repr(shown))
        self.assertEqual(shown.json, created)

    def test_the_list_is_a_page_of_matching_users_with_the_total(self):
        for login in ("page1@list.example", "page2@list.example", "page3@list.example"):
            self.add(login)
        response = self.api().get("/users", q="@list.example", offset=1, limit=1)
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(list(response.json), ["items", "total", "offset", "limit"])
        self.assertEqual(response.json["total"], 3)
        self.assertEqual(response.json["offset"], 1)
        self.assertEqual(response.json["limit"], 1)
        self.assertEqual([u["login"] for u in response.json["items"]], ["page2@list.example"])
        self.assertEqual(list(response.json["items"][0]), USER_KEYS)

    def test_the_addresses_of_a_user_are_listed_as_items(self):
        self.add("addr@example.org")
        client = self.api()
        added = client.post("/users/%s/addresses" % quote("addr@example.org"), {"pattern": "@Sales.Example.org"})
        self.assertEqual(added.status, 201, repr(added))
        self.assertEqual(added.json, {"pattern": "@sales.example.org"})
        listed = client.get("/users/%s/addresses" % quote("addr@example.org"))
        self.assertEqual(listed.status, 200, repr(listed))
        self.assertEqual(listed.json, {"items": ["@sales.example.org", "addr@example.org"]})

    # ---- refusals
    def test_without_a_session_reads_and_changes_are_401(self):
        client = self.client()
        self.assertError(client.get("/users"), 401, "unauthorized")
        self.assertError(client.get("/users/" + quote("ann@example.org")), 401, "unauthorized")
        self.assertError(client.post("/users", {"login": "x@example.org", "password": "user password 1"}), 401)
        self.assertError(client.delete("/users/" + quote("x@example.org")), 401)

    def test_a_viewer_reads_users_but_every_change_is_403_and_audited_as_denied(self):
        self.add("viewed@example.org")
        viewer = self.api("viewer")
        path = "/users/" + quote("viewed@example.org")
        self.assertEqual(viewer.get("/users").status, 200)
        self.assertEqual(viewer.get(path).status, 200)
        self.assertError(viewer.post("/users", {"login": "v@example.org", "password": "user password 1"}), 403,
                         "forbidden")
        self.assertError(viewer.patch(path, {"enabled": False}), 403, "forbidden")
        self.assertError(viewer.delete(path), 403, "forbidden")
        self.assertError(viewer.post(path + "/addresses", {"pattern": "@v.example"}), 403, "forbidden")
        self.assertError(viewer.delete(path + "/addresses/" + quote("viewed@example.org")), 403, "forbidden")
        self.assertIs(self.api().get(path).json["enabled"], True)
        denied = [r for r in self.audit_rows() if r["actor"] == "viewer" and r["outcome"] == "denied"]
        self.assertEqual(sorted(r["action"] for r in denied),
                         ["address.add", "address.remove", "user.add", "user.change", "user.delete"])

    def test_a_change_without_the_csrf_token_is_403(self):
        response = self.api().request("POST", "/users", {"login": "csrf@example.org", "password": "user password 1"},
                                      csrf=False)
        self.assertError(response, 403, "forbidden")
        self.assertError(self.api().get("/users/" + quote("csrf@example.org")), 404, "not_found")

    def test_a_refused_value_is_422_naming_its_field(self):
        client = self.api()
        self.assertError(client.post("/users", {"login": "not-an-address", "password": "user password 1"}), 422,
                         "invalid_value", "login")
        self.assertError(client.post("/users", {"login": "short@example.org", "password": "short"}), 422,
                         "invalid_value", "password")
        self.assertError(client.post("/users", {"login": "nopass@example.org"}), 422, "invalid_value", "password")
        self.add("fields@example.org")
        path = "/users/" + quote("fields@example.org")
        self.assertError(client.patch(path, {"password": "short"}), 422, "invalid_value", "password")
        self.assertError(client.post(path + "/addresses", {"pattern": "example.org"}), 422, "invalid_value",
                         "pattern")

    def test_a_malformed_change_is_400(self):
        client = self.api()
        self.add("malformed@example.org")
        path = "/users/" + quote("malformed@example.org")
        self.assertError(client.patch(path, {}), 400, "bad_request")
        self.assertError(client.patch(path, {"enabled": "no"}), 400, "bad_request", "enabled")
        self.assertError(client.patch(path, {"enable": False}), 400, "bad_request")
        self.assertError(client.post("/users", {"login": "a@example.org", "password": "user password 1",
                                                "admin": True}), 400, "bad_request")

    def test_unknown_users_and_addresses_are_404(self):
        client = self.api()
        nobody = "/users/" + quote("nobody@example.org")
        self.assertError(client.get(nobody), 404, "not_found")
        self.assertError(client.patch(nobody, {"enabled": False}), 404, "not_found")
        self.assertError(client.delete(nobody), 404, "not_found")
        self.assertError(client.get(nobody + "/addresses"), 404, "not_found")
        self.assertError(client.post(nobody + "/addresses", {"pattern": "@x.example"}), 404, "not_found")
        self.assertError(client.get("/users/not-a-login"), 404, "not_found")
        self.add("known@example.org")
        known = "/users/" + quote("known@example.org")
        self.assertError(client.delete(known + "/addresses/" + quote("@never.example")), 404, "not_found")
        self.assertError(client.delete(known + "/addresses/not-a-pattern"), 404, "not_found")

    def test_a_method_the_resource_lacks_is_405_with_allow(self):
        response = self.api().request("PUT", "/users", {})
        self.assertError(response, 405, "method_not_allowed")
        self.assertEqual(response.header("Allow"), "GET, HEAD, POST")

    def test_a_duplicate_user_or_address_is_409(self):
        self.add("twice@example.org")
        client = self.api()
        again = client.post("/users", {"login": "twice@example.org", "password": "user password 1"})
        self.assertError(again, 409, "already_exists")
        path = "/users/%s/addresses" % quote("twice@example.org")
        self.assertError(client.post(path, {"pattern": "twice@example.org"}), 409, "already_exists")

    # ---- the audit trail
    def test_every_kind_of_change_is_one_audit_row_naming_the_user_never_the_password(self):
        login = "audited@example.org"
        path = "/users/" + quote(login)
        client = self.api()
        self.add(login, "first password 1")
        self.assertEqual(client.patch(path, {"enabled": False}).status, 200)
        self.assertEqual(client.patch(path, {"enabled": True}).status, 200)
        self.assertEqual(client.patch(path, {"password": "second password 2"}).status, 200)
        self.assertEqual(client.post(path + "/addresses", {"pattern": "@audited.example"}).status, 201)
        self.assertEqual(client.delete(path + "/addresses/" + quote("@audited.example")).status, 204)
        self.assertEqual(client.delete(path).status, 204)
        expected = [("user.add", login), ("user.disable", login), ("user.enable", login),
                    ("user.password", login), ("address.add", login + "/@audited.example"),
                    ("address.remove", login + "/@audited.example"), ("user.delete", login)]
        for action, object_ in expected:
            rows = self.rows(action, object_)
            self.assertEqual(len(rows), 1, (action, rows))
            self.assertEqual(rows[0]["actor"], ADMIN)
            self.assertEqual(rows[0]["outcome"], "ok")
            self.assertEqual(rows[0]["clientAddress"], "127.0.0.1")
        everything = repr(self.api().get("/audit", limit=500).json)
        self.assertNotIn("first password", everything)
        self.assertNotIn("second password", everything)

    def test_a_patch_with_two_changes_is_two_audit_rows(self):
        login = "both@example.org"
        self.add(login)
        response = self.api().patch("/users/" + quote(login), {"enabled": False, "password": "new password 3"})
        self.assertEqual(response.status, 200, repr(response))
        self.assertIs(response.json["enabled"], False)
        self.assertEqual(len(self.rows("user.disable", login)), 1)
        self.assertEqual(len(self.rows("user.password", login)), 1)

    # ---- hostile text is data
    def test_hostile_text_comes_back_verbatim_as_json_strings(self):
        client = self.api()
        for text in (XSS, SQL):
            refused = client.post("/users", {"login": text, "password": "user password 1"})
            self.assertError(refused, 422, "invalid_value", "login")
            self.assertIn(text, refused.error["message"])
            self.assertEqual(len(self.rows("user.add", text)), 1)
            searched = client.get("/users", q=text)
            self.assertEqual(searched.status, 200, repr(searched))
            self.assertEqual(searched.json["total"], 0)
        odd = "o'brien--x@example.org"
        created = self.add(odd)
        self.assertEqual(created["login"], odd)
        found = client.get("/users", q="o'brien")
        self.assertEqual([u["login"] for u in found.json["items"]], [odd])
        self.assertEqual(client.get("/users/" + quote(odd)).json["login"], odd)

    # ---- the effect on SMTP
    def test_a_user_added_through_the_api_authenticates_at_once_and_is_refused_once_disabled(self):
        login, password = "smtp@example.org", "smtp password 1"
        self.add(login, password)
        self.session(login, password).close()
        self.assertEqual(self.api().patch("/users/" + quote(login), {"enabled": False}).status, 200)
        client = self.connect()
        client.ehlo()
        client.starttls()
        client.ehlo()
        self.assertReply(client.auth_plain(login, password), 535)

    def test_an_address_added_through_the_api_may_be_sent_as_until_it_is_removed(self):
        login, password = "sender@example.org", "sender password 1"
        self.add(login, password)
        self.assertReply(self.session(login, password).cmd("MAIL FROM:<billing@shop.example>"), 553, "5.7.1")
        path = "/users/%s/addresses" % quote(login)
        self.assertEqual(self.api().post(path, {"pattern": "@shop.example"}).status, 201)
        self.assertReply(self.session(login, password).cmd("MAIL FROM:<billing@shop.example>"), 250)
        self.assertEqual(self.api().delete(path + "/" + quote("@shop.example")).status, 204)
        self.assertReply(self.session(login, password).cmd("MAIL FROM:<billing@shop.example>"), 553, "5.7.1")


if __name__ == "__main__":
    unittest.main()
