// Messages signed by dkim::Signer, verified by independent implementations with the TXT record Postern
// renders: dkimpy (python3-dkim) through its dnsfunc hook (NOTES-platform §9: Debian's /usr/bin/python3,
// not the pyenv one on PATH), and Mail::DKIM (libmail-dkim-perl) through a stand-in resolver that
// serves the record as 255-octet strings. Mail::DKIM 1.20230212 has no ed25519-sha256, so it checks the
// rsa-sha256 signatures only.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "dkim/keys.h"
#include "dkim/signer.h"
#include "support/temp_dir.h"

using namespace postern::dkim;

namespace {

const char* const kVerifyScript =
    "import sys, dkim\n"
    "msg = open(sys.argv[1], 'rb').read()\n"
    "txt = open(sys.argv[2], 'rb').read()\n"
    "want = sys.argv[3].encode()\n"
    "def dns(name, timeout=5):\n"
    "    return txt if name == want else None\n"
    "sys.exit(0 if dkim.verify(msg, dnsfunc=dns) else 1)\n";

const char* const kMailDkimScript = R"perl(use strict; use warnings;
use Mail::DKIM::Verifier; use Net::DNS;
my ($msgfile, $txtfile, $want) = @ARGV;
open my $t, '<', $txtfile or die; local $/; my $txt = <$t>; close $t;
package FakeResolver;
sub new { bless { want => $_[1], txt => $_[2] }, $_[0] }
sub errorstring { "NOERROR" }
sub send {
  my ($self, $name, $type) = @_;
  my $p = Net::DNS::Packet->new($name, $type);
  $p->header->rcode("NOERROR");
  (my $n = $name) =~ s/\.$//;
  if ($n eq $self->{want}) {
    my @chunks = unpack("(A255)*", $self->{txt});
    $p->push(answer => Net::DNS::RR->new(name => $name, type => "TXT", ttl => 60, txtdata => [@chunks]));
  }
  return $p;
}
package main;
(my $w = $want) =~ s/\.$//;
Mail::DKIM::DNS::resolver(FakeResolver->new($w, $txt));
my $v = Mail::DKIM::Verifier->new;
open my $fh, '<', $msgfile or die; binmode $fh; $v->load($fh); close $fh;
exit($v->result eq "pass" ? 0 : 1);
)perl";

void writeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// true when dkimpy says the first DKIM-Signature verifies.
bool dkimpyVerifies(const std::string& message, const std::string& txtValue) {
  postern::test::TempDir dir;
  writeFile(dir.file("msg.eml"), message);
  writeFile(dir.file("txt"), txtValue);
  writeFile(dir.file("verify.py"), kVerifyScript);
  const std::string command = "/usr/bin/python3 -c 'exec(open(\"" + dir.file("verify.py") + "\").read())' " +
                              dir.file("msg.eml") + " " + dir.file("txt") + " sel._domainkey.example.org.";
  const int status = std::system(command.c_str());
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  BOOST_TEST_REQUIRE((code == 0 || code == 1), "the verifier itself failed (exit " << code << ")");
  return code == 0;
}

// true when Mail::DKIM's result for the message is "pass".
bool mailDkimVerifies(const std::string& message, const std::string& txtValue) {
  postern::test::TempDir dir;
  writeFile(dir.file("msg.eml"), message);
  writeFile(dir.file("txt"), txtValue);
  writeFile(dir.file("verify.pl"), kMailDkimScript);
  const std::string command = "/usr/bin/perl " + dir.file("verify.pl") + " " + dir.file("msg.eml") + " " +
                              dir.file("txt") + " sel._domainkey.example.org.";
  const int status = std::system(command.c_str());
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  BOOST_TEST_REQUIRE((code == 0 || code == 1), "the verifier itself failed (exit " << code << ")");
  return code == 0;
}

const EVP_PKEY* rsaKey() {
  static const PrivateKey key = generateRsaKey(2048);
  return key.get();
}

const EVP_PKEY* ed25519Key() {
  static const PrivateKey key = generateEd25519Key();
  return key.get();
}

const auto kWhen = std::chrono::system_clock::time_point(std::chrono::seconds(1796000000));

std::string headers(const std::string& extra = "") {
  return "From: Ann Example <ann@example.org>\r\n"
         "To: Bob <bob@example.net>\r\n"
         "Subject: Quarterly figures\r\n"
         "Date: Mon, 30 Nov 2026 17:27:53 +0000\r\n"
         "Message-ID: <1@example.org>\r\n" +
         extra;
}

struct Sample {
  std::string name;
  std::string message;
};

std::vector<Sample> samples() {
  std::string longLine(900, 'x');
  return {
      {"plain", headers() + "\r\nHello Bob,\r\n\r\nthe figures are attached.\r\n"},
      {"dot-leading lines", headers() + "\r\n.\r\n..two dots\r\n.leading dot\r\nend\r\n"},
      {"folded headers",
       "From: Ann Example\r\n <ann@example.org>\r\nTo: Bob <bob@example.net>,\r\n\tCarol "
       "<carol@example.net>\r\n"
       "Subject: a subject that goes on\r\n   and on  \r\nDate: Mon, 30 Nov 2026 17:27:53 +0000\r\n"
       "\r\nbody\r\n"},
      {"8-bit UTF-8 body", headers("MIME-Version: 1.0\r\nContent-Type: text/plain; "
                                   "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n") +
                               "\r\nZa\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 g\xc4\x99\xc5\x9bl\xc4\x85 "
                               "ja\xc5\xba\xc5\x84 \xe2\x82\xac\r\n"},
      {"empty body", headers() + "\r\n"},
      // dkimpy keeps one SP at the end of a last line without CRLF; Mail::DKIM and Postern drop it, as
      // §3.4.4 says ("ignore all whitespace at the end of lines"). SMTP bodies always end in CRLF.
      {"no trailing CRLF", headers() + "\r\nlast line"},
      {"trailing whitespace and empty lines", headers() + "\r\nline \t \r\n\r\n \r\n\r\n"},
      {"long line", headers() + "\r\n" + longLine + "\r\n"},
      {"multipart",
       headers("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n") +
           "\r\nThis is a multipart message.\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Hi \xc3\xa9\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: "
           "base64\r\n"
           "\r\nAAECAwQFBgcICQ==\r\n--b1--\r\n"},
  };
}

