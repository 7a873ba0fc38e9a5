"""The `postern` command line as an administrator meets it: the first start on an empty data directory,
user and address administration while the server runs, configuration checks, exit codes (0 ok,
1 failure, 2 usage), and what the queue commands print when a client chose hostile text."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

from postern_harness import (HOSTNAME, PosternServer, clean_environment, find_binary, find_queued, make_message,
                             queue_id_of)
from smarthost import FakeSmarthost, wait_until

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class FirstStartTest(unittest.TestCase):
    """README: run the server, add a user from a second terminal, send a message."""

    def test_first_start_creates_the_data_dir_database_and_certificate(self):
        server = PosternServer(create_data_dir=False)
        try:
            self.assertFalse(os.path.exists(server.data_dir))
            server.start()
            self.assertTrue(os.path.isfile(os.path.join(server.data_dir, "postern.db")))
            self.assertTrue(os.path.isfile(server.certificate_path))
            key = os.path.join(server.data_dir, "tls", "selfsigned.key")
            self.assertTrue(os.path.isfile(key))
            self.assertEqual(os.stat(key).st_mode & 0o077, 0, "the private key must not be readable by others")
            # A user added from a second terminal while the server runs can send at once.
            server.add_user(ALICE, ALICE_PASSWORD, ["@alice.example"])
            client = server.session(ALICE, ALICE_PASSWORD)
            try:
                reply = client.send_message("office@alice.example", ["bob@example.net"],
                                            make_message("office@alice.example"))
                find_queued(server, queue_id_of(reply))
            finally:
                client.close()
            server.stop()
            # A restart keeps the certificate, the users and the spool.
            with open(server.certificate_path, "rb") as f:
                certificate = f.read()
            server.start()
            with open(server.certificate_path, "rb") as f:
                self.assertEqual(f.read(), certificate)
            find_queued(server, queue_id_of(reply))
            server.session(ALICE, ALICE_PASSWORD, "submissions").close()
        finally:
            try:
                server.stop()
            finally:
                server.cleanup()


class ProcessTest(unittest.TestCase):
    def test_sigint_stops_the_server_with_exit_0(self):
        server = PosternServer()
        self.addCleanup(server.cleanup)
        server.start()
        process = server.process
        process.send_signal(signal.SIGINT)
        self.assertEqual(process.wait(timeout=120), 0, server.log_excerpt())
        server.process = None

    def test_serve_exits_1_when_a_port_is_taken(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            server = PosternServer({"listen.submission": "127.0.0.1:%d" % port})
            self.addCleanup(server.cleanup)
            with self.assertRaises(AssertionError) as raised:
                server.start()
            self.assertIn("exited with status 1", str(raised.exception))
            self.assertIn(str(port), server.log_text())

    def test_database_and_spool_are_not_readable_by_other_users(self):
        server = PosternServer()
        self.addCleanup(server.cleanup)
        server.add_user(ALICE, ALICE_PASSWORD)
        server.start()
        try:
            client = server.session(ALICE, ALICE_PASSWORD)
            try:
                queued = find_queued(server, queue_id_of(client.send_message(ALICE, ["bob@example.net"],
                                                                             make_message(ALICE))))
            finally:
                client.close()
        finally:
            server.stop()
        paths = [os.path.join(server.data_dir, "postern.db"), queued.body_path, queued.envelope_path]
        for path in paths:
            self.assertEqual(os.stat(path).st_mode & 0o007, 0, "%s is accessible to other users (mode %o)"
                             % (path, os.stat(path).st_mode & 0o777))


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PosternServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def cli(self, *args, stdin=None):
        return self.server.cli(*args, stdin=stdin, check=False)

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code, repr(result))
        return result

    # ---- configuration

    def test_print_sample_config_exits_0_and_matches_deploy_postern_conf(self):
        result = self.assertExit(self.cli("print-sample-config"), 0)
        with open(os.path.join(REPO, "deploy", "postern.conf"), "rb") as f:
            self.assertEqual(result.stdout, f.read(), "deploy/postern.conf is not the current sample config")

    def test_sample_config_is_a_valid_config(self):
        sample = os.path.join(self.server.root, "sample.conf")
        with open(sample, "wb") as f:
            f.write(self.assertExit(self.cli("print-sample-config"), 0).stdout)
        proc = subprocess.run([find_binary(), "--config", sample, "check-config"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=clean_environment(), timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_check_config_exits_0_and_shows_the_effective_settings(self):
        result = self.assertExit(self.cli("check-config"), 0)
        self.assertIn(b"hostname = " + HOSTNAME.encode() + b"\n", result.stdout)
        self.assertIn(b"data_dir = " + self.server.data_dir.encode() + b"\n", result.stdout)

    def test_environment_overrides_the_config_file(self):
        env = clean_environment()
        env["POSTERN_SMTP_MAX_RECIPIENTS"] = "7"
        proc = subprocess.run([find_binary(), "--config", self.server.config_path, "check-config"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(b"smtp.max_recipients = 7\n", proc.stdout)

    def test_unknown_config_key_exits_1_naming_the_key(self):
        path = os.path.join(self.server.root, "unknown-key.conf")
        with open(path, "w") as f:
            f.write("data_dir = %s\nsmtp.max_recipeints = 5\n" % self.server.data_dir)
        proc = subprocess.run([find_binary(), "--config", path, "check-config"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=clean_environment(), timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(b"smtp.max_recipeints", proc.stderr)

    def test_out_of_range_value_exits_1_naming_the_key(self):
        path = os.path.join(self.server.root, "bad-value.conf")
        with open(path, "w") as f:
            f.write("data_dir = %s\nsmtp.timeout.preauth = 1\n" % self.server.data_dir)
        proc = subprocess.run([find_binary(), "--config", path, "check-config"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=clean_environment(), timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(b"smtp.timeout.preauth", proc.stderr)

    # ---- usage errors

    def test_unknown_command_exits_2(self):
        self.assertExit(self.cli("frobnicate"), 2)

    def test_user_without_subcommand_exits_2(self):
        self.assertExit(self.cli("user"), 2)

    def test_user_add_without_login_exits_2(self):
        self.assertExit(self.cli("user", "add", stdin="password-123\n"), 2)

    def test_address_add_without_pattern_exits_2(self):
        self.assertExit(self.cli("address", "add", ALICE), 2)

    def test_serve_with_arguments_exits_2(self):
        self.assertExit(self.cli("serve", "now"), 2)

    # ---- users and addresses

    def test_user_lifecycle(self):
        login = "ivan@example.org"
        self.assertExit(self.cli("user", "add", login, stdin="ivan-secret-1\n"), 0)
        self.assertIn(login.encode(), self.assertExit(self.cli("user", "list"), 0).stdout)
        # The login is the user's first sender address.
        self.assertIn(login.encode(), self.assertExit(self.cli("address", "list", login), 0).stdout)
        self.assertExit(self.cli("user", "add", login, stdin="ivan-secret-1\n"), 1)  # already exists
        self.assertExit(self.cli("user", "passwd", login, stdin="ivan-secret-2\n"), 0)
        self.assertExit(self.cli("user", "disable", login), 0)
        self.assertExit(self.cli("user", "enable", login), 0)
        self.assertExit(self.cli("user", "delete", login), 0)
        self.assertNotIn(login.encode(), self.assertExit(self.cli("user", "list"), 0).stdout)
        self.assertExit(self.cli("user", "delete", login), 1)  # no longer exists

    def test_user_add_with_short_password_exits_1(self):
        self.assertExit(self.cli("user", "add", "judy@example.org", stdin="short\n"), 1)
        self.assertNotIn(b"judy@example.org", self.cli("user", "list").stdout)

    def test_user_add_with_invalid_login_exits_1(self):
        result = self.cli("user", "add", "not an address", stdin="long-enough-1\n")
        self.assertIn(result.returncode, (1, 2), repr(result))
        self.assertNotIn(b"not an address", self.cli("user", "list").stdout)

    def test_user_passwd_of_unknown_user_exits_1(self):
        self.assertExit(self.cli("user", "passwd", "nobody@example.org", stdin="long-enough-1\n"), 1)

    def test_user_list_never_shows_passwords_or_hashes(self):
        self.assertExit(self.cli("user", "add", "kate@example.org", stdin="kate-secret-1\n"), 0)
        out = self.assertExit(self.cli("user", "list"), 0).stdout
        self.assertNotIn(b"kate-secret-1", out)
        self.assertNotIn(b"argon2", out)

    def test_address_add_list_remove(self):
        login = "leo@example.org"
        self.assertExit(self.cli("user", "add", login, stdin="leo-secret-1\n"), 0)
        self.assertExit(self.cli("address", "add", login, "@leo.example"), 0)
        self.assertExit(self.cli("address", "add", login, "Sales@Leo.Example"), 0)
        listed = self.assertExit(self.cli("address", "list", login), 0).stdout.lower()
        self.assertIn(b"@leo.example", listed)
        self.assertIn(b"sales@leo.example", listed)
        self.assertIn(b"@leo.example", self.assertExit(self.cli("address", "list"), 0).stdout.lower())
        self.assertExit(self.cli("address", "remove", login, "@leo.example"), 0)
        listed = self.assertExit(self.cli("address", "list", login), 0).stdout.lower()
        self.assertNotIn(b"\n@leo.example", b"\n" + listed)

    def test_address_add_for_unknown_user_exits_1(self):
        self.assertExit(self.cli("address", "add", "nobody@example.org", "@example.org"), 1)

    def test_address_add_with_malformed_pattern_exits_1(self):
        self.assertExit(self.cli("user", "add", "mia@example.org", stdin="mia-secret-1\n"), 0)
        result = self.cli("address", "add", "mia@example.org", "not-a-pattern")
        self.assertIn(result.returncode, (1, 2), repr(result))
        self.assertNotIn(b"not-a-pattern", self.cli("address", "list", "mia@example.org").stdout)


class HostileTextTest(unittest.TestCase):
    """Text a client chose never acts on the administrator's terminal and never splits a log line: the queue
    commands print it through core::printable(), log lines hold it in one core::logValue() field."""

    # A quoted local part may hold spaces and '=' (RFC 5321 §4.1.2): here, fields of a delivery log line.
    RECIPIENT = '"x status=sent relay=evil"@example.net'
    # UTF-8 the intake lets through: C1 CSI "clear screen" (U+009B, what ESC [ is in one character), a line
    # separator, NEL (a C1 control) and a right-to-left override. (C0 controls such as ESC itself are refused
    # in a header; they reach the spool below, the way an older version or a hand edit could leave them.)
    SUBJECT = "hi \u009b2J there\u2028next\u0085line \u202eevil"
    RAW = (b"\x1b", b"\x07", "\u009b".encode(), "\u2028".encode(), "\u0085".encode(), "\u202e".encode())

    def test_escape_sequences_and_injected_fields_never_reach_the_terminal_or_split_a_log_line(self):
        smarthost = FakeSmarthost()
        smarthost.mail_reply = lambda address: "451 4.3.0 come back later"  # the message stays queued
        smarthost.start()
        self.addCleanup(smarthost.stop)
        server = PosternServer({"relay.smarthost": smarthost.address, "relay.tls": "none",
                                "queue.retry_schedule": "1h", "queue.delay_warning": "0"})
        self.addCleanup(server.cleanup)
        server.add_user(ALICE, ALICE_PASSWORD)
        server.start()
        try:
            client = server.session(ALICE, ALICE_PASSWORD)
            try:
                reply = client.send_message(ALICE, [self.RECIPIENT],
                                            make_message(ALICE, to=self.RECIPIENT, subject=self.SUBJECT),
                                            "BODY=8BITMIME")
                queue_id = queue_id_of(reply)
            finally:
                client.close()
            line = wait_until(lambda: self.delivery_line(server, queue_id), what="the deferred attempt's log line")
            running_show = server.cli("queue", "show", queue_id).stdout
            running_list = server.cli("queue", "list").stdout
        finally:
            server.stop()

        # The injected text stays inside the one quoted to= value; the fields outside it are Postern's.
        value = re.search(r'to=("(?:[^"\\]|\\.)*")', line)
        self.assertIsNotNone(value, line)
        self.assertIn("x status=sent relay=evil", value.group(1))
        outside = line.replace(value.group(1), "")
        self.assertEqual(outside.count("status="), 1, line)
        self.assertIn("status=deferred", outside)
        self.assertNotIn("relay=evil", outside)

        # Stored values with raw ESC sequences (HELO name, the smarthost's reply), shown with the server stopped.
        envelope_path = find_queued(server, queue_id).envelope_path
        with open(envelope_path, encoding="utf-8") as f:
            envelope = f.read()
        envelope = re.sub(r"^helo .*$", "helo evil%1B]0;owned%07%1B[2J.example", envelope, flags=re.M)
        envelope = re.sub(r" reply=\S+", " reply=451%20later%1B[2J", envelope)
        with open(envelope_path, "w", encoding="utf-8") as f:
            f.write(envelope)
        stopped_show = server.cli("queue", "show", queue_id).stdout
        stopped_list = server.cli("queue", "list").stdout

        for name, output in (("queue show", running_show), ("queue list", running_list),
                             ("queue show (edited)", stopped_show), ("queue list (edited)", stopped_list)):
            for raw in self.RAW:
                self.assertNotIn(raw, output, "%s printed %r raw:\n%r" % (name, raw, output))
            self.assertIn(b'<"x status=sent relay=evil"@example.net>', output, name)
        # Visible instead, and the header block still reads as one field per line (folded lines keep their TAB).
        self.assertIn(b"\nSubject: hi \\u{009b}2J there\\u{2028}next\\u{0085}line \\u{202e}evil\n", running_show)
        self.assertIn(b"\nFrom: " + ALICE.encode() + b"\n", running_show)
        self.assertRegex(running_show, rb"\nReceived: from .*\n\tby " + HOSTNAME.encode())
        self.assertIn(b"(evil\\x1b]0;owned\\x07\\x1b[2J.example)", stopped_show)
        self.assertIn(b"451 later\\x1b[2J", stopped_list)

    def test_no_raw_control_character_or_line_separator_reaches_the_log_whatever_the_call_site(self):
        # app/logging.cpp passes every line through core::printable() before it is written, also for call
        # sites that escape nothing, such as the start-up lines naming the data directory.
        root = tempfile.mkdtemp(prefix="postern-it-")
        self.addCleanup(shutil.rmtree, root, True)
        server = PosternServer({"data_dir": os.path.join(root, "da\u2028ta\x1b[2J\u0085")}, create_data_dir=False)
        self.addCleanup(server.cleanup)
        server.start()
        server.stop()
        with open(server.log_path, "rb") as f:
            log = f.read()
        for raw in self.RAW:
            self.assertNotIn(raw, log)
        self.assertIn(b"da\\u{2028}ta\\x1b[2J\\u{0085}", log)

    @staticmethod
    def delivery_line(server, queue_id):
        for line in server.log_text().splitlines():
            if queue_id + ": to=" in line:
                return line
        return None

if __name__ == "__main__":
    unittest.main()
