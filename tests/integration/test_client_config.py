"""The mail client documents against the real binary over HTTPS: the Apple profile an administrator
downloads for a user (GET /api/v1/users/{login}/profile.mobileconfig) read with Python's plistlib and checked
field by field against the configured host and the ports the server actually listens on; 404 for no such
user, 401 without a session, and 409 when clients.incoming is not set; the settings the user page shows
(GET /api/v1/client-settings)."""

import plistlib
import unittest
import uuid

from web_api import WebApiCase, quote

SUBMISSION_HOST = "mail.example.org"
INCOMING = "imap:imap.provider.example:993:ssl"


class AdminProfileDownloadTest(WebApiCase):
    settings = {
        "admin.listen": "127.0.0.1:0",
        "clients.submission_host": SUBMISSION_HOST,
        "clients.incoming": INCOMING,
        "clients.display_name": "Example <Office> & Co",
    }
    users = {"alice@example.org": ("alice password 1", [])}

    def download(self, login, client=None):
        client = client or self.api()
        return client.get("/users/%s/profile.mobileconfig" % quote(login))

    def test_the_profile_is_a_valid_plist_with_the_configured_host_field_by_field(self):
        response = self.download("Alice@Example.org")
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.header("Content-Type"), "application/x-apple-aspen-config")
        self.assertEqual(response.header("Content-Disposition"),
                         'attachment; filename="postern-alice-example.org.mobileconfig"')
        self.assertEqual(response.header("Cache-Control"), "no-store")
        profile = plistlib.loads(response.body)
        self.assertEqual(profile["PayloadType"], "Configuration")
        self.assertEqual(profile["PayloadVersion"], 1)
        self.assertIs(profile["PayloadRemovalDisallowed"], False)
        self.assertEqual(uuid.UUID(profile["PayloadUUID"]).version, 5)
        self.assertEqual(profile["PayloadIdentifier"], "org.example.mail.postern.profile." + profile["PayloadUUID"])
        self.assertEqual(len(profile["PayloadContent"]), 1)
        mail = profile["PayloadContent"][0]
        self.assertEqual(mail["PayloadType"], "com.apple.mail.managed")
        self.assertEqual(uuid.UUID(mail["PayloadUUID"]).version, 5)
        self.assertNotEqual(mail["PayloadUUID"], profile["PayloadUUID"])
        self.assertEqual(mail["EmailAddress"], "alice@example.org")
        self.assertEqual(mail["EmailAccountType"], "EmailTypeIMAP")
        self.assertEqual(mail["EmailAccountDescription"], "Example <Office> & Co (alice@example.org)")
        self.assertEqual(mail["IncomingMailServerHostName"], "imap.provider.example")
        self.assertEqual(mail["IncomingMailServerPortNumber"], 993)
        self.assertIs(mail["IncomingMailServerUseSSL"], True)
        self.assertEqual(mail["IncomingMailServerAuthentication"], "EmailAuthPassword")
        self.assertEqual(mail["IncomingMailServerUsername"], "alice@example.org")
        self.assertEqual(mail["OutgoingMailServerHostName"], SUBMISSION_HOST)
        self.assertEqual(mail["OutgoingMailServerPortNumber"], self.server.port("submissions"))
        self.assertIs(mail["OutgoingMailServerUseSSL"], True)
        self.assertEqual(mail["OutgoingMailServerAuthentication"], "EmailAuthPassword")
        self.assertEqual(mail["OutgoingMailServerUsername"], "alice@example.org")
        self.assertNotIn("OutgoingPassword", mail)
        self.assertNotIn("IncomingPassword", mail)

    def test_downloading_again_gives_the_same_identities(self):
        first = plistlib.loads(self.download("alice@example.org").body)
        second = plistlib.loads(self.download("alice@example.org").body)
        self.assertEqual(first["PayloadUUID"], second["PayloadUUID"])
        self.assertEqual(first["PayloadContent"][0]["PayloadUUID"], second["PayloadContent"][0]["PayloadUUID"])

    def test_the_user_page_reads_the_settings_to_type_by_hand(self):
        response = self.api().get("/client-settings")
        self.assertEqual(response.status, 200, repr(response))
        self.assertEqual(response.json, {
            "submissionHost": SUBMISSION_HOST,
            "implicitTlsPort": self.server.port("submissions"),
            "startTlsPort": self.server.port("submission"),
            "incoming": {"protocol": "imap", "host": "imap.provider.example", "port": 993, "security": "ssl"},
            "displayName": "Example <Office> & Co",
        })

    def test_no_such_user_is_404_and_no_session_is_401(self):
        self.assertError(self.download("nobody@example.org"), 404, "not_found")
        self.assertError(self.download("alice@example.org", client=self.client()), 401)


class ProfileWithoutIncomingServerTest(WebApiCase):
    settings = {"admin.listen": "127.0.0.1:0"}
    users = {"alice@example.org": ("alice password 1", [])}

    def test_without_clients_incoming_the_download_says_what_to_set(self):
        response = self.api().get("/users/%s/profile.mobileconfig" % quote("alice@example.org"))
        self.assertError(response, 409)
        self.assertIn("clients.incoming", response.error.get("message", ""))


if __name__ == "__main__":
    unittest.main()
