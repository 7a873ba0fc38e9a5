#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>
#include <vector>

#include "mail/address.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "store/user_repository.h"
#include "support/fake_clock.h"
#include "support/migrated_database.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::FakeClock;
using postern::test::TempDir;
using namespace std::chrono_literals;

namespace {
struct Fixture : postern::test::MigratedDatabase {
  UserRepository users{db, clock};

  long long patternRows() {
    auto c = db.acquire();
    auto q = c->prepare("SELECT count(*) FROM sender_addresses");
    q.step();
    return q.columnInt64(0);
  }
};

template <typename E>
std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no exception)";
}

postern::mail::Address address(const std::string& text) { return *postern::mail::parseMailbox(text); }
}  // namespace

BOOST_AUTO_TEST_SUITE(user_repository)

BOOST_FIXTURE_TEST_CASE(created_user_is_found_with_its_fields, Fixture) {
  const auto created = users.createUser("alice@example.org", "$argon2id$hash");
  const auto found = users.findByLogin("alice@example.org");
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->id == created.id);
  BOOST_TEST(found->login == "alice@example.org");
  BOOST_TEST(found->passwordHash == "$argon2id$hash");
  BOOST_TEST(found->enabled);
  BOOST_TEST((found->createdAt == clock.now()));
  BOOST_TEST((found->updatedAt == clock.now()));
}

BOOST_FIXTURE_TEST_CASE(a_user_and_its_sender_patterns_are_created_together, Fixture) {
  users.createUser("alice@example.org", "h",
                   {"Alice@Example.org", "@sales.example.org", "alice@example.org"});
  BOOST_TEST(users.listSenderPatterns("alice@example.org") ==
             (std::vector<std::string>{"@sales.example.org", "alice@example.org"}));
}

BOOST_FIXTURE_TEST_CASE(a_bad_sender_pattern_leaves_no_user_behind, Fixture) {
  BOOST_CHECK_THROW(users.createUser("alice@example.org", "h", {"alice@example.org", "not a pattern"}),
                    InvalidValue);
  BOOST_TEST(!users.findByLogin("alice@example.org").has_value());
}

BOOST_FIXTURE_TEST_CASE(login_is_stored_lower_case_and_found_in_any_case, Fixture) {
  users.createUser("  Alice@Example.ORG ", "h");
  const auto found = users.findByLogin("ALICE@example.org");
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->login == "alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(duplicate_login_in_any_case_is_refused_as_existing, Fixture) {
  users.createUser("alice@example.org", "h");
  BOOST_TEST(messageOf<AlreadyExists>([&] { users.createUser("ALICE@example.org", "h2"); }) ==
             "user already exists: alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(login_must_be_an_email_address, Fixture) {
  BOOST_CHECK_THROW(users.createUser("alice", "h"), InvalidValue);
  BOOST_CHECK_THROW(users.createUser("alice@", "h"), InvalidValue);
  BOOST_CHECK_THROW(users.createUser("", "h"), InvalidValue);
  BOOST_CHECK_THROW(users.createUser(std::string(250, 'a') + "@example.org", "h"), InvalidValue);
  BOOST_TEST(!users.findByLogin("not an address").has_value());
}

BOOST_FIXTURE_TEST_CASE(empty_password_hash_is_refused, Fixture) {
  BOOST_CHECK_THROW(users.createUser("alice@example.org", ""), InvalidValue);
}

BOOST_FIXTURE_TEST_CASE(unknown_user_is_not_found, Fixture) {
  BOOST_TEST(!users.findByLogin("nobody@example.org").has_value());
  BOOST_TEST(messageOf<NotFound>([&] { users.setPasswordHash("Nobody@example.org", "h"); }) ==
             "no such user: nobody@example.org");
  BOOST_CHECK_THROW(users.setEnabled("nobody@example.org", false), NotFound);
  BOOST_CHECK_THROW(users.deleteUser("nobody@example.org"), NotFound);
  BOOST_CHECK_THROW(users.addSenderPattern("nobody@example.org", "@example.org"), NotFound);
  BOOST_CHECK_THROW(users.listSenderPatterns("nobody@example.org"), NotFound);
}

BOOST_FIXTURE_TEST_CASE(password_hash_and_enabled_flag_update_the_row_and_its_time, Fixture) {
  users.createUser("alice@example.org", "old");
  clock.advance(60s);
  users.setPasswordHash("alice@example.org", "new");
  users.setEnabled("ALICE@example.org", false);
  const auto found = users.findByLogin("alice@example.org");
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->passwordHash == "new");
  BOOST_TEST(!found->enabled);
  BOOST_TEST((found->updatedAt == clock.now()));
  BOOST_TEST((found->createdAt == clock.now() - 60s));
  users.setEnabled("alice@example.org", true);
  BOOST_TEST(users.findByLogin("alice@example.org")->enabled);
}

BOOST_FIXTURE_TEST_CASE(replace_password_hash_only_replaces_the_expected_hash, Fixture) {
  users.createUser("alice@example.org", "first");
  BOOST_TEST(!users.replacePasswordHash("alice@example.org", "stale", "rehashed"));
  BOOST_TEST(users.findByLogin("alice@example.org")->passwordHash == "first");
  BOOST_TEST(users.replacePasswordHash("alice@example.org", "first", "rehashed"));
  BOOST_TEST(users.findByLogin("alice@example.org")->passwordHash == "rehashed");
  BOOST_TEST(!users.replacePasswordHash("nobody@example.org", "first", "x"));
}

