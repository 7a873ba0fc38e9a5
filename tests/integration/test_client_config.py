"""The mail client documents against the real binary over HTTPS. On the public listener, over TLS verified
against a certificate for autoconfig.example.org and autodiscover.example.org: Thunderbird's autoconfig and
Outlook's Autodiscover parsed with xml.etree and checked field by field (the ports the server actually
listens on), 404 for a domain Postern does not send for, and /profile.mobileconfig behind HTTP Basic with the
mail password (right 200 and a plist for plistlib, wrong or unknown 401 with the same text, the password
never in the log). On the admin listener: the Apple profile an administrator
downloads for a user (GET /api/v1/users/{login}/profile.mobileconfig) read with Python's plistlib and checked
field by field against the configured host and the ports the server actually listens on; 404 for no such
user, 401 without a session, and 409 when clients.incoming is not set; the settings the user page shows
(GET /api/v1/client-settings)."""

import base64
import http.client
import plistlib
import shutil
import socket
import ssl
import tempfile
import unittest
import uuid
import xml.etree.ElementTree as ET

from postern_harness import LOOPBACK
from smarthost import TestPki
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


AUTODISCOVER_REQUEST = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
OUTLOOK_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
RESPONSE_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"


class PublicClientDocumentsTest(WebApiCase):
    """The public listener with a certificate for the autoconfig and autodiscover names of example.org,
    issued by a test CA that the client trusts: every request verifies the server as a mail client would."""

    users = {"alice@example.org": ("alice password 1", []), "bob@example.org": ("bob password 1", [])}

    @classmethod
    def setUpClass(cls):
        cls.pki_dir = tempfile.mkdtemp(prefix="postern-clientconfig-pki-")
        cls.pki = TestPki(cls.pki_dir)
        cls.cert, cls.key = cls.pki._leaf(
            "public", "DNS:autoconfig.example.org,DNS:autodiscover.example.org,DNS:" + SUBMISSION_HOST,
            cls.pki.ca_cert, cls.pki.ca_key)
        cls.settings = dict(WebApiCase.settings, **{
            "public.listen": LOOPBACK + ":0",
            "public.tls.certificate": cls.cert,
            "public.tls.private_key": cls.key,
            "clients.submission_host": SUBMISSION_HOST,
            "clients.incoming": INCOMING,
            "clients.display_name": "Example Office",
            "auth.throttle.failures": "50",
        })
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.pki_dir, ignore_errors=True)

    def fetch(self, host, path, method="GET", body=None, headers=None):
        """One request to the public listener as to `host`: TLS verified against the test CA for that name."""
        context = ssl.create_default_context(cafile=self.pki.ca_cert)
        raw = socket.create_connection((LOOPBACK, self.server.public_ports[0]), timeout=30)
        with context.wrap_socket(raw, server_hostname=host) as tls:
            connection = http.client.HTTPConnection(host)
            connection.sock = tls
            sent = {"Connection": "close"}
            sent.update(headers or {})
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()

    def test_thunderbird_autoconfig_field_by_field(self):
        for host, path in (("autoconfig.example.org", "/mail/config-v1.1.xml?emailaddress=alice%40example.org"),
                           ("autoconfig.example.org", "/.well-known/autoconfig/mail/config-v1.1.xml"),
                           (SUBMISSION_HOST, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=x%40example.org")):
            status, headers, body = self.fetch(host, path)
            self.assertEqual(status, 200, (path, body))
            self.assertEqual(headers["content-type"], "application/xml; charset=utf-8")
            root = ET.fromstring(body)
            self.assertEqual(root.tag, "clientConfig")
            self.assertEqual(root.get("version"), "1.1")
            provider = root.find("emailProvider")
            self.assertEqual(provider.get("id"), "example.org")
            self.assertEqual(provider.findtext("domain"), "example.org")
            self.assertEqual(provider.findtext("displayName"), "Example Office")
            incoming = provider.findall("incomingServer")
            self.assertEqual(len(incoming), 1)
            self.assertEqual(incoming[0].get("type"), "imap")
            self.assertEqual([incoming[0].findtext(k) for k in ("hostname", "port", "socketType", "authentication",
                                                                "username")],
                             ["imap.provider.example", "993", "SSL", "password-cleartext", "%EMAILADDRESS%"])
            outgoing = provider.findall("outgoingServer")
            self.assertEqual([(o.get("type"), o.findtext("hostname"), o.findtext("port"), o.findtext("socketType"),
                               o.findtext("authentication"), o.findtext("username")) for o in outgoing],
                             [("smtp", SUBMISSION_HOST, str(self.server.port("submissions")), "SSL",
                               "password-cleartext", "%EMAILADDRESS%"),
                              ("smtp", SUBMISSION_HOST, str(self.server.port("submission")), "STARTTLS",
                               "password-cleartext", "%EMAILADDRESS%")])

    def test_outlook_autodiscover_field_by_field(self):
        request = ('<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="%s"><Request>'
                   "<EMailAddress>Alice@Example.org</EMailAddress>"
                   "<AcceptableResponseSchema>%s</AcceptableResponseSchema></Request></Autodiscover>"
                   % (AUTODISCOVER_REQUEST, OUTLOOK_SCHEMA))
        for path in ("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"):
            status, headers, body = self.fetch("autodiscover.example.org", path, "POST", request.encode(),
                                               {"Content-Type": "text/xml"})
            self.assertEqual(status, 200, body)
            root = ET.fromstring(body)
            self.assertEqual(root.tag, "{%s}Autodiscover" % RESPONSE_SCHEMA)
            ns = {"o": OUTLOOK_SCHEMA}
            account = root.find("o:Response/o:Account", ns)
            self.assertEqual(account.findtext("o:AccountType", namespaces=ns), "email")
            self.assertEqual(account.findtext("o:Action", namespaces=ns), "settings")
            fields = ("Type", "Server", "Port", "SSL", "Encryption", "SPA", "AuthRequired", "LoginName")
            protocols = [tuple(p.findtext("o:" + f, namespaces=ns) for f in fields)
                         for p in account.findall("o:Protocol", ns)]
            self.assertEqual(protocols, [
                ("IMAP", "imap.provider.example", "993", "on", "SSL", "off", "on", "alice@example.org"),
                ("SMTP", SUBMISSION_HOST, str(self.server.port("submissions")), "on", "SSL", "off", "on",
                 "alice@example.org"),
                ("SMTP", SUBMISSION_HOST, str(self.server.port("submission")), "on", "TLS", "off", "on",
                 "alice@example.org"),
            ])

    def test_a_domain_postern_does_not_send_for_gets_404_everywhere(self):
        status, _, _ = self.fetch("autoconfig.example.org",
                                  "/mail/config-v1.1.xml?emailaddress=someone%40elsewhere.example")
        self.assertEqual(status, 404)
        status, _, _ = self.fetch("autodiscover.example.org", "/autodiscover/autodiscover.xml", "POST",
                                  ("<Autodiscover><Request><EMailAddress>a@elsewhere.example</EMailAddress>"
                                   "</Request></Autodiscover>").encode(), {"Content-Type": "text/xml"})
        self.assertEqual(status, 404)

    def test_an_autodiscover_request_with_a_dtd_is_refused_unread(self):
        xxe = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               "<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>")
        status, _, body = self.fetch("autodiscover.example.org", "/autodiscover/autodiscover.xml", "POST",
                                     xxe.encode(), {"Content-Type": "text/xml"})
        self.assertEqual(status, 400)
        self.assertNotIn(b"root:", body)

    def basic(self, credentials):
        return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}

    def test_the_profile_needs_the_mail_password_and_is_a_plist(self):
        status, headers, body = self.fetch(SUBMISSION_HOST, "/profile.mobileconfig",
                                           headers=self.basic("alice@example.org:alice password 1"))
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "application/x-apple-aspen-config")
        mail = plistlib.loads(body)["PayloadContent"][0]
        self.assertEqual(mail["PayloadType"], "com.apple.mail.managed")
        self.assertEqual(mail["OutgoingMailServerHostName"], SUBMISSION_HOST)
        self.assertEqual(mail["OutgoingMailServerPortNumber"], self.server.port("submissions"))
        self.assertEqual(mail["OutgoingMailServerUsername"], "alice@example.org")
        self.assertNotIn(b"alice password 1", body)

    def test_wrong_password_and_unknown_user_get_the_same_401_and_the_password_is_not_logged(self):
        answers = []
        for credentials in ("alice@example.org:wrong password 9", "nobody@example.org:wrong password 9"):
            status, headers, body = self.fetch(SUBMISSION_HOST, "/profile.mobileconfig",
                                               headers=self.basic(credentials))
            self.assertEqual(status, 401)
            self.assertTrue(headers["www-authenticate"].startswith('Basic realm="'), headers)
            answers.append(body)
        self.assertEqual(answers[0], answers[1])
        status, headers, _ = self.fetch(SUBMISSION_HOST, "/profile.mobileconfig")
        self.assertEqual(status, 401)
        self.assertIn("www-authenticate", headers)
        self.assertNotIn("wrong password 9", self.server.log_text())


if __name__ == "__main__":
    unittest.main()
