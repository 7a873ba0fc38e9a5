// admin::TestMessages: a test message goes through the real smtp::Session as the user who may send as
// the address (sender binding, Received, Date and Message-ID, the signer, the spool), and each refusal
// comes back naming the field to correct.
#include <boost/test/unit_test.hpp>

#include "admin/test_message.h"
#include "store/migration_runner.h"
#include "support/temp_dir.h"
#include "unit/smtp/fakes.h"

using namespace postern;
using smtp::test::FakeSigner;
using smtp::test::FakeSpool;

namespace {

// Who may send as whom, straight from the user store (as the server's SenderPolicy does).
class StoredSenders final : public smtp::SenderDirectory {
 public:
  explicit StoredSenders(store::UserRepository& users) : users_(users) {}
  mail::AllowedSenders sendersFor(const std::string& login) override { return users_.allowedSenders(login); }

 private:
  store::UserRepository& users_;
};

struct Fixture {
  test::TempDir dir;
  smtp::test::FakeClock clock;
  store::Database db{dir.file("postern.db")};
  store::UserRepository users{db, clock};
  StoredSenders senders{users};
  FakeSpool spool;
  FakeSigner signer;
  admin::TestMessages messages{config(), users, senders, spool, &signer, clock};

  Fixture() {
    store::MigrationRunner(db, clock).run();
    users.createUser("alice@example.org", "$argon2id$x", {"alice@example.org"});
    users.createUser("bob@example.org", "$argon2id$x", {"bob@example.org", "@shared.example"});
  }
  static smtp::SessionConfig config() {
    smtp::SessionConfig c;
    c.hostname = "relay.example.org";
    return c;
  }
  admin::TestMessageRequest request(std::string from, std::string to = "someone@example.net") {
    return admin::TestMessageRequest{std::move(from), std::move(to), "root", "192.0.2.9"};
  }
};

std::string fieldOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::InvalidValue& e) {
    return e.field();
  }
  return "(no InvalidValue)";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(test_message, Fixture)

BOOST_AUTO_TEST_CASE(a_test_message_is_queued_signed_and_sent_as_the_user_who_owns_the_address) {
  const auto result = messages.send(request("alice@example.org"));
  BOOST_TEST(result.login == "alice@example.org");
  BOOST_REQUIRE_EQUAL(spool.messages.size(), 1u);
  const auto& m = spool.lastMessage();
  BOOST_TEST(m.committed);
  BOOST_TEST(result.queueId == m.queueId);
  BOOST_TEST(m.envelope.login == "alice@example.org");
  BOOST_TEST(m.envelope.sender.str() == "alice@example.org");
  BOOST_REQUIRE_EQUAL(m.envelope.recipients.size(), 1u);
  BOOST_TEST(m.envelope.recipients[0].str() == "someone@example.net");
  BOOST_TEST(m.envelope.clientAddress == "192.0.2.9");
  BOOST_TEST(m.data.find("Subject: Postern test message\r\n") != std::string::npos);
  BOOST_TEST(m.prepended.find("DKIM-Signature:") != std::string::npos);
  BOOST_TEST(m.prepended.find("Received:") != std::string::npos);
  BOOST_REQUIRE_EQUAL(signer.records.size(), 1u);
  BOOST_TEST(*signer.records[0]->fromDomain == "example.org");
  BOOST_TEST(signer.records[0]->addedHeaders.find("Message-ID:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_domain_pattern_lets_its_owner_send_a_test_message) {
  BOOST_TEST(messages.send(request("anyone@shared.example")).login == "bob@example.org");
}

BOOST_AUTO_TEST_CASE(an_address_no_enabled_user_may_send_as_is_refused_at_from) {
  BOOST_TEST(fieldOf([&] { messages.send(request("mallory@example.org")); }) == "from");
  users.setEnabled("alice@example.org", false);
  BOOST_TEST(fieldOf([&] { messages.send(request("alice@example.org")); }) == "from");
  BOOST_TEST(spool.messages.empty());
}

BOOST_AUTO_TEST_CASE(command_injection_through_an_address_is_refused_before_any_session) {
  BOOST_TEST(fieldOf([&] {
               messages.send(request("alice@example.org", "x@example.net>\r\nRCPT TO:<y@example.net"));
             }) == "to");
  BOOST_TEST(fieldOf([&] { messages.send(request("alice@example.org\r\nRSET")); }) == "from");
  BOOST_TEST(fieldOf([&] { messages.send(request("alice@example.org", "not an address")); }) == "to");
  BOOST_TEST(spool.messages.empty());
}

BOOST_AUTO_TEST_CASE(a_message_the_signer_cannot_sign_is_refused_as_a_temporary_error) {
  signer.status = smtp::SigningOutcome::Status::Failed;
  BOOST_CHECK_THROW(messages.send(request("alice@example.org")), core::Error);
  BOOST_TEST(!spool.lastMessage().committed);
}

BOOST_AUTO_TEST_CASE(a_full_spool_is_a_temporary_error_not_a_bad_field) {
  spool.accepting = false;
  try {
    messages.send(request("alice@example.org"));
    BOOST_FAIL("no error");
  } catch (const core::InvalidValue&) {
    BOOST_FAIL("a full disk is not the administrator's typing");
  } catch (const core::Error& e) {
    BOOST_TEST(e.temporary());
    BOOST_TEST(std::string(e.what()).find("452") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_SUITE_END()
