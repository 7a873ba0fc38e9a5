// smtp::HeaderScanner — watches the message as it streams past and keeps the few header fields the
// session rules on (From, Sender) and notes whether Date and Message-ID are present. It never holds more
// than the configured header budget, and stops looking at the first empty line.
//
// Implements: RFC 5322 §2.2 (field syntax), §2.2.3 (unfolding), §3.6 (From, Sender, Date, Message-ID;
// field names case-insensitive). Must not know: addresses policy, replies, the spool.
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
  bool hasDate() const { return hasDate_; }
  bool hasMessageId() const { return hasMessageId_; }

 private:
  void line(std::string_view text);
  void field();

  std::size_t budget_;  // header octets still allowed
  bool done_ = false;   // the empty line was seen (or the budget ran out)
  bool tooLarge_ = false;
  std::string partial_;  // the current line up to now
  std::string field_;    // the current field, unfolded, waiting for a possible continuation line
  std::vector<std::string> from_;
  std::vector<std::string> sender_;
  bool hasDate_ = false;
  bool hasMessageId_ = false;
};

}  // namespace postern::smtp
