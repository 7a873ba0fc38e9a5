"""The web admin in Debian's Chromium (web_admin_browser.mjs, playwright-core) against the built server with
its admin on a free loopback port and an administrator made with `postern admin add`.

The browser first goes through what an office administrator does: adds a user and a sender address, creates a
DKIM key, copies its DNS record, which this side then publishes (dnsmasq on loopback is the office's DNS),
and activates it (the activation's DNS check finds the record), adds a route to a smarthost (FakeSmarthost) and checks it,
sends a test message and sees it delivered, finds a message the smarthost could not take (it was stopped) in
the queue and the delivery log, retries and deletes it, and signs out. This side checks what the smarthost
received (DKIM-signed for the domain, verified against the record the browser copied) and what the server
kept. Then every page opens signed in at 1280x800 and 390x844, with some mail from another user waiting in the
queue (its smarthost, the configuration's, is a closed port). Skipped, saying why, when chromium, node,
playwright-core, dnsmasq, dig or zbarimg (deploy/install-deps.sh --test) is missing.

Screenshots go to POSTERN_SCREENSHOT_DIR (ctest: the build directory); with POSTERN_UPDATE_SCREENSHOTS=1
the desktop ones are also copied to docs/screenshots/."""

import glob
import json
import os
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import threading
import unittest

import dkim

from postern_harness import LOOPBACK, ServerTestCase, make_message, parse_header_fields
from smarthost import FakeSmarthost, free_port, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CHROMIUM = os.environ.get("POSTERN_CHROMIUM", "/usr/bin/chromium")
NODE = os.environ.get("POSTERN_NODE", "/usr/bin/node")
PLAYWRIGHT = os.environ.get("POSTERN_PLAYWRIGHT", os.path.join(HERE, "node_modules", "playwright-core"))
SCREENSHOTS = os.environ.get("POSTERN_SCREENSHOT_DIR", os.path.join(REPO, "build", "screenshots"))
BROWSER_TIMEOUT = 300
ADMIN = ("admin", "correct horse battery staple")
ALICE = ("alice@example.com", "alice-password-1")  # mail from example.com takes the configuration's smarthost
# What the administrator sets up in the browser.
FLOW = {"user": "frontdesk@example.org", "password": "front-desk-password-7", "sender": "scanner@example.org",
        "domain": "example.org", "selector": "office1", "recipient": "bob@example.net",
        # Banned before the browser starts by real failed AUTH from other loopback source addresses.
        "bannedAddress": "127.0.0.2", "bannedLogin": "mallory-target@example.org"}
QUEUED_RE = re.compile(r"queued as ([0-9A-Z]+)")


DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
DIG = shutil.which("dig") or "/usr/bin/dig"
# The second factor's steps decode the page's QR code with it (zbar-tools).
ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# The office's DNS, as far as the flow needs it: dnsmasq serves the DKIM record once the administrator has
# "published" it (after copying it from the page), so that activation passes its DNS check for real.
DNS_PORT = free_udp_port()


def missing_tools():
    missing = [path for path in (CHROMIUM, NODE, DNSMASQ, DIG, ZBARIMG) if not os.access(path, os.X_OK)]
    if not os.path.isfile(os.path.join(PLAYWRIGHT, "package.json")):
        missing.append(PLAYWRIGHT)
    return missing


