#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/config.h"

using namespace postern::config;

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/postern-config-XXXXXX";
    const int fd = mkstemp(name);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

bool mentions(const LoadResult& r, const std::string& text) {
  for (const auto& e : r.errors)
    if (e.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_valid_and_listen_on_587_and_465) {
  const auto r = load("", {});
  BOOST_TEST(r.ok());
  BOOST_REQUIRE_EQUAL(r.config.submission.size(), 1u);
  BOOST_TEST(r.config.submission[0].str() == "0.0.0.0:587");
  BOOST_TEST(r.config.submissions[0].str() == "0.0.0.0:465");
  BOOST_TEST(r.config.alternate.empty());
}

BOOST_AUTO_TEST_CASE(file_values_are_applied) {
  TempFile f(
      "# comment\nhostname = mail.example.org\nsmtp.max_recipients = 7\nlisten.alternate = [::1]:2525, "
      "127.0.0.1:2526\n");
  const auto r = load(f.path, {});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.hostname == "mail.example.org");
  BOOST_TEST(r.config.smtp.maxRecipients == 7u);
  BOOST_REQUIRE_EQUAL(r.config.alternate.size(), 2u);
  BOOST_TEST(r.config.alternate[0].host == "::1");
  BOOST_TEST(r.config.alternate[0].str() == "[::1]:2525");
}

BOOST_AUTO_TEST_CASE(environment_overrides_file) {
  TempFile f("smtp.max_recipients = 7\n");
  const auto r = load(f.path, {{"POSTERN_SMTP_MAX_RECIPIENTS", "9"}});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.smtp.maxRecipients == 9u);
}

BOOST_AUTO_TEST_CASE(display_name_policy_is_strict_by_default_off_when_asked_and_nothing_else) {
  BOOST_TEST((load("", {}).config.smtp.displayNamePolicy == Config::Smtp::DisplayNamePolicy::Strict));
  const auto off = load("", {{"POSTERN_SMTP_DISPLAY_NAME_POLICY", "off"}});
  BOOST_TEST(off.ok());
  BOOST_TEST((off.config.smtp.displayNamePolicy == Config::Smtp::DisplayNamePolicy::Off));
  const auto bad = load("", {{"POSTERN_SMTP_DISPLAY_NAME_POLICY", "lenient"}});
  BOOST_TEST(!bad.ok());
  BOOST_TEST(mentions(bad, "smtp.display_name_policy"));
}

BOOST_AUTO_TEST_CASE(unknown_key_is_an_error_naming_the_key) {
  TempFile f("smtp.max_recipient = 7\n");
  const auto r = load(f.path, {});
  BOOST_TEST(!r.ok());
  BOOST_TEST(mentions(r, "smtp.max_recipient"));
}

BOOST_AUTO_TEST_CASE(unknown_environment_setting_is_an_error) {
  const auto r = load("", {{"POSTERN_SMTP_MAX_RECIPIENT", "7"}, {"POSTERN_CONFIG", "/x"}});
  BOOST_TEST(r.errors.size() == 1u);
  BOOST_TEST(mentions(r, "POSTERN_SMTP_MAX_RECIPIENT"));
}

