#include "smtp/line_reader.h"

#include <algorithm>

#include "core/text.h"

namespace postern::smtp {

namespace {
constexpr std::string_view kSpecial("\r\n\0", 3);

// Whether the line that starts with held + more is an AUTH command, which may be longer.
bool isAuthLine(const std::string& held, std::string_view more) {
  constexpr std::string_view kAuth = "AUTH ";
  if (held.size() >= kAuth.size()) return core::istartsWithAscii(held, kAuth);
  std::string head = held;
  head.append(more.substr(0, kAuth.size() - held.size()));
  return core::istartsWithAscii(head, kAuth);
}
}  // namespace

void LineReader::markDefect(CommandLine::Defect d) {
  // The first defect is reported: later ones on the same line add nothing the client can act on.
  if (defect_ == CommandLine::Defect::None) defect_ = d;
}

std::size_t LineReader::consume(std::string_view bytes, std::size_t limit, std::size_t authLimit) {
  std::size_t i = 0;
  const auto finish = [&]() {
    complete_ = CommandLine{std::move(buf_), defect_};
    buf_.clear();
    defect_ = CommandLine::Defect::None;
    pendingCr_ = false;
    return i;
  };
  while (i < bytes.size()) {
    if (pendingCr_) {
      if (bytes[i] == '\n') {
        ++i;
        return finish();
      }
      pendingCr_ = false;
      markDefect(CommandLine::Defect::BareCrOrLf);
      continue;  // this byte is ordinary or special; look at it again below
    }
    const char c = bytes[i];
    if (c == '\r') {
      pendingCr_ = true;
      ++i;
    } else if (c == '\n') {
      markDefect(CommandLine::Defect::BareCrOrLf);
      ++i;
      return finish();  // recover at the bare LF rather than swallow the next command
    } else if (c == '\0') {
      markDefect(CommandLine::Defect::Nul);
      ++i;
    } else {
      std::size_t end = bytes.find_first_of(kSpecial, i);
      if (end == std::string_view::npos) end = bytes.size();
      const std::size_t max = (isAuthLine(buf_, bytes.substr(i, end - i)) ? authLimit : limit) - 2;
      const std::size_t room = buf_.size() < max ? max - buf_.size() : 0;
      if (end - i > room) markDefect(CommandLine::Defect::TooLong);
      // Never more than the limit is held; the rest of a too-long line is dropped up to its end.
      buf_.append(bytes.substr(i, std::min(end - i, room)));
      i = end;
    }
  }
  return i;
}

std::optional<CommandLine> LineReader::takeLine() {
  auto out = std::move(complete_);
  complete_.reset();
  return out;
}

void LineReader::clear() {
  complete_.reset();
  buf_.clear();
  pendingCr_ = false;
  defect_ = CommandLine::Defect::None;
}

}  // namespace postern::smtp
