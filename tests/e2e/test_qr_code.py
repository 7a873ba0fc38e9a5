"""The web admin's own QR encoder (web/js/qr.js, used to show the second factor's otpauth:// URI) checked by
an independent decoder: node draws the encoder's matrix as an image and zbarimg (zbar-tools) must read back
the exact text, for every version the encoder offers (1-10, level M) and each of the eight masks. Skipped,
saying why, when node or zbarimg is missing (deploy/install-deps.sh --test installs them)."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NODE = os.environ.get("POSTERN_NODE", "/usr/bin/node")
ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
# Bytes that fill each version at level M in byte mode (ISO/IEC 18004 Table 7): the longest text per version.
CAPACITY_M = {1: 14, 2: 26, 3: 42, 4: 62, 5: 84, 6: 106, 7: 122, 8: 152, 9: 180, 10: 213}


def decode(path):
    done = subprocess.run([ZBARIMG, "-q", "--raw", path], capture_output=True, timeout=60)
    return done.stdout.decode("utf-8").rstrip("\n"), done.returncode


@unittest.skipUnless(os.path.exists(NODE), "node missing (deploy/install-deps.sh --test)")
@unittest.skipUnless(os.path.exists(ZBARIMG), "zbarimg missing: apt-get install zbar-tools")
class QrEncoderTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postern-qr-")
        self.addCleanup(shutil.rmtree, self.dir)

    def draw(self, text, mask="auto"):
        out = os.path.join(self.dir, "qr.pgm")
        done = subprocess.run([NODE, os.path.join(HERE, "qr_to_pgm.mjs"), text, str(mask), out],
                              capture_output=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        return json.loads(done.stdout), out

    def test_every_version_at_full_capacity_decodes_to_the_same_text(self):
        for version, capacity in CAPACITY_M.items():
            text = ("v%02d-" % version + "0123456789abcdefghijklmnopqrstuvwxyz/?&=:%" * 6)[:capacity]
            info, image = self.draw(text)
            self.assertEqual(info["version"], version, text)
            self.assertEqual(info["size"], 17 + 4 * version)
            self.assertEqual(decode(image), (text, 0), "version %d" % version)

    def test_one_byte_more_than_a_version_holds_takes_the_next(self):
        info, _ = self.draw("x" * (CAPACITY_M[3] + 1))
        self.assertEqual(info["version"], 4)

    def test_each_of_the_eight_masks_decodes(self):
        uri = ("otpauth://totp/Postern:root@mail.example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
               "&issuer=Postern&algorithm=SHA1&digits=6&period=30")
        for mask in range(8):
            info, image = self.draw(uri, mask)
            self.assertEqual(info["mask"], mask)
            self.assertEqual(decode(image), (uri, 0), "mask %d" % mask)

    def test_utf8_text_round_trips(self):
        text = "otpauth://totp/Postern:j%C3%BCrgen?label=Jürgen – Büro"
        _, image = self.draw(text)
        self.assertEqual(decode(image), (text, 0))

    def test_text_beyond_version_10_is_refused(self):
        out = os.path.join(self.dir, "qr.pgm")
        done = subprocess.run([NODE, os.path.join(HERE, "qr_to_pgm.mjs"), "x" * 214, "auto", out],
                              capture_output=True, timeout=60)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("too long", done.stderr.decode())


if __name__ == "__main__":
    unittest.main()
