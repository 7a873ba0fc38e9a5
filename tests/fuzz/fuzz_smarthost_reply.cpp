// The smarthost's replies as the relay client reads them (RFC 5321 §4.2): the input is split into lines at
// LF (a CR before it dropped, as the socket reader does) and fed to a ReplyAssembler; after a
// ProtocolError the connection would be dropped, so a fresh assembler takes the following lines.
// Properties: a finished reply has a code 200..599, one to kMaxReplyLines lines, and its last line fed was
// "NNN" or "NNN text"; oneLine() starts with the code, is at most kMaxRenderedLength bytes and is already
// printable (core::printable leaves it unchanged), so it is safe as a recipient's result.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "fuzz_check.h"
#include "relay/server_reply.h"

using namespace postern;
using postern::fuzz::escaped;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  relay::ReplyAssembler assembler;
  std::size_t linesInReply = 0;
  while (!in.empty()) {
    std::string_view line = in.until('\n');
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > relay::kMaxReplyLineLength) line = line.substr(0, relay::kMaxReplyLineLength);
    try {
      ++linesInReply;
      const auto reply = assembler.feed(line);
      if (!reply) continue;
      FUZZ_CHECK(reply->code >= 200 && reply->code <= 599, escaped(line));
      FUZZ_CHECK(!reply->lines.empty() && reply->lines.size() <= relay::kMaxReplyLines, escaped(line));
      FUZZ_CHECK(reply->lines.size() == linesInReply, escaped(line));
      FUZZ_CHECK(line.size() == 3 || line[3] == ' ', escaped(line));
      const int categories =
          reply->positive() + reply->intermediate() + reply->transient() + reply->permanent();
      FUZZ_CHECK(categories == 1, escaped(line));
      const std::string one = reply->oneLine();
      FUZZ_CHECK(one.size() <= relay::kMaxRenderedLength, escaped(one));
      FUZZ_CHECK(one.compare(0, 3, std::to_string(reply->code)) == 0, escaped(one));
      FUZZ_CHECK(core::printable(one) == one, escaped(one));
      linesInReply = 0;
    } catch (const relay::ProtocolError& e) {
      FUZZ_CHECK(core::printable(e.what()) == e.what(), escaped(e.what()));
      assembler = relay::ReplyAssembler();
      linesInReply = 0;
    }
  }
  return 0;
}
