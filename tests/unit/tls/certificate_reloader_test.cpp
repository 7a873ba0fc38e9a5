// tls::CertificateReloader: a renewed certificate reaches new handshakes, a file that does not load or a
// key that does not match keeps the old context with one warning, the periodic check acts on changes only.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "handshake_pair.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "tls/certificate_reloader.h"

using namespace postern;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes text to path the way deploy tools do: a new file renamed over the old one.
void install(const std::string& text, const std::string& path) {
  const std::string temporary = path + ".new";
  std::ofstream(temporary) << text;
  std::filesystem::rename(temporary, path);
}

struct ReloadFixture {
  test::TempDir dir;
  test::FakeClock clock;
  std::vector<std::pair<bool, std::string>> logged;
  tls::CertificateReloader reloader{
      std::make_shared<tls::TicketKeyRing>(clock, std::chrono::hours(12)),
      [this](bool warning, const std::string& m) { logged.emplace_back(warning, m); }};
  tls::GeneratedCertificate oldFiles = tls::ensureSelfSigned(dir.file("old"), "old.example.org");
  tls::GeneratedCertificate newFiles = tls::ensureSelfSigned(dir.file("new"), "new.example.org");
  std::string certificate = dir.file("cert.pem");
  std::string key = dir.file("key.pem");
  std::shared_ptr<tls::ContextHolder> holder;

  ReloadFixture() {
    install(readAll(oldFiles.certificateFile), certificate);
    install(readAll(oldFiles.privateKeyFile), key);
    tls::ServerPolicy policy;
    policy.certificateFile = certificate;
    policy.privateKeyFile = key;
    holder = reloader.add("smtp", policy);
  }

  std::string presented() {
    const auto client = test::makeTestClientContext(TLS1_3_VERSION);
    return test::runHandshake(client.get(), holder->current()->sslContext()).subject;
  }
  std::size_t warnings() const {
    std::size_t n = 0;
    for (const auto& [warning, message] : logged) n += warning ? 1 : 0;
    return n;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(certificate_reloader, ReloadFixture)

BOOST_AUTO_TEST_CASE(a_renewed_certificate_reaches_new_handshakes_and_its_subject_and_expiry_are_logged) {
  BOOST_TEST(presented().find("CN=old.example.org") != std::string::npos);
  install(readAll(newFiles.certificateFile), certificate);
  install(readAll(newFiles.privateKeyFile), key);
  BOOST_TEST(reloader.reloadAll() == 1u);
  BOOST_TEST(presented().find("CN=new.example.org") != std::string::npos);
  BOOST_REQUIRE(!logged.empty());
  BOOST_TEST(!logged.back().first);
  BOOST_TEST(logged.back().second.find("subject new.example.org") != std::string::npos);
  BOOST_TEST(logged.back().second.find("expires 20") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_connection_keeps_the_context_it_started_with) {
  const auto inProgress = holder->current();
  install(readAll(newFiles.certificateFile), certificate);
  install(readAll(newFiles.privateKeyFile), key);
  reloader.reloadAll();
  BOOST_TEST(holder->current() != inProgress);
  const auto client = test::makeTestClientContext(TLS1_2_VERSION);
  BOOST_TEST(test::runHandshake(client.get(), inProgress->sslContext()).subject.find("CN=old.example.org") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_file_that_does_not_load_keeps_the_old_certificate_with_one_warning_naming_it) {
  const auto before = holder->current();
  install("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n", certificate);
  BOOST_TEST(reloader.reloadAll() == 0u);
  BOOST_TEST(holder->current() == before);
  BOOST_TEST(presented().find("CN=old.example.org") != std::string::npos);
  BOOST_REQUIRE(warnings() == 1u);
  BOOST_TEST(logged.back().second.find(certificate) != std::string::npos);
  BOOST_TEST(logged.back().second.find("current one stays") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_key_that_does_not_match_its_certificate_keeps_the_old_one_and_no_key_is_logged) {
  const auto before = holder->current();
  install(readAll(newFiles.certificateFile), certificate);  // the key is still the old one
  BOOST_TEST(reloader.reloadAll() == 0u);
  BOOST_TEST(holder->current() == before);
  BOOST_REQUIRE(warnings() == 1u);
  const std::string& message = logged.back().second;
  BOOST_TEST(message.find(key) != std::string::npos);
  // No line of either key's PEM body reaches the log.
  for (const auto& file : {oldFiles.privateKeyFile, newFiles.privateKeyFile}) {
    std::istringstream pem(readAll(file));
    for (std::string line; std::getline(pem, line);)
      if (line.rfind("-----", 0) != 0) BOOST_TEST(message.find(line) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_missing_file_keeps_the_old_certificate) {
  const auto before = holder->current();
  std::filesystem::remove(key);
  BOOST_TEST(reloader.reloadChanged() == 0u);
  BOOST_TEST(holder->current() == before);
  BOOST_TEST(warnings() == 1u);
}

BOOST_AUTO_TEST_CASE(the_periodic_check_reloads_only_when_a_file_changed) {
  BOOST_TEST(reloader.reloadChanged() == 0u);
  BOOST_TEST(logged.empty());
  install(readAll(newFiles.certificateFile), certificate);
  install(readAll(newFiles.privateKeyFile), key);
  BOOST_TEST(reloader.reloadChanged() == 1u);
  BOOST_TEST(reloader.reloadChanged() == 0u);
  BOOST_TEST(presented().find("CN=new.example.org") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_half_done_renewal_warns_once_then_loads_when_the_key_arrives) {
  install(readAll(newFiles.certificateFile), certificate);
  BOOST_TEST(reloader.reloadChanged() == 0u);
  BOOST_TEST(reloader.reloadChanged() == 0u);  // nothing changed since the failed attempt: no second warning
  BOOST_TEST(warnings() == 1u);
  install(readAll(newFiles.privateKeyFile), key);
  BOOST_TEST(reloader.reloadChanged() == 1u);
  BOOST_TEST(presented().find("CN=new.example.org") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_watch_thread_picks_up_a_change_by_itself) {
  reloader.startWatching(std::chrono::milliseconds(20));
  install(readAll(newFiles.certificateFile), certificate);
  install(readAll(newFiles.privateKeyFile), key);
  for (int i = 0; i < 200 && presented().find("CN=new.example.org") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  reloader.stopWatching();
  BOOST_TEST(presented().find("CN=new.example.org") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_first_context_that_does_not_load_is_an_error_at_start) {
  tls::ServerPolicy policy;
  policy.certificateFile = dir.file("absent.pem");
  policy.privateKeyFile = key;
  BOOST_CHECK_THROW(reloader.add("admin", policy), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
