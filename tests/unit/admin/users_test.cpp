#define BOOST_TEST_MODULE admin
#include <boost/test/unit_test.hpp>

#include <string>

#include "admin/users.h"
#include "auth/sender_policy.h"
#include "core/error.h"
#include "mail/address.h"
#include "unit/auth/auth_fixture.h"

using namespace postern::auth;
using postern::admin::Users;
using postern::test::AuthFixture;
using Status = VerifyResult::Status;

namespace {
struct Fixture : AuthFixture {
  Users admin{users, hasher};
};

std::string policyMessage(std::string_view password) {
  try {
    Users::checkPasswordPolicy(password);
  } catch (const postern::core::InvalidValue& e) {
    return e.what();
  }
  return "(accepted)";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(users)

BOOST_FIXTURE_TEST_CASE(added_user_can_log_in_and_only_a_hash_is_stored, Fixture) {
  const auto user = admin.add("Bob@Example.org", "battery staple");
  BOOST_TEST(user.login == "bob@example.org");
  BOOST_TEST(user.addresses ==
             std::vector<std::string>{"bob@example.org"});  // the login is its first address
  const auto stored = users.findByLogin("bob@example.org");
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->passwordHash.rfind("$argon2id$", 0) == 0);
  BOOST_TEST(stored->passwordHash.find("battery") == std::string::npos);
  BOOST_TEST((verifier.verify("bob@example.org", "battery staple").status == Status::Ok));
}

BOOST_FIXTURE_TEST_CASE(password_shorter_than_8_characters_is_refused_with_the_rule, Fixture) {
  BOOST_TEST(policyMessage("1234567") == "the password is too short: at least 8 characters are required");
  BOOST_CHECK_THROW(admin.add("bob@example.org", "short"), postern::core::InvalidValue);
  BOOST_TEST(!users.findByLogin("bob@example.org").has_value());
  BOOST_TEST(policyMessage("12345678") == "(accepted)");
}

BOOST_FIXTURE_TEST_CASE(password_length_counts_characters_not_bytes, Fixture) {
  BOOST_TEST(policyMessage("p\xc3\xa4ssw\xc3\xb6r") != "(accepted)");  // "pässwör": 7 characters, 9 bytes
  BOOST_TEST(policyMessage("p\xc3\xa4ssw\xc3\xb6rd") == "(accepted)");
}

BOOST_FIXTURE_TEST_CASE(password_with_control_characters_or_too_long_is_refused, Fixture) {
  BOOST_TEST(policyMessage(std::string("abcd\0efgh", 9)) ==
             "the password must not contain control characters");
  BOOST_TEST(policyMessage("abcd\tefgh") == "the password must not contain control characters");
  BOOST_TEST(policyMessage(std::string(1025, 'x')) == "the password is too long: at most 1024 bytes");
}

BOOST_FIXTURE_TEST_CASE(invalid_login_is_refused_before_hashing, Fixture) {
  BOOST_CHECK_THROW(admin.add("bob", "battery staple"), postern::core::InvalidValue);
}

BOOST_FIXTURE_TEST_CASE(invalid_values_name_the_field_to_correct, Fixture) {
  const auto fieldOf = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const postern::core::InvalidValue& e) {
      return e.field();
    }
    return "(accepted)";
  };
  BOOST_TEST(fieldOf([&] { admin.add("not-an-address", "battery staple"); }) == "login");
  BOOST_TEST(fieldOf([&] { admin.add("bob@example.org", "short"); }) == "password");
}

BOOST_FIXTURE_TEST_CASE(a_malformed_sender_pattern_is_refused_naming_the_pattern, Fixture) {
  admin.add("bob@example.org", "battery staple");
  try {
    admin.addAddress("bob@example.org", "example.org");
    BOOST_FAIL("a pattern without '@' was accepted");
  } catch (const postern::core::InvalidValue& e) {
    BOOST_TEST(e.field() == "pattern");
  }
}

BOOST_FIXTURE_TEST_CASE(an_added_pattern_is_answered_in_its_stored_form, Fixture) {
  admin.add("bob@example.org", "battery staple");
  BOOST_TEST(admin.addAddress("bob@example.org", "@Sales.Example.ORG") == "@sales.example.org");
}

BOOST_FIXTURE_TEST_CASE(a_refused_user_leaves_neither_user_nor_address, Fixture) {
  BOOST_CHECK_THROW(admin.add("ALICE@example.org", "battery staple"), postern::core::AlreadyExists);
  BOOST_TEST(users.listSenderPatterns("alice@example.org").empty());  // alice's own (none) untouched
  BOOST_CHECK_THROW(admin.add("bob@example.org", "short"), postern::core::InvalidValue);
  BOOST_TEST(!admin.find("bob@example.org").has_value());
}

