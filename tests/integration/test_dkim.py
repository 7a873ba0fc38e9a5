"""DKIM signing end to end: keys made with `postern dkim ...` while the real server runs, mail submitted over
STARTTLS + AUTH, and the message as it lies in the spool (prepended header fields from the envelope + the
body file) verified by two independent implementations through stand-in DNS serving the records that
`postern dkim dns` prints: dkimpy (every signature, Ed25519 included) and Mail::DKIM (RSA; it has no
ed25519-sha256).

Covers: dual signature (ed25519 + rsa) both passing, tampering failing, d= the parent domain when only the
parent has a key, Date and Message-ID added by Postern inside the signed header section, rotation without a
restart, the missing-key policy (unsigned + warning / 550 5.7.1), and a wrong master key (451 4.3.0, logged,
the server keeps running)."""

import base64
import os
import re
import subprocess
import tempfile
import unittest

import dkim

from postern_harness import ServerTestCase, PosternServer, find_queued, make_message, queue_id_of

ALICE = "alice@example.org"
PASSWORD = "alice-secret-1"
PATTERNS = ["@example.org", "@mail.parent.test", "@rotate.test", "@nokey.test", "@sub.dual.test"]

MAIL_DKIM_SCRIPT = r"""use strict; use warnings;
use Mail::DKIM::Verifier; use Net::DNS;
my ($msgfile, $zonefile) = @ARGV;
my %txt;
open my $z, '<', $zonefile or die; while (my $l = <$z>) { chomp $l; my ($n, $v) = split /\t/, $l, 2; $txt{$n} = $v; } close $z;
package FakeResolver;
sub new { bless { txt => $_[1] }, $_[0] }
sub errorstring { "NOERROR" }
sub send {
  my ($self, $name, $type) = @_;
  my $p = Net::DNS::Packet->new($name, $type);
  $p->header->rcode("NOERROR");
  (my $n = lc $name) =~ s/\.$//;
  if (exists $self->{txt}{$n}) {
    my @chunks = unpack("(A255)*", $self->{txt}{$n});
    $p->push(answer => Net::DNS::RR->new(name => $name, type => "TXT", ttl => 60, txtdata => [@chunks]));
  }
  return $p;
}
package main;
Mail::DKIM::DNS::resolver(FakeResolver->new(\%txt));
my $v = Mail::DKIM::Verifier->new;
open my $fh, '<', $msgfile or die; binmode $fh; $v->load($fh); close $fh;
my @results = map { $_->result } $v->signatures;
print join(",", map { ($_->algorithm // "?") . "=" . $_->result } $v->signatures), "\n";
exit($v->result eq "pass" ? 0 : 1);
"""


class Zone:
    """TXT records as `postern dkim dns` prints them: 'sel._domainkey.d. IN TXT "..." "..."'."""

    LINE_RE = re.compile(r'^(\S+)\. IN TXT((?: "[^"]*")+)$')

    def __init__(self):
        self.records = {}

    def add_output(self, text):
        for line in text.strip().splitlines():
            match = self.LINE_RE.match(line)
            if not match:
                continue
            strings = re.findall(r'"([^"]*)"', match.group(2))
            assert all(len(s) <= 255 for s in strings), line
            self.records[match.group(1).lower()] = "".join(strings)

    def dnsfunc(self, name, timeout=5):
        key = name.decode() if isinstance(name, bytes) else name
        value = self.records.get(key.rstrip(".").lower())
        return value.encode() if value is not None else None


def signature_tags(message):
    """The tag dictionaries of every DKIM-Signature field, top first."""
    head = message.split(b"\r\n\r\n", 1)[0]
    fields, current = [], None
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and current is not None:
            current += line
            continue
        if current is not None:
            fields.append(current)
        current = line
    fields.append(current)
    out = []
    for f in fields:
        name, _, value = f.partition(b":")
        if name.strip().lower() == b"dkim-signature":
            tags = {}
            for part in value.split(b";"):
                k, _, v = part.partition(b"=")
                if k.strip():
                    tags[k.strip().decode()] = re.sub(rb"\s+", b"", v).decode()
            out.append(tags)
    return out


