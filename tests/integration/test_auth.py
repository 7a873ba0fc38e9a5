"""AUTH (RFC 4954) after TLS: PLAIN and LOGIN, cancellation, malformed input, identical failures for a
wrong password and an unknown user, authorization identities, the failure limit per connection, the
per-address throttle, and user changes made with the CLI while the server runs (disable, delete, passwd),
which must apply to the next AUTH even when the old password is cached."""

import unittest

from postern_harness import PosternServer, ServerTestCase, b64, plain_response

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
INVALID = "535 5.7.8 Authentication credentials invalid"
LONG_PASSWORD = "L0ng-" + "x" * 995  # the policy's 1024-byte maximum is near; the PLAIN line is ~1.4 KB
UTF8_PASSWORD = "pässwörd-ÄÖÜ-✓"


class AuthTest(ServerTestCase):
    settings = {"smtp.max_auth_failures": "3", "auth.cache_ttl": "300"}
    users = {
        ALICE: (ALICE_PASSWORD, []),
        "carol@example.org": ("carol-secret-1", []),
        "dave@example.org": ("dave-secret-1", []),
        "erin@example.org": ("erin-secret-1", []),
        "frank@example.org": ("frank-secret-1", []),
        "long@example.org": (LONG_PASSWORD, []),
        "utf8@example.org": (UTF8_PASSWORD, []),
    }

    def secured(self, kind="submission"):
        """A client after EHLO, STARTTLS (unless implicit TLS) and EHLO again: ready for AUTH."""
        client = self.connect(kind)
        if kind != "submissions":
            client.ehlo()
            client.starttls()
        client.ehlo()
        return client

    # ---- PLAIN

    def test_auth_plain_with_initial_response_succeeds(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235, "2.7.0")

    def test_auth_plain_without_initial_response_succeeds(self):
        client = self.secured()
        reply = client.cmd("AUTH PLAIN")
        self.assertReply(reply, 334)
        self.assertEqual(reply.raw, b"334 \r\n", "PLAIN's first challenge is empty (RFC 4616)")
        self.assertReply(client.cmd(plain_response(ALICE, ALICE_PASSWORD)), 235, "2.7.0")

    def test_auth_plain_with_empty_initial_response_is_refused_and_the_session_continues(self):
        # "=" is a zero-length initial response (RFC 4954 §4); an empty PLAIN message is malformed.
        client = self.secured()
        reply = client.cmd("AUTH PLAIN =")
        self.assertIn(reply.code, (501, 535), reply.transcript)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)

    def test_auth_plain_with_authzid_equal_to_login_succeeds(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD, authzid=ALICE), 235)

    def test_auth_plain_with_authzid_other_than_login_gets_535(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD, authzid="carol@example.org"), 535, "5.7.8",
                         text=INVALID)

    def test_auth_plain_with_an_initial_response_over_512_octets_succeeds(self):
        # RFC 4954 §4: an AUTH line with an initial response may be up to 12288 octets.
        client = self.secured()
        response = plain_response("long@example.org", LONG_PASSWORD)
        self.assertGreater(len("AUTH PLAIN " + response) + 2, 512)
        self.assertReply(client.cmd("AUTH PLAIN " + response), 235)

    def test_auth_plain_with_a_utf8_password_succeeds(self):
        client = self.secured()
        self.assertReply(client.auth_plain("utf8@example.org", UTF8_PASSWORD), 235)

    def test_auth_login_with_a_long_password_succeeds(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH LOGIN " + b64("long@example.org")), 334)
        self.assertReply(client.cmd(b64(LONG_PASSWORD)), 235)

    # ---- LOGIN

    def test_auth_login_succeeds(self):
        client = self.secured()
        reply = client.cmd("AUTH LOGIN")
        self.assertReply(reply, 334, text="334 " + b64("Username:"))
        reply = client.cmd(b64(ALICE))
        self.assertReply(reply, 334, text="334 " + b64("Password:"))
        self.assertReply(client.cmd(b64(ALICE_PASSWORD)), 235, "2.7.0")

    def test_auth_login_with_initial_username_succeeds(self):
        client = self.secured()
        reply = client.cmd("AUTH LOGIN " + b64(ALICE))
        self.assertReply(reply, 334, text="334 " + b64("Password:"))
        self.assertReply(client.cmd(b64(ALICE_PASSWORD)), 235, "2.7.0")

    def test_auth_login_wrong_password_gets_535(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH LOGIN " + b64(ALICE)), 334)
        self.assertReply(client.cmd(b64("wrong-password")), 535, "5.7.8", text=INVALID)

    def test_auth_login_on_submissions_port_succeeds(self):
        client = self.secured("submissions")
        self.assertReply(client.cmd("AUTH LOGIN"), 334)
        self.assertReply(client.cmd(b64(ALICE)), 334)
        self.assertReply(client.cmd(b64(ALICE_PASSWORD)), 235)

    # ---- cancellation and malformed exchanges

    def test_auth_plain_cancelled_with_star_gets_501(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH PLAIN"), 334)
        self.assertReply(client.cmd("*"), 501)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)

    def test_auth_login_cancelled_with_star_gets_501(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH LOGIN"), 334)
        self.assertReply(client.cmd(b64(ALICE)), 334)
        self.assertReply(client.cmd("*"), 501)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)

    def test_auth_with_bad_base64_initial_response_gets_501_5_5_2(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH PLAIN !!!not*base64!!!"), 501, "5.5.2")

    def test_auth_with_bad_base64_continuation_gets_501_5_5_2(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH LOGIN"), 334)
        self.assertReply(client.cmd("%%%%"), 501, "5.5.2")

    def test_auth_with_unknown_mechanism_gets_504_5_5_4(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH CRAM-MD5"), 504, "5.5.4")
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)

    def test_auth_without_mechanism_gets_501(self):
        client = self.secured()
        self.assertReply(client.cmd("AUTH"), 501)

    def test_auth_twice_gets_503(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 503)

    def test_sixteen_simultaneous_logins_all_succeed(self):
        clients = []
        for _ in range(16):
            client = self.secured("submissions")
            client.send_raw("AUTH PLAIN " + plain_response(ALICE, ALICE_PASSWORD) + "\r\n")
            clients.append(client)
        for client in clients:  # all sixteen verifications were in flight together
            self.assertReply(client.read_reply(), 235)

    # ---- failures

    def test_wrong_password_gets_535_5_7_8(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, "wrong-password"), 535, "5.7.8", text=INVALID)

    def test_unknown_user_gets_the_same_reply_as_a_wrong_password(self):
        client = self.secured()
        wrong_password = client.auth_plain(ALICE, "wrong-password")
        unknown_user = client.auth_plain("nobody@example.org", "wrong-password")
        self.assertReply(unknown_user, 535, "5.7.8", text=INVALID)
        self.assertEqual(unknown_user.raw, wrong_password.raw)

    def test_failed_auth_reply_arrives_and_a_later_auth_succeeds(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, "wrong-password"), 535)
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 235)

    def test_too_many_auth_failures_get_421_and_close(self):
        client = self.secured()
        self.assertReply(client.auth_plain(ALICE, "wrong-1"), 535, "5.7.8")
        self.assertReply(client.auth_plain(ALICE, "wrong-2"), 535, "5.7.8")
        client.send_raw("AUTH PLAIN " + plain_response(ALICE, "wrong-3") + "\r\n")
        replies = self.assertClosedAfter(client, 421)
        self.assertTrue(all(r.code in (535, 421) for r in replies), [r.raw for r in replies])

    def test_mail_after_tls_without_auth_gets_530(self):
        client = self.secured()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 530, "5.7.0")

    # ---- user changes through the CLI while the server runs

    def test_disabled_user_gets_535_even_after_a_cached_login(self):
        login, password = "carol@example.org", "carol-secret-1"
        self.assertReply(self.secured().auth_plain(login, password), 235)  # now cached
        self.server.cli("user", "disable", login)
        self.assertReply(self.secured().auth_plain(login, password), 535, "5.7.8", text=INVALID)
        self.server.cli("user", "enable", login)
        self.assertReply(self.secured().auth_plain(login, password), 235)

    def test_password_change_takes_effect_at_once_even_when_cached(self):
        login, old, new = "dave@example.org", "dave-secret-1", "dave-secret-2"
        self.assertReply(self.secured().auth_plain(login, old), 235)  # now cached
        self.server.cli("user", "passwd", login, stdin=new + "\n")
        self.assertReply(self.secured().auth_plain(login, old), 535, "5.7.8", text=INVALID)
        self.assertReply(self.secured().auth_plain(login, new), 235)

    def test_deleted_user_gets_535_even_after_a_cached_login(self):
        login, password = "erin@example.org", "erin-secret-1"
        self.assertReply(self.secured().auth_plain(login, password), 235)
        self.server.cli("user", "delete", login)
        self.assertReply(self.secured().auth_plain(login, password), 535, "5.7.8", text=INVALID)

    def test_user_added_while_running_can_authenticate_at_once(self):
        self.server.add_user("grace@example.org", "grace-secret-1")
        self.assertReply(self.secured().auth_plain("grace@example.org", "grace-secret-1"), 235)

    def test_login_is_not_a_prefix_match(self):
        client = self.secured()
        self.assertReply(client.auth_plain("frank@example.org.evil", "frank-secret-1"), 535, text=INVALID)
        self.assertReply(client.auth_plain("frank@example.or", "frank-secret-1"), 535, text=INVALID)


