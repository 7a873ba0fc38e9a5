"""The container image end to end: build it from a clean clone of this repository, run it, wait for its
health check, sign in as the administrator its secret file made, add a user, a sender address, an active
DKIM key and a route to a local sink through the admin API, send a message over 465, and find it at the
sink DKIM-signed (checked with dkimpy against the key's DNS record).

There is no Docker engine on the build machines: the image is built and run with the docker-build-local
tool ($POSTERN_CONTAINER_TOOL, else docker-build-local on PATH, else shared/tools/docker-build-local beside
the repository's directory). The containers share the host's network, so every port is a free one chosen
here and given through POSTERN_LISTEN_* / POSTERN_ADMIN_LISTEN. Without the tool (or without root, which
it needs) the test exits 77, which ctest reports as skipped.

Run: /usr/bin/python3 -B tests/container/test_container.py (about 4 minutes, most of it the build)."""

import asyncio  # noqa: F401  (aiosmtpd's controller runs an event loop in its own thread)
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

SKIP = 77
DOMAIN = "container.test"
SENDER = "alice@" + DOMAIN
ADMIN_PASSWORD = "container admin password 7"
USER_PASSWORD = "container user password 7"
BUILD_TIMEOUT = 1800
HEALTH_TIMEOUT = 180
DELIVERY_TIMEOUT = 180


def find_tool():
    name = os.environ.get("POSTERN_CONTAINER_TOOL", "docker-build-local")
    found = shutil.which(name)
    if found:
        return found
    beside = os.path.join(os.path.dirname(REPO), "shared", "tools", "docker-build-local")
    return beside if os.access(beside, os.X_OK) else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unverified_context():
    # The container's certificate is the self-signed one it made on its first start.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %d s waiting for %s" % (timeout, what))
        time.sleep(1)


