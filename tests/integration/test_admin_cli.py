"""`postern admin`: the web admin's accounts from the command line, as an operator meets it — accounts added
with the password on standard input (never on the command line), listed with role, state and last login,
changed, disabled and deleted; the last enabled admin kept; every change in the audit log under the name of
whoever ran the command, and no password anywhere in the database or in what the command prints.
The commands need no running server; one test runs them beside a running one (SQLite in WAL mode).
"""

import glob
import os
import pwd
import re
import sqlite3
import unittest

from postern_harness import PosternServer

ROOT = ("root", "root-password-1")
OPS = ("ops@example.org", "ops-password-1")
LAST_ADMIN = "the last enabled administrator with role admin"


class AdminCliTest(unittest.TestCase):
    def setUp(self):
        self.server = PosternServer()
        self.addCleanup(self.server.cleanup)

    # -- helpers
    def admin(self, *args, stdin=None, check=True):
        return self.server.cli("admin", *args, stdin=stdin, check=check)

    def listing(self):
        """{login: (role, state, last login)} from `postern admin list`."""
        rows = {}
        for line in self.admin("list").stdout.decode().splitlines():
            login, role, state, created, last = line.split("\t")
            self.assertRegex(created, r"^created \d{4}-\d\d-\d\d \d\d:\d\d$")
            rows[login] = (role, state, last)
        return rows

    def query(self, sql, *params):
        with sqlite3.connect(os.path.join(self.server.data_dir, "postern.db")) as db:
            return db.execute(sql, params).fetchall()

    def password_hash(self, login):
        return self.query("SELECT password_hash FROM admin_accounts WHERE login = ?", login)[0][0]

    def assertFails(self, result, code, message):
        self.assertEqual(result.returncode, code, result)
        self.assertIn(message, result.stderr.decode(), result)

    # -- the tests
    def test_add_reads_the_password_from_standard_input_and_list_shows_the_account(self):
        result = self.admin("add", "Root", stdin=ROOT[1] + "\n")
        self.assertEqual(result.stdout.decode(), "added root (role admin)\n")
        self.admin("add", OPS[0], "--role", "viewer", stdin=OPS[1] + "\n")
        self.assertEqual(self.listing(), {"root": ("admin", "enabled", "last login never"),
                                          "ops@example.org": ("viewer", "enabled", "last login never")})
        self.assertTrue(self.password_hash("root").startswith("$argon2id$"))

    def test_no_password_is_stored_or_printed(self):
        outputs = [self.admin("add", ROOT[0], stdin=ROOT[1] + "\n"),
                   self.admin("passwd", ROOT[0], stdin="root-password-2\n"), self.admin("list")]
        for path in glob.glob(os.path.join(self.server.data_dir, "postern.db*")):
            with open(path, "rb") as f:
                content = f.read()
            for secret in (ROOT[1], "root-password-2"):
                self.assertNotIn(secret.encode(), content, path)
        for result in outputs:
            self.assertNotIn(b"root-password", result.stdout + result.stderr)

    def test_passwd_replaces_the_hash(self):
        self.admin("add", ROOT[0], stdin=ROOT[1] + "\n")
        before = self.password_hash("root")
        self.assertEqual(self.admin("passwd", "root", stdin="root-password-2\n").stdout.decode(),
                         "password changed for root; its web sessions ended\n")
        self.assertNotEqual(self.password_hash("root"), before)

    def test_a_password_the_policy_refuses_creates_nothing(self):
        self.assertFails(self.admin("add", ROOT[0], stdin="short\n", check=False), 1,
                         "the password is too short")
        self.assertFails(self.admin("add", ROOT[0], stdin="", check=False), 1, "no password on standard input")
        self.assertEqual(self.listing(), {})

    def test_disable_enable_role_and_delete(self):
        self.admin("add", ROOT[0], stdin=ROOT[1] + "\n")
        self.admin("add", OPS[0], stdin=OPS[1] + "\n")
        self.assertEqual(self.admin("disable", OPS[0]).stdout.decode(), "disabled ops@example.org\n")
        self.assertEqual(self.listing()[OPS[0]][:2], ("admin", "disabled"))
        self.admin("enable", OPS[0])
        self.assertEqual(self.admin("role", OPS[0], "viewer").stdout.decode(),
                         "ops@example.org now has role viewer\n")
        self.assertEqual(self.listing()[OPS[0]][:2], ("viewer", "enabled"))
        self.assertEqual(self.admin("delete", OPS[0]).stdout.decode(), "deleted ops@example.org\n")
        self.assertEqual(list(self.listing()), ["root"])

    def test_the_last_enabled_admin_cannot_be_disabled_demoted_or_deleted(self):
        self.admin("add", ROOT[0], stdin=ROOT[1] + "\n")
        self.admin("add", OPS[0], "--role", "viewer", stdin=OPS[1] + "\n")
        for args in (("disable", "root"), ("role", "root", "viewer"), ("delete", "root")):
            self.assertFails(self.admin(*args, check=False), 1, LAST_ADMIN)
        self.assertEqual(self.listing()["root"][:2], ("admin", "enabled"))
        # With a second enabled admin the first may go.
        self.admin("role", OPS[0], "admin")
        self.admin("delete", "root")
        self.assertFails(self.admin("disable", OPS[0], check=False), 1, LAST_ADMIN)

    def test_invalid_logins_roles_and_arguments(self):
        self.assertFails(self.admin("add", "night shift", stdin=ROOT[1] + "\n", check=False), 1,
                         "invalid administrator login")
        self.assertFails(self.admin("add", "x" * 65, stdin=ROOT[1] + "\n", check=False), 1,
                         "invalid administrator login")
        self.assertFails(self.admin("add", "ops", "--role", "owner", check=False), 2, "unknown role 'owner'")
        self.assertFails(self.admin("role", "ops", check=False), 2, "usage: postern admin")
        self.assertFails(self.admin("passwd", "ops", "--role", "admin", check=False), 2, "--role")
        self.assertFails(self.admin("frobnicate", check=False), 2, "usage: postern admin")
        self.assertFails(self.admin("enable", "ghost", check=False), 1, "no such administrator: ghost")
        self.assertEqual(self.listing(), {})

    def test_every_change_is_audited_under_the_operating_system_user(self):
        user = pwd.getpwuid(os.getuid()).pw_name
        self.admin("add", ROOT[0], stdin=ROOT[1] + "\n")
        self.admin("add", OPS[0], "--role", "viewer", stdin=OPS[1] + "\n")
        self.admin("disable", "root", check=False)
        self.admin("passwd", OPS[0], stdin="ops-password-2\n")
        rows = self.query("SELECT actor, client_address, action, object, outcome FROM audit_log ORDER BY id")
        self.assertEqual(rows[:2], [(user, "", "admin.add", "root (admin)", "ok"),
                                    (user, "", "admin.add", "ops@example.org (viewer)", "ok")])
        self.assertEqual(rows[2][:4], (user, "", "admin.disable", "root"))
        self.assertTrue(re.match(r"^failed: cannot disable root: .*" + LAST_ADMIN, rows[2][4]), rows[2])
        self.assertEqual(rows[3], (user, "", "admin.passwd", "ops@example.org", "ok"))
        self.assertNotIn("ops-password", repr(rows))

    def test_commands_work_while_the_server_runs(self):
        self.server.start()
        self.addCleanup(self.server.stop)
        self.admin("add", ROOT[0], stdin=ROOT[1] + "\n")
        self.assertEqual(list(self.listing()), ["root"])


if __name__ == "__main__":
    unittest.main()
