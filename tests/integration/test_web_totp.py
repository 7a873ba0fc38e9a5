"""The web admin's second factor over real HTTPS against the binary: enrollment (secret, otpauth URI, a code
to confirm, ten recovery codes), signing in in two steps (no cookie before the code), wrong and replayed codes
refused and counted by the sign-in throttle, recovery codes good once, turning it off, a reset by another
administrator and by `postern admin reset-totp`, the audit trail, and admin.require_totp holding an account
without a second factor to its enrollment. The codes are computed here (RFC 6238 with hmac and struct)."""

import base64
import hashlib
import hmac
import struct
import time
import unittest
import urllib.parse

from web_api import ADMIN, ADMIN_PASSWORD, WebApiCase, quote

PASSWORD = "totp account password 1"


def hotp(key, counter):
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Authenticator:
    """The phone: gives the code of the earliest step the server still takes (±1 step around now, later than
    the last one used), waiting for the next step when the window is used up."""

    def __init__(self, secret):
        self.key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.last = None

    def code(self):
        while True:
            now = int(time.time()) // 30
            for step in (now - 1, now, now + 1):
                if self.last is None or step > self.last:
                    self.last = step
                    return hotp(self.key, step)
            time.sleep(30 - time.time() % 30 + 0.2)

    def stale(self):
        """A code the server has already seen (the last one used)."""
        return hotp(self.key, self.last)


def password_step(client, login, password=PASSWORD):
    """POST /login as a browser does; for an account with a second factor the answer holds no CSRF token."""
    response = client.post("/login", {"login": login, "password": password})
    if response.status == 200 and "csrf" in response.json:
        client.csrf = response.json["csrf"]
    return response


class TotpCase(WebApiCase):
    def add(self, login, role="admin"):
        # With the CLI: under admin.require_totp the test's own administrator may do nothing before enrolling.
        self.server.cli("admin", "add", login, "--role", role, stdin=PASSWORD + "\n")

    def enroll(self, client):
        start = client.post("/me/totp")
        self.assertEqual(start.status, 200, repr(start))
        phone = Authenticator(start.json["secret"])
        confirm = client.post("/me/totp/confirm", {"code": phone.code()})
        self.assertEqual(confirm.status, 200, repr(confirm))
        return phone, confirm.json["recoveryCodes"]

    def sign_in(self, login, code_source, password=PASSWORD):
        client = self.client()
        first = password_step(client, login, password)
        self.assertEqual(first.status, 200, repr(first))
        self.assertEqual(first.json["secondFactor"], "totp")
        code = code_source() if callable(code_source) else code_source
        second = client.post("/login/totp", {"pending": first.json["pending"], "code": code})
        if second.status == 200:
            client.csrf = second.json["csrf"]
        return client, second

    def audited(self, action, object_):
        return [(r["actor"], r["outcome"]) for r in self.audit_rows(action) if r["object"] == object_]


