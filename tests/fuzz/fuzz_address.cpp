// The address grammar: RFC 5321 mailboxes (with and without SMTPUTF8), RFC 5322 address lists with and
// without display names, and EHLO names.
// Properties: a mailbox that parses re-serialises (Address::str) and re-parses to the same value, with
// the same comparison key; both list parsers agree on the addresses; a list rebuilt from its parsed
// addresses as "<a>, <b>" parses back to the same addresses; a mailbox accepted without SMTPUTF8 is ASCII
// and is accepted with it too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "mail/address.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

bool ascii(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

void checkMailbox(std::string_view text, bool smtputf8) {
  const auto a = mail::parseMailbox(text, smtputf8);
  if (!a) return;
  FUZZ_CHECK(!a->local.empty() && !a->domain.empty(), escaped(text));
  if (!smtputf8) {
    FUZZ_CHECK(ascii(a->str()), escaped(text));
    FUZZ_CHECK(mail::parseMailbox(text, true) == a, escaped(text));
  }
  const std::string again = a->str();
  const auto b = mail::parseMailbox(again, smtputf8);
  FUZZ_CHECK(b.has_value(), escaped(text) + " -> " + escaped(again));
  FUZZ_CHECK(*b == *a && b->key() == a->key(), escaped(text) + " -> " + escaped(again));
  (void)mail::isPlainAddress(*a);
}

void checkList(std::string_view text) {
  const auto list = mail::parseAddressList(text);
  const auto named = mail::parseNamedAddressList(text);
  FUZZ_CHECK(list.has_value() == named.has_value(), escaped(text));
  if (!list) return;
  FUZZ_CHECK(list->size() == named->mailboxes.size(), escaped(text));
  std::string rebuilt;
  for (std::size_t i = 0; i < list->size(); ++i) {
    FUZZ_CHECK((*list)[i] == named->mailboxes[i].address, escaped(text));
    if (i) rebuilt += ", ";
    rebuilt += "<" + (*list)[i].str() + ">";
  }
  if (list->empty()) return;  // only empty groups: nothing to rebuild
  const auto again = mail::parseAddressList(rebuilt);
  FUZZ_CHECK(again.has_value() && *again == *list, escaped(text) + " -> " + escaped(rebuilt));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  checkMailbox(text, false);
  checkMailbox(text, true);
  checkList(text);
  (void)mail::isHeloName(text);
  return 0;
}
