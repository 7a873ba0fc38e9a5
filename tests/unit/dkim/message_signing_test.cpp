// dkim message signing: which domain signs (the From domain, else its nearest parent with a key), the
// streaming header/body split (any chunking gives the same result), and signForDomain's signatures equal
// to signing the whole message at once, Ed25519 first.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "dkim/keys.h"
#include "dkim/message_signing.h"

using namespace postern::dkim;

namespace {

const auto kWhen = std::chrono::system_clock::time_point(std::chrono::seconds(1796059673));

const std::string kHeader =
    "From: Ann <ann@example.org>\r\nTo: bob@example.net\r\nSubject: figures\r\n"
    "Date: Mon, 30 Nov 2026 17:27:53 +0000\r\n";
const std::string kBody = "Hello Bob,\r\n\r\n.figures attached  \r\n\r\n\r\n";

const EVP_PKEY* rsaKey() {
  static const PrivateKey key = generateRsaKey(2048);
  return key.get();
}
const EVP_PKEY* edKey() {
  static const PrivateKey key = generateEd25519Key();
  return key.get();
}

std::shared_ptr<const Signer> signer(const EVP_PKEY* key, const std::string& domain,
                                     const std::string& selector) {
  SignerOptions o;
  o.domain = domain;
  o.selector = selector;
  return std::make_shared<const Signer>(key, o);
}

// Streams the message in pieces of `chunk` octets.
std::pair<std::string, std::string> streamed(const std::string& message, std::size_t chunk) {
  MessageHasher hasher(Canonicalization::Relaxed, 64 * 1024);
  for (std::size_t i = 0; i < message.size(); i += chunk)
    hasher.update(std::string_view(message).substr(i, chunk));
  const std::string bh = hasher.finish();
  return {hasher.headerSection(), bh};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(message_signing)

BOOST_AUTO_TEST_CASE(candidates_are_the_domain_then_its_parents_never_a_tld) {
  BOOST_TEST(signingDomainCandidates("Sales.EU.Example.org.") ==
                 (std::vector<std::string>{"sales.eu.example.org", "eu.example.org", "example.org"}),
             boost::test_tools::per_element());
  BOOST_TEST(signingDomainCandidates("example.org") == std::vector<std::string>{"example.org"},
             boost::test_tools::per_element());
  BOOST_TEST(signingDomainCandidates("localhost").empty());
  BOOST_TEST(signingDomainCandidates("[192.0.2.1]").empty());
  BOOST_TEST(signingDomainCandidates("").empty());
}

BOOST_AUTO_TEST_CASE(the_nearest_domain_with_a_key_signs) {
  KeyRing ring;
  ring.add(signer(rsaKey(), "example.org", "r"));
  ring.add(signer(rsaKey(), "eu.example.org", "r"));
  std::string d;
  BOOST_TEST_REQUIRE(ring.find("sales.eu.example.org", &d));
  BOOST_TEST(d == "eu.example.org");
  BOOST_TEST_REQUIRE(ring.find("us.example.org", &d));
  BOOST_TEST(d == "example.org");  // only the parent has a key
  BOOST_TEST_REQUIRE(ring.find("EXAMPLE.ORG", &d));
  BOOST_TEST(d == "example.org");
  BOOST_TEST(!ring.find("example.net"));
  BOOST_TEST(!ring.find("notexample.org"));  // a suffix is not a parent
}

BOOST_AUTO_TEST_CASE(ed25519_signs_before_rsa) {
  KeyRing ring;
  ring.add(signer(rsaKey(), "example.org", "r"));
  ring.add(signer(edKey(), "example.org", "e"));
  const auto* entry = ring.find("example.org");
  BOOST_TEST_REQUIRE(entry->signers.size() == 2u);
  BOOST_TEST(entry->signers[0]->selector() == "e");
  BOOST_TEST(entry->signers[1]->selector() == "r");
  BOOST_TEST(ring.signerCount() == 2u);
  BOOST_TEST(ring.domainCount() == 1u);
}

BOOST_AUTO_TEST_CASE(the_split_does_not_depend_on_chunking) {
  const std::string message = kHeader + "\r\n" + kBody;
  const auto whole = streamed(message, message.size());
  BOOST_TEST(whole.first == kHeader);
  for (const std::size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    BOOST_TEST_CONTEXT("chunk " << chunk) {
      const auto parts = streamed(message, chunk);
      BOOST_TEST(parts.first == whole.first);
      BOOST_TEST(parts.second == whole.second);
    }
  }
  BodyHasher reference(Canonicalization::Relaxed);
  reference.update(kBody);
  BOOST_TEST(whole.second == reference.finish());
}

BOOST_AUTO_TEST_CASE(a_message_without_a_body_has_the_empty_body_hash) {
  const auto parts = streamed(kHeader, 5);
  BOOST_TEST(parts.first == kHeader);
  BodyHasher empty(Canonicalization::Relaxed);
  BOOST_TEST(parts.second == empty.finish());
}

BOOST_AUTO_TEST_CASE(a_header_section_over_the_limit_is_flagged) {
  MessageHasher hasher(Canonicalization::Relaxed, 16);
  hasher.update(kHeader + "\r\n" + kBody);
  hasher.finish();
  BOOST_TEST(hasher.headerTooLarge());
  BOOST_TEST(hasher.headerSection().size() == 16u);
}

BOOST_AUTO_TEST_CASE(streamed_signatures_equal_whole_message_signatures) {
  KeyRing ring;
  ring.add(signer(rsaKey(), "example.org", "r"));
  ring.add(signer(edKey(), "example.org", "e"));
  const std::string added = "Message-ID: <Q1@mx.example.net>\r\n";
  const auto parts = streamed(kHeader + "\r\n" + kBody, 13);
  const auto result = signForDomain(ring, "example.org", added + parts.first, parts.second, kWhen);
  BOOST_TEST_REQUIRE((result.status == SigningResult::Status::Signed));
  BOOST_TEST(result.signingDomain == "example.org");
  BOOST_TEST(result.selectors == (std::vector<std::string>{"e", "r"}), boost::test_tools::per_element());
  // Both algorithms are deterministic (PKCS#1 v1.5, Ed25519), so the same input gives the same bytes.
  const std::string full = added + kHeader + "\r\n" + kBody;
  const std::string expected = signMessage(*signer(edKey(), "example.org", "e"), full, kWhen) +
                               signMessage(*signer(rsaKey(), "example.org", "r"), full, kWhen);
  BOOST_TEST(result.fields == expected);
  BOOST_TEST(result.fields.find("h=from:to:subject:date:message-id:from:to:subject;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_key_and_broken_keys_are_told_apart) {
  KeyRing ring;
  ring.add(signer(rsaKey(), "example.org", "r"));
  ring.addBroken("example.net", "DKIM key example.net/x cannot be used: wrong master key");
  const auto parts = streamed(kHeader + "\r\n" + kBody, 100);
  BOOST_TEST((signForDomain(ring, "example.com", parts.first, parts.second, kWhen).status ==
              SigningResult::Status::NoKey));
  const auto broken = signForDomain(ring, "mail.example.net", parts.first, parts.second, kWhen);
  BOOST_TEST((broken.status == SigningResult::Status::Failed));
  BOOST_TEST(broken.fields.empty());
  BOOST_TEST(broken.error.find("wrong master key") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