BOOST_AUTO_TEST_CASE(the_first_administrators_password_variables_are_no_settings_and_no_error) {
  const auto r =
      load("", {{"POSTERN_ADMIN_PASSWORD", "x"}, {"POSTERN_ADMIN_PASSWORD_FILE", "/run/secrets/pw"}});
  BOOST_TEST(r.ok());
  BOOST_TEST(describe(r.config).find("POSTERN_ADMIN_PASSWORD") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_error_is_reported_together) {
  TempFile f("smtp.max_recipients = lots\ntls.min_protocol = 1.0\nlisten.submission = nowhere\n");
  const auto r = load(f.path, {{"POSTERN_DATA_DIR", "relative/dir"}});
  BOOST_TEST(r.errors.size() == 4u);
  BOOST_TEST(mentions(r, "smtp.max_recipients"));
  BOOST_TEST(mentions(r, "tls.min_protocol"));
  BOOST_TEST(mentions(r, "listen.submission"));
  BOOST_TEST(mentions(r, "data_dir"));
}

BOOST_AUTO_TEST_CASE(certificate_and_key_go_together) {
  const auto r = load("", {{"POSTERN_TLS_CERTIFICATE", "/etc/ssl/c.pem"}});
  BOOST_TEST(mentions(r, "tls.private_key"));
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error) {
  const auto r = load("/nonexistent/postern.conf", {});
  BOOST_TEST(mentions(r, "/nonexistent/postern.conf"));
}

BOOST_AUTO_TEST_CASE(listen_address_syntax) {
  BOOST_TEST(!parseListenAddress("::1:25").has_value());  // IPv6 needs brackets
  BOOST_TEST(!parseListenAddress("host:70000").has_value());
  BOOST_TEST(!parseListenAddress(":25").has_value());
  BOOST_TEST(parseListenAddress("127.0.0.1:0").value().port == 0);
}

BOOST_AUTO_TEST_CASE(environment_names_follow_the_key) {
  BOOST_TEST(environmentName("smtp.timeout.preauth") == "POSTERN_SMTP_TIMEOUT_PREAUTH");
}

BOOST_AUTO_TEST_CASE(sample_file_documents_every_key_and_matches_deploy_copy) {
  const std::string sample = sampleFile();
  std::ifstream in(std::string(POSTERN_SOURCE_DIR) + "/deploy/postern.conf");
  std::stringstream shipped;
  shipped << in.rdbuf();
  BOOST_TEST(shipped.str() == sample,
             "deploy/postern.conf is stale: regenerate with postern print-sample-config");
  // Uncommenting the whole sample must give a valid configuration equal to the defaults.
  std::string uncommented;
  std::istringstream lines(sample);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("# ", 0) == 0 && line.find(" = ") != std::string::npos &&
        line.find(' ', 2) == line.find(" = "))
      uncommented += line.substr(2) + "\n";
  TempFile f(uncommented);
  const auto r = load(f.path, {});
  BOOST_TEST(r.ok());
  BOOST_TEST(describe(r.config) == describe(Config{}));
}