class DkimCase(ServerTestCase):
    users = {ALICE: (PASSWORD, PATTERNS)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zone = Zone()

    # -- keys
    @classmethod
    def generate(cls, domain, algorithm="rsa", selector=None, activate=True):
        """`postern dkim generate` (and activate); the printed TXT record goes into the stand-in zone."""
        args = ["dkim", "generate", domain, "--algorithm", algorithm]
        if selector:
            args += ["--selector", selector]
        out = cls.server.cli(*args).stdout.decode()
        selector = re.search(r" selector (\S+) \(pending\)", out).group(1)
        cls.zone.add_output(cls.server.cli("dkim", "dns", domain, selector).stdout.decode())
        if activate:
            cls.server.cli("dkim", "activate", domain, selector, "--force")
        return selector

    # -- mail
    def send(self, from_addr, **kwargs):
        client = self.session(ALICE, PASSWORD)
        reply = client.send_message(from_addr, ["bob@example.net"], make_message(from_addr, **kwargs))
        return reply

    def queued(self, from_addr, **kwargs):
        reply = self.send(from_addr, **kwargs)
        return find_queued(self.server, queue_id_of(reply)).full

    # -- verifiers
    def dkimpy(self, message, index=0):
        """dkimpy's verdict on the index-th DKIM-Signature (dkim.verify() checks only the first)."""
        try:
            return dkim.DKIM(message).verify(idx=index, dnsfunc=self.zone.dnsfunc)
        except dkim.DKIMException:  # e.g. "body hash mismatch": a failed verification
            return False

    def mail_dkim(self, message):
        with tempfile.TemporaryDirectory() as tmp:
            paths = {name: os.path.join(tmp, name) for name in ("msg.eml", "zone", "verify.pl")}
            with open(paths["msg.eml"], "wb") as f:
                f.write(message)
            with open(paths["zone"], "w") as f:
                for name, value in self.zone.records.items():
                    f.write("%s\t%s\n" % (name, value))
            with open(paths["verify.pl"], "w") as f:
                f.write(MAIL_DKIM_SCRIPT)
            proc = subprocess.run(["/usr/bin/perl", paths["verify.pl"], paths["msg.eml"], paths["zone"]],
                                  capture_output=True, timeout=60)
            self.assertIn(proc.returncode, (0, 1), proc.stderr.decode())
            return proc.returncode == 0, proc.stdout.decode().strip()


class DkimSigningTest(DkimCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Made while the server runs: they must take effect without a restart.
        cls.example_ed = cls.generate("example.org", "ed25519")
        cls.example_rsa = cls.generate("example.org", "rsa")
        cls.parent_rsa = cls.generate("parent.test", "rsa")

    def test_dual_signature_ed25519_then_rsa_both_verify_in_dkimpy(self):
        message = self.queued(ALICE)
        tags = signature_tags(message)
        self.assertEqual([t["a"] for t in tags], ["ed25519-sha256", "rsa-sha256"])
        self.assertEqual([t["s"] for t in tags], [self.example_ed, self.example_rsa])
        self.assertEqual({t["d"] for t in tags}, {"example.org"})
        self.assertEqual({t["c"] for t in tags}, {"relaxed/relaxed"})
        self.assertTrue(self.dkimpy(message, 0), "ed25519 signature")
        self.assertTrue(self.dkimpy(message, 1), "rsa signature")

    def test_mail_dkim_verifies_the_rsa_signature(self):
        message = self.queued(ALICE, body="Regards,\r\n\r\n-- \r\nAlice\r\n")
        ok, detail = self.mail_dkim(message)
        self.assertTrue(ok, detail)
        self.assertIn("rsa-sha256=pass", detail)

    def test_signatures_sit_on_top_and_received_is_not_signed(self):
        message = self.queued(ALICE)
        self.assertTrue(message.startswith(b"DKIM-Signature: "), message[:200])
        for tags in signature_tags(message):
            self.assertNotIn("received", tags["h"].lower().split(":"))
            self.assertIn("from", tags["h"].split(":"))

    def test_date_and_message_id_added_by_postern_are_signed(self):
        message = self.queued(ALICE, date=False, message_id=False)
        head = message.split(b"\r\n\r\n", 1)[0]
        self.assertIn(b"\r\nDate: ", head)
        self.assertIn(b"\r\nMessage-ID: <", head)
        for tags in signature_tags(message):
            names = tags["h"].lower().split(":")
            self.assertIn("date", names)
            self.assertIn("message-id", names)
        self.assertTrue(self.dkimpy(message, 0))
        self.assertTrue(self.dkimpy(message, 1))
        self.assertTrue(self.mail_dkim(message)[0])
        # Changing the Date that Postern added breaks the signatures: it is covered.
        forged = re.sub(rb"\r\nDate: [^\r]*", b"\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000", message, count=1)
        self.assertFalse(self.dkimpy(forged, 0))
        self.assertFalse(self.mail_dkim(forged)[0])

    def test_tampering_fails_in_both_verifiers(self):
        message = self.queued(ALICE, subject="quarterly", body="The total is 100.\r\n")
        self.assertTrue(self.dkimpy(message, 0))
        body = message.replace(b"The total is 100.", b"The total is 900.")
        self.assertFalse(self.dkimpy(body, 0))
        self.assertFalse(self.dkimpy(body, 1))
        self.assertFalse(self.mail_dkim(body)[0])
        subject = message.replace(b"Subject: quarterly", b"Subject: urgent")
        self.assertFalse(self.dkimpy(subject, 0))
        self.assertFalse(self.mail_dkim(subject)[0])
        # A second From added below breaks the over-signed h= (RFC 6376 §8.15).
        head, body_part = message.split(b"\r\n\r\n", 1)
        second_from = head + b"\r\nFrom: mallory@evil.example" + b"\r\n\r\n" + body_part
        self.assertFalse(self.dkimpy(second_from, 1))
        self.assertFalse(self.mail_dkim(second_from)[0])

    def test_a_subdomain_with_only_a_parent_key_is_signed_with_d_parent(self):
        message = self.queued("news@mail.parent.test")
        tags = signature_tags(message)
        self.assertEqual(len(tags), 1)
        self.assertEqual(tags[0]["d"], "parent.test")
        self.assertEqual(tags[0]["s"], self.parent_rsa)
        self.assertTrue(self.dkimpy(message, 0))
        self.assertTrue(self.mail_dkim(message)[0])

    def test_rotation_takes_effect_without_a_restart(self):
        first = self.generate("rotate.test", "rsa", selector="one")
        message = self.queued("ops@rotate.test")
        self.assertEqual([t["s"] for t in signature_tags(message)], [first])
        second = self.generate("rotate.test", "rsa", selector="two", activate=False)
        # Pending: published, not yet signing.
        self.assertEqual([t["s"] for t in signature_tags(self.queued("ops@rotate.test"))], [first])
        self.server.cli("dkim", "activate", "rotate.test", second, "--force")
        message = self.queued("ops@rotate.test")
        self.assertEqual([t["s"] for t in signature_tags(message)], [second])
        self.assertTrue(self.dkimpy(message, 0))
        listing = self.server.cli("dkim", "list", "rotate.test").stdout.decode()
        self.assertRegex(listing, r"rotate\.test\tone\trsa-2048\tretired")
        self.assertRegex(listing, r"rotate\.test\ttwo\trsa-2048\tactive")
        self.server.cli("dkim", "retire", "rotate.test", second)
        self.assertEqual(signature_tags(self.queued("ops@rotate.test")), [])

    def test_no_key_relays_unsigned_and_logs_a_warning(self):
        reply = self.send("someone@nokey.test")
        message = find_queued(self.server, queue_id_of(reply)).full
        self.assertEqual(signature_tags(message), [])
        self.assertRegex(self.server.log_text(),
                         r"no DKIM key for nokey\.test or a parent domain: queued unsigned")

    def test_private_keys_never_reach_the_log(self):
        self.queued(ALICE)
        log = self.server.log_text()
        self.assertNotIn("PRIVATE KEY", log)
        with open(os.path.join(self.server.data_dir, "master.key")) as f:
            self.assertNotIn(f.read().strip(), log)


class DkimRejectPolicyTest(DkimCase):
    settings = {"dkim.missing_key": "reject"}

    def test_no_key_is_refused_with_550_5_7_1(self):
        reply = self.send("someone@nokey.test")
        self.assertReply(reply, 550, "5.7.1",
                         "550 5.7.1 No DKIM signing key for the From domain nokey.test: message refused")

    def test_a_domain_with_a_key_is_still_signed(self):
        self.generate("rotate.test", "ed25519")
        message = self.queued("ops@rotate.test")
        self.assertEqual([t["a"] for t in signature_tags(message)], ["ed25519-sha256"])
        self.assertTrue(self.dkimpy(message, 0))


class DkimWrongMasterKeyTest(unittest.TestCase):
    """Keys sealed under one master key, the server given another: mail for the domain gets 451 4.3.0 (never
    an unsigned send), the log says why, and the server stays up for other domains."""

    def test_wrong_master_key_gives_451_and_a_clear_log_line(self):
        with PosternServer({"secrets.master_key": base64.b64encode(os.urandom(32)).decode()}) as server:
            server.add_user(ALICE, PASSWORD, PATTERNS)
            # The keys are sealed with the master key in the configuration...
            out = server.cli("dkim", "generate", "example.org", "--algorithm", "ed25519").stdout.decode()
            selector = re.search(r" selector (\S+) \(pending\)", out).group(1)
            server.cli("dkim", "activate", "example.org", selector, "--force")
            # ...then the configuration gets another one.
            with open(server.config_path) as f:
                text = f.read()
            text = re.sub(r"(?m)^secrets\.master_key = .*$",
                          "secrets.master_key = " + base64.b64encode(os.urandom(32)).decode(), text)
            with open(server.config_path, "w") as f:
                f.write(text)
            server.start()
            client = server.session(ALICE, PASSWORD)
            try:
                reply = client.send_message(ALICE, ["bob@example.net"], make_message(ALICE))
                self.assertEqual(reply.first_line, "451 4.3.0 Temporary failure, try again later")
                reply = client.send_message("x@nokey.test", ["bob@example.net"], make_message("x@nokey.test"))
                self.assertEqual(reply.code, 250)  # other domains are unaffected
            finally:
                client.close()
            log = server.log_text()
            self.assertIn("DKIM key example.org/%s cannot be used" % selector, log)
            self.assertIn("master key", log)


if __name__ == "__main__":
    unittest.main()