class WebTotpTest(TotpCase):
    def test_enrollment_shows_the_secret_and_an_otpauth_uri_and_needs_a_code_to_take_effect(self):
        self.add("enrol")
        client = self.api("enrol", PASSWORD)
        start = client.post("/me/totp")
        self.assertEqual(start.status, 200, repr(start))
        secret, uri = start.json["secret"], start.json["uri"]
        self.assertRegex(secret, r"^[A-Z2-7]{32}$")
        parsed = urllib.parse.urlparse(uri)
        self.assertEqual((parsed.scheme, parsed.netloc), ("otpauth", "totp"))
        self.assertEqual(parsed.path, "/Postern:enrol@" + self.server.hostname)
        query = urllib.parse.parse_qs(parsed.query)
        self.assertEqual(query["secret"], [secret])
        self.assertEqual(query["issuer"], ["Postern"])
        # Not confirmed: the password alone still signs in.
        self.assertEqual(password_step(self.client(), "enrol", PASSWORD).json.get("secondFactor"), None)
        self.assertFalse(client.get("/me").json["totp"]["enrolled"])
        wrong = client.post("/me/totp/confirm", {"code": "000000"})
        self.assertError(wrong, 422, "invalid_value", "code")
        phone = Authenticator(secret)
        confirm = client.post("/me/totp/confirm", {"code": phone.code()})
        self.assertEqual(confirm.status, 200, repr(confirm))
        codes = confirm.json["recoveryCodes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertRegex(code, r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")
        me = client.get("/me").json["totp"]
        self.assertEqual((me["enrolled"], me["recoveryCodesLeft"]), (True, 10))
        self.assertEqual(sorted(self.audited("admin.totp.enroll", "enrol")),
                         [("enrol", "failed: invalid_value: the code is wrong or was used already: enter the "
                                    "current code of the app"), ("enrol", "ok")])
        # A second enrollment needs the first turned off.
        self.assertError(client.post("/me/totp"), 409, "conflict")
        listed = {a["login"]: a["totp"] for a in self.api().get("/admins").json["items"]}
        self.assertEqual((listed["enrol"], listed[ADMIN]), (True, False))

    def test_the_password_alone_gives_no_cookie_and_the_code_opens_the_session(self):
        self.add("twostep")
        phone, _ = self.enroll(self.api("twostep", PASSWORD))
        client = self.client()
        first = password_step(client, "twostep", PASSWORD)
        self.assertEqual(first.status, 200, repr(first))
        self.assertEqual(sorted(first.json), ["pending", "secondFactor"])
        self.assertIsNone(first.header("Set-Cookie"))
        self.assertIsNone(client.cookie)
        self.assertEqual(client.get("/me").status, 401)
        second = client.post("/login/totp", {"pending": first.json["pending"], "code": phone.code()})
        self.assertEqual(second.status, 200, repr(second))
        self.assertIsNotNone(client.cookie)
        client.csrf = second.json["csrf"]
        self.assertEqual(client.get("/me").json["login"], "twostep")
        # The pending token was single-use.
        again = self.client().post("/login/totp", {"pending": first.json["pending"], "code": phone.code()})
        self.assertError(again, 401, "second_factor_failed")

    def test_a_wrong_or_replayed_code_is_refused_spends_the_sign_in_and_is_audited(self):
        self.add("replay")
        phone, _ = self.enroll(self.api("replay", PASSWORD))
        _, ok = self.sign_in("replay", phone.code)
        self.assertEqual(ok.status, 200, repr(ok))
        _, replayed = self.sign_in("replay", phone.stale())
        self.assertError(replayed, 401, "second_factor_failed")
        client = self.client()
        first = password_step(client, "replay", PASSWORD)
        wrong = client.post("/login/totp", {"pending": first.json["pending"], "code": "123456x"})
        self.assertError(wrong, 401, "second_factor_failed")
        # The token is gone: the right code does not help now.
        late = client.post("/login/totp", {"pending": first.json["pending"], "code": phone.code()})
        self.assertError(late, 401, "second_factor_failed")
        self.assertEqual(self.audited("admin.totp.verify", "replay"),
                         [("replay", "failed: wrong or used code")] * 2)
        self.assertIn(("", "failed: unknown or expired sign-in"), self.audited("admin.totp.verify", ""))

    def test_a_recovery_code_signs_in_once(self):
        self.add("recover")
        _, codes = self.enroll(self.api("recover", PASSWORD))
        client, first = self.sign_in("recover", codes[0].lower().replace("-", ""))
        self.assertEqual(first.status, 200, repr(first))
        self.assertEqual(client.get("/me").json["totp"]["recoveryCodesLeft"], 9)
        _, again = self.sign_in("recover", codes[0])
        self.assertError(again, 401, "second_factor_failed")
        self.assertEqual(self.audited("admin.totp.recovery", "recover"), [("recover", "ok")])

    def test_turning_it_off_needs_a_code_or_the_password(self):
        self.add("offswitch")
        phone, _ = self.enroll(self.api("offswitch", PASSWORD))
        client, _ = self.sign_in("offswitch", phone.code)
        self.assertError(client.post("/me/totp/disable", {"password": "not it"}), 422, "invalid_value", "password")
        self.assertError(client.post("/me/totp/disable", {}), 422, "invalid_value", "code")
        self.assertEqual(client.post("/me/totp/disable", {"password": PASSWORD}).status, 204)
        self.assertNotIn("secondFactor", password_step(self.client(), "offswitch", PASSWORD).json)
        self.assertIn(("offswitch", "ok"), self.audited("admin.totp.disable", "offswitch"))

    def test_another_admin_resets_a_lost_second_factor_but_a_viewer_may_not(self):
        self.add("lostphone")
        self.add("lookonly", role="viewer")
        self.enroll(self.api("lostphone", PASSWORD))
        viewer = self.api("lookonly", PASSWORD)
        self.assertEqual(viewer.delete("/admins/lostphone/totp").status, 403)
        response = self.api().delete("/admins/" + quote("lostphone") + "/totp")
        self.assertEqual(response.status, 204, repr(response))
        self.assertNotIn("secondFactor", password_step(self.client(), "lostphone", PASSWORD).json)
        self.assertError(self.api().delete("/admins/lostphone/totp"), 404, "not_found")
        self.assertIn((ADMIN, "ok"), self.audited("admin.totp.reset", "lostphone"))

    def test_the_cli_resets_a_second_factor(self):
        self.add("clireset")
        self.enroll(self.api("clireset", PASSWORD))
        done = self.server.cli("admin", "reset-totp", "clireset")
        self.assertIn(b"second factor removed for clireset", done.stdout)
        self.assertNotIn("secondFactor", password_step(self.client(), "clireset", PASSWORD).json)
        failed = self.server.cli("admin", "reset-totp", "clireset", check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn(b"has no second factor", failed.stderr)
        self.assertEqual(sorted(o for _, o in self.audited("admin.totp.reset", "clireset")),
                         ["failed: clireset has no second factor", "ok"])


class WebTotpThrottleTest(TotpCase):
    """Its own server: the failures it makes would throttle the other tests' address."""

    def test_wrong_codes_count_toward_the_sign_in_throttle(self):
        self.add("guessed")
        self.enroll(self.api("guessed", PASSWORD))
        statuses = []
        for _ in range(10):
            client = self.client()
            first = password_step(client, "guessed", PASSWORD)
            if first.status != 200:
                statuses.append(first.status)
                break
            statuses.append(client.post("/login/totp", {"pending": first.json["pending"], "code": "000000"}).status)
        self.assertEqual(statuses, [401] * 10)
        throttled = password_step(self.client(), "guessed", PASSWORD)
        self.assertError(throttled, 429, "too_many_requests")
        self.assertIsNotNone(throttled.header("Retry-After"))


class WebRequireTotpTest(TotpCase):
    settings = dict(WebApiCase.settings, **{"admin.require_totp": "true"})

    def test_the_sign_in_page_is_told(self):
        self.assertTrue(self.client().get("/setup").json["requireTotp"])

    def test_an_account_without_a_second_factor_can_only_enroll_until_it_has(self):
        self.add("newcomer")
        client = self.api("newcomer", PASSWORD)
        me = client.get("/me")
        self.assertEqual(me.status, 200, repr(me))
        self.assertEqual((me.json["totp"]["required"], me.json["totp"]["enrolled"]), (True, False))
        for method, path, body in [("GET", "/users", None), ("GET", "/status", None), ("GET", "/audit", None),
                                   ("PATCH", "/admins/newcomer", {"password": "another password 9"}),
                                   ("POST", "/admins", {"login": "x", "password": PASSWORD, "role": "admin"})]:
            response = client.request(method, path, body)
            self.assertError(response, 403, "totp_enrollment_required")
            self.assertIn("second factor", response.error["message"])
        phone, _ = self.enroll(client)
        self.assertEqual(client.get("/users").status, 200)
        self.assertEqual(client.get("/status").status, 200)
        # From now on signing in needs the code.
        _, second = self.sign_in("newcomer", phone.code)
        self.assertEqual(second.status, 200, repr(second))

    def test_signing_out_stays_possible_before_enrolling(self):
        self.add("leaver")
        client = self.api("leaver", PASSWORD)
        self.assertEqual(client.post("/logout").status, 204)


if __name__ == "__main__":
    unittest.main()
