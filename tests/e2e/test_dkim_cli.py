"""`postern dkim ...` as an administrator uses it: generate (default selectors, --selector, --algorithm,
--bits, 1024 refused), import of a PEM file (a 1024-bit one refused), list, activate (rotation retires the
previous key), retire, delete (an active key only with --force), and dns (the TXT record exactly as it must
be published: 255-octet strings, p= the key's public half). Also: the master key file is created 0600 on
first use, the database holds no plaintext key, and usage errors exit 2."""

import base64
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import unittest

from postern_harness import PosternServer

MONTH = time.strftime("%Y%m", time.gmtime())
ZONE_RE = re.compile(r'^(\S+)\. IN TXT((?: "[^"]*")+)$')


def txt_value(line):
    match = ZONE_RE.match(line)
    assert match, line
    strings = re.findall(r'"([^"]*)"', match.group(2))
    return match.group(1), strings


class DkimCliTest(unittest.TestCase):

    def setUp(self):
        self.server = PosternServer()
        self.addCleanup(self.server.cleanup)

    def cli(self, *args, check=True):
        return self.server.cli("dkim", *args, check=check)

    def out(self, *args):
        return self.cli(*args).stdout.decode()

    def listing(self, domain=None):
        rows = self.out("list", *([domain] if domain else [])).strip().splitlines()
        return [tuple(r.split("\t")[:4]) for r in rows]

    def test_generate_prints_the_record_and_stores_a_pending_key(self):
        out = self.out("generate", "example.org")
        self.assertIn("generated rsa-2048 key example.org selector %sr (pending)" % MONTH, out)
        self.assertIn("postern dkim activate example.org %sr" % MONTH, out)
        name, strings = txt_value(out.strip().splitlines()[-1])
        self.assertEqual(name, "%sr._domainkey.example.org" % MONTH)
        self.assertEqual([len(s) for s in strings], [255, len("".join(strings)) - 255])
        value = "".join(strings)
        self.assertTrue(value.startswith("v=DKIM1; k=rsa; p="))
        self.assertEqual(len(base64.b64decode(value.split("p=", 1)[1])), 294)  # RSA-2048 SubjectPublicKeyInfo
        self.assertEqual(self.listing(), [("example.org", MONTH + "r", "rsa-2048", "pending")])

    def test_default_selectors_count_up_and_options_are_honoured(self):
        self.out("generate", "example.org", "--algorithm", "ed25519")
        self.out("generate", "example.org", "--algorithm=ed25519")
        self.out("generate", "example.org", "--bits", "3072")
        self.out("generate", "Example.ORG", "--selector", "Custom-1", "--algorithm", "ed25519")
        self.assertEqual(sorted(self.listing("example.org")), sorted([
            ("example.org", MONTH + "e", "ed25519", "pending"),
            ("example.org", MONTH + "e2", "ed25519", "pending"),
            ("example.org", MONTH + "r", "rsa-3072", "pending"),
            ("example.org", "custom-1", "ed25519", "pending"),
        ]))
        name, strings = txt_value(self.out("dns", "example.org", MONTH + "e").strip())
        self.assertEqual(len(strings), 1)
        self.assertEqual(len(base64.b64decode(strings[0].split("p=", 1)[1])), 32)  # RFC 8463: raw key

    def test_small_keys_and_bad_input_are_refused(self):
        r = self.cli("generate", "example.org", "--bits", "1024", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"1024-bit keys are refused", r.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            pem = os.path.join(tmp, "old.pem")
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
                            "-out", pem], check=True, capture_output=True)
            r = self.cli("import", "example.org", "old", pem, check=False)
            self.assertEqual(r.returncode, 1)
            self.assertIn(b"at least 2048 required", r.stderr)
        r = self.cli("generate", "not_a_domain", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"not a domain name", r.stderr)
        r = self.cli("generate", "example.org", "--algorithm", "dsa", check=False)
        self.assertEqual(r.returncode, 2)
        for args in (["frobnicate"], ["activate", "example.org"], ["generate"], ["list", "a", "b"],
                     ["generate", "example.org", "--colour", "blue"]):
            self.assertEqual(self.cli(*args, check=False).returncode, 2, args)
        self.assertEqual(self.listing(), [])

    def test_import_keeps_the_public_key_of_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            pem = os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", pem], check=True, capture_output=True)
            der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"], check=True,
                                 capture_output=True).stdout
            out = self.out("import", "example.org", "imported", pem)
        self.assertIn("imported ed25519 key example.org selector imported (pending)", out)
        _, strings = txt_value(self.out("dns", "example.org", "imported").strip())
        self.assertEqual(base64.b64decode(strings[0].split("p=", 1)[1]), der[-32:])

    def test_activation_waits_for_the_published_record_unless_forced(self):
        # The harness's resolver is a loopback port where nothing answers: the record cannot be seen.
        self.out("generate", "example.org", "--selector", "unseen")
        r = self.cli("activate", "example.org", "unseen", check=False)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(b"unseen._domainkey.example.org", r.stderr)
        self.assertIn(("example.org", "unseen", "rsa-2048", "pending"), self.listing())
        self.assertIn("activated example.org unseen", self.out("activate", "example.org", "unseen", "--force"))

    # Rotation itself, with the DNS check forced past (test_activation_waits_… covers the check).
    def test_rotation_activate_retire_delete(self):
        self.out("generate", "example.org", "--selector", "old")
        self.out("generate", "example.org", "--selector", "ed", "--algorithm", "ed25519")
        self.assertEqual(self.out("activate", "example.org", "old", "--force").strip(), "activated example.org old")
        self.out("activate", "example.org", "ed", "--force")
        self.out("generate", "example.org", "--selector", "new")
        out = self.out("activate", "example.org", "new", "--force")
        self.assertIn("activated example.org new (retired old", out)
        self.assertEqual(sorted(self.listing()), [
            ("example.org", "ed", "ed25519", "active"),
            ("example.org", "new", "rsa-2048", "active"),
            ("example.org", "old", "rsa-2048", "retired"),
        ])
        # dns without a selector: what must be published now (pending and active keys).
        names = [txt_value(l)[0] for l in self.out("dns", "example.org").strip().splitlines()]
        self.assertEqual(sorted(names), ["ed._domainkey.example.org", "new._domainkey.example.org"])

        r = self.cli("delete", "example.org", "new", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"is active", r.stderr)
        self.out("retire", "example.org", "ed")
        self.assertIn(("example.org", "ed", "ed25519", "retired"), self.listing())
        self.assertIn("deleted example.org old", self.out("delete", "example.org", "old"))
        self.assertIn("deleted example.org new", self.out("delete", "example.org", "new", "--force"))
        self.assertEqual(self.listing(), [("example.org", "ed", "ed25519", "retired")])
        r = self.cli("activate", "example.org", "gone", "--force", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"no DKIM key example.org/gone", r.stderr)
        self.assertEqual(self.cli("dns", "example.net", check=False).returncode, 1)

    def test_the_master_key_file_is_private_and_the_database_holds_no_plaintext_key(self):
        master = os.path.join(self.server.data_dir, "master.key")
        self.out("list")
        self.assertFalse(os.path.exists(master), "listing needs no master key")
        self.out("generate", "example.org", "--algorithm", "ed25519")
        self.assertEqual(os.stat(master).st_mode & 0o777, 0o600)
        with open(master) as f:
            self.assertEqual(len(base64.b64decode(f.read().strip(), validate=True)), 32)
        with sqlite3.connect(os.path.join(self.server.data_dir, "postern.db")) as db:
            (private_key,) = db.execute("SELECT private_key FROM dkim_keys").fetchone()
        self.assertTrue(private_key.startswith("v1:"))
        self.assertNotIn("PRIVATE", private_key)
        # A copy of the database with another master key cannot activate the key.
        os.rename(master, master + ".moved")
        with open(master, "w") as f:
            f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
        r = self.cli("activate", "example.org", MONTH + "e", "--force", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"master key", r.stderr)


if __name__ == "__main__":
    unittest.main()