BOOST_FIXTURE_TEST_CASE(list_users_is_ordered_by_login, Fixture) {
  users.createUser("carol@example.org", "h");
  users.createUser("alice@example.org", "h");
  users.createUser("bob@example.org", "h");
  std::vector<std::string> logins;
  for (const auto& u : users.listUsers()) logins.push_back(u.login);
  BOOST_TEST(logins ==
             (std::vector<std::string>{"alice@example.org", "bob@example.org", "carol@example.org"}));
}

BOOST_FIXTURE_TEST_CASE(sender_patterns_are_normalised_and_listed_in_order, Fixture) {
  users.createUser("alice@example.org", "h");
  users.addSenderPattern("alice@example.org", "Alice@Example.ORG");
  users.addSenderPattern("alice@example.org", " @Sales.Example.org ");
  BOOST_TEST(users.listSenderPatterns("ALICE@example.org") ==
             (std::vector<std::string>{"@sales.example.org", "alice@example.org"}));
}

BOOST_FIXTURE_TEST_CASE(malformed_sender_pattern_is_refused_with_a_clear_message, Fixture) {
  users.createUser("alice@example.org", "h");
  const auto message =
      messageOf<InvalidValue>([&] { users.addSenderPattern("alice@example.org", "not-an-address"); });
  BOOST_TEST(message.find("invalid sender pattern: 'not-an-address'") != std::string::npos);
  BOOST_CHECK_THROW(users.addSenderPattern("alice@example.org", "@"), InvalidValue);
  BOOST_CHECK_THROW(users.addSenderPattern("alice@example.org", "@[192.0.2.1]"), InvalidValue);
}

BOOST_FIXTURE_TEST_CASE(duplicate_sender_pattern_is_refused_as_existing, Fixture) {
  users.createUser("alice@example.org", "h");
  users.addSenderPattern("alice@example.org", "alice@example.org");
  BOOST_CHECK_THROW(users.addSenderPattern("alice@example.org", "ALICE@example.org"), AlreadyExists);
}

BOOST_FIXTURE_TEST_CASE(removing_a_sender_pattern_matches_in_any_case, Fixture) {
  users.createUser("alice@example.org", "h");
  users.addSenderPattern("alice@example.org", "@example.org");
  users.removeSenderPattern("alice@example.org", "@EXAMPLE.org");
  BOOST_TEST(users.listSenderPatterns("alice@example.org").empty());
  BOOST_TEST(messageOf<NotFound>([&] { users.removeSenderPattern("alice@example.org", "@example.org"); }) ==
             "user alice@example.org has no sender pattern @example.org");
}

BOOST_FIXTURE_TEST_CASE(deleting_a_user_deletes_its_sender_patterns, Fixture) {
  users.createUser("alice@example.org", "h");
  users.createUser("bob@example.org", "h");
  users.addSenderPattern("alice@example.org", "alice@example.org");
  users.addSenderPattern("alice@example.org", "@example.org");
  users.addSenderPattern("bob@example.org", "bob@example.org");
  users.deleteUser("Alice@example.org");
  BOOST_TEST(!users.findByLogin("alice@example.org").has_value());
  BOOST_TEST(patternRows() == 1);  // only bob's
}

BOOST_FIXTURE_TEST_CASE(allowed_senders_match_exact_addresses_and_whole_domains, Fixture) {
  users.createUser("alice@example.org", "h");
  users.addSenderPattern("alice@example.org", "alice@example.org");
  users.addSenderPattern("alice@example.org", "@sales.example.org");
  const auto allowed = users.allowedSenders("ALICE@example.org");
  BOOST_TEST(allowed.allows(address("Alice@Example.org")));
  BOOST_TEST(allowed.allows(address("anyone@sales.example.org")));
  BOOST_TEST(!allowed.allows(address("bob@example.org")));
}

BOOST_FIXTURE_TEST_CASE(disabled_user_may_send_as_no_one, Fixture) {
  users.createUser("alice@example.org", "h");
  users.addSenderPattern("alice@example.org", "alice@example.org");
  users.setEnabled("alice@example.org", false);
  BOOST_TEST(users.allowedSenders("alice@example.org").empty());
  users.setEnabled("alice@example.org", true);
  BOOST_TEST(users.allowedSenders("alice@example.org").allows(address("alice@example.org")));
}

BOOST_FIXTURE_TEST_CASE(unknown_user_may_send_as_no_one, Fixture) {
  BOOST_TEST(users.allowedSenders("nobody@example.org").empty());
  BOOST_TEST(users.allowedSenders("garbage").empty());
}

BOOST_FIXTURE_TEST_CASE(users_are_counted_and_only_enabled_users_patterns_are_listed_once, Fixture) {
  users.createUser("alice@example.org", "$argon2id$a", {"alice@example.org", "@example.org"});
  users.createUser("bob@example.org", "$argon2id$b", {"bob@example.org", "@example.org"});
  users.createUser("carol@example.net", "$argon2id$c", {"carol@example.net"});
  users.setEnabled("carol@example.net", false);
  BOOST_TEST(users.countUsers() == 3u);
  const std::vector<std::string> expected{"@example.org", "alice@example.org", "bob@example.org"};
  BOOST_TEST(users.enabledSenderPatterns() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
