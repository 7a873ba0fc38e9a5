#define BOOST_TEST_MODULE clientconfig_web
#include <boost/test/unit_test.hpp>

#include "admin/client_setup.h"
#include "auth/failure_throttle.h"
#include "core/error.h"
#include "core/text.h"
#include "store/domain_repository.h"
#include "unit/auth/auth_fixture.h"
#include "unit/clientconfig/settings_fixture.h"
#include "unit/clientconfig/xml_document.h"
#include "unit/web/fake_exchange.h"
#include "web/api_client_config.h"
#include "web/json_response.h"

using namespace postern;
using test::FakeExchange;
using test::XmlDocument;

namespace {

constexpr std::size_t kMaxFailures = 3;

// The public routes over a real store and verifier (Alice: alice@example.org / "correct horse"), with a
// throttle of three failures per client; requests run as the server's dispatcher runs them (errors mapped
// by web::errorAnswer).
struct Site : test::AuthFixture {
  store::DomainRepository domains{db, clock};
  auth::FailureThrottle throttle{clock,
                                 auth::FailureThrottleOptions{kMaxFailures, std::chrono::seconds(600), 100}};
  admin::ClientSetup setup{
      test::configuredHost(), domains, users, verifier, throttle, [](const std::string& address) {
        return address;
      }};
  web::Router router;

  Site() {
    users.createUser("bob@example.org", hasher.hash("bob password 1"));
    users.setEnabled("bob@example.org", false);
    web::addClientConfigRoutes(router, setup);
  }

  FakeExchange& run(FakeExchange& exchange) {
    auto match = router.match(exchange.context.request.getMethod(), exchange.context.path);
    try {
      if (match.outcome != web::RouteMatch::Outcome::Found) throw std::logic_error("no route");
      exchange.context.params = std::move(match.params);
      (*match.handler)(exchange.context);
    } catch (const std::logic_error&) {
      throw;
    } catch (...) {
      web::sendError(exchange.response, web::errorAnswer(std::current_exception()));
    }
    return exchange;
  }

