// relay::ServerReply — a reply from the smarthost, and the assembler that builds one from reply lines.
//
// Owns: the reply grammar as a client reads it (RFC 5321 §4.2: "250-text" continuation lines, a final
// "250 text" or bare "250"), bounds on a reply's size so a hostile server cannot exhaust memory, and the
// one-line rendering of a reply for logs and per-recipient results. Must not know: sockets.
// Thread-safety: values; one assembler per reply being read.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace postern::relay {

// A reply that breaks the grammar or the bounds; the connection cannot be trusted afterwards.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerReply {
  int code = 0;
  std::vector<std::string> lines;  // the text after "250-" / "250 ", one entry per line

  bool positive() const { return code >= 200 && code < 300; }
  bool intermediate() const { return code >= 300 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500 && code < 600; }

  // "550 5.1.1 <bob@x>: unknown" — every line joined with a space, control characters and the like escaped
  // (core::printable), at most kMaxRenderedLength bytes (never cutting a UTF-8 character): one line, safe to
  // show and to store as a recipient's result. A log line still wants core::logValue() around it.
  std::string oneLine() const;
};

inline constexpr std::size_t kMaxReplyLineLength = 4096;  // well above RFC 5321 §4.5.3.1.5's 512
inline constexpr std::size_t kMaxReplyLines = 128;        // EHLO replies have a few dozen at most
inline constexpr std::size_t kMaxRenderedLength = 1000;

class ReplyAssembler {
 public:
  // Takes one line without its CRLF. Returns the reply once its last line has arrived. Throws
  // ProtocolError for a malformed line, a code that changes between lines, or too many lines.
  std::optional<ServerReply> feed(std::string_view line);

 private:
  ServerReply pending_;
};

}  // namespace postern::relay