BOOST_FIXTURE_TEST_CASE(a_view_lists_the_addresses_and_never_the_hash, Fixture) {
  admin.addAddress("alice@example.org", "@example.org");
  const auto alice = admin.find("Alice@Example.org");
  BOOST_REQUIRE(alice.has_value());
  BOOST_TEST(alice->addresses == std::vector<std::string>{"@example.org"});
  BOOST_TEST(admin.list().size() == 1u);
  BOOST_CHECK_THROW(admin.addresses("nobody@example.org"), postern::core::NotFound);
}

BOOST_FIXTURE_TEST_CASE(existing_user_cannot_be_added_again, Fixture) {
  BOOST_CHECK_THROW(admin.add("ALICE@example.org", "battery staple"), postern::core::AlreadyExists);
}

BOOST_FIXTURE_TEST_CASE(set_password_replaces_what_verifies, Fixture) {
  admin.setPassword("alice@example.org", "battery staple");
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Failed));
  BOOST_TEST((verifier.verify("alice@example.org", "battery staple").status == Status::Ok));
  BOOST_CHECK_THROW(admin.setPassword("nobody@example.org", "battery staple"), postern::core::NotFound);
  BOOST_CHECK_THROW(admin.setPassword("alice@example.org", "short"), postern::core::InvalidValue);
}

BOOST_FIXTURE_TEST_CASE(disable_and_enable_control_login, Fixture) {
  admin.setEnabled("alice@example.org", false);
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Failed));
  admin.setEnabled("alice@example.org", true);
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Ok));
}

BOOST_FIXTURE_TEST_CASE(deleted_user_cannot_log_in, Fixture) {
  admin.remove("alice@example.org");
  BOOST_TEST(admin.list().empty());
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").reason == FailureReason::UnknownUser));
}

BOOST_FIXTURE_TEST_CASE(addresses_managed_by_admin_drive_the_sender_policy, Fixture) {
  SenderPolicy policy(users);
  const auto alice = *postern::mail::parseMailbox("alice@example.org");
  BOOST_TEST(!policy.mayUse("alice@example.org", alice));
  admin.addAddress("alice@example.org", "Alice@Example.org");
  admin.addAddress("alice@example.org", "@sales.example.org");
  BOOST_TEST(admin.addresses("alice@example.org") ==
             (std::vector<std::string>{"@sales.example.org", "alice@example.org"}));
  BOOST_TEST(policy.mayUse("ALICE@example.org", alice));
  BOOST_TEST(
      policy.sendersFor("alice@example.org").allows(*postern::mail::parseMailbox("x@sales.example.org")));
  admin.removeAddress("alice@example.org", "alice@example.org");
  BOOST_TEST(!policy.mayUse("alice@example.org", alice));
}

BOOST_FIXTURE_TEST_CASE(a_search_pages_the_matching_users_with_their_addresses_and_counts_them_all, Fixture) {
  for (const std::string name : {"anna", "bert", "carl", "dora", "emil"})
    users.createUser(name + "@example.org", "$argon2id$x",
                     {name + "@example.org", "@" + name + ".example.net"});
  users.createUser("zoe@other.test", "$argon2id$x", {"zoe@other.test"});
  const auto page = admin.search("EXAMPLE.org", 2, 2);  // the fixture's alice@example.org comes first
  BOOST_TEST(page.total == 6u);
  BOOST_REQUIRE_EQUAL(page.users.size(), 2u);
  BOOST_TEST(page.users[0].login == "bert@example.org");
  BOOST_TEST(page.users[1].login == "carl@example.org");
  const std::vector<std::string> bert{"@bert.example.net", "bert@example.org"};
  BOOST_TEST(page.users[0].addresses == bert, boost::test_tools::per_element());
  BOOST_TEST(admin.search("", 0, 0).users.size() == 7u);
  BOOST_TEST(admin.search("%", 0, 50).total == 0u);  // no SQL wildcard
  BOOST_TEST(admin.search("zoe", 5, 50).users.empty());
  BOOST_TEST(admin.search("zoe", 5, 50).total == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_unfiltered_page_counts_every_user_and_keeps_those_without_addresses, Fixture) {
  users.createUser("bert@example.org", "$argon2id$x", {"bert@example.org", "@bert.example.net"});
  users.createUser("carl@example.org", "$argon2id$x");
  users.createUser("dora@example.org", "$argon2id$x", {"dora@example.org"});
  const auto page = admin.search("", 1, 2);  // the fixture's alice@example.org comes first
  BOOST_TEST(page.total == 4u);
  BOOST_REQUIRE_EQUAL(page.users.size(), 2u);
  BOOST_TEST(page.users[0].login == "bert@example.org");
  BOOST_TEST(page.users[0].addresses.size() == 2u);
  BOOST_TEST(page.users[1].login == "carl@example.org");
  BOOST_TEST(page.users[1].addresses.empty());
}

BOOST_AUTO_TEST_SUITE_END()