BOOST_AUTO_TEST_CASE(describe_prints_every_key) {
  const std::string text = describe(Config{});
  BOOST_TEST(text.find("smtp.max_message_size = 52428800") != std::string::npos);
  BOOST_TEST(text.find("listen.submissions = 0.0.0.0:465") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(durations_take_units_and_print_the_largest_exact_one) {
  using std::chrono::seconds;
  BOOST_TEST(parseDuration("90s").value().count() == 90);
  BOOST_TEST(parseDuration("300").value().count() == 300);
  BOOST_TEST(parseDuration("15m").value().count() == 900);
  BOOST_TEST(parseDuration("4h").value().count() == 14400);
  BOOST_TEST(parseDuration("5d").value().count() == 432000);
  for (const char* bad : {"", "m", "-1m", "1.5h", "1w", "1 h", "9999999999"})
    BOOST_TEST(!parseDuration(bad).has_value(), bad);
  BOOST_TEST(formatDuration(seconds(0)) == "0");
  BOOST_TEST(formatDuration(seconds(90)) == "90s");
  BOOST_TEST(formatDuration(seconds(3600)) == "1h");
  BOOST_TEST(formatDuration(seconds(432000)) == "5d");
}

BOOST_AUTO_TEST_CASE(relay_queue_and_dkim_keys_parse_and_validate) {
  const auto ok = load("", {{"POSTERN_RELAY_SMARTHOST", "smtp.example.net:587, backup.example.net:465"},
                            {"POSTERN_RELAY_TLS", "tls"},
                            {"POSTERN_RELAY_USERNAME", "relay@example.org"},
                            {"POSTERN_RELAY_PASSWORD", "s3cret"},
                            {"POSTERN_QUEUE_RETRY_SCHEDULE", "30s, 2m 10m"},
                            {"POSTERN_QUEUE_MAX_LIFETIME", "2d"},
                            {"POSTERN_DKIM_MISSING_KEY", "reject"}});
  BOOST_TEST_REQUIRE(ok.ok());
  BOOST_TEST(ok.config.relay.smarthosts.size() == 2u);
  BOOST_TEST(ok.config.relay.smarthosts[1].host == "backup.example.net");
  BOOST_TEST(ok.config.relay.smarthosts[1].port == 465);
  BOOST_TEST((ok.config.relay.tls == Config::RelayTls::Implicit));
  BOOST_TEST(ok.config.queue.retrySchedule.size() == 3u);
  BOOST_TEST(ok.config.queue.retrySchedule[2].count() == 600);
  BOOST_TEST(ok.config.queue.maxLifetime.count() == 2 * 86400);
  BOOST_TEST((ok.config.dkim.missingKey == Config::MissingDkimKey::Reject));
  const std::string printed = describe(ok.config);
  BOOST_TEST(printed.find("s3cret") == std::string::npos);
  BOOST_TEST(printed.find("queue.retry_schedule = 30s, 2m, 10m") != std::string::npos);

  const auto bad = load("", {{"POSTERN_RELAY_TLS", "maybe"},
                             {"POSTERN_RELAY_USERNAME", "relay@example.org"},
                             {"POSTERN_QUEUE_RETRY_SCHEDULE", "1m, soon"},
                             {"POSTERN_QUEUE_DELAY_WARNING", "1y"}});
  BOOST_TEST(bad.errors.size() == 4u);
}

BOOST_AUTO_TEST_CASE(the_web_admin_listens_on_loopback_8443_for_private_networks_by_default) {
  const auto r = load("", {});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r.config.admin.listen.size(), 1u);
  BOOST_TEST(r.config.admin.listen[0].str() == "127.0.0.1:8443");
  BOOST_TEST(r.config.admin.maxThreads == 8u);
  BOOST_TEST(r.config.admin.sessionIdleTimeout.count() == 30 * 60);
  BOOST_TEST(r.config.admin.sessionLifetime.count() == 12 * 3600);
  const std::string printed = describe(r.config);
  BOOST_TEST(printed.find("admin.allowed_networks = 127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, "
                          "192.168.0.0/16, fc00::/7, fe80::/10, 169.254.0.0/16\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_admin_listen_turns_the_web_admin_off) {
  const auto r = load("", {{"POSTERN_ADMIN_LISTEN", ""}});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.admin.listen.empty());
}

BOOST_AUTO_TEST_CASE(admin_networks_and_limits_are_taken_from_file_and_environment) {
  TempFile f("admin.listen = [::1]:9443\nadmin.allowed_networks = 10.0.0.0/8, 2001:db8::/32\n");
  const auto r =
      load(f.path, {{"POSTERN_ADMIN_MAX_THREADS", "3"}, {"POSTERN_ADMIN_SESSION_IDLE_TIMEOUT", "5m"}});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.config.admin.listen.at(0).str() == "[::1]:9443");
  BOOST_REQUIRE_EQUAL(r.config.admin.allowedNetworks.size(), 2u);
  BOOST_TEST(r.config.admin.allowedNetworks[1].str() == "2001:db8::/32");
  BOOST_TEST(r.config.admin.allowedNetworks[0].contains("::ffff:10.1.2.3"));
  BOOST_TEST(r.config.admin.maxThreads == 3u);
  BOOST_TEST(r.config.admin.sessionIdleTimeout.count() == 300);
}

BOOST_AUTO_TEST_CASE(a_bad_admin_network_is_named_with_its_key) {
  const auto r = load("", {{"POSTERN_ADMIN_ALLOWED_NETWORKS", "10.0.0.0/8, 10.1.2.3/8, lan"}});
  BOOST_TEST_REQUIRE(r.errors.size() == 1u);
  BOOST_TEST(mentions(r, "admin.allowed_networks"));
  BOOST_TEST(mentions(r, "'10.1.2.3/8', 'lan'"));
  BOOST_TEST(!mentions(r, "'10.0.0.0/8'"));
}

BOOST_AUTO_TEST_CASE(the_admin_allowed_networks_may_not_be_empty) {
  const auto r = load("", {{"POSTERN_ADMIN_ALLOWED_NETWORKS", " , "}});
  BOOST_TEST(mentions(r, "admin.allowed_networks must list at least one network"));
}

// auth.never_ban is a list of exceptions: empty means none (its default, written out in the sample file).
BOOST_AUTO_TEST_CASE(auth_never_ban_may_be_empty_and_means_no_exception) {
  TempFile f("auth.never_ban =\n");
  const auto r = load(f.path, {});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.auth.neverBan.empty());
  TempFile g("auth.never_ban = 192.168.10.0/24, nonsense\n");
  BOOST_TEST(mentions(load(g.path, {}), "'nonsense' is not ADDRESS/PREFIX"));
}

