"""Python's smtplib against the built server, the way a script or an application would submit mail:
SMTP + starttls() + login() + send_message(), and SMTP_SSL. The certificate is verified with the host name
the server is configured with; the only test-specific piece is the name resolution shim below (the
equivalent of an /etc/hosts line for mail.postern.test -> 127.0.0.1)."""

import email.policy
import smtplib
import ssl
import unittest
import uuid
from email.message import EmailMessage

from postern_harness import HOSTNAME, LOOPBACK, ServerTestCase, queued_with

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"


WRONG_NAME = "wrong.example.org"  # a name the certificate does not cover


class _ResolveHostnameToLoopback:
    """Connects to 127.0.0.1 for the test names, while TLS still verifies the name given (smtplib passes
    the host given to connect() as server_hostname)."""

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(LOOPBACK if host in (HOSTNAME, WRONG_NAME) else host, port, timeout)


class SMTP(_ResolveHostnameToLoopback, smtplib.SMTP):
    pass


class SMTP_SSL(_ResolveHostnameToLoopback, smtplib.SMTP_SSL):
    pass


class SmtplibTest(ServerTestCase):
    users = {ALICE: (ALICE_PASSWORD, ["@alice.example"])}

    def context(self):
        return ssl.create_default_context(cafile=self.server.certificate_path)

    def message(self, sender=ALICE, **headers):
        token = uuid.uuid4().hex
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = "Bob <bob@example.net>"
        msg["Subject"] = "smtplib " + token
        for name, value in headers.items():
            msg[name.replace("_", "-")] = value
        msg.set_content("Hello from smtplib.\nToken: %s\nUmlauts: Grüße\n" % token)
        return msg, token

    def starttls_client(self):
        client = SMTP(HOSTNAME, self.server.port("submission"), local_hostname="laptop.example.org", timeout=60)
        self.addCleanup(client.close)
        client.starttls(context=self.context())
        client.login(ALICE, ALICE_PASSWORD)
        return client

    def test_smtplib_starttls_login_send_message_delivers(self):
        client = self.starttls_client()
        msg, token = self.message()
        self.assertEqual(client.send_message(msg), {})
        client.quit()
        queued = queued_with(self.server, token)
        self.assertEqual(queued.field("login"), ALICE)
        self.assertEqual(queued.recipients, ["bob@example.net"])
        self.assertIn("TLSv1.3", queued.header_values("Received")[0])

    def test_smtplib_smtp_ssl_login_sendmail_delivers(self):
        with SMTP_SSL(HOSTNAME, self.server.port("submissions"), local_hostname="laptop.example.org",
                      context=self.context(), timeout=60) as client:
            client.login(ALICE, ALICE_PASSWORD)
            msg, token = self.message()
            self.assertEqual(client.sendmail(ALICE, ["bob@example.net", "carol@example.com"],
                                                 msg.as_bytes(policy=email.policy.SMTP)), {})
        queued = queued_with(self.server, token)
        self.assertEqual(queued.recipients, ["bob@example.net", "carol@example.com"])

    def test_smtplib_bcc_recipients_are_in_the_envelope_only(self):
        client = self.starttls_client()
        msg, token = self.message(Cc="carol@example.com", Bcc="secret@example.com")
        client.send_message(msg)
        client.quit()
        queued = queued_with(self.server, token)
        self.assertEqual(sorted(queued.recipients), ["bob@example.net", "carol@example.com", "secret@example.com"])
        self.assertNotIn(b"secret@example.com", queued.full)

    def test_smtplib_several_messages_on_one_connection(self):
        client = self.starttls_client()
        tokens = []
        for _ in range(3):
            msg, token = self.message()
            client.send_message(msg)
            tokens.append(token)
        client.quit()
        for token in tokens:
            queued_with(self.server, token)

    def test_smtplib_wrong_password_raises_authentication_error(self):
        client = SMTP(HOSTNAME, self.server.port("submission"), timeout=60)
        self.addCleanup(client.close)
        client.starttls(context=self.context())
        with self.assertRaises(smtplib.SMTPAuthenticationError) as raised:
            client.login(ALICE, "wrong-password")
        self.assertEqual(raised.exception.smtp_code, 535)

    def test_smtplib_login_without_starttls_is_not_possible(self):
        client = SMTP(HOSTNAME, self.server.port("submission"), timeout=60)
        self.addCleanup(client.close)
        with self.assertRaises(smtplib.SMTPNotSupportedError):
            client.login(ALICE, ALICE_PASSWORD)

    def test_smtplib_foreign_sender_is_refused(self):
        client = self.starttls_client()
        msg, _ = self.message(sender="bob@example.com")
        with self.assertRaises(smtplib.SMTPSenderRefused) as raised:
            client.send_message(msg)
        self.assertEqual(raised.exception.smtp_code, 553)

    def test_smtplib_foreign_header_from_is_refused_after_data(self):
        client = self.starttls_client()
        msg, _ = self.message(sender="bob@example.com")
        with self.assertRaises(smtplib.SMTPDataError) as raised:
            client.send_message(msg, from_addr=ALICE)
        self.assertEqual(raised.exception.smtp_code, 550)

    def test_smtplib_refuses_a_server_name_the_certificate_does_not_cover(self):
        client = SMTP(WRONG_NAME, self.server.port("submission"), timeout=60)
        self.addCleanup(client.close)
        with self.assertRaises(ssl.SSLCertVerificationError):
            client.starttls(context=self.context())


if __name__ == "__main__":
    unittest.main()
