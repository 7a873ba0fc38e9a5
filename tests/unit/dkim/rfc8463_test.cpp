// RFC 8463 Appendix A: the published keys (A.1, A.2) and the message signed with both algorithms (A.3).
// Ed25519 and RSASSA-PKCS1-v1_5 are deterministic, so the same input must give the published b= exactly.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/text.h"
#include "dkim/canonicalization.h"
#include "dkim/header_fields.h"
#include "dkim/keys.h"
#include "dkim/signer.h"

using namespace postern::dkim;
using postern::core::base64Decode;
using postern::core::base64Encode;

namespace {

// A.1
const char* const kEd25519Seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const char* const kRsaKey =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";
// A.2: the Ed25519 p= of brisbane._domainkey.football.example.com
const char* const kEd25519Public = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

// A.3
const std::string kSignedMessage =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
    " date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
    " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
    " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n"
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n"
    "\r\n";

const std::vector<std::string> kSignedNames{"from",       "to",   "subject", "date",
                                            "message-id", "from", "subject", "date"};

std::string withoutWhitespace(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
  return s;
}

// The value of b= in a published field, unfolded.
std::string publishedSignature(const std::string& raw) {
  const auto at = raw.find(" b=");
  return withoutWhitespace(raw.substr(at + 3));
}

std::string reproduce(const EVP_PKEY* key, std::size_t signatureIndex) {
  const auto split = kSignedMessage.find("\r\n\r\n");
  const auto fields = parseHeaderSection(kSignedMessage.substr(0, split + 2));
  const HeaderField& signature = fields.at(signatureIndex);
  std::string own = signature.raw.substr(0, signature.raw.size() - 2);  // without the final CRLF
  const auto data = headerHashInput(selectFieldsForSigning(fields, kSignedNames), Canonicalization::Relaxed,
                                    withEmptySignatureValue(own));
  return base64Encode(signHeaderData(key, data));
}

}  // namespace

BOOST_AUTO_TEST_CASE(rfc8463_a2_ed25519_public_key_derives_from_the_a1_seed) {
  const auto key = ed25519FromSeed(base64Decode(kEd25519Seed).value());
  BOOST_TEST(dnsPublicKey(key.get()) == kEd25519Public);
}

BOOST_AUTO_TEST_CASE(rfc8463_a3_body_hash) {
  const auto split = kSignedMessage.find("\r\n\r\n");
  BodyHasher hasher(Canonicalization::Relaxed);
  hasher.update(kSignedMessage.substr(split + 4));
  BOOST_TEST(base64Encode(hasher.finish()) == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
}

BOOST_AUTO_TEST_CASE(rfc8463_a3_ed25519_signature_is_reproduced_exactly) {
  const auto key = ed25519FromSeed(base64Decode(kEd25519Seed).value());
  const auto fields = parseHeaderSection(kSignedMessage);
  BOOST_TEST(reproduce(key.get(), 0) == publishedSignature(fields.at(0).raw));
}

BOOST_AUTO_TEST_CASE(rfc8463_a3_rsa_signature_is_reproduced_exactly) {
  const auto key = privateKeyFromPem(kRsaKey);
  BOOST_TEST(EVP_PKEY_get_bits(key.get()) == 1024);
  const auto fields = parseHeaderSection(kSignedMessage);
  BOOST_TEST(reproduce(key.get(), 1) == publishedSignature(fields.at(1).raw));
}

BOOST_AUTO_TEST_CASE(the_rfc_1024_bit_key_is_readable_but_refused_for_new_keys) {
  BOOST_CHECK_THROW(requireAcceptableNewKey(privateKeyFromPem(kRsaKey).get()), std::exception);
}