SignerOptions options(Canonicalization c = Canonicalization::Relaxed) {
  SignerOptions o;
  o.domain = "example.org";
  o.selector = "sel";
  o.headerCanonicalization = c;
  o.bodyCanonicalization = c;
  return o;
}

std::string signedCopy(const EVP_PKEY* key, const std::string& message, Canonicalization c) {
  const Signer signer(key, options(c));
  return signMessage(signer, message, kWhen) + message;
}

void checkAll(const EVP_PKEY* key) {
  for (const auto c : {Canonicalization::Relaxed, Canonicalization::Simple}) {
    for (const auto& sample : samples()) {
      BOOST_TEST_CONTEXT(sample.name << " c=" << canonicalizationName(c)) {
        const std::string message = signedCopy(key, sample.message, c);
        BOOST_TEST(dkimpyVerifies(message, dnsRecordValue(key)));
        // Mail::DKIM's simple body canonicalization does not add the CRLF that §3.4.3 requires after a last
        // line without one ("If there is no body or no trailing CRLF on the message body, a CRLF is
        // added"); Postern and dkimpy follow the RFC. Bodies received over SMTP always end in CRLF.
        const bool mailDkimDeviates = c == Canonicalization::Simple && !sample.message.ends_with("\r\n");
        if (algorithmOf(key) == KeyAlgorithm::Rsa && !mailDkimDeviates)
          BOOST_TEST(mailDkimVerifies(message, dnsRecordValue(key)));
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(dkimpy_verifies_rsa_signatures) { checkAll(rsaKey()); }

BOOST_AUTO_TEST_CASE(dkimpy_verifies_ed25519_signatures) { checkAll(ed25519Key()); }

BOOST_AUTO_TEST_CASE(mail_dkim_rejects_tampered_rsa_signatures) {
  const std::string message = signedCopy(rsaKey(), samples()[0].message, Canonicalization::Relaxed);
  const std::string txt = dnsRecordValue(rsaKey());
  BOOST_TEST_REQUIRE(mailDkimVerifies(message, txt));
  std::string body = message;
  body.replace(body.find("Hello Bob"), 9, "Hello Eve");
  BOOST_TEST(!mailDkimVerifies(body, txt));
  std::string secondFrom = message;
  secondFrom.insert(secondFrom.find("\r\n\r\n") + 2, "From: Mallory <m@evil.example>\r\n");
  BOOST_TEST(!mailDkimVerifies(secondFrom, txt));
}

BOOST_AUTO_TEST_CASE(signature_field_is_folded_under_78_columns) {
  const std::string field = signMessage(Signer(rsaKey(), options()), samples()[0].message, kWhen);
  BOOST_TEST(
      field.starts_with("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;"));
  BOOST_TEST(field.find("t=1796000000;") != std::string::npos);
  BOOST_TEST(field.find("h=from:to:subject:date:message-id:from:to:subject;") != std::string::npos);
  std::size_t start = 0;
  while (start < field.size()) {
    const auto end = field.find("\r\n", start);
    BOOST_TEST(end - start <= 78u, field.substr(start, end - start));
    start = end + 2;
  }
}

BOOST_AUTO_TEST_CASE(tampering_breaks_the_signature) {
  for (const EVP_PKEY* key : {rsaKey(), ed25519Key()}) {
    const std::string message = signedCopy(key, samples()[0].message, Canonicalization::Relaxed);
    const std::string txt = dnsRecordValue(key);
    BOOST_TEST_REQUIRE(dkimpyVerifies(message, txt));

    std::string body = message;
    body.replace(body.find("Hello Bob"), 9, "Hello Eve");
    BOOST_TEST(!dkimpyVerifies(body, txt));

    std::string header = message;
    header.replace(header.find("Quarterly"), 9, "Quarterlz");
    BOOST_TEST(!dkimpyVerifies(header, txt));

    // Over-signing: a second From, To or Subject added anywhere breaks the signature.
    std::string secondFrom = message;
    secondFrom.insert(secondFrom.find("\r\n\r\n") + 2, "From: Mallory <m@evil.example>\r\n");
    BOOST_TEST(!dkimpyVerifies(secondFrom, txt));

    std::string secondSubject = message;
    secondSubject.insert(secondSubject.find("From: Ann"), "Subject: Urgent\r\n");
    BOOST_TEST(!dkimpyVerifies(secondSubject, txt));

    // A field outside h= may be added in transit without harm.
    std::string received = message;
    received.insert(0, "Received: from relay.example.net\r\n");
    BOOST_TEST(dkimpyVerifies(received, txt));
  }
}
