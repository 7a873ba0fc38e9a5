"""The domains API and `postern domain` against the binary, with a dnsmasq on loopback serving the records:
add/show/change/check/remove with their errors and audit rows, DMARC p=none warned about, and the DKIM
activation gate (a key whose record is not served is refused with 409 unless forced)."""
import shutil
import socket
import subprocess
import time
import unittest

from web_api import WebApiCase

DNSMASQ = shutil.which("dnsmasq") or shutil.which("/usr/sbin/dnsmasq")


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(DNSMASQ, "dnsmasq is not installed (apt-get install dnsmasq-base)")
class WebApiDomains(WebApiCase):
    viewers = {"viewer": "viewer password 1"}

    @classmethod
    def setUpClass(cls):
        port = free_udp_port()
        cls.dns = subprocess.Popen(
            [DNSMASQ, "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file",
             "--port=%d" % port, "--listen-address=127.0.0.1", "--bind-interfaces", "--local=/test/",
             "--txt-record=_dmarc.none.test,v=DMARC1; p=none; rua=mailto:d@none.test"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)  # dnsmasq binds at once; a lookup before it does fails as lookup_failed, not wrongly
        cls.settings = dict(WebApiCase.settings, **{"dns.resolvers": "127.0.0.1:%d" % port,
                                                     "dns.timeout": "1s", "dns.tries": "1",
                                                     "dns.check_interval": "0"})
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.dns.terminate()
        cls.dns.wait()

    def setUp(self):
        self.admin = self.api()

    def test_an_added_domain_is_listed_and_shown_with_its_records(self):
        self.assertEqual(self.admin.post("/domains", {"domain": "shown.test"}).status, 201)
        names = [d["domain"] for d in self.admin.get("/domains").json["items"]]
        self.assertIn("shown.test", names)
        domain = self.admin.get("/domains/shown.test").json
        self.assertEqual([r["kind"] for r in domain["records"]], ["spf", "dmarc"])
        self.assertEqual(domain["settings"]["dmarc"]["policy"], "quarantine")
        self.assertEqual(self.audit_rows("domain.add")[0]["object"], "shown.test")

    def test_requests_are_refused_with_their_status(self):
        self.assertError(self.client().get("/domains"), 401)
        self.assertError(self.api("viewer").post("/domains", {"domain": "v.test"}), 403)
        self.assertError(self.admin.post("/domains", {"domain": "not a domain"}), 422, field="domain")
        self.assertError(self.admin.get("/domains/unknown.test"), 404)
        self.admin.post("/domains", {"domain": "bad.test"})
        self.assertError(self.admin.patch("/domains/bad.test", {"dmarc": {"policy": "none", "rua": ["x"]}}), 422,
                         field="dmarc.rua")

    def test_dmarc_p_none_matches_with_a_warning(self):
        self.admin.post("/domains", {"domain": "none.test"})
        self.admin.patch("/domains/none.test", {"dmarc": {"policy": "none", "rua": ["mailto:d@none.test"]}})
        checked = self.admin.post("/domains/none.test/check")
        self.assertEqual(checked.status, 200, repr(checked))
        dmarc = [r for r in checked.json["records"] if r["kind"] == "dmarc"][0]
        self.assertEqual(dmarc["check"]["status"], "matches")
        self.assertIn("dmarc_policy_none", [w["finding"] for w in dmarc["check"]["warnings"]])

    def test_a_domain_whose_check_failed_is_a_dns_record_problem_on_the_status(self):
        self.admin.post("/domains", {"domain": "unpublished.test"})
        before = [p for p in self.admin.get("/status").json["problems"] if p["kind"] == "dns_record"]
        self.assertNotIn("#/domains/unpublished.test", [p["link"] for p in before])
        self.assertEqual(self.admin.post("/domains/unpublished.test/check").status, 200)
        after = [p for p in self.admin.get("/status").json["problems"]
                 if p["kind"] == "dns_record" and p["link"] == "#/domains/unpublished.test"]
        self.assertEqual(len(after), 1, repr(after))
        self.assertIn("the SPF record at unpublished.test", after[0]["message"])
        self.assertIn("the DMARC record at _dmarc.unpublished.test", after[0]["message"])

    def test_an_unpublished_key_is_activated_only_when_forced(self):
        self.admin.post("/dkim/gate.test", {"algorithm": "ed25519", "selector": "s1"})
        refused = self.admin.patch("/dkim/gate.test/s1", {"state": "active"})
        self.assertError(refused, 409, "conflict", "state")
        forced = self.admin.patch("/dkim/gate.test/s1", {"state": "active", "force": True})
        self.assertEqual(forced.json["state"], "active")

    def test_a_routes_spf_set_from_the_cli_goes_into_the_domains_record(self):
        self.server.cli("route", "add", "spfcli", "--sender", "@spfcli.test", "--smarthost", "127.0.0.1:2525",
                        "--spf", "include:_spf.provider.test ip4:192.0.2.7")
        spf = [r for r in self.admin.get("/domains/spfcli.test").json["records"] if r["kind"] == "spf"][0]
        self.assertIn("include:_spf.provider.test ip4:192.0.2.7", spf["value"])
        self.assertIn("spf:             include:_spf.provider.test ip4:192.0.2.7",
                      self.server.cli("route", "show", "spfcli").stdout.decode())
        refused = self.server.cli("route", "set", "spfcli", "--spf", "a:mail.provider.test", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("spf", refused.stderr.decode())
        self.server.cli("route", "set", "spfcli", "--spf", "")
        spf = [r for r in self.admin.get("/domains/spfcli.test").json["records"] if r["kind"] == "spf"][0]
        self.assertNotIn("provider.test", spf["value"])
        self.assertNotIn("spf:", self.server.cli("route", "show", "spfcli").stdout.decode())
        self.server.cli("route", "remove", "spfcli")

    def test_the_cli_shows_and_checks_a_domain(self):
        self.server.cli("domain", "add", "cli.test")
        out = self.server.cli("domain", "check", "cli.test")
        self.assertIn("_dmarc.cli.test", str(out))
        self.assertIn("missing", str(out))