class AuthLoggingTest(unittest.TestCase):
    """The server log never holds a password or an AUTH exchange (smtp/ports.h SessionOutput::log)."""

    def test_log_never_contains_passwords_or_auth_exchanges(self):
        server = PosternServer({"log_level": "debug"})
        self.addCleanup(server.cleanup)
        server.add_user(ALICE, ALICE_PASSWORD)
        server.start()
        secret_wrong = "Wr0ng-Pa55word-Zq"
        exchanged = []
        client = server.connect()
        try:
            client.ehlo()
            client.starttls()
            client.ehlo()
            for password in (secret_wrong, ALICE_PASSWORD):
                response = plain_response(ALICE, password)
                exchanged.append(response)
                client.cmd("AUTH PLAIN " + response)
        finally:
            client.close()
        client = server.connect("submissions")
        try:
            client.ehlo()
            client.cmd("AUTH LOGIN")
            client.cmd(b64(ALICE))
            client.cmd(b64(secret_wrong))
            exchanged.append(b64(secret_wrong))
        finally:
            client.close()
        server.stop()
        log = server.log_text()
        for secret in [ALICE_PASSWORD, secret_wrong, b64(ALICE_PASSWORD), b64(secret_wrong)] + exchanged:
            self.assertNotIn(secret, log)


