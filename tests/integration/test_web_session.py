"""The web admin's sign-in layer over real HTTPS against the binary: sign-in and its one refusal, the
session cookie's attributes, /me, sign-out ending the session (replay refused), a cookie planted before
sign-in never honoured (fixation), CSRF and origin checks on changes, a viewer refused a change, the
throttle's 429, and the audit rows of sign-ins."""

import unittest

from web_api import ADMIN, ADMIN_PASSWORD, ApiClient, WebApiCase


class WebSessionTest(WebApiCase):
    viewers = {"auditor": "viewer password 1"}

    def test_sign_in_sets_a_host_only_secure_httponly_strict_cookie_and_me_answers(self):
        client = self.client()
        response = client.login()
        self.assertEqual(response.status, 200, repr(response))
        cookie = response.header("Set-Cookie")
        self.assertRegex(cookie, r"^__Host-postern=[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; SameSite=Strict$")
        self.assertEqual(response.json["me"], {"login": ADMIN, "role": "admin",
                                               "totp": {"enrolled": False, "pending": False,
                                                        "recoveryCodesLeft": 0, "required": False}})
        me = client.get("/me")
        self.assertEqual(me.status, 200, repr(me))
        self.assertEqual(me.json["login"], ADMIN)
        self.assertEqual(me.json["csrf"], response.json["csrf"])
        self.assertEqual(me.header("Cache-Control"), "no-store")

    def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(self):
        wrong = self.client().login(ADMIN, "not the password")
        unknown = self.client().login("nobody", "not the password")
        self.assertError(wrong, 401, "unauthorized")
        self.assertError(unknown, 401, "unauthorized")
        self.assertEqual(wrong.body, unknown.body)
        self.assertIsNone(wrong.header("Set-Cookie"))

    def test_without_a_session_every_api_read_is_401(self):
        self.assertError(self.client().get("/me"), 401, "unauthorized")

    def test_signing_out_ends_the_session_and_a_replayed_cookie_is_refused(self):
        client = self.api()
        stolen = client.cookie
        self.assertEqual(client.post("/logout").status, 204)
        replay = ApiClient(self.server.admin_port)
        replay.cookie = stolen
        self.assertError(replay.get("/me"), 401, "unauthorized")

    def test_a_cookie_planted_before_sign_in_is_not_the_session_after_it(self):
        client = self.client()
        client.cookie = "A" * 43  # set by an attacker
        self.assertEqual(client.login().status, 200)
        self.assertNotEqual(client.cookie, "A" * 43)
        planted = ApiClient(self.server.admin_port)
        planted.cookie = "A" * 43
        self.assertError(planted.get("/me"), 401)

    def test_a_change_without_or_with_a_wrong_csrf_token_is_403(self):
        client = self.api()
        self.assertError(client.request("POST", "/logout", {}, csrf=False), 403, "forbidden")
        self.assertError(client.request("POST", "/logout", {}, headers={"X-CSRF-Token": "x" * 43}), 403)
        self.assertEqual(client.get("/me").status, 200)  # the session is still there

    def test_a_cross_origin_change_is_403_even_with_the_token(self):
        client = self.api()
        evil = client.request("POST", "/logout", {}, headers={"Origin": "https://evil.example"})
        self.assertError(evil, 403, "forbidden")
        no_origin = client.request("POST", "/logout", {}, origin=False)
        self.assertError(no_origin, 403, "forbidden")
        same_site = client.request("POST", "/logout", {}, origin=False, headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(same_site.status, 204, repr(same_site))

    def test_a_cross_origin_sign_in_is_refused(self):
        client = self.client()
        response = client.request("POST", "/login", {"login": ADMIN, "password": ADMIN_PASSWORD},
                                  headers={"Origin": "https://evil.example"})
        self.assertError(response, 403, "forbidden")

    def test_a_form_post_is_not_taken_as_json(self):
        client = self.client()
        response = client.request("POST", "/login", raw_body=b"login=admin&password=x",
                                  content_type="application/x-www-form-urlencoded")
        self.assertError(response, 400, "bad_request")

    def test_sign_ins_are_in_the_audit_log(self):
        self.client().login(ADMIN, "wrong password here")
        self.api()
        rows = self.audit_rows_via_cli()
        self.assertTrue(any(r["action"] == "admin.login" and r["outcome"].startswith("failed") for r in rows), rows)
        self.assertTrue(any(r["action"] == "admin.login" and r["outcome"] == "ok" for r in rows), rows)

    def test_the_setup_endpoint_says_no_setup_is_needed_once_an_account_exists(self):
        response = self.client().get("/setup")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json, {"needed": False, "requireTotp": False})
        forged = self.client().post("/setup", {"token": "x" * 43, "login": "eve", "password": "long enough pw"})
        self.assertError(forged, 403, "forbidden")

    def audit_rows_via_cli(self):
        # The audit endpoint arrives with the administration endpoints; until then the database tells.
        import sqlite3, os
        db = sqlite3.connect(os.path.join(self.server.data_dir, "postern.db"))
        try:
            return [{"action": a, "outcome": o} for a, o in db.execute("SELECT action, outcome FROM audit_log")]
        finally:
            db.close()


class WebSessionThrottleTest(WebApiCase):
    def test_repeated_failures_are_throttled_with_429_and_retry_after(self):
        statuses = [self.client().login(ADMIN, "wrong %d" % i).status for i in range(12)]
        self.assertIn(429, statuses, statuses)
        self.assertTrue(all(s in (401, 429) for s in statuses), statuses)
        throttled = self.client().login(ADMIN, ADMIN_PASSWORD)
        self.assertError(throttled, 429, "too_many_requests")
        self.assertEqual(throttled.header("Retry-After"), "60")


if __name__ == "__main__":
    unittest.main()
