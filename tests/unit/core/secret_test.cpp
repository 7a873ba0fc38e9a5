// core::SecretString: its bytes are zero before its heap buffer is given back (observed through this test
// program's own operator delete), a short secret leaves nothing in the object it lived in, a moved-from
// secret is empty and keeps no copy, reassignment wipes the previous value, and the std::string handed
// over keeps no copy either.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include "core/secret.h"

using postern::core::SecretString;

namespace {

// The heap buffer a test watches, and what its bytes were when it was given back.
struct Watched {
  const void* buffer = nullptr;
  std::size_t size = 0;
  bool freed = false;
  bool allZero = false;
};
Watched watched;

void watch(const SecretString& secret) {
  watched = Watched{secret.str().data(), secret.str().capacity() + 1};
}

void inspect(void* p) noexcept {
  if (p == nullptr || p != watched.buffer) return;
  const auto* bytes = static_cast<const unsigned char*>(p);
  watched.allZero = std::all_of(bytes, bytes + watched.size, [](unsigned char c) { return c == 0; });
  watched.freed = true;
  watched.buffer = nullptr;
}

// Whether the second half of `secret` occurs among the raw bytes of an object (a std::string keeps a short
// text inside itself). Only the second half: a cleared string's terminator, or a shorter value written over
// the first bytes, would hide an unwiped rest from a search for the whole.
bool holds(const void* object, std::size_t size, std::string_view secret) {
  const auto* bytes = static_cast<const char*>(object);
  const std::string_view rest = secret.substr(secret.size() / 2);
  return std::search(bytes, bytes + size, rest.begin(), rest.end()) != bytes + size;
}

const std::string kLong(64, 'K');                     // on the heap
constexpr std::string_view kShort = "pin-4711-0815";  // inside the std::string object (a small string)

}  // namespace

// Replaced for the whole test program so a test can see a buffer's bytes as it is given back.
void* operator new(std::size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  inspect(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  inspect(p);
  std::free(p);
}

BOOST_AUTO_TEST_SUITE(secret_string)

BOOST_AUTO_TEST_CASE(a_secret_is_wiped_before_its_buffer_is_given_back) {
  {
    const SecretString secret(std::string{kLong});
    BOOST_TEST(secret.view() == kLong);
    watch(secret);
  }
  BOOST_TEST(watched.freed);
  BOOST_TEST(watched.allZero);
}

BOOST_AUTO_TEST_CASE(reassignment_wipes_the_previous_secret) {
  SecretString secret(std::string{kLong});
  watch(secret);
  secret = SecretString(std::string("new"));
  BOOST_TEST(watched.freed);  // given back by the assignment itself, not later
  BOOST_TEST(watched.allZero);
  BOOST_TEST(secret.view() == "new");
}

BOOST_AUTO_TEST_CASE(reassigning_a_short_secret_leaves_no_trace_of_it) {
  SecretString secret{std::string(kShort)};
  secret = SecretString(std::string("ab"));
  BOOST_TEST(!holds(&secret, sizeof secret, kShort));
  BOOST_TEST(secret.view() == "ab");
}

BOOST_AUTO_TEST_CASE(a_short_secret_leaves_nothing_in_the_object_it_lived_in) {
  alignas(SecretString) unsigned char storage[sizeof(SecretString)];
  auto* secret = new (storage) SecretString(std::string(kShort));
  BOOST_TEST(holds(storage, sizeof storage, kShort));  // the small-string buffer is inside the object
  secret->~SecretString();
  BOOST_TEST(!holds(storage, sizeof storage, kShort));
}

BOOST_AUTO_TEST_CASE(a_moved_from_secret_is_empty_and_keeps_no_copy) {
  SecretString source{std::string(kShort)};
  const SecretString target(std::move(source));
  BOOST_TEST(target.view() == kShort);
  BOOST_TEST(source.empty());  // NOLINT(bugprone-use-after-move): the rule under test
  BOOST_TEST(!holds(&source, sizeof source, kShort));

  SecretString assigned;
  SecretString from{std::string(kShort)};
  assigned = std::move(from);
  BOOST_TEST(assigned.view() == kShort);
  BOOST_TEST(from.empty());  // NOLINT(bugprone-use-after-move)
  BOOST_TEST(!holds(&from, sizeof from, kShort));
}

BOOST_AUTO_TEST_CASE(the_string_handed_over_keeps_no_copy) {
  std::string text(kShort);
  const SecretString secret(std::move(text));
  BOOST_TEST(secret.view() == kShort);
  BOOST_TEST(text.empty());  // NOLINT(bugprone-use-after-move)
  BOOST_TEST(!holds(&text, sizeof text, kShort));
}

BOOST_AUTO_TEST_CASE(a_secret_built_at_its_final_size_is_filled_in_place) {
  SecretString secret = SecretString::withSize(kLong.size());
  const char* buffer = secret.str().data();
  std::copy(kLong.begin(), kLong.end(), secret.data());
  BOOST_TEST(secret.view() == kLong);
  BOOST_TEST(static_cast<const void*>(secret.str().data()) == static_cast<const void*>(buffer));
  secret.clear();
  BOOST_TEST(secret.empty());
}

BOOST_AUTO_TEST_SUITE_END()