BOOST_AUTO_TEST_CASE(admin_certificate_and_key_go_together) {
  const auto r = load("", {{"POSTERN_ADMIN_TLS_PRIVATE_KEY", "/etc/ssl/admin.key"}});
  BOOST_TEST(r.errors.size() == 1u);
  BOOST_TEST(mentions(r, "admin.tls.certificate and admin.tls.private_key"));
}

BOOST_AUTO_TEST_CASE(the_public_listener_is_off_unless_configured) {
  const auto r = load("", {});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.publicSite.listen.empty());
  const auto on = load("", {{"POSTERN_PUBLIC_LISTEN", "0.0.0.0:443, [::]:443"}});
  BOOST_TEST_REQUIRE(on.ok());
  BOOST_TEST(on.config.publicSite.listen.size() == 2u);
  BOOST_TEST(on.config.publicSite.listen[0].port == 443);
}

BOOST_AUTO_TEST_CASE(public_certificate_and_key_go_together) {
  const auto r = load("", {{"POSTERN_PUBLIC_TLS_CERTIFICATE", "/etc/ssl/public.pem"}});
  BOOST_TEST(r.errors.size() == 1u);
  BOOST_TEST(mentions(r, "public.tls.certificate and public.tls.private_key"));
}

BOOST_AUTO_TEST_CASE(an_admin_session_cannot_idle_longer_than_it_lives) {
  const auto r =
      load("", {{"POSTERN_ADMIN_SESSION_IDLE_TIMEOUT", "2h"}, {"POSTERN_ADMIN_SESSION_LIFETIME", "1h"}});
  BOOST_TEST(r.errors.size() == 1u);
  BOOST_TEST(mentions(r, "admin.session.idle_timeout must not be longer than admin.session.lifetime"));
}

BOOST_AUTO_TEST_CASE(admin_keys_report_their_errors_together) {
  const auto r = load("", {{"POSTERN_ADMIN_LISTEN", "8443"},
                           {"POSTERN_ADMIN_MAX_THREADS", "0"},
                           {"POSTERN_ADMIN_SESSION_LIFETIME", "1m"},
                           {"POSTERN_ADMIN_TLS_CERTIFICATE", "admin.pem"}});
  BOOST_TEST(mentions(r, "admin.listen"));
  BOOST_TEST(mentions(r, "admin.max_threads"));
  BOOST_TEST(mentions(r, "admin.session.lifetime"));
  BOOST_TEST(mentions(r, "admin.tls.certificate must be empty or an absolute path"));
}

BOOST_AUTO_TEST_CASE(a_secret_is_read_from_the_file_its_file_variable_names) {
  TempFile secret("s3cret\n");
  const auto r =
      load("", {{"POSTERN_RELAY_USERNAME", "relay"}, {"POSTERN_RELAY_PASSWORD_FILE", secret.path}});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.relay.password == "s3cret");
}

BOOST_AUTO_TEST_CASE(only_one_trailing_newline_of_a_secret_file_is_dropped) {
  TempFile crlf("key\r\n");
  TempFile twoLines("key\n\n");
  BOOST_TEST(load("", {{"POSTERN_RELAY_USERNAME", "u"}, {"POSTERN_RELAY_PASSWORD_FILE", crlf.path}})
                 .config.relay.password == "key");
  // The second newline stays part of the value, which a password may not contain.
  const auto kept =
      load("", {{"POSTERN_RELAY_USERNAME", "u"}, {"POSTERN_RELAY_PASSWORD_FILE", twoLines.path}});
  BOOST_TEST(!kept.ok());
  BOOST_TEST(mentions(kept, "relay.password"));
}

