"""smtp.display_name_policy: over STARTTLS and AUTH, a message whose From, Sender or Reply-To display name
names another address, or holds a bidi control character, is refused after the final dot with 550 5.7.1
and nothing is queued (README "Sender rules", "Display names"); with the policy off it is queued."""

import unittest

from postern_harness import ServerTestCase, find_queued, make_message, queue_id_of, spool_files

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
IMPERSONATION = '"boss@victim.example" <%s>' % ALICE


class DisplayNamesStrictTest(ServerTestCase):
    users = {ALICE: (ALICE_PASSWORD, [])}

    def send(self, message):
        client = self.session(ALICE, ALICE_PASSWORD)
        before = spool_files(self.server)
        return client, client.send_message(ALICE, ["bob@example.net"], message), before

    def test_a_from_display_name_naming_another_address_gets_550_5_7_1_and_nothing_is_queued(self):
        client, reply, before = self.send(make_message(IMPERSONATION))
        self.assertReply(reply, 550, "5.7.1", text="550 5.7.1 From display name names another "
                                                   "address (boss@victim.example); use your own name")
        self.assertSpoolUnchanged(before)
        self.assertReply(client.cmd("NOOP"), 250)
        self.assertIn("550 5.7.1 \"From display name names another address", self.server.log_text())

    def test_an_encoded_word_decoding_to_another_address_gets_550_5_7_1(self):
        _, reply, before = self.send(make_message("=?utf-8?B?Ym9zc0B2aWN0aW0uZXhhbXBsZQ==?= <%s>" % ALICE))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_a_bidi_control_in_reply_to_gets_550_5_7_1_without_echoing_it(self):
        message = make_message(ALICE, extra_headers=["Reply-To: \"Help \u202edesk\" <help@example.net>"])
        _, reply, before = self.send(message)
        self.assertReply(reply, 550, "5.7.1", text="550 5.7.1 Reply-To header contains a bidi control character")
        self.assertNotIn("\u202e".encode("utf-8"), reply.raw)
        self.assertSpoolUnchanged(before)

    def test_a_plain_name_and_the_own_address_as_name_are_queued(self):
        for name in ('"Alice Example" <%s>' % ALICE, '"%s" <%s>' % (ALICE, ALICE)):
            _, reply, _ = self.send(make_message(name))
            find_queued(self.server, queue_id_of(reply))


class DisplayNamesOffTest(ServerTestCase):
    settings = {"smtp.display_name_policy": "off"}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_with_the_policy_off_a_name_naming_another_address_is_queued(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(IMPERSONATION))
        find_queued(self.server, queue_id_of(reply))

    def test_with_the_policy_off_the_header_from_must_still_be_owned(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        reply = client.send_message(ALICE, ["bob@example.net"], make_message('"x" <bob@example.com>'))
        self.assertReply(reply, 550, "5.7.1")


if __name__ == "__main__":
    unittest.main()
