"""Sender rules: an authenticated user may use, in MAIL FROM and in the From/Sender header fields, only the
addresses they own: their login, exact addresses added with `address add`, and any address of an "@domain"
pattern. The envelope is checked at MAIL (553 5.7.1), the header after the final dot (550)."""

import unittest

from postern_harness import ServerTestCase, find_queued, make_message, queue_id_of, spool_files

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
BOB = "bob@example.com"
BOB_PASSWORD = "bob-secret-22"


class SenderRulesTest(ServerTestCase):
    users = {
        ALICE: (ALICE_PASSWORD, ["alice.alias@example.net", "@alice.example"]),
        BOB: (BOB_PASSWORD, []),
        "henry@example.org": ("henry-secret-1", []),
    }

    def alice(self):
        return self.session(ALICE, ALICE_PASSWORD)

    # ---- MAIL FROM

    def test_mail_from_own_login_address_gets_250(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<%s>" % ALICE), 250)

    def test_mail_from_extra_exact_address_gets_250(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<alice.alias@example.net>"), 250)

    def test_mail_from_any_address_in_owned_domain_gets_250(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<anything@alice.example>"), 250)
        self.assertReply(client.cmd("RSET"), 250)
        self.assertReply(client.cmd("MAIL FROM:<billing@alice.example>"), 250)

    def test_mail_from_domain_case_does_not_matter(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<alice@EXAMPLE.Org>"), 250)

    def test_mail_from_foreign_address_gets_553_5_7_1(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<%s>" % BOB), 553, "5.7.1")

    def test_mail_from_null_sender_gets_553_5_7_1(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<>"), 553, "5.7.1")

    def test_mail_from_another_address_of_the_login_domain_gets_553_5_7_1(self):
        # Owning alice@example.org does not give the rest of example.org.
        self.assertReply(self.alice().cmd("MAIL FROM:<henry@example.org>"), 553, "5.7.1")

    def test_mail_from_subdomain_of_owned_domain_gets_553_5_7_1(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<x@sub.alice.example>"), 553, "5.7.1")

    def test_mail_from_lookalike_of_owned_domain_gets_553_5_7_1(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<x@evilalice.example>"), 553, "5.7.1")

    def test_mail_from_quoted_local_part_hiding_a_foreign_domain_gets_553_5_7_1(self):
        self.assertReply(self.alice().cmd('MAIL FROM:<"alice@example.org"@evil.example>'), 553, "5.7.1")

    def test_mail_from_percent_hack_gets_553_5_7_1(self):
        self.assertReply(self.alice().cmd("MAIL FROM:<alice%evil.example@example.org>"), 553, "5.7.1")

    def test_mail_from_source_route_to_a_foreign_address_is_refused(self):
        reply = self.alice().cmd("MAIL FROM:<@alice.example:%s>" % BOB)
        self.assertNotEqual(reply.code, 250, reply.transcript)
        self.assertEqual(reply.code // 100, 5, reply.transcript)

    def test_session_continues_after_a_refused_sender(self):
        client = self.alice()
        self.assertReply(client.cmd("MAIL FROM:<%s>" % BOB), 553, "5.7.1")
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)

    def test_other_user_cannot_use_alices_addresses(self):
        client = self.session(BOB, BOB_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 553, "5.7.1")
        self.assertReply(client.cmd("MAIL FROM:<x@alice.example>"), 553, "5.7.1")
        self.assertReply(client.cmd("MAIL FROM:<%s>" % BOB), 250)

    def test_address_added_with_the_cli_applies_to_new_sessions(self):
        client = self.session("henry@example.org", "henry-secret-1")
        self.assertReply(client.cmd("MAIL FROM:<sales@henry.example>"), 553, "5.7.1")
        client.close()
        self.server.cli("address", "add", "henry@example.org", "@henry.example")
        client = self.session("henry@example.org", "henry-secret-1")
        self.assertReply(client.cmd("MAIL FROM:<sales@henry.example>"), 250)

    def test_address_removed_with_the_cli_is_refused_in_new_sessions(self):
        self.server.cli("address", "add", BOB, "bob.old@example.com")
        client = self.session(BOB, BOB_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<bob.old@example.com>"), 250)
        client.close()
        self.server.cli("address", "remove", BOB, "bob.old@example.com")
        client = self.session(BOB, BOB_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<bob.old@example.com>"), 553, "5.7.1")

    # ---- header From / Sender (checked after the final dot)

    def send(self, message, sender=ALICE):
        client = self.alice()
        before = spool_files(self.server)
        reply = client.send_message(sender, ["bob@example.net"], message)
        return client, reply, before

    def test_header_from_owned_passes(self):
        _, reply, _ = self.send(make_message(ALICE))
        find_queued(self.server, queue_id_of(reply))

    def test_header_from_with_display_name_passes(self):
        _, reply, _ = self.send(make_message('"Alice Example" <%s>' % ALICE))
        find_queued(self.server, queue_id_of(reply))

    def test_header_from_in_owned_domain_passes(self):
        _, reply, _ = self.send(make_message("Billing <billing@alice.example>"))
        find_queued(self.server, queue_id_of(reply))

    def test_header_from_not_owned_gets_550_5_7_1(self):
        client, reply, before = self.send(make_message(BOB))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)
        self.assertReply(client.cmd("NOOP"), 250)

    def test_header_from_not_owned_with_owned_display_name_gets_550_5_7_1(self):
        _, reply, before = self.send(make_message('"%s" <%s>' % (ALICE, BOB)))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_folded_header_from_not_owned_gets_550_5_7_1(self):
        message = make_message(None, extra_headers=["From:\r\n\t<%s>" % BOB])
        _, reply, before = self.send(message)
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_foreign_mailbox_folded_onto_an_owned_from_gets_550_5_7_1(self):
        message = make_message(None, extra_headers=["From: %s,\r\n %s" % (ALICE, BOB), "Sender: " + ALICE])
        _, reply, before = self.send(message)
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_upper_case_header_from_not_owned_gets_550_5_7_1(self):
        message = make_message(None, extra_headers=["FROM: %s" % BOB])
        _, reply, before = self.send(message)
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_header_from_with_two_mailboxes_one_foreign_gets_550_5_7_1(self):
        message = make_message("%s, %s" % (ALICE, BOB), extra_headers=["Sender: " + ALICE])
        _, reply, before = self.send(message)
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_header_from_with_an_owned_address_only_in_a_comment_gets_550_5_7_1(self):
        _, reply, before = self.send(make_message("%s (%s)" % (BOB, ALICE)))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_header_from_with_encoded_display_name_and_foreign_address_gets_550_5_7_1(self):
        _, reply, before = self.send(make_message("=?utf-8?q?Alice?= <%s>" % BOB))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_group_from_with_a_foreign_member_is_refused(self):
        _, reply, before = self.send(make_message("Team: %s, %s;" % (ALICE, BOB), extra_headers=["Sender: " + ALICE]))
        self.assertReply(reply, 550)
        self.assertSpoolUnchanged(before)

    def test_second_from_with_space_before_the_colon_is_refused(self):
        # RFC 5322 obs-optional: "From :" is a From field to many readers downstream.
        _, reply, before = self.send(make_message(ALICE, extra_headers=["From : " + BOB]))
        self.assertReply(reply, 550)
        self.assertSpoolUnchanged(before)

    def test_from_only_with_space_before_the_colon_is_checked(self):
        _, reply, before = self.send(make_message(None, extra_headers=["From : " + BOB]))
        self.assertReply(reply, 550)
        self.assertSpoolUnchanged(before)

    def test_foreign_from_after_a_huge_header_section_is_refused(self):
        # The header inspection window must not become a place to hide a second From.
        filler = ["X-Filler-%05d: %s" % (i, "f" * 80) for i in range(3500)]  # about 330 KB
        message = make_message(ALICE, extra_headers=filler + ["From: " + BOB])
        _, reply, before = self.send(message)
        self.assertEqual(reply.code // 100, 5, "a From field after %d octets of header was not checked\n%s"
                         % (len(message), reply.raw))
        self.assertSpoolUnchanged(before)

    def test_only_from_after_a_huge_header_section_is_refused(self):
        filler = ["X-Filler-%05d: %s" % (i, "f" * 80) for i in range(3500)]
        message = make_message(None, extra_headers=filler + ["From: " + BOB])
        _, reply, before = self.send(message)
        self.assertEqual(reply.code // 100, 5, reply.raw)
        self.assertSpoolUnchanged(before)

    def test_missing_from_header_gets_550_5_6_0(self):
        _, reply, before = self.send(make_message(None))
        self.assertReply(reply, 550, "5.6.0")
        self.assertSpoolUnchanged(before)

    def test_two_from_headers_get_550_5_7_1(self):
        _, reply, before = self.send(make_message(ALICE, extra_headers=["From: " + ALICE]))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_two_from_headers_one_foreign_get_550_5_7_1(self):
        _, reply, before = self.send(make_message(ALICE, extra_headers=["From: " + BOB]))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_sender_header_not_owned_gets_550_5_7_1(self):
        _, reply, before = self.send(make_message(ALICE, extra_headers=["Sender: " + BOB]))
        self.assertReply(reply, 550, "5.7.1")
        self.assertSpoolUnchanged(before)

    def test_sender_header_owned_passes(self):
        _, reply, _ = self.send(make_message(ALICE, extra_headers=["Sender: alice.alias@example.net"]))
        find_queued(self.server, queue_id_of(reply))

    def test_header_from_may_differ_from_envelope_when_both_are_owned(self):
        _, reply, _ = self.send(make_message("alice.alias@example.net"), sender="info@alice.example")
        find_queued(self.server, queue_id_of(reply))

    def test_from_in_the_body_is_not_a_header(self):
        # A "From:" line after the empty line is body text, not a second From field.
        message = make_message(ALICE, body="From: %s\r\nis only quoted here.\r\n" % BOB)
        _, reply, _ = self.send(message)
        find_queued(self.server, queue_id_of(reply))

    def test_session_continues_after_a_refused_header(self):
        client, reply, _ = self.send(make_message(BOB))
        self.assertReply(reply, 550, "5.7.1")
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        find_queued(self.server, queue_id_of(reply))


if __name__ == "__main__":
    unittest.main()