@unittest.skipIf(missing_tools(), "browser test needs %s (deploy/install-deps.sh --test)" % ", ".join(missing_tools()))
class WebAdminInABrowser(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.com"])}
    settings = {"admin.listen": LOOPBACK + ":0", "relay.smarthost": "%s:%d" % (LOOPBACK, free_port()),
                "relay.tls": "none", "queue.retry_schedule": "1h", "queue.delay_warning": "0",
                "dns.resolvers": "%s:%d" % (LOOPBACK, DNS_PORT),
                # Small limits, so the Blocked sign-ins page has bans to show (ban_loopback_clients).
                "auth.throttle.failures": "3", "auth.login_ban.failures": "4", "auth.login_ban.addresses": "2"}
    dns_server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.server.cli("admin", "add", ADMIN[0], "--role", "admin", stdin=ADMIN[1] + "\n")
            cls.smarthost = FakeSmarthost().start()
        except BaseException:
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.smarthost.stop()
        if cls.dns_server:
            cls.dns_server.terminate()
            cls.dns_server.wait()
        super().tearDownClass()

    def submit(self, login, password, sender, subject):
        """Sends one message through the submission port; returns its queue ID."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP(LOOPBACK, self.server.port("submission"), timeout=30) as client:
            client.starttls(context=context)
            client.login(login, password)
            client.mail(sender)
            client.rcpt(FLOW["recipient"])
            code, reply = client.data(make_message(sender, to=FLOW["recipient"], subject=subject))
        self.assertEqual(code, 250, reply)
        return QUEUED_RE.search(reply.decode()).group(1)

    def fail_auth(self, source, login):
        """One failed AUTH from another loopback source address (to the server on 127.0.0.1)."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP(LOOPBACK, self.server.port("submission"), timeout=30, source_address=(source, 0)) as client:
            client.starttls(context=context)
            with self.assertRaises(smtplib.SMTPException):
                client.login(login, "wrong-password")

    def ban_loopback_clients(self):
        """Bans 127.0.0.2 (three failures of its own) and, with failures spread over 127.0.0.3 and 127.0.0.4,
        the login FLOW["bannedLogin"]."""
        for _ in range(2):  # smtplib tries PLAIN then LOGIN: two failures per login()
            self.fail_auth(FLOW["bannedAddress"], "someone@example.org")
        for source in ("127.0.0.3", "127.0.0.4"):
            self.fail_auth(source, FLOW["bannedLogin"])
        listed = self.server.cli("ban", "list").stdout.decode()
        for key in ("addr:" + FLOW["bannedAddress"], "login:" + FLOW["bannedLogin"]):
            self.assertIn(key, listed)

    def deferred_attempts(self, queue_id):
        log = self.server.cli("queue", "log", queue_id).stdout.decode()
        return [line for line in log.splitlines() if queue_id in line and " deferred " in line]

    # ---- the browser's questions

    def on_dkim_record_copied(self, event):
        """The administrator publishes the copied record: dnsmasq serves it (and answers for nothing else
        of the domain) before the browser goes on to Activate."""
        name = "%s._domainkey.%s" % (FLOW["selector"], FLOW["domain"])
        self.assertEqual(event["name"], name)
        type(self).dns_server = subprocess.Popen(
            [DNSMASQ, "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file",
             "--port=%d" % DNS_PORT, "--listen-address=" + LOOPBACK, "--bind-interfaces",
             "--local=/%s/" % FLOW["domain"], "--txt-record=%s,%s" % (name, event["value"])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dig = [DIG, "+short", "+time=1", "+tries=1", "-p", str(DNS_PORT), "@" + LOOPBACK, "TXT", name]
        wait_until(lambda: "DKIM1" in subprocess.run(dig, capture_output=True).stdout.decode(), timeout=20,
                   what="dnsmasq serving " + name)
        return {}

    def on_test_message_delivered(self, event):
        """The test message reached the smarthost signed for the domain with the key whose record the
        browser copied; then the smarthost goes down and the new user's next message waits in the queue."""
        (message,) = self.smarthost.wait_for(1)
        self.assertEqual(message.rcpt_tos, [FLOW["recipient"]])
        self.assertIn(event["queueId"].encode(), message.data)
        (signature,) = [v for n, v in parse_header_fields(message.data) if n.lower() == "dkim-signature"]
        tags = dict(t.strip().split("=", 1) for t in re.sub(r"\s+", "", signature).split(";") if "=" in t)
        self.assertEqual((tags["d"], tags["s"]), (FLOW["domain"], FLOW["selector"]))
        name = "%s._domainkey.%s" % (FLOW["selector"], FLOW["domain"])

        def dns(query, timeout=5):
            return event["dkimRecord"].encode() if query.decode().rstrip(".").lower() == name else None

        self.assertTrue(dkim.DKIM(message.data).verify(dnsfunc=dns), "the DKIM signature does not verify")

        self.smarthost.stop()
        queue_id = self.submit(FLOW["user"], FLOW["password"], FLOW["sender"], "Scan while the smarthost is down")
        wait_until(lambda: self.deferred_attempts(queue_id), what="a deferred attempt of %s" % queue_id)
        self.held_id = queue_id
        return {"queueId": queue_id}

    def on_sending_limit_hit(self, event):
        """The administrator lowered the user's messages per hour to 1 and the user has sent one message: the
        next MAIL FROM is refused with 451 4.7.1."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP(LOOPBACK, self.server.port("submission"), timeout=30) as client:
            client.starttls(context=context)
            client.login(FLOW["user"], FLOW["password"])
            code, reply = client.mail(FLOW["sender"])
        self.assertEqual(code, 451, reply)
        self.assertIn(b"4.7.1 Sending limit reached: 1 message per hour", reply)
        self.limit_hit = True
        return {}

    def drive_browser(self, env):
        """Runs the browser script, answering its "@@ {json}" lines; returns (exit status, its output)."""
        handlers = {"dkim-record-copied": self.on_dkim_record_copied,
                    "test-message-delivered": self.on_test_message_delivered,
                    "sending-limit-hit": self.on_sending_limit_hit}
        browser = subprocess.Popen([NODE, os.path.join(HERE, "web_admin_browser.mjs")], env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        watchdog = threading.Timer(BROWSER_TIMEOUT, browser.kill)
        watchdog.start()
        output = []
        try:
            for raw in browser.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                if not line.startswith("@@ "):
                    output.append(line)
                    continue
                event = json.loads(line[3:])
                output.append("(wrapper: %s)" % event["event"])
                try:
                    answer = handlers[event["event"]](event)
                except BaseException:
                    browser.kill()
                    print("\n".join(output))
                    raise
                browser.stdin.write((json.dumps(answer) + "\n").encode())
                browser.stdin.flush()
            browser.wait()
        finally:
            watchdog.cancel()
            if browser.poll() is None:
                browser.kill()
                browser.wait()
            browser.stdout.close()
            browser.stdin.close()
        return browser.returncode, "\n".join(output)

    def test_an_office_admin_sets_up_postern_in_the_browser_and_every_page_opens_without_errors(self):
        self.submit(*ALICE, ALICE[0], "Quarterly report")
        self.submit(*ALICE, ALICE[0], "<img src=x onerror=alert(1)>")
        wait_until(lambda: "refused" in self.server.cli("queue", "log").stdout.decode().lower(),
                   what="a refused attempt in the delivery log")
        self.ban_loopback_clients()
        self.held_id = None
        self.limit_hit = False
        env = dict(os.environ, POSTERN_ADMIN_URL="https://%s:%d/" % (LOOPBACK, self.server.admin_port),
                   POSTERN_ADMIN_LOGIN=ADMIN[0], POSTERN_ADMIN_PASSWORD=ADMIN[1],
                   POSTERN_FLOW=json.dumps(dict(FLOW, smarthost=self.smarthost.address)),
                   POSTERN_SCREENSHOT_DIR=SCREENSHOTS, POSTERN_CHROMIUM=CHROMIUM, POSTERN_PLAYWRIGHT=PLAYWRIGHT,
                   POSTERN_ZBARIMG=ZBARIMG)
        status, output = self.drive_browser(env)
        print(output)
        self.assertEqual(status, 0, output)
        self.assertIsNotNone(self.held_id, "the browser never reported the test message delivered")
        self.assertTrue(self.limit_hit, "the browser never lowered the user's sending limit")
        # The retry from the browser made a second attempt; Delete took the message out of the queue.
        self.assertEqual(len(self.deferred_attempts(self.held_id)), 2, self.server.cli("queue", "log").stdout)
        self.assertNotEqual(self.server.cli("queue", "show", self.held_id, check=False).returncode, 0)
        self.assertEqual(len(self.smarthost.received()), 1)
        # The ban the browser lifted is gone for the running server too; the login ban stays.
        listed = self.server.cli("ban", "list").stdout.decode()
        self.assertNotIn("addr:" + FLOW["bannedAddress"] + "\t", listed)
        self.assertIn("login:" + FLOW["bannedLogin"], listed)
        if os.environ.get("POSTERN_UPDATE_SCREENSHOTS") == "1":
            target = os.path.join(REPO, "docs", "screenshots")
            os.makedirs(target, exist_ok=True)
            for png in glob.glob(os.path.join(SCREENSHOTS, "*-desktop.png")):
                shutil.copy(png, os.path.join(target, os.path.basename(png).replace("-desktop", "")))


if __name__ == "__main__":
    unittest.main()
