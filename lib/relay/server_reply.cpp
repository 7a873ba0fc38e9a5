#include "relay/server_reply.h"

#include "core/text.h"

namespace postern::relay {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

using core::printable;

std::string ServerReply::oneLine() const {
  std::string out = std::to_string(code);
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    out += ' ';
    out += printable(line);
    if (out.size() >= kMaxRenderedLength) break;
  }
  if (out.size() > kMaxRenderedLength) {
    std::size_t cut = kMaxRenderedLength;
    while (cut > 0 && isUtf8Continuation(out[cut])) --cut;  // keep whole characters: the cut stays printable
    out.resize(cut);
  }
  return out;
}

std::optional<ServerReply> ReplyAssembler::feed(std::string_view line) {
  // RFC 5321 §4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
  if (line.size() < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) || line[0] < '2' ||
      line[0] > '5')
    throw ProtocolError("malformed reply line '" + printable(line.substr(0, 80)) + "'");
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-')
    throw ProtocolError("malformed reply line '" + printable(line.substr(0, 80)) + "'");
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!pending_.lines.empty() && code != pending_.code)
    throw ProtocolError("reply code changed from " + std::to_string(pending_.code) + " to " +
                        std::to_string(code) + " within one reply");
  if (pending_.lines.size() >= kMaxReplyLines)
    throw ProtocolError("reply longer than " + std::to_string(kMaxReplyLines) + " lines");
  pending_.code = code;
  pending_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  if (line.size() > 3 && line[3] == '-') return std::nullopt;
  ServerReply done = std::move(pending_);
  pending_ = ServerReply{};
  return done;
}

}  // namespace postern::relay
