// The session's header scanner (smtp::HeaderScanner) on arbitrary message bytes.
// Properties: what it reports does not depend on how the bytes are chunked; it never reports more than
// it was allowed to read (a message whose header section exceeds the budget is tooLarge, and a budget
// that holds the whole section gives the same fields as an unlimited one); the field bodies it keeps
// hold no LF, and a CR only with the control character reported; and for a header section of CRLF lines every
// From field the DKIM signer's parser (dkim::parseHeaderSection) sees is one the scanner saw too, so the From
// the session ruled on is the From that gets signed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/text.h"
#include "dkim/header_fields.h"
#include "fuzz_check.h"
#include "smtp/header_scanner.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

struct Seen {
  bool tooLarge, hasDate, hasMessageId, firstLineIsNotAField, sawControl;
  std::vector<std::string> from, sender, replyTo, resentFrom, resentSender;
  bool operator==(const Seen&) const = default;
};

Seen scan(std::string_view bytes, std::size_t budget, std::size_t chunk) {
  smtp::HeaderScanner s(budget);
  for (std::size_t i = 0; i < bytes.size(); i += chunk) s.feed(bytes.substr(i, chunk));
  s.finish();
  return Seen{s.tooLarge(), s.hasDate(), s.hasMessageId(), s.firstLineIsNotAField(), s.sawControlCharacter(),
              s.from(),     s.sender(),  s.replyTo(),      s.resentFrom(),           s.resentSender()};
}

// The header section as the DKIM parser delimits it: up to the first empty CRLF line.
std::string_view headerSection(std::string_view bytes) {
  if (bytes.starts_with("\r\n")) return {};
  const std::size_t end = bytes.find("\r\n\r\n");
  return end == std::string_view::npos ? bytes : bytes.substr(0, end + 2);
}

// No CR or LF except in CRLF pairs: what the DataReader lets through to both parsers.
bool onlyCrlf(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t chunk = 1 + data[0] % 19;
  const std::size_t budget = data[1] * 4;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Seen unlimited = scan(bytes, bytes.size() + 1, bytes.size() + 1);
  FUZZ_CHECK(!unlimited.tooLarge, escaped(bytes));
  FUZZ_CHECK(scan(bytes, bytes.size() + 1, chunk) == unlimited,
             "chunk " + std::to_string(chunk) + ": " + escaped(bytes));
  const Seen limited = scan(bytes, budget, chunk);
  FUZZ_CHECK(limited == scan(bytes, budget, bytes.size() + 1),
             "chunk " + std::to_string(chunk) + ": " + escaped(bytes));
  if (!limited.tooLarge)
    FUZZ_CHECK(limited == unlimited, "budget " + std::to_string(budget) + ": " + escaped(bytes));
  for (const auto* list : {&unlimited.from, &unlimited.sender, &unlimited.replyTo, &unlimited.resentFrom,
                           &unlimited.resentSender})
    for (const auto& body : *list) {
      // Lines end at LF; a CR left in a body was a bare one, which the DataReader refuses and the scanner
      // reports as a control character.
      FUZZ_CHECK(body.find('\n') == std::string::npos, escaped(body));
      if (body.find('\r') != std::string::npos) FUZZ_CHECK(unlimited.sawControl, escaped(body));
    }

  const std::string_view section = headerSection(bytes);
  if (onlyCrlf(section)) {
    std::size_t dkimFroms = 0;
    for (const auto& f : dkim::parseHeaderSection(section)) dkimFroms += core::iequalsAscii(f.name, "From");
    FUZZ_CHECK(dkimFroms <= unlimited.from.size(), escaped(section));
  }
  return 0;
}
