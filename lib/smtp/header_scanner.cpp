#include "smtp/header_scanner.h"

#include <utility>

#include "core/text.h"

namespace postern::smtp {

namespace {

// RFC 5322 §2.2: ftext = %d33-57 / %d59-126 (printable US-ASCII but ":").
bool isFtext(char c) { return c >= 33 && c <= 126 && c != ':'; }

// field-name ":" at the start of the line, with obs-optional's whitespace before the colon (RFC 5322
// §4.5.4, tolerated as field() does).
bool startsWithField(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && isFtext(text[i])) ++i;
  if (i == 0) return false;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i < text.size() && text[i] == ':';
}

// RFC 5322 §2.2 allows no controls in a field but TAB (obs-utext's NO-WS-CTL are obsolete). Readers that
// drop NUL or stop at it would read "From\0: x" as another From than this scanner does. A CR here is a
// bare one (feed() removed the CR of each CRLF): the DataReader refuses it before this rule is asked.
bool hasControl(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

HeaderScanner::HeaderScanner(std::size_t maxHeaderSection) : budget_(maxHeaderSection) {}

void HeaderScanner::feed(std::string_view bytes) {
  while (!done_ && !bytes.empty()) {
    const std::size_t lf = bytes.find('\n');
    const std::size_t take = lf == std::string_view::npos ? bytes.size() : lf + 1;
    if (take > budget_) {
      // The rules below need the whole header section; one we cannot hold is refused, not half-checked.
      tooLarge_ = true;
      done_ = true;
      return;
    }
    budget_ -= take;
    partial_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (lf == std::string_view::npos) return;
    std::string_view text(partial_);
    text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line(text);
    partial_.clear();
  }
}

void HeaderScanner::finish() {
  if (done_) return;
  if (!partial_.empty()) line(partial_);
  partial_.clear();
  field();
  done_ = true;
}

void HeaderScanner::line(std::string_view text) {
  if (hasControl(text)) sawControlCharacter_ = true;
  const bool first = std::exchange(firstLine_, false);
  // Postern prepends its own fields (Received, Date, Message-ID) right before the client's first line: a
  // first line starting with whitespace would be read as a continuation of Postern's last field, and a
  // line that is no field would end the header section for some readers. The first line must be a field.
  if (first && !text.empty() && !startsWithField(text)) firstLineIsNotAField_ = true;
  if (text.empty()) {  // RFC 5322 §2.1: the empty line ends the header section
    field();
    done_ = true;
    return;
  }
  if (text.front() == ' ' || text.front() == '\t') {
    // RFC 5322 §2.2.3: unfolding removes the CRLF before the whitespace, keeping the whitespace.
    if (!field_.empty()) field_.append(text);
    return;
  }
  field();
  field_.assign(text);
}

void HeaderScanner::field() {
  if (field_.empty()) return;
  const std::size_t colon = field_.find(':');
  if (colon != std::string::npos) {
    // RFC 5322 §4.5.4 obs-optional allows whitespace before the colon; senders use it to slip a field
    // past strict scanners, so it is tolerated here and the field still counts.
    const std::string_view name = core::trim(std::string_view(field_).substr(0, colon));
    const std::string value(core::trim(std::string_view(field_).substr(colon + 1)));
    if (core::iequalsAscii(name, "From"))
      from_.push_back(value);
    else if (core::iequalsAscii(name, "Sender"))
      sender_.push_back(value);
    else if (core::iequalsAscii(name, "Reply-To"))
      replyTo_.push_back(value);
    else if (core::iequalsAscii(name, "Resent-From"))
      resentFrom_.push_back(value);
    else if (core::iequalsAscii(name, "Resent-Sender"))
      resentSender_.push_back(value);
    else if (core::iequalsAscii(name, "Date"))
      hasDate_ = true;
    else if (core::iequalsAscii(name, "Message-ID"))
      hasMessageId_ = true;
  }
  // A line with no colon is not a field (an mbox "From " line, garbage); later lines are still fields to
  // every reader that skips it, so scanning goes on. (Not on the first line: see line().)
  field_.clear();
}

}  // namespace postern::smtp
