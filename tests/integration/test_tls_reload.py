"""Certificate renewal without a restart: SIGHUP (and the periodic file check) load a new certificate and
key for the SMTP listeners and the web admin; connections already open keep working; a file that does not
load or a key that does not match keeps the old certificate and logs why; under S1-style load, with the
certificate replaced twice, every message is accepted and reaches the smarthost."""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

from postern_harness import (HOSTNAME, IO_TIMEOUT, LOOPBACK, PosternServer, ServerTestCase, SmtpClient,
                             make_message, queue_id_of)
from smarthost import FakeSmarthost, wait_until

ALICE = ("alice@example.org", "alice-password-1")

_dir = tempfile.mkdtemp(prefix="postern-reload-")


def tearDownModule():
    shutil.rmtree(_dir, ignore_errors=True)


def make_certificate(name):
    """A self-signed EC certificate for HOSTNAME whose subject carries `name`; returns (cert, key) paths."""
    cert, key = os.path.join(_dir, name + ".crt"), os.path.join(_dir, name + ".key")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/O=%s/CN=%s" % (name, HOSTNAME),
                        "-addext", "subjectAltName=DNS:" + HOSTNAME], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    return cert, key


def der_of(cert_path):
    with open(cert_path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def install(source, target):
    """Replaces target the way deploy hooks do: a copy renamed over it."""
    shutil.copyfile(source, target + ".new")
    os.rename(target + ".new", target)


def any_certificate_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def presented(port, starttls=False):
    """The DER certificate a new connection to port is shown."""
    sock = socket.create_connection((LOOPBACK, port), timeout=IO_TIMEOUT)
    try:
        if starttls:
            sock.recv(4096)
            sock.sendall(b"EHLO c.example.org\r\n")
            time.sleep(0.05)
            sock.recv(4096)
            sock.sendall(b"STARTTLS\r\n")
            assert sock.recv(4096).startswith(b"220")
        tls = any_certificate_context().wrap_socket(sock, server_hostname=HOSTNAME)
        der = tls.getpeercert(binary_form=True)
        tls.close()
        return der
    finally:
        sock.close()


def authenticated(server, kind="submissions"):
    client = SmtpClient(server, kind, tls_context=any_certificate_context())
    if kind != "submissions":
        client.ehlo()
        client.starttls(any_certificate_context())
    client.ehlo()
    client.expect(client.auth_plain(*ALICE), 235, "AUTH PLAIN")
    return client


class ReloadCase(ServerTestCase):
    users = {ALICE[0]: (ALICE[1], ["@example.org"])}
    extra_settings = {}

    @classmethod
    def setUpClass(cls):
        cls.live_cert = os.path.join(_dir, cls.__name__ + "-live.crt")
        cls.live_key = os.path.join(_dir, cls.__name__ + "-live.key")
        first = make_certificate("first")
        install(first[0], cls.live_cert)
        install(first[1], cls.live_key)
        cls.settings = {"tls.certificate": cls.live_cert, "tls.private_key": cls.live_key,
                        "admin.listen": LOOPBACK + ":0", **cls.extra_settings}
        super().setUpClass()

    def put(self, name, certificate=True, key=True):
        cert, key_file = make_certificate(name)
        if certificate:
            install(cert, self.live_cert)
        if key:
            install(key_file, self.live_key)
        return cert

    def hup_and_wait(self, marker):
        before = self.server.log_text().count(marker)
        self.server.process.send_signal(signal.SIGHUP)
        wait_until(lambda: self.server.log_text().count(marker) > before, timeout=IO_TIMEOUT,
                   what="'%s' in the log" % marker)


class SighupReloadTest(ReloadCase):
    extra_settings = {"tls.reload_check_interval": "0"}

    def test_1_sighup_shows_new_connections_the_new_certificate_and_open_ones_keep_working(self):
        open_client = authenticated(self.server, "submissions")
        old = presented(self.server.port("submissions"))
        renewed = self.put("second")
        self.hup_and_wait("smtp certificate reloaded")
        self.assertIn("subject " + HOSTNAME + ", expires", self.server.log_text())
        self.assertEqual(presented(self.server.port("submissions")), der_of(renewed))
        self.assertEqual(presented(self.server.port("submission"), starttls=True), der_of(renewed))
        self.assertEqual(presented(self.server.admin_port), der_of(renewed))
        self.assertNotEqual(old, der_of(renewed))
        # The connection opened before the reload still sends mail.
        reply = open_client.send_message(ALICE[0], ["bob@example.net"], make_message("<%s>" % ALICE[0]))
        queue_id_of(reply)
        open_client.close()

    def test_2_a_certificate_that_does_not_load_keeps_the_current_one_and_logs_why(self):
        current = presented(self.server.port("submissions"))
        with open(self.live_cert + ".new", "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
        os.rename(self.live_cert + ".new", self.live_cert)
        self.hup_and_wait("not reloaded")
        self.assertEqual(presented(self.server.port("submissions")), current)
        warning = [l for l in self.server.log_text().splitlines() if "not reloaded" in l][-1]
        self.assertIn(self.live_cert, warning)
        self.assertTrue(self.server.running())
        self.put("second")  # repair for the next test

    def test_3_a_key_that_does_not_match_keeps_the_current_certificate(self):
        self.put("second")
        self.hup_and_wait("smtp certificate reloaded")
        current = presented(self.server.port("submissions"))
        self.put("third", key=False)
        self.hup_and_wait("not reloaded")
        self.assertEqual(presented(self.server.port("submissions")), current)
        with open(make_certificate("second")[1]) as f:
            key_lines = [l for l in f.read().splitlines() if l and not l.startswith("-----")]
        log = self.server.log_text()
        for line in key_lines:
            self.assertNotIn(line, log)
        self.put("third")  # the key arrives: the next reload succeeds
        self.hup_and_wait("smtp certificate reloaded")
        self.assertEqual(presented(self.server.port("submissions")), der_of(make_certificate("third")[0]))

    def test_4_a_ticket_issued_before_a_reload_still_resumes_after_it(self):
        context = any_certificate_context()
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_3

        def connect(session=None):
            sock = socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT)
            tls = context.wrap_socket(sock, server_hostname=HOSTNAME, session=session)
            tls.recv(4096)  # the greeting; the tickets came before it
            result = tls.session, tls.session_reused
            tls.close()
            return result

        session, _ = connect()
        self.put("first")
        self.hup_and_wait("smtp certificate reloaded")
        _, reused = connect(session)
        self.assertTrue(reused)


class AdminOwnCertificateTest(ReloadCase):
    """admin.tls.certificate of its own: reloaded by the same SIGHUP, independently of the SMTP one."""

    @classmethod
    def setUpClass(cls):
        cls.admin_cert = os.path.join(_dir, cls.__name__ + "-admin.crt")
        cls.admin_key = os.path.join(_dir, cls.__name__ + "-admin.key")
        admin = make_certificate("admin-first")
        install(admin[0], cls.admin_cert)
        install(admin[1], cls.admin_key)
        cls.extra_settings = {"tls.reload_check_interval": "0", "admin.tls.certificate": cls.admin_cert,
                              "admin.tls.private_key": cls.admin_key}
        super().setUpClass()

    def test_the_admin_listener_gets_its_renewed_certificate_and_smtp_keeps_its_own(self):
        smtp_before = presented(self.server.port("submissions"))
        self.assertEqual(presented(self.server.admin_port), der_of(self.admin_cert))
        renewed, key = make_certificate("admin-second")
        install(renewed, self.admin_cert)
        install(key, self.admin_key)
        self.hup_and_wait("admin certificate reloaded")
        self.assertEqual(presented(self.server.admin_port), der_of(renewed))
        self.assertEqual(presented(self.server.port("submissions")), smtp_before)


class PeriodicCheckTest(ReloadCase):
    extra_settings = {"tls.reload_check_interval": "1s"}

    def test_a_changed_file_is_loaded_without_a_signal(self):
        renewed = self.put("second")
        wait_until(lambda: presented(self.server.port("submissions")) == der_of(renewed), timeout=IO_TIMEOUT,
                   what="the renewed certificate on new connections")
        self.assertIn("smtp certificate reloaded", self.server.log_text())


class ReloadUnderLoadTest(ReloadCase):
    """S1-style load (20 authenticated connections at once, 10 messages of each worker, half on 465 and half
    after STARTTLS, each worker reconnecting halfway) while the certificate is replaced twice."""

    CONNECTIONS = 20
    MESSAGES = 10

    @classmethod
    def setUpClass(cls):
        cls.smarthost = FakeSmarthost().start()
        cls.extra_settings = {"tls.reload_check_interval": "0", "relay.smarthost": cls.smarthost.address,
                              "relay.tls": "none", "queue.retry_schedule": "1s", "queue.delay_warning": "0",
                              "smtp.max_connections_per_ip": "100"}
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

    def test_no_message_is_refused_or_lost_while_the_certificate_is_replaced_twice(self):
        accepted, failures, seen = [], [], set()
        lock = threading.Lock()
        start = threading.Barrier(self.CONNECTIONS + 1)

        def worker(n):
            kind = "submissions" if n % 2 else "submission"
            start.wait()
            try:
                # Each worker opens a connection per half of its messages, so that new handshakes keep
                # arriving throughout the reloads.
                for half in range(2):
                    client = authenticated(self.server, kind)
                    with lock:
                        seen.add(client.sock.getpeercert(binary_form=True))
                    for m in range(self.MESSAGES // 2):
                        subject = "load %d-%d-%d" % (n, half, m)
                        reply = client.send_message(ALICE[0], ["sink@example.net"],
                                                    make_message("<%s>" % ALICE[0], subject=subject))
                        with lock:
                            accepted.append(queue_id_of(reply))
                    client.cmd("QUIT")
                    client.close()
            except BaseException as e:  # noqa: BLE001 - reported below
                with lock:
                    failures.append("%s: %r" % (kind, e))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(self.CONNECTIONS)]
        for t in threads:
            t.start()
        start.wait()
        total = self.CONNECTIONS * self.MESSAGES
        renewed = []
        # The first replacement once a fifth of the messages are in, the second at half: both while
        # connections are open and new ones are still being made.
        for name, share in (("second", 5), ("third", 2)):
            wait_until(lambda: len(accepted) >= total // share or failures, timeout=120,
                       what="%d accepted messages" % (total // share))
            renewed.append(self.put(name))
            self.hup_and_wait("smtp certificate reloaded")
        for t in threads:
            t.join(timeout=300)
        self.assertEqual(failures, [])
        self.assertEqual(len(accepted), total)
        self.assertEqual(len(set(accepted)), total)
        self.smarthost.wait_for(total, timeout=120)
        subjects = set()
        for message in self.smarthost.received():
            for line in message.data.split(b"\r\n"):
                if line.startswith(b"Subject: load "):
                    subjects.add(line)
        self.assertEqual(len(subjects), total)
        # After the second reload every new connection sees the third certificate.
        self.assertEqual(presented(self.server.port("submissions")), der_of(renewed[-1]))
        # The load spanned the reloads: its connections were shown more than one certificate.
        self.assertGreaterEqual(len(seen), 2)


if __name__ == "__main__":
    unittest.main()