  static FakeExchange profileRequest(const std::string& credentials) {
    FakeExchange exchange("GET", "/profile.mobileconfig");
    if (!credentials.empty())
      exchange.request.set("Authorization", "Basic " + core::base64Encode(credentials));
    return exchange;
  }
};

std::string autodiscoverBody(const std::string& address) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover "
         "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request>"
         "<EMailAddress>" +
         address +
         "</EMailAddress><AcceptableResponseSchema>"
         "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
         "</AcceptableResponseSchema></Request></Autodiscover>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(public_documents)

BOOST_AUTO_TEST_CASE(autoconfig_answers_for_an_address_at_a_known_domain_on_both_paths) {
  Site site;
  for (const char* path : {"/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"}) {
    FakeExchange e("GET", std::string(path) + "?emailaddress=Someone%40Example.org");
    site.run(e);
    BOOST_TEST(e.response.status() == 200);
    BOOST_TEST(e.response.getContentType() == "application/xml; charset=utf-8");
    BOOST_TEST(e.response.field("Cache-Control") == "no-store");
    const XmlDocument doc(e.response.body());
    BOOST_TEST(XmlDocument::text(XmlDocument::child(doc.root(), "emailProvider"), "domain") == "example.org");
  }
}

BOOST_AUTO_TEST_CASE(a_domain_known_only_from_a_sender_pattern_gets_documents_too) {
  Site site;
  FakeExchange before("GET", "/mail/config-v1.1.xml?emailaddress=scan%40office.example");
  site.run(before);
  BOOST_TEST(before.response.status() == 404);
  site.users.addSenderPattern("alice@example.org", "@office.example");
  FakeExchange after("GET", "/mail/config-v1.1.xml?emailaddress=scan%40office.example");
  site.run(after);
  BOOST_TEST(after.response.status() == 200);
}

BOOST_AUTO_TEST_CASE(autoconfig_without_an_address_answers_for_the_autoconfig_host_domain) {
  Site site;
  FakeExchange e("GET", "/mail/config-v1.1.xml");
  e.request.setHost("autoconfig.example.org", 443);
  site.run(e);
  BOOST_TEST(e.response.status() == 200);
  FakeExchange other("GET", "/mail/config-v1.1.xml");
  other.request.setHost("www.example.org");
  site.run(other);
  BOOST_TEST(other.response.status() == 404);
}

BOOST_AUTO_TEST_CASE(an_unknown_domain_or_a_malformed_address_is_404_never_a_document) {
  Site site;
  for (const char* uri : {"/mail/config-v1.1.xml?emailaddress=a%40elsewhere.example",
                          "/mail/config-v1.1.xml?emailaddress=%3Cscript%3E", "/mail/config-v1.1.xml",
                          "/autodiscover/autodiscover.xml?emailaddress=a%40elsewhere.example"}) {
    FakeExchange e("GET", uri);
    site.run(e);
    BOOST_TEST(e.response.status() == 404, uri);
    BOOST_TEST(e.response.body().find("outgoingServer") == std::string::npos);
  }
  FakeExchange post("POST", "/autodiscover/autodiscover.xml", autodiscoverBody("a@elsewhere.example"),
                    "text/xml");
  site.run(post);
  BOOST_TEST(post.response.status() == 404);
}

BOOST_AUTO_TEST_CASE(autodiscover_answers_a_post_on_both_spellings_of_its_path) {
  Site site;
  for (const char* path : {"/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"}) {
    FakeExchange e("POST", path, autodiscoverBody("Alice@Example.org"), "text/xml");
    site.run(e);
    BOOST_TEST(e.response.status() == 200);
    const XmlDocument doc(e.response.body());
    const auto* account = XmlDocument::child(XmlDocument::child(doc.root(), "Response"), "Account");
    BOOST_REQUIRE(account);
    const auto protocols = XmlDocument::children(account, "Protocol");
    BOOST_REQUIRE_EQUAL(protocols.size(), 3u);
    BOOST_TEST(XmlDocument::text(protocols[1], "LoginName") == "alice@example.org");
  }
}

BOOST_AUTO_TEST_CASE(an_unreadable_autodiscover_request_is_400) {
  Site site;
  FakeExchange e("POST", "/autodiscover/autodiscover.xml",
                 "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Autodiscover/>", "text/xml");
  site.run(e);
  BOOST_TEST(e.response.status() == 400);
  BOOST_TEST(e.response.body().find("root:") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(profile_download)

BOOST_AUTO_TEST_CASE(the_right_password_gets_the_users_profile_as_an_attachment) {
  Site site;
  auto e = Site::profileRequest("Alice@example.org:correct horse");
  site.run(e);
  BOOST_TEST(e.response.status() == 200);
  BOOST_TEST(e.response.getContentType() == "application/x-apple-aspen-config");
  BOOST_TEST(e.response.field("Content-Disposition") ==
             "attachment; filename=\"postern-alice-example.org.mobileconfig\"");
  BOOST_TEST(e.response.field("Cache-Control") == "no-store");
  BOOST_TEST(e.response.body().find("<string>alice@example.org</string>") != std::string::npos);
  BOOST_TEST(e.response.body().find("correct horse") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_password_unknown_user_and_disabled_user_get_one_and_the_same_401) {
  Site site;
  std::string first;
  for (const char* credentials : {"alice@example.org:wrong horse", "nobody@example.org:correct horse",
                                  "bob@example.org:bob password 1"}) {
    auto e = Site::profileRequest(credentials);
    site.run(e);
    BOOST_TEST(e.response.status() == 401, credentials);
    BOOST_TEST(e.response.field("WWW-Authenticate") == web::kProfileRealm);
    if (first.empty()) first = e.response.body();
    BOOST_TEST(e.response.body() == first);
    BOOST_TEST(e.response.body().find("horse") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(missing_or_malformed_credentials_get_401_with_the_challenge) {
  Site site;
  auto none = Site::profileRequest("");
  site.run(none);
  BOOST_TEST(none.response.status() == 401);
  BOOST_TEST(none.response.field("WWW-Authenticate") == web::kProfileRealm);
  for (const char* header : {"Bearer abc", "Basic !!!", "Basic YWxpY2U="}) {  // the last: "alice", no colon
    FakeExchange e("GET", "/profile.mobileconfig");
    e.request.set("Authorization", header);
    site.run(e);
    BOOST_TEST(e.response.status() == 401, header);
  }
  BOOST_TEST(site.throttle.failures("127.0.0.1") == 0u);
}

BOOST_AUTO_TEST_CASE(failures_are_throttled_per_client_and_then_no_password_is_checked) {
  Site site;
  for (std::size_t i = 0; i < kMaxFailures; ++i) {
    auto e = Site::profileRequest("alice@example.org:wrong horse");
    site.run(e);
    BOOST_TEST(e.response.status() == 401);
  }
  auto blocked = Site::profileRequest("alice@example.org:correct horse");
  site.run(blocked);
  BOOST_TEST(blocked.response.status() == 429);
  BOOST_TEST(blocked.response.field("Retry-After") != "<absent>");
  site.clock.advance(std::chrono::seconds(601));
  auto later = Site::profileRequest("alice@example.org:correct horse");
  site.run(later);
  BOOST_TEST(later.response.status() == 200);
}

BOOST_AUTO_TEST_CASE(a_success_does_not_count_as_a_failure) {
  Site site;
  auto e = Site::profileRequest("alice@example.org:correct horse");
  site.run(e);
  BOOST_TEST(site.throttle.failures("127.0.0.1") == 0u);
  BOOST_TEST(site.throttle.reservations("127.0.0.1") == 0u);
}

BOOST_AUTO_TEST_CASE(an_administrators_download_names_an_existing_user_only) {
  Site site;
  BOOST_TEST(site.setup.profileOf("alice@example.org").find("com.apple.mail.managed") != std::string::npos);
  BOOST_CHECK_THROW(site.setup.profileOf("nobody@example.org"), core::NotFound);
}

BOOST_AUTO_TEST_SUITE_END()
