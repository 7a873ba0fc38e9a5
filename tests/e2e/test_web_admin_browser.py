"""The web admin in Debian's Chromium (web_admin_browser.mjs, playwright-core): the built server with its
admin on a free loopback port and an administrator made with `postern admin add`, some mail in the queue
and the delivery log (the smarthost a closed port), then every page signed in at 1280x800 and 390x844.
Skipped, saying why, when chromium, node or playwright-core (deploy/install-deps.sh --test) is missing.

Screenshots go to POSTERN_SCREENSHOT_DIR (ctest: the build directory); with POSTERN_UPDATE_SCREENSHOTS=1
the desktop ones are also copied to docs/screenshots/."""

import glob
import os
import shutil
import smtplib
import ssl
import subprocess
import unittest

from postern_harness import LOOPBACK, ServerTestCase, make_message
from smarthost import free_port, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CHROMIUM = os.environ.get("POSTERN_CHROMIUM", "/usr/bin/chromium")
NODE = os.environ.get("POSTERN_NODE", "/usr/bin/node")
PLAYWRIGHT = os.environ.get("POSTERN_PLAYWRIGHT", os.path.join(HERE, "node_modules", "playwright-core"))
SCREENSHOTS = os.environ.get("POSTERN_SCREENSHOT_DIR", os.path.join(REPO, "build", "screenshots"))
ADMIN = ("admin", "correct horse battery staple")
ALICE = ("alice@example.org", "alice-password-1")


def missing_tools():
    missing = [path for path in (CHROMIUM, NODE) if not os.access(path, os.X_OK)]
    if not os.path.isfile(os.path.join(PLAYWRIGHT, "package.json")):
        missing.append(PLAYWRIGHT)
    return missing


@unittest.skipIf(missing_tools(), "browser test needs %s (deploy/install-deps.sh --test)" % ", ".join(missing_tools()))
class WebAdminInABrowser(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    settings = {"admin.listen": LOOPBACK + ":0", "relay.smarthost": "%s:%d" % (LOOPBACK, free_port()),
                "relay.tls": "none", "queue.retry_schedule": "1h", "queue.delay_warning": "0"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.server.cli("admin", "add", ADMIN[0], "--role", "admin", stdin=ADMIN[1] + "\n")
        except BaseException:
            super().tearDownClass()
            raise

    def send(self, subject):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP(LOOPBACK, self.server.port("submission"), timeout=30) as client:
            client.starttls(context=context)
            client.login(*ALICE)
            client.sendmail(ALICE[0], ["bob@example.net"], make_message("Alice <%s>" % ALICE[0], subject=subject))

    def test_every_page_opens_signed_in_without_errors_at_desktop_and_phone_size(self):
        self.send("Quarterly report")
        self.send("<img src=x onerror=alert(1)>")
        wait_until(lambda: "refused" in self.server.cli("queue", "log").stdout.decode().lower(),
                   what="a refused attempt in the delivery log")
        env = dict(os.environ, POSTERN_ADMIN_URL="https://%s:%d/" % (LOOPBACK, self.server.admin_port),
                   POSTERN_ADMIN_LOGIN=ADMIN[0], POSTERN_ADMIN_PASSWORD=ADMIN[1],
                   POSTERN_SCREENSHOT_DIR=SCREENSHOTS, POSTERN_CHROMIUM=CHROMIUM, POSTERN_PLAYWRIGHT=PLAYWRIGHT)
        run = subprocess.run([NODE, os.path.join(HERE, "web_admin_browser.mjs")], env=env, capture_output=True,
                             timeout=300)
        output = run.stdout.decode() + run.stderr.decode()
        print(output)
        self.assertEqual(run.returncode, 0, output)
        if os.environ.get("POSTERN_UPDATE_SCREENSHOTS") == "1":
            target = os.path.join(REPO, "docs", "screenshots")
            os.makedirs(target, exist_ok=True)
            for png in glob.glob(os.path.join(SCREENSHOTS, "*-desktop.png")):
                shutil.copy(png, os.path.join(target, os.path.basename(png).replace("-desktop", "")))


if __name__ == "__main__":
    unittest.main()
