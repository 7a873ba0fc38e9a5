// tls::readCertificateInfo: the name, the expiry and whether a certificate is self-signed, as the admin
// dashboard shows them.
#define BOOST_TEST_MODULE tls
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "tls/certificate_info.h"
#include "tls/server_context.h"

using namespace postern;

BOOST_AUTO_TEST_SUITE(certificate_info)

BOOST_AUTO_TEST_CASE(postern_s_own_certificate_is_self_signed_for_the_hostname_for_about_ten_years) {
  test::TempDir dir;
  const auto generated = tls::ensureSelfSigned(dir.path().string(), "relay.example.org");
  const auto info = tls::readCertificateInfo(generated.certificateFile);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(info->subject == "relay.example.org");
  BOOST_TEST(info->selfSigned);
  const auto years =
      std::chrono::duration_cast<std::chrono::hours>(info->notAfter - std::chrono::system_clock::now())
          .count() /
      (24 * 365);
  BOOST_TEST(years >= 9);
  BOOST_TEST(years <= 10);
}

BOOST_AUTO_TEST_CASE(a_certificate_issued_by_a_ca_is_not_self_signed) {
  test::TempDir dir;
  const auto ca = test::makeTestCa(dir.path().string(), "ca", "Postern Test CA");
  const auto leaf = test::makeServerCertificate(dir.path().string(), "leaf", ca, {"mail.example.org"});
  const auto info = tls::readCertificateInfo(leaf.certificateFile);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST(!info->selfSigned);
  const auto caInfo = tls::readCertificateInfo(ca.certificateFile);
  BOOST_REQUIRE(caInfo.has_value());
  BOOST_TEST(caInfo->subject == "Postern Test CA");
  BOOST_TEST(caInfo->selfSigned);
}

BOOST_AUTO_TEST_CASE(a_missing_file_or_one_without_a_certificate_gives_nothing) {
  test::TempDir dir;
  BOOST_TEST(!tls::readCertificateInfo(dir.file("missing.pem")).has_value());
  std::ofstream(dir.file("junk.pem")) << "not a certificate\n";
  BOOST_TEST(!tls::readCertificateInfo(dir.file("junk.pem")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
