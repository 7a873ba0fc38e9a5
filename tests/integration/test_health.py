"""/healthz and `postern healthcheck`: the health endpoint answers without a session and names what fails,
keeps to admin.allowed_networks, and the subcommand turns it (or, without the admin listener, an SMTP
greeting) into an exit code and one line."""

import http.client
import json
import os
import ssl
import subprocess
import tempfile
import unittest

from postern_harness import CLI_TIMEOUT, LOOPBACK, ServerTestCase, clean_environment


def get_healthz(port):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(LOOPBACK, port, context=context, timeout=30)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        return response.status, json.loads(response.read().decode("utf-8"))
    finally:
        connection.close()


class HealthCase(ServerTestCase):
    def healthcheck(self, **overrides):
        """`postern healthcheck` with the server's settings, the listeners' real ports put in (the server's
        own file says port 0) and overrides applied."""
        settings = dict(self.server.settings)
        if self.server.admin_ports:
            settings["admin.listen"] = "%s:%d" % (LOOPBACK, self.server.admin_port)
        settings["listen.submission"] = "%s:%d" % (LOOPBACK, self.server.port("submission"))
        settings.update(overrides)
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write("".join("%s = %s\n" % item for item in settings.items()))
        try:
            return subprocess.run([self.server.binary, "--config", f.name, "healthcheck"], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, env=clean_environment(), timeout=CLI_TIMEOUT)
        finally:
            os.unlink(f.name)


class HealthEndpointTest(HealthCase):
    settings = {"admin.listen": LOOPBACK + ":0"}

    def test_a_working_server_is_healthy_without_a_session(self):
        self.assertEqual(get_healthz(self.server.admin_port), (200, {"status": "ok"}))

    def test_an_unwritable_spool_makes_it_503_naming_the_directory_until_repaired(self):
        queue_dir = os.path.join(self.server.spool_dir, "queue")
        os.rename(queue_dir, queue_dir + ".away")
        try:
            status, body = get_healthz(self.server.admin_port)
            self.assertEqual(status, 503)
            self.assertEqual(body["status"], "unavailable")
            self.assertEqual(len(body["problems"]), 1, body)
            self.assertIn("spool directory not writable: " + queue_dir, body["problems"][0])
            result = self.healthcheck()
            self.assertEqual(result.returncode, 1, result)
            self.assertIn("503", result.stdout)
            self.assertIn("spool directory not writable", result.stdout)
            self.assertEqual(len(result.stdout.splitlines()), 1, result.stdout)
        finally:
            os.rename(queue_dir + ".away", queue_dir)
        self.assertEqual(get_healthz(self.server.admin_port)[0], 200)

    def test_healthcheck_exits_0_when_the_admin_listener_answers_200(self):
        result = self.healthcheck()
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("/healthz answered 200", result.stdout)

    def test_healthcheck_asks_a_wildcard_listener_at_the_loopback_address(self):
        result = self.healthcheck(**{"admin.listen": "0.0.0.0:%d" % self.server.admin_port})
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("https://127.0.0.1:%d/healthz" % self.server.admin_port, result.stdout)

    def test_healthcheck_exits_1_with_one_line_when_nothing_listens(self):
        with socket_bound_not_listening() as port:
            result = self.healthcheck(**{"admin.listen": "%s:%d" % (LOOPBACK, port)})
        self.assertEqual(result.returncode, 1, result)
        self.assertTrue(result.stdout.startswith("unhealthy: "), result.stdout)
        self.assertEqual(len(result.stdout.splitlines()), 1, result.stdout)


class HealthOutsideAllowedNetworksTest(HealthCase):
    settings = {"admin.listen": LOOPBACK + ":0", "admin.allowed_networks": "10.0.0.0/8"}

    def test_healthz_is_refused_to_a_client_outside_admin_allowed_networks(self):
        status, body = get_healthz(self.server.admin_port)
        self.assertEqual(status, 403)
        self.assertNotIn("status", body)


class HealthWithoutAdminListenerTest(HealthCase):
    settings = {"admin.listen": ""}

    def test_healthcheck_without_admin_listen_wants_a_220_greeting_from_submission(self):
        result = self.healthcheck()
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("greeted with 220", result.stdout)

    def test_healthcheck_without_admin_listen_fails_when_submission_does_not_answer(self):
        with socket_bound_not_listening() as port:
            result = self.healthcheck(**{"listen.submission": "%s:%d" % (LOOPBACK, port)})
        self.assertEqual(result.returncode, 1, result)
        self.assertTrue(result.stdout.startswith("unhealthy: "), result.stdout)


class socket_bound_not_listening:
    """A port on loopback that is taken (so no other test gets it) but refuses connections."""

    def __enter__(self):
        import socket
        self.sock = socket.socket()
        self.sock.bind((LOOPBACK, 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


if __name__ == "__main__":
    unittest.main()
