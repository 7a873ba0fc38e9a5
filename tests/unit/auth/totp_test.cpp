#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "auth/totp.h"
#include "core/error.h"

using namespace postern::auth;

namespace {
// The seeds of RFC 6238 Appendix B (RFC 4226 Appendix D uses the first).
const std::string kSeed20 = "12345678901234567890";
const std::string kSeed32 = "12345678901234567890123456789012";
const std::string kSeed64 = "1234567890123456789012345678901234567890123456789012345678901234";

TotpParameters eightDigits(TotpHash hash) {
  TotpParameters p;
  p.hash = hash;
  p.digits = 8;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(totp)

BOOST_AUTO_TEST_CASE(hotp_matches_the_rfc_4226_appendix_d_test_values) {
  const std::vector<std::string> expected = {"755224", "287082", "359152", "969429", "338314",
                                             "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t count = 0; count < expected.size(); ++count)
    BOOST_TEST(hotp(kSeed20, count) == expected[count], "count " << count);
}

BOOST_AUTO_TEST_CASE(totp_matches_the_rfc_6238_appendix_b_test_vectors_for_sha1_sha256_and_sha512) {
  struct Vector {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},         {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"}, {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"}, {20000000000, "65353130", "77737706", "47863826"}};
  for (const auto& v : vectors) {
    BOOST_TEST(totpAt(kSeed20, v.time, eightDigits(TotpHash::Sha1)) == v.sha1, v.time);
    BOOST_TEST(totpAt(kSeed32, v.time, eightDigits(TotpHash::Sha256)) == v.sha256, v.time);
    BOOST_TEST(totpAt(kSeed64, v.time, eightDigits(TotpHash::Sha512)) == v.sha512, v.time);
  }
}

BOOST_AUTO_TEST_CASE(the_time_step_is_thirty_seconds_from_the_epoch) {
  BOOST_TEST(totpStep(0) == 0);
  BOOST_TEST(totpStep(29) == 0);
  BOOST_TEST(totpStep(30) == 1);
  BOOST_TEST(totpStep(1111111109) == 0x23523EC);  // RFC 6238 Appendix B's T column
  BOOST_TEST(totpStep(-1) == -1);
}

BOOST_AUTO_TEST_CASE(a_code_of_the_step_before_or_after_now_is_accepted_but_not_two_steps_away) {
  const std::int64_t now = 1'700'000'000;
  const std::int64_t step = totpStep(now);
  for (const std::int64_t offset : {-1, 0, 1}) {
    const auto code = hotp(kSeed20, static_cast<std::uint64_t>(step + offset));
    BOOST_TEST(matchTotp(kSeed20, code, now, std::nullopt).value_or(-1) == step + offset, offset);
  }
  for (const std::int64_t offset : {-2, 2, -10}) {
    const auto code = hotp(kSeed20, static_cast<std::uint64_t>(step + offset));
    // A code of a far step may collide by chance with one of the window; these do not (checked here).
    std::set<std::string> window;
    for (int w = -1; w <= 1; ++w) window.insert(hotp(kSeed20, static_cast<std::uint64_t>(step + w)));
    BOOST_REQUIRE(!window.count(code));
    BOOST_TEST(!matchTotp(kSeed20, code, now, std::nullopt).has_value(), offset);
  }
}

BOOST_AUTO_TEST_CASE(a_code_is_accepted_once_the_step_after_the_last_accepted_one_only) {
  const std::int64_t now = 1'700'000'000;
  const std::int64_t step = totpStep(now);
  const auto code = hotp(kSeed20, static_cast<std::uint64_t>(step));
  const auto first = matchTotp(kSeed20, code, now, std::nullopt);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(!matchTotp(kSeed20, code, now, first).has_value());       // replay within the window
  BOOST_TEST(!matchTotp(kSeed20, code, now + 25, first).has_value());  // still in the window later
  const auto earlier = hotp(kSeed20, static_cast<std::uint64_t>(step - 1));
  BOOST_TEST(!matchTotp(kSeed20, earlier, now, first).has_value());  // an older code after a newer one
  const auto next = hotp(kSeed20, static_cast<std::uint64_t>(step + 1));
  BOOST_TEST(matchTotp(kSeed20, next, now + 30, first).value_or(-1) == step + 1);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_six_digits_never_matches) {
  const std::int64_t now = 1'700'000'000;
  const auto code = totpAt(kSeed20, now);
  for (const std::string& bad : {std::string(""), code.substr(0, 5), code + "0", " " + code.substr(1),
                                 std::string("12345a"), std::string("abcdef")})
    BOOST_TEST(!matchTotp(kSeed20, bad, now, std::nullopt).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(hotp_refuses_an_empty_key_and_a_digit_count_outside_six_to_eight) {
  BOOST_CHECK_THROW(hotp("", 0), postern::core::InvalidValue);
  BOOST_CHECK_THROW(hotp(kSeed20, 0, 5), postern::core::InvalidValue);
  BOOST_CHECK_THROW(hotp(kSeed20, 0, 9), postern::core::InvalidValue);
}

BOOST_AUTO_TEST_CASE(base32_follows_rfc_4648_section_10_without_padding_and_round_trips) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "MY"},
                                                                    {"fo", "MZXQ"},
                                                                    {"foo", "MZXW6"},
                                                                    {"foob", "MZXW6YQ"},
                                                                    {"fooba", "MZXW6YTB"},
                                                                    {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    BOOST_TEST(base32Encode(plain) == encoded);
    BOOST_TEST(base32Decode(encoded).value_or("?") == plain);
  }
  BOOST_TEST(base32Decode("mzxw6ytboi======").value_or("?") == "foobar");
  BOOST_TEST(base32Decode("MZXW 6YTB-OI").value_or("?") == "foobar");
  BOOST_TEST(!base32Decode("MZXW1").has_value());  // 1 is not in the alphabet
  BOOST_TEST(!base32Decode("MY=A").has_value());   // padding only at the end
}

BOOST_AUTO_TEST_CASE(a_new_secret_has_160_random_bits) {
  const auto a = newTotpSecret();
  const auto b = newTotpSecret();
  BOOST_TEST(a.size() == 20u);
  BOOST_TEST(base32Encode(a).size() == 32u);
  BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_CASE(the_otpauth_uri_names_issuer_label_secret_and_parameters) {
  BOOST_TEST(otpauthUri("Postern", "root@mail.example.org", kSeed20) ==
             "otpauth://totp/Postern:root@mail.example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
             "&issuer=Postern&algorithm=SHA1&digits=6&period=30");
  BOOST_TEST(otpauthUri("A B", "x:y", "k").find("otpauth://totp/A%20B:x%3Ay?") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
