"""GET /metrics on the admin listener: the Prometheus text format, counters that move with what really
happened (a message sent over STARTTLS with AUTH, a failed AUTH, a refused sender, a delivery to the
smarthost, a failed TLS handshake, DKIM signatures by algorithm), admin.metrics_token as a bearer token that
is required when set and never logged, and deploy/prometheus-alerts.yml naming only metrics a real scrape
has."""

import http.client
import os
import re
import socket
import ssl
import time
import unittest

from postern_harness import LOOPBACK, ServerTestCase, make_message
from smarthost import FakeSmarthost, wait_until

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ALICE = ("alice@example.org", "alice-password-1")
TOKEN = "scrape-Token_0123456789.abc~+/"
SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def scrape(port, headers=None):
    """(status, header fields as a dict with lower-case names, body text)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(LOOPBACK, port, context=context, timeout=30)
    try:
        connection.request("GET", "/metrics", headers=headers or {})
        response = connection.getresponse()
        fields = {k.lower(): v for k, v in response.getheaders()}
        return response.status, fields, response.read().decode("utf-8")
    finally:
        connection.close()


def parse(text):
    """{(name, labels text): value} for every sample; asserts the 0.0.4 shape of every line."""
    samples = {}
    typed = set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            typed.add(name)
            continue
        match = SAMPLE_RE.match(line)
        assert match, "not a sample line: %r" % line
        name, labels, value = match.group(1), match.group(2) or "", match.group(3)
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in typed or family in typed, "sample before its TYPE: %r" % line
        samples[(name, labels)] = float(value)
    return samples


def value(samples, name, labels=""):
    return samples.get((name, labels), 0.0)


class MetricsTest(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    smarthost = None

    @classmethod
    def setUpClass(cls):
        cls.smarthost = FakeSmarthost().start()
        cls.settings = {
            "admin.listen": LOOPBACK + ":0",
            "relay.smarthost": cls.smarthost.address,
            "relay.tls": "none",
            "queue.retry_schedule": "1s",
            "queue.delay_warning": "0",
        }
        try:
            super().setUpClass()
        except BaseException:
            cls.smarthost.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.smarthost.stop()

    def samples(self):
        status, _, body = scrape(self.server.admin_port)
        self.assertEqual(status, 200, body)
        return parse(body)

    def test_the_answer_is_the_text_format_uncached_with_every_family(self):
        status, fields, body = scrape(self.server.admin_port)
        self.assertEqual(status, 200)
        self.assertEqual(fields["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        self.assertEqual(fields["cache-control"], "no-store")
        self.assertTrue(body.endswith("\n"))
        samples = parse(body)
        for name in ("postern_smtp_connections_total", "postern_tls_handshakes_total", "postern_smtp_auth_total",
                     "postern_messages_accepted_total", "postern_messages_refused_total",
                     "postern_dkim_signatures_total", "postern_deliveries_total",
                     "postern_smarthost_reply_duration_seconds_count", "postern_oauth_token_refreshes_total",
                     "postern_admin_logins_total", "postern_queue_messages",
                     "postern_queue_oldest_message_age_seconds", "process_start_time_seconds",
                     "postern_tls_certificate_expiry_timestamp_seconds", "postern_build_info"):
            self.assertTrue(any(n == name for n, _ in samples), "no %s in\n%s" % (name, body))
        # The generated certificate is valid for years; its expiry is in the future.
        expiry = value(samples, "postern_tls_certificate_expiry_timestamp_seconds", '{listener="smtp"}')
        self.assertGreater(expiry, time.time())
        # Histogram buckets are cumulative and end in +Inf = _count.
        buckets = [(labels, v) for (n, labels), v in samples.items()
                   if n == "postern_smarthost_reply_duration_seconds_bucket"]
        self.assertEqual(buckets[-1][0], '{le="+Inf"}')
        self.assertEqual([v for _, v in buckets], sorted(v for _, v in buckets))
        self.assertEqual(buckets[-1][1], value(samples, "postern_smarthost_reply_duration_seconds_count"))

    def test_counters_follow_what_happened(self):
        before = self.samples()
        # A message over STARTTLS with AUTH, delivered to the smarthost.
        client = self.session(*ALICE)
        reply = client.send_message(ALICE[0], ["bob@example.net"],
                                    make_message("Alice <%s>" % ALICE[0], subject="metrics-counted"))
        self.assertReply(reply, 250)
        # A sender Alice does not own.
        self.assertReply(client.cmd("MAIL FROM:<mallory@example.com>"), 553)
        client.cmd("QUIT")
        # A wrong password on the implicit-TLS port.
        wrong = self.connect("submissions")
        wrong.ehlo()
        self.assertReply(wrong.auth_plain(ALICE[0], "wrong-password"), 535)
        wrong.cmd("QUIT")
        # A client that is no TLS client on port 465.
        with socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=30) as s:
            s.sendall(b"EHLO not-tls\r\n" + b"\0" * 600)
            try:
                while s.recv(4096):
                    pass
            except OSError:
                pass
        wait_until(lambda: any(b"Subject: metrics-counted" in m.data for m in self.smarthost.received()),
                   what="the message at the smarthost")

        def delivered():
            return value(self.samples(), "postern_deliveries_total", '{outcome="delivered"}') >= \
                value(before, "postern_deliveries_total", '{outcome="delivered"}') + 1
        wait_until(delivered, what="the delivery counted")
        after = self.samples()

        def moved(name, labels=""):
            return value(after, name, labels) - value(before, name, labels)

        self.assertGreaterEqual(moved("postern_smtp_connections_total", '{listener="submission"}'), 1)
        self.assertGreaterEqual(moved("postern_smtp_connections_total", '{listener="submissions"}'), 2)
        self.assertGreaterEqual(moved("postern_tls_handshakes_total", '{listener="submission"}'), 1)
        self.assertGreaterEqual(moved("postern_tls_handshakes_total", '{listener="submissions"}'), 1)
        self.assertGreaterEqual(moved("postern_tls_handshake_failures_total", '{listener="submissions"}'), 1)
        self.assertEqual(moved("postern_smtp_auth_total", '{result="success"}'), 1)
        self.assertEqual(moved("postern_smtp_auth_total", '{result="failure"}'), 1)
        self.assertEqual(moved("postern_messages_accepted_total"), 1)
        self.assertEqual(moved("postern_messages_refused_total", '{reason="sender_not_owned"}'), 1)
        self.assertEqual(moved("postern_messages_refused_total", '{reason="header_from"}'), 0)
        self.assertEqual(moved("postern_deliveries_total", '{outcome="delivered"}'), 1)
        # Greeting, EHLO, MAIL, RCPT, DATA, end of data at least: every reply is timed.
        self.assertGreaterEqual(moved("postern_smarthost_reply_duration_seconds_count"), 5)
        self.assertGreater(moved("postern_smarthost_reply_duration_seconds_sum"), 0)
        # Nothing a client sent became a label.
        _, _, body = scrape(self.server.admin_port)
        self.assertNotIn("alice", body)
        self.assertNotIn("mallory", body)
        self.assertNotIn("example", body)

    def test_the_queue_gauges_show_a_deferred_message_and_its_age(self):
        self.smarthost.rcpt_replies["carol@example.net"] = ["451 4.3.0 try again later"]  # repeats
        before = self.samples()
        client = self.session(*ALICE)
        self.assertReply(client.send_message(ALICE[0], ["carol@example.net"],
                                             make_message("Alice <%s>" % ALICE[0], subject="held")), 250)
        client.cmd("QUIT")
        wait_until(lambda: value(self.samples(), "postern_deliveries_total", '{outcome="deferred"}') >
                   value(before, "postern_deliveries_total", '{outcome="deferred"}'), what="a deferral counted")
        time.sleep(1.1)
        samples = self.samples()
        self.assertGreaterEqual(value(samples, "postern_queue_messages"), 1)
        self.assertGreaterEqual(value(samples, "postern_queue_oldest_message_age_seconds"), 1)
        self.assertLess(value(samples, "postern_queue_oldest_message_age_seconds"), 600)
        self.smarthost.rcpt_replies["carol@example.net"] = ["250 2.1.5 Ok"]
        wait_until(lambda: value(self.samples(), "postern_queue_messages") == 0, what="the queue emptied")
        self.assertEqual(value(self.samples(), "postern_queue_oldest_message_age_seconds"), 0)

    def test_dkim_signatures_are_counted_by_algorithm(self):
        for algorithm in ("ed25519", "rsa"):
            out = self.server.cli("dkim", "generate", "example.org", "--algorithm", algorithm).stdout.decode()
            selector = re.search(r" selector (\S+) \(pending\)", out).group(1)
            self.server.cli("dkim", "activate", "example.org", selector, "--force")
        before = self.samples()
        client = self.session(*ALICE)
        self.assertReply(client.send_message(ALICE[0], ["dave@example.net"],
                                             make_message("Alice <%s>" % ALICE[0], subject="signed")), 250)
        client.cmd("QUIT")
        after = self.samples()
        for algorithm in ("ed25519-sha256", "rsa-sha256"):
            labels = '{algorithm="%s"}' % algorithm
            self.assertEqual(value(after, "postern_dkim_signatures_total", labels)
                             - value(before, "postern_dkim_signatures_total", labels), 1, algorithm)
        self.assertEqual(value(after, "postern_dkim_failures_total"), 0)

    def test_the_alert_rules_name_only_metrics_postern_exports(self):
        import yaml  # python3-yaml (deploy/install-deps.sh --test)
        with open(os.path.join(REPO, "deploy", "prometheus-alerts.yml"), encoding="utf-8") as f:
            document = yaml.safe_load(f)
        exported = {name for name, _ in self.samples()}
        rules = [rule for group in document["groups"] for rule in group["rules"]]
        self.assertGreaterEqual(len(rules), 6)
        names = set()
        for rule in rules:
            for key in ("alert", "expr"):
                self.assertIn(key, rule)
            self.assertTrue(rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"])
            self.assertIn(rule["labels"]["severity"], ("warning", "critical"))
            expr = re.sub(r'"[^"]*"', '""', rule["expr"])  # label values are not names
            selected = set(re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{", expr))
            mentioned = set(re.findall(r"\b((?:postern|process)_[a-zA-Z0-9_]+)", expr))
            for name in selected | mentioned:
                if name != "up":
                    self.assertIn(name, exported, "alert %s names %s, which Postern does not export"
                                  % (rule["alert"], name))
            names |= selected
        for needed in ("up", "postern_queue_oldest_message_age_seconds", "postern_deliveries_total",
                       "postern_smtp_auth_total", "postern_tls_certificate_expiry_timestamp_seconds"):
            self.assertIn(needed, names)


class MetricsTokenTest(ServerTestCase):
    settings = {"admin.listen": LOOPBACK + ":0", "admin.metrics_token": TOKEN, "log_level": "debug"}

    def test_without_a_token_the_answer_is_401_with_a_bearer_challenge(self):
        status, fields, _ = scrape(self.server.admin_port)
        self.assertEqual(status, 401)
        self.assertEqual(fields["www-authenticate"], 'Bearer realm="postern metrics"')

    def test_a_wrong_token_is_401_invalid_token(self):
        for wrong in (TOKEN[:-1], TOKEN + "x", "Basic " + TOKEN, "Bearer", ""):
            header = wrong if wrong.startswith(("Basic", "Bearer")) else "Bearer " + wrong
            status, fields, _ = scrape(self.server.admin_port, {"Authorization": header})
            self.assertEqual(status, 401, header)
            self.assertIn('error="invalid_token"', fields["www-authenticate"])

    def test_the_right_token_is_200_whatever_the_case_of_the_scheme(self):
        for scheme in ("Bearer", "bearer", "BEARER"):
            status, _, body = scrape(self.server.admin_port, {"Authorization": "%s %s" % (scheme, TOKEN)})
            self.assertEqual(status, 200, scheme)
            self.assertIn("postern_smtp_connections_total", body)

    def test_the_token_never_reaches_the_log(self):
        scrape(self.server.admin_port, {"Authorization": "Bearer " + TOKEN})
        scrape(self.server.admin_port, {"Authorization": "Bearer " + TOKEN + "wrong"})
        self.assertNotIn(TOKEN, self.server.log_text())
        self.assertNotIn(TOKEN, self.server.cli("--check-config").stdout.decode())

    def test_health_needs_no_token(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(LOOPBACK, self.server.admin_port, context=context, timeout=30)
        try:
            connection.request("GET", "/healthz")
            self.assertEqual(connection.getresponse().status, 200)
        finally:
            connection.close()


class MetricsOnlyOnTheAdminListenerTest(ServerTestCase):
    settings = {"admin.listen": LOOPBACK + ":0"}

    def test_the_smtp_listener_does_not_answer_http(self):
        with socket.create_connection((LOOPBACK, self.server.port("submission")), timeout=30) as s:
            s.recv(4096)  # greeting
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        self.assertNotIn(b"postern_", answer)
        self.assertTrue(answer.startswith(b"554"), answer)


if __name__ == "__main__":
    unittest.main()
