#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "core/error.h"
#include "core/text.h"
#include "dkim/keys.h"
#include "dkim/signer.h"

using namespace postern::dkim;

namespace {

const EVP_PKEY* edKey() {
  static const PrivateKey key = generateEd25519Key();
  return key.get();
}

SignerOptions basic() {
  SignerOptions o;
  o.domain = "example.org";
  o.selector = "sel";
  return o;
}

const std::string kHeaders = "From: a@example.org\r\nSubject: hi\r\n";
const auto kWhen = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

}  // namespace

BOOST_AUTO_TEST_CASE(refuses_values_that_would_inject_tags) {
  auto o = basic();
  o.domain = "example.org; x=1";
  BOOST_CHECK_THROW(Signer(edKey(), o), postern::core::Error);
  o = basic();
  o.selector = "";
  BOOST_CHECK_THROW(Signer(edKey(), o), postern::core::Error);
  o = basic();
  o.signedHeaders = {"from", "to:cc"};
  BOOST_CHECK_THROW(Signer(edKey(), o), postern::core::Error);
  o = basic();
  o.identity = "@example.org; b=";
  BOOST_CHECK_THROW(Signer(edKey(), o), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(streamed_body_hash_gives_the_same_field_as_the_whole_message) {
  const Signer signer(edKey(), basic());
  const std::string body = "one\r\ntwo  \r\n\r\n";
  BodyHasher hasher = signer.newBodyHasher();
  hasher.update("one\r");
  hasher.update("\ntwo  \r\n\r");
  hasher.update("\n");
  BOOST_TEST(signer.sign(kHeaders, hasher.finish(), kWhen) ==
             signMessage(signer, kHeaders + "\r\n" + body, kWhen));
}

BOOST_AUTO_TEST_CASE(explicit_header_list_and_identity_are_written_as_given) {
  auto o = basic();
  o.signedHeaders = {"From", "Subject", "From"};
  o.identity = "@example.org";
  o.bodyCanonicalization = Canonicalization::Simple;
  const std::string field = signMessage(Signer(edKey(), o), kHeaders + "\r\nx\r\n", kWhen);
  BOOST_TEST(field.ends_with("\r\n"));
  std::string unfolded = field;
  for (auto at = unfolded.find("\r\n "); at != std::string::npos; at = unfolded.find("\r\n "))
    unfolded.erase(at, 2);
  BOOST_TEST(unfolded.find("a=ed25519-sha256; c=relaxed/simple; d=example.org; i=@example.org; s=sel;") !=
             std::string::npos);
  BOOST_TEST(unfolded.find("h=from:subject:from;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_signature_value_keeps_every_other_byte) {
  BOOST_TEST(withEmptySignatureValue("DKIM-Signature: v=1; bh=abc;\r\n b=xy\r\n z") ==
             "DKIM-Signature: v=1; bh=abc;\r\n b=");
  BOOST_TEST(withEmptySignatureValue("DKIM-Signature: b = xy ; d=example.org") ==
             "DKIM-Signature: b =; d=example.org");
}

BOOST_AUTO_TEST_CASE(ed25519_signatures_are_64_bytes_and_rsa_signatures_the_modulus_size) {
  BOOST_TEST(signHeaderData(edKey(), "data").size() == 64u);
  const auto rsa = generateRsaKey(3072);
  BOOST_TEST(signHeaderData(rsa.get(), "data").size() == 384u);
}
