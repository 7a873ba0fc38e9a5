// smtp::HeaderScanner — watches the message as it streams past and keeps the few header fields the
// session rules on (From, Sender, Reply-To, Resent-From, Resent-Sender), notes whether Date and Message-ID
// are present, and notes what would let another reader see a different header section than this one: a first
// line that is no field (a line starting with whitespace would continue the fields Postern prepends) and
// control characters. It never holds more than the configured header budget, and stops looking at the
// first empty line.
//
// Implements: RFC 5322 §2.2 (field syntax: field-name is printable ASCII but ":"), §2.2.3 (unfolding),
// §3.6 (From, Sender, Reply-To, Date, Message-ID; field names case-insensitive), §3.6.6 (Resent-From,
// Resent-Sender). Must not know: addresses policy, replies, the spool.
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postern::smtp {

class HeaderScanner {
 public:
  explicit HeaderScanner(std::size_t maxHeaderSection);

  // Message bytes in any chunking; lines end at LF (a preceding CR is dropped).
  void feed(std::string_view bytes);
  // The message ended; a header section without a body ends here.
  void finish();

  bool tooLarge() const { return tooLarge_; }
  // Unfolded field bodies, in order of appearance.
  const std::vector<std::string>& from() const { return from_; }
  const std::vector<std::string>& sender() const { return sender_; }
  const std::vector<std::string>& replyTo() const { return replyTo_; }
  const std::vector<std::string>& resentFrom() const { return resentFrom_; }
  const std::vector<std::string>& resentSender() const { return resentSender_; }
  bool hasDate() const { return hasDate_; }
  bool hasMessageId() const { return hasMessageId_; }
  // The first line is not empty and is no field (name ":" ...): it starts with whitespace, or has no
  // field name before a colon.
  bool firstLineIsNotAField() const { return firstLineIsNotAField_; }
  // A C0 control other than TAB, or DEL, somewhere in the header section (NUL included).
  bool sawControlCharacter() const { return sawControlCharacter_; }

 private:
  void line(std::string_view text);
  void field();

  std::size_t budget_;  // header octets still allowed
  bool done_ = false;   // the empty line was seen (or the budget ran out)
  bool tooLarge_ = false;
  bool firstLine_ = true;
  bool firstLineIsNotAField_ = false;
  bool sawControlCharacter_ = false;
  std::string partial_;  // the current line up to now
  std::string field_;    // the current field, unfolded, waiting for a possible continuation line
  std::vector<std::string> from_;
  std::vector<std::string> sender_;
  std::vector<std::string> replyTo_;
  std::vector<std::string> resentFrom_;
  std::vector<std::string> resentSender_;
  bool hasDate_ = false;
  bool hasMessageId_ = false;
};

}  // namespace postern::smtp