BOOST_AUTO_TEST_CASE(a_secret_set_both_directly_and_through_a_file_is_an_error) {
  TempFile secret("s3cret\n");
  const auto r = load("", {{"POSTERN_RELAY_USERNAME", "relay"},
                           {"POSTERN_RELAY_PASSWORD", "other"},
                           {"POSTERN_RELAY_PASSWORD_FILE", secret.path}});
  BOOST_TEST(!r.ok());
  BOOST_TEST(mentions(r, "POSTERN_RELAY_PASSWORD_FILE"));
}

BOOST_AUTO_TEST_CASE(an_unreadable_secret_file_is_an_error_naming_the_variable) {
  const auto missing = load("", {{"POSTERN_RELAY_USERNAME", "relay"},
                                 {"POSTERN_RELAY_PASSWORD_FILE", "/nonexistent/postern-secret"}});
  BOOST_TEST(!missing.ok());
  BOOST_TEST(mentions(missing, "POSTERN_RELAY_PASSWORD_FILE: /nonexistent/postern-secret cannot be read"));
  const auto directory =
      load("", {{"POSTERN_RELAY_USERNAME", "relay"}, {"POSTERN_RELAY_PASSWORD_FILE", "/tmp"}});
  BOOST_TEST(mentions(directory, "POSTERN_RELAY_PASSWORD_FILE: /tmp is a directory"));
}

BOOST_AUTO_TEST_CASE(a_file_variable_is_unknown_for_a_setting_that_is_not_secret) {
  TempFile value("mail.example.org\n");
  const auto r = load("", {{"POSTERN_HOSTNAME_FILE", value.path}});
  BOOST_TEST(!r.ok());
  BOOST_TEST(mentions(r, "environment POSTERN_HOSTNAME_FILE: unknown setting"));
}

BOOST_AUTO_TEST_CASE(the_master_key_file_variable_keeps_naming_the_key_file_setting) {
  // POSTERN_SECRETS_MASTER_KEY_FILE is secrets.master_key_file's own variable: the server reads the key
  // from that path itself, so the value is the path, not the file's content.
  TempFile key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  const auto r = load("", {{"POSTERN_SECRETS_MASTER_KEY_FILE", key.path}});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.secrets.masterKeyFile == key.path);
  BOOST_TEST(r.config.secrets.masterKey.empty());
}

BOOST_AUTO_TEST_CASE(a_secret_read_from_a_file_is_masked_in_the_printout) {
  TempFile secret("s3cret\n");
  const auto r =
      load("", {{"POSTERN_RELAY_USERNAME", "relay"}, {"POSTERN_RELAY_PASSWORD_FILE", secret.path}});
  BOOST_TEST(describe(r.config).find("s3cret") == std::string::npos);
  BOOST_TEST(describe(r.config).find("relay.password = ********") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dns_checks_use_the_system_resolvers_every_six_hours_by_default) {
  const auto r = load("", {});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.config.dns.resolvers.empty());
  BOOST_TEST(r.config.dns.timeout.count() == 3);
  BOOST_TEST(r.config.dns.tries == 2);
  BOOST_TEST(r.config.dns.checkInterval.count() == 6 * 3600);
}

BOOST_AUTO_TEST_CASE(a_dns_check_interval_of_0_turns_the_background_check_off) {
  const auto r = load("", {{"POSTERN_DNS_CHECK_INTERVAL", "0"}, {"POSTERN_DNS_RESOLVERS", "127.0.0.1:5353"}});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.config.dns.checkInterval.count() == 0);
  BOOST_TEST(r.config.dns.resolvers == "127.0.0.1:5353");
}

BOOST_AUTO_TEST_CASE(dns_tries_outside_1_to_5_are_named_with_their_key) {
  const auto r = load("", {{"POSTERN_DNS_TRIES", "9"}});
  BOOST_TEST(mentions(r, "dns.tries"));
}

