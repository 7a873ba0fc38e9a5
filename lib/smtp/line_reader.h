// smtp::LineReader — frames command-mode input into lines, strictly at CRLF (RFC 5321 §2.3.8), without
// ever buffering more than one line's limit.
//
// Bare CR and bare LF are defects, never line ends, except that a bare LF ends the defective line so the
// session can recover (the SMTP smuggling class: a line must mean the same to every hop). NUL is a
// defect (RFC 5321 §4.1.1 commands are printable ASCII). A line beyond its limit is discarded up to its
// end. Must not know: commands, replies. Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace postern::smtp {

struct CommandLine {
  enum class Defect { None, BareCrOrLf, Nul, TooLong };
  std::string text;  // without the line end; incomplete when the line has a defect
  Defect defect = Defect::None;
};

class LineReader {
 public:
  // Consumes bytes up to and including the end of one line and returns how many it consumed; then
  // takeLine() yields that line. Limits count octets including CRLF. authLimit applies to lines that
  // begin with "AUTH " (RFC 4954 §4: 12288 octets for an initial response).
  std::size_t consume(std::string_view bytes, std::size_t limit, std::size_t authLimit);
  // The completed line, once; nullopt while a line is still incomplete.
  std::optional<CommandLine> takeLine();
  // Bytes of an incomplete line are held.
  bool holdsPartialLine() const {
    return !buf_.empty() || pendingCr_ || defect_ != CommandLine::Defect::None;
  }
  void clear();

 private:
  void markDefect(CommandLine::Defect d);
  std::optional<CommandLine> complete_;
  std::string buf_;
  bool pendingCr_ = false;  // the last byte was CR; whether it is bare depends on the next one
  CommandLine::Defect defect_ = CommandLine::Defect::None;
};

}  // namespace postern::smtp