class Sink:
    """A plaintext SMTP sink on 127.0.0.1 that keeps every message it is given."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                return "250 2.0.0 kept"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


class ContainerImageTest(unittest.TestCase):
    tool = None
    container = None

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="postern-container-")
        cls.tag = "localhost/postern-test:%d-%d" % (os.getpid(), int(time.time()))
        clone = os.path.join(cls.work, "clone")
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", REPO, clone], check=True)
        print("building %s from a clean clone of %s" % (cls.tag, REPO), flush=True)
        cls.run_tool(["build", "-t", cls.tag, clone], timeout=BUILD_TIMEOUT)

        cls.ports = {"submission": free_port(), "submissions": free_port(), "admin": free_port()}
        secrets = os.path.join(cls.work, "secrets")
        os.mkdir(secrets)
        os.chmod(secrets, 0o755)
        # Readable by the container's postern user, which reads the admin password after dropping root.
        for name, content in (("admin_password", ADMIN_PASSWORD + "\n"), ("relay_password", "")):
            path = os.path.join(secrets, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(content)
            os.chmod(path, 0o644)
        data = os.path.join(cls.work, "data")
        os.mkdir(data)
        cls.container = "postern-test-%d" % os.getpid()
        environment = {
            "POSTERN_HOSTNAME": "relay." + DOMAIN,
            "POSTERN_LISTEN_SUBMISSION": "127.0.0.1:%d" % cls.ports["submission"],
            "POSTERN_LISTEN_SUBMISSIONS": "127.0.0.1:%d" % cls.ports["submissions"],
            "POSTERN_ADMIN_LISTEN": "127.0.0.1:%d" % cls.ports["admin"],
            "POSTERN_ADMIN_PASSWORD_FILE": "/run/secrets/admin_password",
            "POSTERN_RELAY_PASSWORD_FILE": "/run/secrets/relay_password",
            # No lookups beyond this machine (the container shares the host's network).
            "POSTERN_DNS_RESOLVERS": "127.0.0.1:9",
            "POSTERN_DNS_CHECK_INTERVAL": "0",
        }
        args = ["run", "-d", "--name", cls.container, "-v", secrets + ":/run/secrets:ro",
                "-v", data + ":/var/lib/postern"]
        for key, value in environment.items():
            args += ["-e", "%s=%s" % (key, value)]
        cls.run_tool(args + [cls.tag], timeout=300)

    @classmethod
    def tearDownClass(cls):
        if cls.container:
            subprocess.run([cls.tool, "stop", cls.container], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=120)
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def run_tool(cls, args, timeout, check=True):
        result = subprocess.run([cls.tool] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError("%s %s failed (%d):\n%s" % (os.path.basename(cls.tool), args[0],
                                                             result.returncode, result.stdout[-6000:]))
        return result

    def container_log(self):
        return self.run_tool(["logs", self.container], timeout=60, check=False).stdout

    def healthcheck(self):
        return self.run_tool(["exec", self.container, "postern", "healthcheck"], timeout=60, check=False)

    def test_the_image_relays_a_dkim_signed_message_set_up_through_the_api(self):
        import dkim
        from web_api import ApiClient, quote

        healthy = wait_until(lambda: self.healthcheck().returncode == 0 or None, HEALTH_TIMEOUT,
                             "postern healthcheck inside the container")
        self.assertTrue(healthy, self.container_log())
        result = self.healthcheck()
        self.assertIn("healthy", result.stdout)

        sink = Sink()
        try:
            api = ApiClient(self.ports["admin"])
            self.assertEqual(api.login("admin", ADMIN_PASSWORD).status, 200,
                             "the first admin from POSTERN_ADMIN_PASSWORD_FILE\n" + self.container_log())
            response = api.post("/users", {"login": SENDER, "password": USER_PASSWORD})
            self.assertEqual(response.status, 201, repr(response))
            response = api.post("/users/%s/addresses" % quote(SENDER), {"pattern": "@" + DOMAIN})
            self.assertIn(response.status, (200, 201), repr(response))
            key = api.post("/dkim/%s" % quote(DOMAIN), {"algorithm": "rsa"})
            self.assertEqual(key.status, 201, repr(key))
            selector, record = key.json["selector"], key.json["dnsValue"]
            # container.test is published nowhere: activation is forced past the DNS check (which the
            # domains tests cover against a real DNS server).
            response = api.patch("/dkim/%s/%s" % (quote(DOMAIN), quote(selector)), {"state": "active", "force": True})
            self.assertEqual(response.status, 200, repr(response))
            response = api.post("/routes", {"name": "sink", "senders": ["*"], "tls": "none", "auth": "none",
                                            "hosts": ["127.0.0.1:%d" % sink.port]})
            self.assertEqual(response.status, 201, repr(response))

            message = EmailMessage()
            message["From"] = SENDER
            message["To"] = "bob@elsewhere.test"
            message["Subject"] = "through the container"
            message.set_content("Sent over 465 to the container, relayed to the sink.\n")
            with smtplib.SMTP_SSL("127.0.0.1", self.ports["submissions"], context=unverified_context(),
                                  timeout=60) as client:
                client.login(SENDER, USER_PASSWORD)
                client.send_message(message)

            wait_until(lambda: sink.messages, DELIVERY_TIMEOUT, "the message at the sink")
        finally:
            sink.stop()
        mail_from, recipients, content = sink.messages[0]
        self.assertEqual((mail_from, recipients), (SENDER, ["bob@elsewhere.test"]))
        self.assertIn(b"d=" + DOMAIN.encode(), content.split(b"\r\n\r\n", 1)[0])
        expected_name = ("%s._domainkey.%s." % (selector, DOMAIN)).encode()

        def dns(name, timeout=5):
            return record.encode() if name == expected_name else None

        self.assertTrue(dkim.verify(content, dnsfunc=dns), content[:3000])


def main():
    tool = find_tool()
    if not tool:
        print("SKIPPED: no container tool (set POSTERN_CONTAINER_TOOL, or put docker-build-local on PATH or in "
              "shared/tools beside the repository)")
        return SKIP
    if os.geteuid() != 0:
        print("SKIPPED: %s needs root (rootful podman)" % tool)
        return SKIP
    try:
        import aiosmtpd  # noqa: F401
        import dkim  # noqa: F401
    except ImportError as e:
        print("SKIPPED: %s (apt-get install python3-aiosmtpd python3-dkim; run with /usr/bin/python3)" % e)
        return SKIP
    ContainerImageTest.tool = tool
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