BOOST_AUTO_TEST_CASE(the_client_documents_offer_no_incoming_server_unless_one_is_set) {
  const auto r = load("", {});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST((r.config.clients.incoming.protocol == Config::IncomingProtocol::None));
  BOOST_TEST(describe(r.config).find("clients.incoming = \n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_incoming_server_is_protocol_host_port_and_tls) {
  const auto r = load("", {{"POSTERN_CLIENTS_INCOMING", "IMAP:Imap.Provider.example:993:ssl"},
                           {"POSTERN_CLIENTS_SUBMISSION_HOST", "mail.example.org"}});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST((r.config.clients.incoming.protocol == Config::IncomingProtocol::Imap));
  BOOST_TEST(r.config.clients.incoming.host == "imap.provider.example");
  BOOST_TEST(r.config.clients.incoming.port == 993);
  BOOST_TEST(r.config.clients.incoming.implicitTls);
  BOOST_TEST(describe(r.config).find("clients.incoming = imap:imap.provider.example:993:ssl") !=
             std::string::npos);
  const auto pop = load("", {{"POSTERN_CLIENTS_INCOMING", "pop3:pop.provider.example:110:starttls"}});
  BOOST_TEST_REQUIRE(pop.ok());
  BOOST_TEST((pop.config.clients.incoming.protocol == Config::IncomingProtocol::Pop3));
  BOOST_TEST(!pop.config.clients.incoming.implicitTls);
}

BOOST_AUTO_TEST_CASE(a_malformed_or_plaintext_incoming_server_is_named_with_its_key) {
  for (const char* bad :
       {"imap:host:993", "smtp:host:25:ssl", "imap::993:ssl", "imap:host:0:ssl", "imap:host:70000:ssl",
        "imap:host:143:none", "imap:ho st:993:ssl", "imap:host:993:ssl:x"}) {
    const auto r = load("", {{"POSTERN_CLIENTS_INCOMING", bad}});
    BOOST_TEST(mentions(r, "clients.incoming"), bad);
  }
}

BOOST_AUTO_TEST_CASE(client_host_and_display_name_are_checked) {
  BOOST_TEST(
      mentions(load("", {{"POSTERN_CLIENTS_SUBMISSION_HOST", "mail example"}}), "clients.submission_host"));
  BOOST_TEST(mentions(load("", {{"POSTERN_CLIENTS_DISPLAY_NAME", "a\x01"}}), "clients.display_name"));
}

BOOST_AUTO_TEST_CASE(the_metrics_token_is_a_secret_read_from_its_file_variable_and_masked) {
  TempFile token("0123456789abcdef-TOKEN\n");
  const auto r = load("", {{"POSTERN_ADMIN_METRICS_TOKEN_FILE", token.path}});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.config.admin.metricsToken == "0123456789abcdef-TOKEN");
  BOOST_TEST(describe(r.config).find("0123456789abcdef") == std::string::npos);
  BOOST_TEST(describe(r.config).find("admin.metrics_token = ********") != std::string::npos);
  BOOST_TEST(load("", {}).config.admin.metricsToken.empty());  // none by default: the networks decide
}

BOOST_AUTO_TEST_CASE(a_metrics_token_too_short_or_outside_the_bearer_alphabet_is_refused) {
  TempFile f("admin.metrics_token = abc123\n");
  const auto shortToken = load(f.path, {});
  BOOST_TEST(!shortToken.ok());
  BOOST_TEST(mentions(shortToken, "admin.metrics_token must be at least 16 characters"));
  const auto spaced = load("", {{"POSTERN_ADMIN_METRICS_TOKEN", "0123456789 abcdefgh"}});
  BOOST_TEST(!spaced.ok());
  BOOST_TEST(mentions(spaced, "admin.metrics_token may hold only"));
}

// Found by fuzzing (tests/fuzz/corpus/config/regression_empty_key_part): a key with an empty part made
// reading the file recurse until the stack overflowed; such a key is an unknown key like any typo.
BOOST_AUTO_TEST_CASE(a_key_with_an_empty_part_is_an_unknown_key) {
  TempFile f("hostname = mail.example.org\n.o = 1\nsmtp..max_recipients = 7\nsmtp.max_recipients. = 8\n");
  const auto r = load(f.path, {});
  BOOST_TEST(!r.ok());
  BOOST_TEST(mentions(r, "unknown key '.o'"));
  BOOST_TEST(mentions(r, "unknown key 'smtp..max_recipients'"));
  BOOST_TEST(mentions(r, "unknown key 'smtp.max_recipients.'"));
  BOOST_TEST(r.config.hostname == "mail.example.org");
}
