"""The public listener (public.listen) against the binary: the MTA-STS policy served by Host over HTTPS with
its own certificate, in RFC 8461's format, a new id whenever the policy changes; every other path (the admin
UI, its API, /healthz) a 404 there; and clients the admin listener refuses still get the policy."""
import http.client
import re
import shutil
import socket
import ssl
import tempfile
import unittest

from postern_harness import LOOPBACK, PosternServer
from smarthost import TestPki
from web_api import WebApiCase

POLICY_HOST = "mta-sts.policy.test"
POLICY_PATH = "/.well-known/mta-sts.txt"


def fetch(port, path, host, context=None, server_hostname=None, method="GET"):
    """One HTTP/1.1 request over TLS with the Host field given; (status, headers, body, peer certificate)."""
    if context is None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection((LOOPBACK, port), timeout=30)
    with context.wrap_socket(raw, server_hostname=server_hostname) as tls:
        head = "%s %s HTTP/1.1\r\nConnection: close\r\n" % (method, path)
        if host is not None:
            head += "Host: %s\r\n" % host
        tls.sendall((head + "\r\n").encode("ascii"))
        response = http.client.HTTPResponse(tls, method=method)
        response.begin()
        body = response.read()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), body, tls.getpeercert()


class PublicSite(WebApiCase):
    @classmethod
    def setUpClass(cls):
        cls.pki_dir = tempfile.mkdtemp(prefix="postern-public-pki-")
        cls.pki = TestPki(cls.pki_dir)
        cls.cert, cls.key = cls.pki._leaf("public", "DNS:" + POLICY_HOST, cls.pki.ca_cert, cls.pki.ca_key)
        cls.settings = dict(WebApiCase.settings, **{"public.listen": LOOPBACK + ":0",
                                                     "public.tls.certificate": cls.cert,
                                                     "public.tls.private_key": cls.key})
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.pki_dir, ignore_errors=True)

    def setUp(self):
        self.admin = self.api()
        self.port = self.server.public_ports[0]

    def set_policy(self, domain, mode, mx=("mx1.policy.test", "*.mx.policy.test"), max_age=86400):
        if self.admin.get("/domains/" + domain).status == 404:
            self.assertEqual(self.admin.post("/domains", {"domain": domain}).status, 201)
        response = self.admin.patch("/domains/" + domain,
                                    {"mtaSts": {"mode": mode, "mx": list(mx), "maxAge": max_age}})
        self.assertEqual(response.status, 200, repr(response))
        return response.json

    def record_id(self, domain):
        for record in self.admin.get("/domains/" + domain).json["records"]:
            if record["kind"] == "mta-sts":
                return re.fullmatch(r"v=STSv1; id=([A-Za-z0-9]{1,32})", record["value"]).group(1)
        return None

    def test_the_policy_is_served_for_its_host_in_rfc_8461_format(self):
        self.set_policy("policy.test", "enforce")
        verifying = ssl.create_default_context(cafile=self.pki.ca_cert)
        status, headers, body, peer = fetch(self.port, POLICY_PATH, POLICY_HOST, verifying, POLICY_HOST)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"].split(";")[0], "text/plain")
        self.assertIn(("DNS", POLICY_HOST), peer["subjectAltName"])  # public.tls.certificate, verified
        # RFC 8461 §3.2: "key: value" lines ending CRLF, version first, one mode, an mx line per pattern,
        # max_age in seconds.
        text = body.decode("ascii")
        self.assertTrue(text.endswith("\r\n"))
        lines = text[:-2].split("\r\n")
        self.assertEqual(lines[0], "version: STSv1")
        fields = [line.split(": ", 1) for line in lines]
        self.assertTrue(all(len(f) == 2 for f in fields), lines)
        self.assertEqual([v for k, v in fields if k == "mode"], ["enforce"])
        self.assertEqual([v for k, v in fields if k == "mx"], ["mx1.policy.test", "*.mx.policy.test"])
        self.assertEqual([v for k, v in fields if k == "max_age"], ["86400"])
        self.assertEqual(sorted({k for k, _ in fields}), ["max_age", "mode", "mx", "version"])
        # What the API shows as the policy is what the listener serves.
        shown = self.admin.get("/domains/policy.test").json["mtaStsPolicy"]
        self.assertEqual(shown["text"], text)
        self.assertEqual(shown["url"], "https://%s%s" % (POLICY_HOST, POLICY_PATH))

    def test_the_host_decides_and_its_case_port_and_final_dot_do_not_matter(self):
        self.set_policy("policy.test", "testing")
        for host in ("MTA-STS.Policy.Test", POLICY_HOST + ":443", POLICY_HOST + "."):
            self.assertEqual(fetch(self.port, POLICY_PATH, host)[0], 200, host)
        for host in (None, "policy.test", "www.policy.test", "mta-sts.unknown.test", "127.0.0.1",
                     "[::1]:443", "mta-sts.policy.test.evil.test", "x." + POLICY_HOST):
            status, _, body, _ = fetch(self.port, POLICY_PATH, host)
            self.assertEqual(status, 404, "%s: %r" % (host, body))

    def test_a_domain_without_a_policy_gets_404(self):
        self.set_policy("nopolicy.test", "none", mx=())
        self.assertEqual(fetch(self.port, POLICY_PATH, "mta-sts.nopolicy.test")[0], 404)

    def test_the_id_changes_whenever_the_policy_does_and_the_file_follows(self):
        self.set_policy("changing.test", "testing")
        first_id = self.record_id("changing.test")
        first = fetch(self.port, POLICY_PATH, "mta-sts.changing.test")[2]
        self.set_policy("changing.test", "enforce")
        second_id = self.record_id("changing.test")
        second = fetch(self.port, POLICY_PATH, "mta-sts.changing.test")[2]
        self.set_policy("changing.test", "enforce", max_age=604800)
        third_id = self.record_id("changing.test")
        self.assertIn(b"mode: testing\r\n", first)
        self.assertIn(b"mode: enforce\r\n", second)
        self.assertEqual(len({first_id, second_id, third_id}), 3)
        self.set_policy("changing.test", "enforce")  # back to the second policy: its id again
        self.assertEqual(self.record_id("changing.test"), second_id)

    def test_the_public_listener_serves_nothing_of_the_admin(self):
        self.set_policy("policy.test", "enforce")
        for path in ("/", "/index.html", "/app.js", "/api/v1/openapi.json", "/api/v1/session", "/api/v1/users",
                     "/api/v1/status", "/healthz", "/metrics", "/.well-known/mta-sts.txt/../index.html"):
            status, headers, body, _ = fetch(self.port, path, POLICY_HOST)
            self.assertEqual(status, 404, "%s: %r" % (path, body))
            self.assertNotIn(b"<html", body.lower())
            self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        # The same paths answer on the admin listener: it is the listener that decides, not the path.
        self.assertEqual(fetch(self.server.admin_port, "/healthz", "localhost")[0], 200)
        # Only GET and HEAD for the policy.
        self.assertEqual(fetch(self.port, POLICY_PATH, POLICY_HOST, method="POST")[0], 405)
        status, headers, body, _ = fetch(self.port, POLICY_PATH, POLICY_HOST, method="HEAD")
        self.assertEqual((status, body), (200, b""))

    def test_the_status_lists_the_public_listener(self):
        listeners = self.admin.get("/status").json["listeners"]
        self.assertIn(("public", "%s:%d" % (LOOPBACK, self.port)),
                      [(entry["kind"], entry["address"]) for entry in listeners])


class PublicSiteForEveryNetwork(unittest.TestCase):
    """admin.allowed_networks keeps loopback out of the admin listener; the public one admits it anyway."""

    def test_a_client_the_admin_refuses_still_gets_the_policy(self):
        with PosternServer({"admin.listen": LOOPBACK + ":0", "admin.allowed_networks": "192.0.2.0/24",
                            "public.listen": LOOPBACK + ":0"}) as server:
            server.start()
            server.cli("domain", "add", "open.test")
            self.assertEqual(fetch(server.admin_port, "/healthz", "localhost")[0], 403)
            # No policy set: the public listener answers (404, not the admin's 403): it does not refuse.
            status, _, body, _ = fetch(server.public_ports[0], POLICY_PATH, "mta-sts.open.test")
            self.assertEqual(status, 404)
            self.assertIn(b'"not_found"', body)


if __name__ == "__main__":
    unittest.main()