class AuthThrottleTest(ServerTestCase):
    """auth.throttle.failures failed logins from one address refuse AUTH (auth/failure_throttle.h: 454 4.7.0),
    even with the right password, across connections."""

    settings = {"auth.throttle.failures": "3", "auth.throttle.window": "600", "smtp.max_auth_failures": "100"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_throttle_refuses_even_the_right_password_after_too_many_failures_from_one_address(self):
        for _ in range(3):
            client = self.connect()
            client.ehlo()
            client.starttls()
            client.ehlo()
            self.assertReply(client.auth_plain(ALICE, "wrong-password"), 535)
            client.close()
        client = self.connect()
        client.ehlo()
        client.starttls()
        client.ehlo()
        self.assertReply(client.auth_plain(ALICE, ALICE_PASSWORD), 454, "4.7.0")



class AuthThrottleRaceTest(ServerTestCase):
    """The throttle counts an attempt before its password is verified (auth/failure_throttle.h Reservation):
    parallel connections from one address get auth.throttle.failures verified guesses in all, not one each."""

    # A costlier hash keeps every verification in flight while the other connections' AUTH lines arrive.
    settings = {"auth.throttle.failures": "10", "auth.throttle.window": "600", "auth.argon2.memory_kib": "8192"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_parallel_connections_from_one_address_get_at_most_the_throttle_limit_of_verified_guesses(self):
        clients = []
        for _ in range(20):
            client = self.connect("submissions")
            client.ehlo()
            clients.append(client)
        replies = []
        for attempt in range(3):  # smtp.max_auth_failures is 3: the third 535 also closes the connection
            for client in clients:  # all twenty AUTH lines are sent before any reply is read
                client.send_raw("AUTH PLAIN " + plain_response(ALICE, "wrong-%d" % attempt) + "\r\n")
            for client in clients:
                replies.append((client, client.read_reply()))
        failed = [reply for _, reply in replies if reply.code == 535]
        self.assertLessEqual(len(failed), 10, "verified guesses: %d of 60 attempts" % len(failed))
        for client, reply in replies:
            if reply.code != 535:
                self.assertReply(reply, 454, "4.7.0")
        # The address stays throttled, even for the right password.
        refused = next(client for client, reply in replies if reply.code == 454)  # still open
        self.assertReply(refused.auth_plain(ALICE, ALICE_PASSWORD), 454, "4.7.0")


class AuthThrottleStallTest(ServerTestCase):
    """A reservation is held only while a password may be verified: clients that stall in the middle of
    AUTH LOGIN (after the Username: challenge) hold no place in the throttle."""

    settings = {"auth.throttle.failures": "2", "auth.throttle.window": "600"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_stalled_login_exchanges_do_not_lock_out_the_address(self):
        stalled = []
        for _ in range(3):  # more than auth.throttle.failures
            client = self.connect("submissions")
            client.ehlo()
            self.assertReply(client.cmd("AUTH LOGIN"), 334)  # "Username:", and then nothing
            stalled.append(client)
        fresh = self.connect("submissions")
        fresh.ehlo()
        self.assertReply(fresh.auth_plain(ALICE, ALICE_PASSWORD), 235)
        for client in stalled:  # and the stalled exchanges can still finish with a password check
            self.assertReply(client.cmd(b64(ALICE)), 334)
        self.assertReply(stalled[0].cmd(b64(ALICE_PASSWORD)), 235)


if __name__ == "__main__":
    unittest.main()
