"""Bounds a hostile or broken client cannot get around, and start-up refusals: the login deadline (a
client that keeps a connection busy without authenticating, or trickles a TLS handshake), shutdown with
a connection stuck in a handshake, permissions re-read for every transaction, one server per data
directory, and a cipher list without forward secrecy."""

import os
import pwd
import socket
import subprocess
import sys
import time
import unittest

from postern_harness import (IO_TIMEOUT, LOOPBACK, PosternServer, ServerTestCase, clean_environment,
                             client_hello_bytes, find_queued, make_message, queue_id_of)

ALICE = "alice@example.org"
ALICE_PASSWORD = "alice-secret-1"
LOGIN_TIMEOUT = 10  # the smallest smtp.timeout.login


def trickle_until_closed(sock, data, pause):
    """Sends data one byte at a time; returns how many bytes went out before the server closed."""
    for sent in range(len(data)):
        try:
            sock.sendall(data[sent:sent + 1])
            sock.settimeout(pause)
            if sock.recv(1) == b"":
                return sent + 1
        except socket.timeout:
            continue
        except OSError:
            return sent
    return len(data)


class LoginDeadlineTest(ServerTestCase):
    settings = {"smtp.timeout.login": str(LOGIN_TIMEOUT)}
    users = {ALICE: (ALICE_PASSWORD, [])}

    def test_busy_client_that_never_authenticates_gets_421_4_4_2_at_the_login_deadline(self):
        client = self.connect()
        client.ehlo()
        # Every NOOP is answered, so only the login deadline can end this connection.
        for _ in range(int(IO_TIMEOUT)):
            reply = None
            try:
                reply = client.cmd("NOOP")
            except AssertionError:
                break
            if reply.code == 421:
                self.assertReply(reply, 421, "4.4.2")
                self.assertTrue(client.is_closed_by_server(), client.transcript_text())
                return
            self.assertReply(reply, 250)
            time.sleep(1)
        replies = client.read_until_closed()
        self.assertTrue(replies and replies[-1].code == 421, client.transcript_text())

    def test_trickled_tls_handshake_is_cut_at_the_login_deadline(self):
        hello = client_hello_bytes()
        sock = socket.create_connection((LOOPBACK, self.server.port("submissions")), timeout=IO_TIMEOUT)
        self.addCleanup(sock.close)
        # At one byte per second the hello would take minutes; the server must close long before.
        sent = trickle_until_closed(sock, hello, pause=1.0)
        self.assertLess(sent, len(hello), "the server waited for the whole trickled handshake")

    def test_authenticated_client_is_not_subject_to_the_login_deadline(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        time.sleep(LOGIN_TIMEOUT + 3)
        self.assertReply(client.cmd("NOOP"), 250)


class ShutdownWithStuckHandshakeTest(unittest.TestCase):
    def test_sigterm_ends_a_connection_stuck_in_a_tls_handshake(self):
        server = PosternServer({"smtp.shutdown_grace": "1", "smtp.timeout.login": "600"})
        self.addCleanup(server.cleanup)
        server.start()
        sock = socket.create_connection((LOOPBACK, server.port("submissions")), timeout=IO_TIMEOUT)
        self.addCleanup(sock.close)
        sock.sendall(client_hello_bytes()[:10])  # a handshake that never completes
        time.sleep(0.5)
        server.terminate()
        server.stop()  # asserts exit 0 within STOP_TIMEOUT (the handshake alone would hold it 600 s)
        sock.settimeout(IO_TIMEOUT)
        self.assertEqual(sock.recv(1), b"")


class PermissionsPerTransactionTest(ServerTestCase):
    users = {ALICE: (ALICE_PASSWORD, ["@example.org"])}

    def test_disabling_a_user_stops_their_open_connection_at_the_next_mail(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        self.assertReply(client.cmd("RSET"), 250)
        self.server.cli("user", "disable", ALICE)
        try:
            self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 553, "5.7.1")
        finally:
            self.server.cli("user", "enable", ALICE)

    def test_removing_an_address_takes_effect_on_an_open_connection(self):
        client = self.session(ALICE, ALICE_PASSWORD)
        self.assertReply(client.cmd("MAIL FROM:<sales@example.org>"), 250)
        self.assertReply(client.cmd("RSET"), 250)
        self.server.cli("address", "remove", ALICE, "@example.org")
        try:
            self.assertReply(client.cmd("MAIL FROM:<sales@example.org>"), 553, "5.7.1")
            self.assertReply(client.cmd("MAIL FROM:<%s>" % ALICE), 250)
        finally:
            self.server.cli("address", "add", ALICE, "@example.org")


@unittest.skipUnless(os.geteuid() == 0, "switching users needs root")
class RunAsUserTest(unittest.TestCase):
    def test_server_started_as_root_serves_as_the_configured_user(self):
        nobody = pwd.getpwnam("nobody").pw_uid
        server = PosternServer({"user": "nobody"})
        self.addCleanup(server.cleanup)
        os.chmod(server.root, 0o711)  # the unprivileged user must reach data_dir inside the test directory
        server.add_user(ALICE, ALICE_PASSWORD)  # the CLI switches users too
        server.start()
        with open("/proc/%d/status" % server.process.pid) as status:
            uids = [line.split()[1:] for line in status if line.startswith("Uid:")][0]
        self.assertEqual(set(uids), {str(nobody)}, "real, effective, saved and filesystem uid")
        client = server.session(ALICE, ALICE_PASSWORD)
        self.addCleanup(client.close)
        reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
        queued = find_queued(server, queue_id_of(reply))
        for path in (queued.envelope_path, queued.body_path, os.path.join(server.data_dir, "postern.db")):
            self.assertEqual(os.stat(path).st_uid, nobody, path)
        server.stop()
        # Bind as root, drop, then accept: the switch is logged before the first listener accepts.
        log = server.log_text()
        self.assertLess(log.index("running as user nobody"), log.index("smtp: listening on"), log)

    def test_root_without_user_acts_as_the_owner_of_the_data_directory(self):
        nobody = pwd.getpwnam("nobody")
        server = PosternServer()
        self.addCleanup(server.cleanup)
        os.chmod(server.root, 0o711)
        os.chown(server.data_dir, nobody.pw_uid, nobody.pw_gid)
        server.add_user(ALICE, ALICE_PASSWORD)
        self.assertEqual(os.stat(os.path.join(server.data_dir, "postern.db")).st_uid, nobody.pw_uid)
        server.start()
        with open("/proc/%d/status" % server.process.pid) as status:
            uids = [line.split()[1:] for line in status if line.startswith("Uid:")][0]
        self.assertEqual(set(uids), {str(nobody.pw_uid)})
        server.stop()


# The service account swaps a directory it owns with a symlink to a root directory, as fast as it can,
# while root runs the CLI: a walk by path (lchown of every entry, as before) sooner or later gives a root
# file away. Root commands no longer walk at all; `fix-permissions` walks by descriptor only.
SWAPPER = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b, stop = (arg.encode() for arg in sys.argv[1:4])
AT_FDCWD, RENAME_EXCHANGE = -100, 2
while not os.path.exists(stop):
    for _ in range(2000):
        libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
"""

SETUP_AS_SERVICE = r"""
import os, sys
data, victim = sys.argv[1:3]
os.makedirs(os.path.join(data, "a", "zz"))
open(os.path.join(data, "a", "zz", "file"), "w").close()
os.symlink(victim, os.path.join(data, "a", "zzlink"))
"""


@unittest.skipUnless(os.geteuid() == 0, "the attack needs root (the CLI) and an unprivileged account")
class DataDirectoryTakeoverTest(unittest.TestCase):
    def test_no_file_outside_the_data_directory_changes_owner_while_the_service_account_swaps_links(self):
        nobody = pwd.getpwnam("nobody")
        server = PosternServer({"user": "nobody"})
        self.addCleanup(server.cleanup)
        os.chmod(server.root, 0o711)
        server.add_user(ALICE, ALICE_PASSWORD)  # the first command hands the root-made data directory over
        victim = os.path.join(server.root, "victim")
        os.mkdir(victim, 0o700)
        secret = os.path.join(victim, "secret")
        with open(secret, "w") as f:
            f.write("root's\n")
        os.chmod(secret, 0o600)
        as_service = dict(user=nobody.pw_uid, group=nobody.pw_gid, extra_groups=[])
        subprocess.run([sys.executable, "-c", SETUP_AS_SERVICE, server.data_dir, victim], check=True, **as_service)
        stop = os.path.join(server.root, "stop-swapping")
        swapper = subprocess.Popen([sys.executable, "-c", SWAPPER, os.path.join(server.data_dir, "a", "zz"),
                                    os.path.join(server.data_dir, "a", "zzlink"), stop], **as_service)
        try:
            for _ in range(8):
                server.cli("user", "list")
                result = server.cli("fix-permissions")
                self.assertIn(b"entries of", result.stdout)
        finally:
            open(stop, "w").close()
            swapper.wait(timeout=30)
        for path in (victim, secret):
            self.assertEqual(os.stat(path).st_uid, 0, path)
        self.assertEqual(os.stat(server.data_dir).st_uid, nobody.pw_uid)

    def test_fix_permissions_gives_root_owned_files_back_to_the_service_account(self):
        nobody = pwd.getpwnam("nobody")
        server = PosternServer({"user": "nobody"})
        self.addCleanup(server.cleanup)
        os.chmod(server.root, 0o711)
        server.add_user(ALICE, ALICE_PASSWORD)
        stray = os.path.join(server.data_dir, "postern.db-copy")  # e.g. left by `sqlite3` run as root
        open(stray, "w").close()
        self.assertEqual(os.stat(stray).st_uid, 0)
        server.cli("user", "list")  # an ordinary command does not walk the directory
        self.assertEqual(os.stat(stray).st_uid, 0)
        result = server.cli("fix-permissions")
        self.assertIn(b"gave 1 entries", result.stdout)
        self.assertEqual(os.stat(stray).st_uid, nobody.pw_uid)


class DataDirectoryModeTest(unittest.TestCase):
    def test_a_data_directory_open_to_others_is_made_private(self):
        server = PosternServer()
        self.addCleanup(server.cleanup)
        os.chmod(server.data_dir, 0o755)
        result = server.cli("user", "list")
        self.assertEqual(os.stat(server.data_dir).st_mode & 0o777, 0o700)
        self.assertIn(b"it is now private (0700)", result.stderr)


class StartupRefusalTest(unittest.TestCase):
    def run_serve(self, server, timeout=60):
        return subprocess.run([server.binary, "--config", server.config_path, "serve"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=clean_environment(),
                              timeout=timeout)

    def test_second_server_on_the_same_data_directory_is_refused(self):
        first = PosternServer()
        self.addCleanup(first.cleanup)
        first.start()
        second = PosternServer({"data_dir": first.data_dir}, create_data_dir=False)
        self.addCleanup(second.cleanup)
        result = self.run_serve(second)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(b"another postern server is using", result.stdout)
        first.stop()

    def test_second_server_on_a_port_in_use_is_refused(self):
        # With SO_REUSEPORT both would listen and share the connections; the second must fail instead.
        first = PosternServer()
        self.addCleanup(first.cleanup)
        first.start()
        port = first.port("submission")
        second = PosternServer({"listen.submission": "%s:%d" % (LOOPBACK, port)})
        self.addCleanup(second.cleanup)
        result = self.run_serve(second)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(b"cannot listen on 127.0.0.1:%d (listen.submission)" % port, result.stdout)
        first.stop()

    def test_cipher_list_without_forward_secrecy_is_refused(self):
        server = PosternServer({"tls.ciphers": "AES128-SHA:ECDHE+AESGCM"})
        self.addCleanup(server.cleanup)
        result = self.run_serve(server)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(b"AES128-SHA, which has no forward secrecy", result.stdout)


if __name__ == "__main__":
    unittest.main()
